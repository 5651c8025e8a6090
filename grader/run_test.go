package grader

import (
	"encoding/json"
	"math"
	"testing"
)

// A run's series read the reference's typed values and the submission's decoded JSON
// alike: the same numbers give the same vectors, and the same JSON in the result (an
// empty or missing list is null, as before the typed lists were read directly).
func TestVecsOfTypedAndDecoded(t *testing.T) {
	show := func(v []Vec) string {
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	inf := math.Inf(1)
	for _, tc := range []struct {
		name           string
		typed, decoded any
		want           string
	}{
		{"weights", [][]float64{{1, 2}, {0.5, inf}, {}}, []any{[]any{1.0, 2.0}, []any{0.5, inf}, []any{}},
			`[[1,2],[0.5,"Infinity"],[]]`},
		{"losses", []float64{3, 2.5, math.NaN()}, []any{3.0, 2.5, math.NaN()}, `[[3],[2.5],["NaN"]]`},
		{"empty", [][]float64{}, []any{}, `null`},
		{"empty losses", []float64{}, []any{}, `null`},
		{"missing", nil, nil, `null`},
		{"not numbers", []string{"a"}, []any{"a", 1.0}, `[null]`},
	} {
		typed, decoded := show(vecsOf(tc.typed)), show(vecsOf(tc.decoded))
		if typed != tc.want {
			t.Errorf("%s: typed %s, want %s", tc.name, typed, tc.want)
		}
		if tc.name != "not numbers" && decoded != tc.want {
			t.Errorf("%s: decoded %s, want %s", tc.name, decoded, tc.want)
		}
	}
	if got := show(vecsOf([]any{"a", 1.0})); got != `[null,[1]]` {
		t.Errorf("a list mixing a string and a number: %s", got)
	}
	x := []float64{1, 2}
	v := vecOf(x)
	v[0] = 9
	if x[0] != 1 {
		t.Error("vecOf shares the reference's slice: a change to the run would change the plan")
	}
}
