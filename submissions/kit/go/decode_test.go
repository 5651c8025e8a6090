package kit

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
)

// sameAsUnmarshal checks that decodeArgs reads raw into a fresh A as json.Unmarshal does:
// the same value (nil and empty slices told apart) and the same error.
func sameAsUnmarshal[A any](t *testing.T, raw []byte) {
	t.Helper()
	var got, want A
	gotErr := decodeArgs(raw, &got)
	wantErr := json.Unmarshal(raw, &want)
	if fmt.Sprint(gotErr) != fmt.Sprint(wantErr) {
		t.Fatalf("%T from %s: error %v, json.Unmarshal %v", got, raw, gotErr, wantErr)
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("%T from %s:\n got %#v\nwant %#v", got, raw, got, want)
	}
}

// allArgs checks every argument struct of the catalog against json.Unmarshal.
func allArgs(t *testing.T, raw []byte) {
	t.Helper()
	sameAsUnmarshal[BernoulliArgs](t, raw)
	sameAsUnmarshal[BernoulliMLEArgs](t, raw)
	sameAsUnmarshal[CrossEntropyArgs](t, raw)
	sameAsUnmarshal[QuadraticArgs](t, raw)
	sameAsUnmarshal[LogisticLossArgs](t, raw)
	sameAsUnmarshal[LogisticGradArgs](t, raw)
	sameAsUnmarshal[GDStepArgs](t, raw)
	sameAsUnmarshal[MomentumStepArgs](t, raw)
	sameAsUnmarshal[NormalizedStepArgs](t, raw)
	sameAsUnmarshal[AdamStepArgs](t, raw)
	sameAsUnmarshal[LRLinearArgs](t, raw)
	sameAsUnmarshal[LRExponentialArgs](t, raw)
	sameAsUnmarshal[TrainArgs](t, raw)
	sameAsUnmarshal[DiagnoseArgs](t, raw)
}

var argSamples = []string{
	`{"w":[1,-2,0.5],"m":[0,0,0],"v":[0,0,0],"t":3,"g":[0.1,-0.2,0.3],"lr":0.01,"beta1":0.9,"beta2":0.999,"eps":1e-8}`,
	` { "w" : [ 1 , 2 ] , "g" : [ ] , "lr" : -0.0 } `,
	`{"lam":0.25,"y":[0,1,1,0],"base":2}`,
	`{"p":0.3,"lam":0.7}`,
	`{"w":[0.5,-1],"X":[[1,2],[3,4],[]],"y":[0,1,1],"batch":[2,0]}`,
	`{"w":[1],"v":[0],"g":[2],"lr":0.1,"beta":0.9}`,
	`{"k":3,"lr0":0.1,"lr_tau":0.001,"tau":100}`,
	`{"k":-0,"lr0":1E+2,"tau":2.5e-3}`,
	`{"problem":{"kind":"logistic","X":[[1,0],[0,1]],"y":[0,1]},"optimizer":{"kind":"adam","lr":0.01,"beta1":0.9,"beta2":0.999,"eps":1e-8},"w0":[0,0],"steps":5,"batches":[[0],[1],[0,1]],"schedule":{"kind":"linear","lr_tau":0.001,"tau":4}}`,
	`{"problem":{"kind":"quadratic","a":[1,10]},"optimizer":{"kind":"gd","lr":0.1},"w0":[1,1],"steps":2,"schedule":null,"batches":null}`,
	`{"loss":[3,2,1.5,1.2],"w":[[1,2],[0.5,1]]}`,
	// What json.Unmarshal decides: other keys, repeats, escapes, other types, limits.
	`{"w":[1],"unknown":3}`,
	`{"W":[1],"G":[2],"LR":0.5}`,
	`{"w":[1],"w":[2,3]}`,
	`{"problem":{"kind":"a"},"problem":{"a":[1]}}`,
	`{"schedule":{"kind":"linear"},"schedule":{"tau":3}}`,
	`{"w":[1,null,2]}`,
	`{"lam":null,"y":null}`,
	`{"t":3.0}`, `{"t":1e2}`, `{"t":99999999999999999999}`, `{"k":"3"}`,
	`{"lr":1e400}`, `{"lr":"0.1"}`, `{"w":"oops"}`, `{"w":[[1]]}`, `{"X":[1,2]}`,
	`{"problem":{"kind":"qu\u0061dratic"}}`, `{"problem":{"kind":"é"}}`, `{"problem":{"kind":3}}`,
	`{"w":[1],}`, `{"w":[1]`, `{"w":[01]}`, `{"w":[1.]}`, `{"w":[.5]}`, `{"w":[+1]}`, `{"w":[1] x`,
	`[1,2]`, `3`, `"x"`, `{}`, `{"problem":null}`, `{"schedule":{}}`,
}

// TestDecodeArgsIsUnmarshal: the kit reads every argument struct as json.Unmarshal does,
// on the grader's usual arguments and on what it leaves to json.Unmarshal.
func TestDecodeArgsIsUnmarshal(t *testing.T) {
	for _, raw := range argSamples {
		allArgs(t, []byte(raw))
	}
	// Random numbers: every float64 bit pattern json.Unmarshal reads, in the forms JSON
	// allows, round-trips exactly.
	r := rand.New(rand.NewPCG(1, 2))
	for range 2000 {
		f := math.Float64frombits(r.Uint64())
		if math.IsNaN(f) || math.IsInf(f, 0) {
			continue
		}
		var b strings.Builder
		fmt.Fprintf(&b, `{"w":[%v,%g,%e],"lr":%v,"t":%d,"m":[],"v":[%.3f]}`, f, f, f, f, r.Int64()-r.Int64(), f)
		allArgs(t, []byte(b.String()))
	}
}

// FuzzDecodeArgs: on any input the kit reads arguments as json.Unmarshal does.
//
//	go test ./submissions/kit/go -run '^$' -fuzz FuzzDecodeArgs -fuzztime 30s
func FuzzDecodeArgs(f *testing.F) {
	for _, raw := range argSamples {
		f.Add([]byte(raw))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		allArgs(t, raw)
	})
}

// TestEncodeIsReflection: the numeric results written directly are the bytes the general
// encoder writes for them.
func TestEncodeIsReflection(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	special := []float64{0, math.Copysign(0, -1), 1, -1e-7, 1e21, 1e-320, math.MaxFloat64, math.NaN(), math.Inf(1), math.Inf(-1)}
	floats := func() []float64 {
		switch r.IntN(6) {
		case 0:
			return nil
		case 1:
			return []float64{}
		}
		xs := make([]float64, r.IntN(5))
		for i := range xs {
			if r.IntN(3) == 0 {
				xs[i] = special[r.IntN(len(special))]
			} else {
				xs[i] = math.Float64frombits(r.Uint64())
			}
		}
		return xs
	}
	for range 2000 {
		ws := [][]float64{floats(), floats()}
		if r.IntN(4) == 0 {
			ws = nil
		}
		for _, v := range []any{
			floats()[:0:0], special[r.IntN(len(special))], r.NormFloat64(), floats(),
			AdamStepResult{W: floats(), M: floats(), V: floats()},
			MomentumStepResult{W: floats(), V: floats()},
			TrainResult{W: ws, Loss: floats()},
		} {
			var got, want bytes.Buffer
			if err := encode(&got, v); err != nil {
				t.Fatal(err)
			}
			if err := encodeValue(&want, reflect.ValueOf(v), 0); err != nil {
				t.Fatal(err)
			}
			if got.String() != want.String() {
				t.Fatalf("%#v: wrote %s, the general encoder %s", v, got.String(), want.String())
			}
		}
	}
}
