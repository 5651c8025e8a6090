package runner

import (
	"bytes"
	"encoding/json"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/optgrade/optgrade/reference"
)

// TestRequestIsEncodingJSON: the request writer's own encoding of the usual argument types
// is byte for byte what encoding/json writes (without HTML escaping), for random
// arguments of every type the generators build, numbers across the whole float64 range,
// strings that need escaping, nil slices and nested objects; and it refuses what
// encoding/json refuses.
func TestRequestIsEncodingJSON(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	num := func() float64 {
		switch rng.IntN(8) {
		case 0:
			return 0
		case 1:
			return float64(rng.IntN(2000) - 1000)
		case 2:
			return math.Copysign(math.Ldexp(rng.Float64(), rng.IntN(2098)-1074), rng.Float64()-0.5)
		case 3:
			return []float64{1e-6, 9.99e-7, 1e21, 9.99e20, -1e-7, 5e-324, math.MaxFloat64, 1e-300, 123456789e-15, math.Copysign(0, -1)}[rng.IntN(10)]
		}
		return (rng.Float64() - 0.5) * math.Pow(10, float64(rng.IntN(40)-20))
	}
	vec := func() []float64 {
		if rng.IntN(10) == 0 {
			return nil
		}
		v := make([]float64, rng.IntN(6))
		for i := range v {
			v[i] = num()
		}
		return v
	}
	strs := []string{"", "adam", "quadratic", `a"b`, `back\slash`, "tab\there", "<&>", "é", "\u2028", "\x7f", "\xff"}
	var value func(depth int) any
	value = func(depth int) any {
		switch k := rng.IntN(13); {
		case k == 0:
			return num()
		case k == 1:
			return rng.IntN(1000) - 500
		case k == 2:
			return int64(rng.Uint64() >> 1)
		case k == 3:
			return vec()
		case k == 4:
			return [][]float64{vec(), vec()}
		case k == 5:
			return []int{rng.IntN(9), rng.IntN(9)}
		case k == 6:
			return [][]int{{1, 2}, nil, {}}
		case k == 7:
			return strs[rng.IntN(len(strs))]
		case k == 8:
			return rng.IntN(2) == 0
		case k == 9:
			return nil
		case k == 10 && depth < 3:
			return []any{value(depth + 1), value(depth + 1)}
		case k == 11 && depth < 3:
			return map[string]any{strs[rng.IntN(len(strs))]: value(depth + 1), "w": value(depth + 1)}
		case k == 12 && depth < 3:
			return reference.Args{"kind": value(depth + 1), "lr": num()}
		}
		return float32(num()) // a type only encoding/json writes
	}
	enc := func(id int64, fn string, args reference.Args) ([]byte, error) {
		var b bytes.Buffer
		e := json.NewEncoder(&b)
		e.SetEscapeHTML(false)
		if args == nil {
			args = reference.Args{}
		}
		err := e.Encode(request{ID: id, Fn: fn, Args: args})
		return b.Bytes(), err
	}
	for i := range 5000 {
		args := reference.Args{}
		for range rng.IntN(10) {
			args[strs[rng.IntN(len(strs))]+"k"] = value(0)
		}
		if i%50 == 0 {
			args["bad"] = []float64{1, []float64{math.NaN(), math.Inf(1), math.Inf(-1)}[i%3]}
		}
		fn := strs[rng.IntN(len(strs))]
		want, wantErr := enc(int64(i), fn, args)
		got, err := appendRequest([]byte("x"), int64(i), fn, args)
		if (err != nil) != (wantErr != nil) {
			t.Fatalf("%v: error %v, encoding/json %v", args, err, wantErr)
		}
		if err != nil {
			if string(got) != "x" {
				t.Fatalf("buffer changed on error: %q", got)
			}
			continue
		}
		if string(got) != "x"+string(want) {
			t.Fatalf("got  %s\nwant x%s", got, want)
		}
	}
}
