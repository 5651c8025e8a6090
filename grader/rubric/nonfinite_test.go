package rubric

import (
	"math"
	"testing"
)

// NonFinite names the first NaN or ±Inf of a reference value by its path (maps in key
// order), and finds none in finite values.
func TestNonFinitePath(t *testing.T) {
	type state struct {
		W, M []float64
		hide float64
	}
	inf, nan := math.Inf(1), math.NaN()
	for _, tc := range []struct {
		name string
		v    any
		path string
		bad  bool
	}{
		{"finite number", 1.5, "", false},
		{"number", inf, "", true},
		{"slice", []float64{1, 2, nan}, "[2]", true},
		{"finite slice", []float64{1, 2, 3}, "", false},
		{"any slice", []any{1.0, []float64{0, inf}}, "[1][1]", true},
		{"map in key order", map[string]any{"w": []float64{nan}, "m": []any{0.0, inf}, "v": 1.0}, ".m[1]", true},
		{"finite map", map[string]any{"w": []float64{1}, "m": 2.0}, "", false},
		{"struct", &state{W: []float64{1}, M: []float64{0, 0, -inf}, hide: nan}, ".M[2]", true},
		{"unexported field ignored", state{hide: nan}, "", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path, _, bad := NonFinite(tc.v)
			if bad != tc.bad || path != tc.path {
				t.Errorf("NonFinite = %q, %v; want %q, %v", path, bad, tc.path, tc.bad)
			}
		})
	}
}
