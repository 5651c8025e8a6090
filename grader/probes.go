package grader

import (
	"encoding/json"
	"math/rand/v2"
	"slices"

	"github.com/optgrade/optgrade/grader/runner"
	"github.com/optgrade/optgrade/reference"
)

// A mutant that gives the reference's results on every input the generators make is
// called equivalent only once it also agrees on probe inputs beyond them: generated cases
// at other seeds and dimensions, each generated case with one argument moved to an edge
// (zeros, tiny, huge, negated, reversed, random), and hand-made cases on the boundaries
// of a function's rules. A probe on which the mutant differs makes it a survivor, with the
// probe as the input that would kill it — so lint never calls a killable mutant
// equivalent for want of an input.

// probeEdges are hand-made probe inputs on the boundaries of a function's rules.
var probeEdges = map[string][]string{
	"diagnose": {
		// 2 rises in 8 steps, the last one of them: 4·rises ≥ N exactly.
		`{"loss": [10, 9, 9.5, 8, 7, 6, 5, 4, 4.5]}`,
		`{"loss": [10, 10.5, 9, 8, 7, 6, 5, 4.5, 4]}`,
		// Two coordinates swinging against each other; their sum stays put.
		`{"loss": [10, 9, 8, 7, 6, 5], "w": [[1, -1], [-1, 1], [1, -1], [-1, 1], [1, -1], [-1, 1]]}`,
		// N = 11: 4 of the 5 pairs from N/2 change sign (80 % exactly).
		`{"loss": [12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2.5, 2.2], "w": [[0], [1], [2], [3], [4], [5], [6], [5], [6], [5], [6], [5]]}`,
		// A swing whose last step is exactly 0.1 of the one at N/2.
		`{"loss": [10, 9, 8, 7, 6, 5, 4, 3, 2], "w": [[0], [1], [2], [3], [4], [3], [3.5], [3.2], [3.3]]}`,
		// loss[N] = loss[0]; loss[N] = 10⁻³·loss[0].
		`{"loss": [1, 0.5, 0.4, 0.7, 0.9, 1]}`,
		`{"loss": [1, 0.1, 0.01, 0.005, 0.002, 0.001]}`,
	},
}

// probeDifference returns a probe input on which a and b differ (results or errors).
func probeDifference(fn reference.Func, a, b reference.Variant) (reference.Args, bool) {
	tol := Tol{Atol: 1e-12, Rtol: 1e-9, SameNaN: true}
	differ := func(c reference.Args) bool {
		ra, errA := a.Call(c.Clone())
		rb, errB := b.Call(c.Clone())
		if (errA == nil) != (errB == nil) {
			return true
		}
		if errA != nil {
			return false
		}
		_, same := Compare(runner.JSONShape(ra), runner.JSONShape(rb), tol)
		return !same
	}
	for _, c := range probeInputs(fn) {
		if differ(c) {
			return c, true
		}
	}
	return nil, false
}

// probeInputs returns fn's probe inputs that the reference accepts.
func probeInputs(fn reference.Func) []reference.Args {
	var out []reference.Args
	keep := func(c reference.Args) {
		if _, err := reference.Call(fn.Name, c.Clone()); err == nil {
			out = append(out, c)
		}
	}
	for _, s := range probeEdges[fn.Name] {
		var c reference.Args
		if json.Unmarshal([]byte(s), &c) == nil {
			keep(c)
		}
	}
	for seed := int64(11); seed <= 13; seed++ {
		for _, dim := range []int{2, 5, 10} {
			cases, _ := reference.Generate(fn.Name, 7919*seed, 8, dim)
			for _, c := range cases {
				keep(c)
			}
		}
	}
	r := rand.New(rand.NewPCG(1, 2))
	for _, dim := range []int{1, 3} {
		cases, _ := reference.Generate(fn.Name, 104729, 8, dim)
		for _, c := range cases {
			for _, p := range fn.Params {
				v, ok := c[p.Name]
				if !ok {
					continue
				}
				for _, e := range probeEdgeValues(p.Kind, runner.JSONShape(v), r) {
					moved := c.Clone()
					moved[p.Name] = e
					keep(moved)
				}
			}
		}
	}
	return out
}

// probeEdgeValues returns edge values of an argument of kind k in place of v (JSON-shaped).
func probeEdgeValues(k reference.Kind, v any, r *rand.Rand) []any {
	switch k {
	case reference.Scalar:
		x, _ := v.(float64)
		return []any{0.0, 1.0, 0.5, 2 * x, -x, 1e-8}
	case reference.Integer:
		x, _ := v.(float64)
		return []any{0.0, 1.0, x + 7}
	case reference.Vector, reference.Matrix:
		random := func(float64) float64 { return r.NormFloat64() }
		out := []any{
			mapNumbers(v, func(float64) float64 { return 0 }),
			mapNumbers(v, func(float64) float64 { return 1 }),
			mapNumbers(v, func(x float64) float64 { return 1e-8 * x }),
			mapNumbers(v, func(x float64) float64 { return 1e8 * x }),
			mapNumbers(v, func(x float64) float64 { return -x }),
			mapNumbers(v, random),
			reversed(v),
		}
		if l, ok := v.([]any); ok && len(l) > 1 {
			out = append(out, slices.Clone(l[:len(l)-1]), l[len(l)-1:])
		}
		return out
	case reference.IndexList:
		l, _ := v.([]any)
		if len(l) < 2 {
			return nil
		}
		return []any{reversed(l), l[:1], slices.Clone(l[:len(l)-1])}
	}
	return nil
}
