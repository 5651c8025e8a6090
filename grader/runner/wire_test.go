package runner

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/optgrade/optgrade/reference"
)

func TestWireEncodeRequest(t *testing.T) {
	tests := []struct {
		name    string
		id      int64
		fn      string
		args    reference.Args
		want    string
		wantErr bool
	}{
		{name: "nil args", id: 0, fn: "hello", want: `{"id":0,"fn":"hello","args":{}}`},
		{name: "hello", id: 0, fn: "hello", args: reference.Args{"protocol": 1}, want: `{"id":0,"fn":"hello","args":{"protocol":1}}`},
		{
			name: "typed values, sorted keys", id: 7, fn: "adam_step",
			args: reference.Args{"w": []float64{1, 2.5}, "t": 3, "batch": [][]int{{0, 1}}, "opt": reference.Args{"kind": "adam<&>"}},
			want: `{"id":7,"fn":"adam_step","args":{"batch":[[0,1]],"opt":{"kind":"adam<&>"},"t":3,"w":[1,2.5]}}`,
		},
		{name: "NaN is refused", id: 1, fn: "gd_step", args: reference.Args{"lr": math.NaN()}, wantErr: true},
		{name: "Inf is refused", id: 1, fn: "gd_step", args: reference.Args{"w": []float64{math.Inf(1)}}, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			prefix := []byte("previous\n")
			got, err := appendRequest(prefix, tt.id, tt.fn, tt.args)
			if tt.wantErr {
				if err == nil {
					t.Fatalf("no error, line %q", got)
				}
				if string(got) != string(prefix) {
					t.Errorf("buffer changed on error: %q", got)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if want := "previous\n" + tt.want + "\n"; string(got) != want {
				t.Errorf("got  %q\nwant %q", got, want)
			}
		})
	}
}

// show prints a decoded value with NaN and infinities visible, map keys sorted.
func show(v any) string { return fmt.Sprintf("%#v", v) }

func TestWireDecodeResponse(t *testing.T) {
	nan, inf := math.NaN(), math.Inf(1)
	tests := []struct {
		name   string
		line   string
		ok     bool
		id     int64
		result any
		err    string
		near   string // substring of the near-miss reason
		bad    bool   // a response refused by the decode limits
	}{
		{name: "scalar", line: `{"id": 7, "result": 0.25}`, ok: true, id: 7, result: 0.25},
		{name: "vector", line: `{"id":1,"result":[1,2,3]}` + "\r\n", ok: true, id: 1, result: []any{1.0, 2.0, 3.0}},
		{name: "object", line: ` {"id": 2, "result": {"w": [1], "m": [0.5]}} `, ok: true, id: 2, result: map[string]any{"w": []any{1.0}, "m": []any{0.5}}},
		{name: "null result", line: `{"id": 3, "result": null}`, ok: true, id: 3, result: nil},
		{name: "label", line: `{"id": 3, "result": "converged"}`, ok: true, id: 3, result: "converged"},
		{name: "error", line: `{"id": 4, "error": "NotImplementedError: adam_step"}`, ok: true, id: 4, err: "NotImplementedError: adam_step"},
		{name: "empty error", line: `{"id": 4, "error": ""}`, ok: true, id: 4, err: "(an empty error message)"},
		{name: "bare tokens", line: `{"id": 5, "result": [NaN, Infinity, -Infinity, -1e3]}`, ok: true, id: 5, result: []any{nan, inf, -inf, -1000.0}},
		{name: "bare NaN scalar", line: `{"id":5,"result":NaN}`, ok: true, id: 5, result: nan},
		{name: "bare tokens nested", line: `{"id": 5, "result": {"w": [[NaN], [-Infinity]], "loss": Infinity}}`, ok: true, id: 5,
			result: map[string]any{"w": []any{[]any{nan}, []any{-inf}}, "loss": inf}},
		{name: "token strings", line: `{"id": 6, "result": ["NaN", "Infinity", "-Infinity", "nan", "inf"]}`, ok: true, id: 6, result: []any{nan, inf, -inf, "nan", "inf"}},
		{name: "token words inside strings stay", line: `{"id": 6, "result": ["is NaN", "Infinity!", "x\"NaN"], "note": "NaN Infinity"}`, ok: true, id: 6, result: []any{"is NaN", "Infinity!", `x"NaN`}},
		{name: "escaped quote then token", line: `{"id": 6, "result": ["\\", NaN]}`, ok: true, id: 6, result: []any{`\`, nan}},
		{name: "error strings never convert", line: `{"id": 6, "error": "NaN"}`, ok: true, id: 6, err: "NaN"},
		{name: "extra keys ignored", line: `{"id": 8, "result": 1, "language": "python"}`, ok: true, id: 8, result: 1.0},
		{name: "integral float id", line: `{"id": 9.0, "result": 1}`, ok: true, id: 9, result: 1.0},
		{name: "big id", line: `{"id": 123456789012, "result": 1}`, ok: true, id: 123456789012, result: 1.0},

		{name: "plain print", line: `hello world`},
		{name: "empty", line: ``},
		{name: "array", line: `[1, 2]`},
		{name: "python dict repr", line: `{'id': 1, 'result': 2}`},
		{name: "no id", line: `{"result": 1}`},
		{name: "truncated", line: `{"id": 1, "result": [1, 2`},
		{name: "both", line: `{"id": 1, "result": 1, "error": "x"}`, near: "both"},
		{name: "neither", line: `{"id": 1}`, near: "neither"},
		{name: "string id", line: `{"id": "1", "result": 1}`, near: "not a non-negative integer"},
		{name: "negative id", line: `{"id": -1, "result": 1}`, near: "not a non-negative integer"},
		{name: "fractional id", line: `{"id": 1.5, "result": 1}`, near: "not a non-negative integer"},
		{name: "NaN id", line: `{"id": NaN, "result": 1}`, near: "not a non-negative integer"},
		{name: "error not a string", line: `{"id": 1, "error": 3}`, near: "not a string"},
		{name: "trailing garbage", line: `{"id": 1, "result": 1} x`},
		{name: "two objects", line: `{"id": 1, "result": 1}{"id": 2, "result": 2}`},
		{name: "bad token", line: `{"id": 1, "result": Nan}`},
		{name: "token glued", line: `{"id": 1, "result": NaNa}`},

		// Over the limits, or beyond float64: refused by name, never a stray print (which
		// used to end as "timed out").
		{name: "1e400", line: `{"id": 1, "result": [1e400]}`, bad: true, near: "the number 1e400, beyond the range of a float64"},
		{name: "-1e400", line: `{"id": 1, "result": -1e400}`, bad: true, near: "beyond the range"},
		{name: "1e-400 is zero", line: `{"id": 1, "result": 1e-400}`, ok: true, id: 1, result: 0.0},
		{name: "deep", line: `{"id": 1, "result": ` + strings.Repeat("[", 20000) + strings.Repeat("]", 20000) + `}`, bad: true, near: "nested deeper than 100 levels"},
		{name: "depth 99 is fine", line: `{"id": 1, "result": ` + strings.Repeat("[", 99) + strings.Repeat("]", 99) + `}`, ok: true, id: 1,
			result: func() any {
				var v any = []any{}
				for range 98 {
					v = []any{v}
				}
				return v
			}()},
		{name: "many values", line: `{"id": 1, "result": [` + strings.Repeat("[],", MaxValues) + `[]]}`, bad: true, near: "more than 1048576 values"},
		{name: "long string", line: `{"id": 1, "result": "` + strings.Repeat("x", 40<<20) + `"}`, bad: true, near: "more than"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, kind, near, _ := decodeResponse([]byte(tt.line), MaxValues)
			ok := kind == isResponse
			if (kind == badResponse) != tt.bad {
				t.Fatalf("kind = %v, want bad %v (near %q)", kind, tt.bad, near)
			}
			if ok != tt.ok {
				t.Fatalf("ok = %v, want %v (resp %+v, near %q)", ok, tt.ok, resp, near)
			}
			if !strings.Contains(near, tt.near) || (tt.near == "" && near != "") {
				t.Errorf("near = %q, want it to contain %q", near, tt.near)
			}
			if !ok {
				return
			}
			if resp.ID != tt.id {
				t.Errorf("id = %d, want %d", resp.ID, tt.id)
			}
			if tt.err != "" {
				if !resp.IsErr || resp.Err != tt.err {
					t.Errorf("err = %q (IsErr %v), want %q", resp.Err, resp.IsErr, tt.err)
				}
				return
			}
			if resp.IsErr {
				t.Fatalf("unexpected error %q", resp.Err)
			}
			if got, want := show(resp.Result), show(tt.result); got != want {
				t.Errorf("result = %s, want %s", got, want)
			}
		})
	}
}

func FuzzWireDecodeResponse(f *testing.F) {
	for _, s := range []string{
		`{"id": 7, "result": 0.25}`,
		`{"id": 5, "result": [NaN, Infinity, -Infinity]}`,
		`{"id": 6, "result": ["NaN", "x\"NaN", {"a": -Infinity}]}`,
		`{"id": 4, "error": "NotImplementedError"}`,
		`{"id": 1, "result": 1, "error": "x"}`,
		`{"id": "1", "result": 1}`,
		`{"id": 1e300, "result": 1}`,
		`{"id": -0, "result": -}`,
		`{"id": 1, "result": "\`,
		`{"id":1,"result":[[[[[[[[[[]]]]]]]]]]}`,
		`print("hello")`,
		"{\"id\": 1, \"result\": \"\xff\xfe\"}",
		`{`, `}`, `{}`, `-`, `NaN`, `-Infinity`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, line []byte) {
		orig := bytes.Clone(line)
		resp, kind, near, spent := decodeResponse(line, 1000)
		if !bytes.Equal(line, orig) {
			t.Fatalf("the line was changed")
		}
		if spent < 0 {
			t.Errorf("spent %d", spent)
		}
		switch kind {
		case isResponse:
			if near != "" {
				t.Errorf("a response with a near-miss reason %q", near)
			}
			if resp.ID < 0 {
				t.Errorf("negative id %d", resp.ID)
			}
			if resp.IsErr == (resp.Err == "") {
				t.Errorf("IsErr %v with Err %q", resp.IsErr, resp.Err)
			}
		case badResponse:
			if near == "" {
				t.Errorf("refused without a reason")
			}
		}
		// Without the letters N and I (no non-finite tokens or strings), the decoder agrees
		// with encoding/json: it accepts only valid JSON, and reads the same result.
		if bytes.ContainsAny(line, "NI") {
			return
		}
		var obj map[string]any
		jsonErr := json.Unmarshal(line, &obj)
		if kind == isResponse {
			if jsonErr != nil {
				t.Fatalf("accepted %q, which encoding/json refuses: %v", line, jsonErr)
			}
			if !resp.IsErr && show(resp.Result) != show(obj["result"]) {
				t.Errorf("result %s, encoding/json reads %s", show(resp.Result), show(obj["result"]))
			}
		}
		if jsonErr == nil && obj != nil && kind == notResponse {
			if _, hasID := obj["id"]; hasID && near == "" && spent <= 1000 {
				if _, hasRes := obj["result"]; hasRes {
					if _, hasErr := obj["error"]; !hasErr {
						t.Errorf("a valid response %q read as a print", line)
					}
				}
			}
		}
	})
}

// BenchmarkWire measures the grader's own cost per call of the protocol: one adam_step
// request encoded and its answer decoded, without a process.
func BenchmarkWire(b *testing.B) {
	args := reference.Args{"w": []float64{1, 2, 3, 4}, "g": []float64{0.1, 0.2, 0.3, 0.4}, "m": []float64{0, 0, 0, 0}, "v": []float64{0, 0, 0, 0}, "t": 3, "lr": 0.001, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8}
	answer := []byte(`{"id": 7, "result": {"w": [0.999, 1.999, 2.999, 3.999], "m": [0.01, 0.02, 0.03, 0.04], "v": [1e-05, 4e-05, 9e-05, 0.00016]}}` + "\n")
	var buf []byte
	b.ReportAllocs()
	for b.Loop() {
		var err error
		if buf, err = appendRequest(buf[:0], 7, "adam_step", args); err != nil {
			b.Fatal(err)
		}
		if _, kind, _, _ := decodeResponse(answer, MaxValues); kind != isResponse {
			b.Fatal("not a response")
		}
	}
}

// TestWireEncodeRemembersKeys: objects with as many keys as the last one encoded, but other
// keys, are written with their own keys in order, also from several goroutines at once.
func TestWireEncodeRemembersKeys(t *testing.T) {
	objects := []struct {
		args reference.Args
		want string
	}{
		{reference.Args{"w": 1, "g": 2, "lr": 3}, `{"g":2,"lr":3,"w":1}`},
		{reference.Args{"w": 1, "v": 2, "lr": 3}, `{"lr":3,"v":2,"w":1}`},
		{reference.Args{"a": 1, "b": 2, "c": reference.Args{"x": 1, "w": 2, "g": 3}}, `{"a":1,"b":2,"c":{"g":3,"w":2,"x":1}}`},
		{reference.Args{"w": 1, "g": 2, "lr": 3}, `{"g":2,"lr":3,"w":1}`},
		{reference.Args{"lr": 1, "w": 2, "z": 3}, `{"lr":1,"w":2,"z":3}`},
	}
	done := make(chan string)
	for range 4 {
		go func() {
			var buf []byte
			for i := range 2000 {
				o := objects[i%len(objects)]
				var err error
				if buf, err = appendRequest(buf[:0], 1, "f", o.args); err != nil {
					done <- err.Error()
					return
				}
				if want := `{"id":1,"fn":"f","args":` + o.want + "}\n"; string(buf) != want {
					done <- fmt.Sprintf("got %s, want %s", buf, want)
					return
				}
			}
			done <- ""
		}()
	}
	for range 4 {
		if msg := <-done; msg != "" {
			t.Error(msg)
		}
	}
}

// TestWireDecodeArraysApart: the arrays of one answer share an allocation, but appending
// to one never changes another.
func TestWireDecodeArraysApart(t *testing.T) {
	resp, kind, _, _ := decodeResponse([]byte(`{"id":1,"result":{"w":[1,2],"m":[[3],[4,5]],"v":[6]}}`), MaxValues)
	if kind != isResponse {
		t.Fatal("not a response")
	}
	obj := resp.Result.(map[string]any)
	w, m, v := obj["w"].([]any), obj["m"].([]any), obj["v"].([]any)
	_ = append(w, 9.0)
	_ = append(m[0].([]any), 9.0)
	_ = append(v, 9.0)
	if got, want := show(obj), show(map[string]any{"w": []any{1.0, 2.0}, "m": []any{[]any{3.0}, []any{4.0, 5.0}}, "v": []any{6.0}}); got != want {
		t.Errorf("after appends: %s, want %s", got, want)
	}
}
