package grader

import (
	"math"

	"github.com/optgrade/optgrade/reference"
)

// This file fits tolerances to the computation: results are judged against the size of the
// numbers they were computed from, and results computed in single precision with a
// single-precision tolerance.

// Float32 tolerance: a float32 result is judged with at least these, against the same
// scale as any result, and passes when it is within them of the reference on its
// arguments or on its arguments rounded to float32. float32 keeps 24 bits, a unit roundoff
// of 2⁻²⁴ ≈ 6e-8: one step of Adam is within 2e-6 of its scale, but the rounding of a
// 20-step train run adds up to 1e-5 (measured on the python-float32 sample), so rtol is
// 1e-5, about five significant digits of float32's seven.
const (
	float32Rtol = 1e-5
	float32Atol = 1e-9
)

// inputScale returns the size of the numbers a result of fn on args was computed from,
// in the shape of want, or nil when |want| alone is the right scale: the function's own
// Scale for a sum of terms that may cancel (a gradient). For a step function
// each state part s (w, m, v) comes out as its input plus an update: its scale is the
// larger of |sᵢ| and |sᵢ − new sᵢ| (for w, |w| and |α·update|). For train, w[k+1] comes
// from w[k] the same way (on the reference's run); the loss is judged against itself.
func inputScale(fn reference.Func, args reference.Args, want any) any {
	switch {
	case fn.Scale != nil:
		s, err := fn.Scale(args.Clone())
		if err != nil {
			return nil
		}
		return s
	case len(fn.State) > 0:
		if m, ok := want.(map[string]any); ok {
			out := map[string]any{}
			for _, s := range fn.State {
				out[s] = updateScale(vecOf(args[s]), vecOf(m[s]))
			}
			return out
		}
		return updateScale(vecOf(args[fn.State[0]]), vecOf(want))
	case fn.Name == "train":
		m, ok := want.(map[string]any)
		ws, ok2 := m["w"].([][]float64)
		if !ok || !ok2 || len(ws) == 0 {
			return nil
		}
		scale := make([][]float64, len(ws))
		scale[0] = updateScale(ws[0], ws[0])
		for k := 1; k < len(ws); k++ {
			scale[k] = updateScale(ws[k-1], ws[k])
		}
		return map[string]any{"w": scale}
	}
	return nil
}

// updateScale is max(|inᵢ|, |inᵢ − outᵢ|) element-wise, or nil when the shapes differ.
func updateScale(in, out Vec) []float64 {
	if in == nil || len(in) != len(out) {
		return nil
	}
	s := make([]float64, len(in))
	for i := range in {
		s[i] = math.Max(math.Abs(in[i]), math.Abs(in[i]-out[i]))
	}
	return s
}

// isFloat32 reports whether a result was computed in single precision: every number in it
// is exactly a float32, and at least one has more than 16 significant bits (a float64
// computation gives such a number with odds of about 2⁻²⁹ each; 0, 0.5 or 3 prove nothing).
func isFloat32(v any) bool {
	long := false
	ok := walkNumbers(v, func(x float64) bool {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return true
		}
		f := float32(x)
		if float64(f) != x || math.IsInf(float64(f), 0) {
			return false
		}
		if x != 0 {
			frac, _ := math.Frexp(math.Abs(x))
			long = long || frac*(1<<16) != math.Trunc(frac*(1<<16))
		}
		return true
	})
	return ok && long
}

// walkNumbers calls f on every number of a decoded result until f returns false; it
// reports whether none did.
func walkNumbers(v any, f func(float64) bool) bool {
	switch v := v.(type) {
	case float64:
		return f(v)
	case map[string]any:
		for _, x := range v {
			if !walkNumbers(x, f) {
				return false
			}
		}
		return true
	}
	if l, ok := asList(v); ok {
		for _, x := range l {
			if !walkNumbers(x, f) {
				return false
			}
		}
	}
	return true
}

// float32Tol is tol widened to at least the float32 tolerance.
func float32Tol(tol Tol) Tol {
	tol.Atol = math.Max(tol.Atol, float32Atol)
	tol.Rtol = math.Max(tol.Rtol, float32Rtol)
	return tol
}

// roundArgs32 returns a copy of a with every number rounded to float32, as float32 code
// sees its arguments.
func roundArgs32(a reference.Args) reference.Args {
	out := make(reference.Args, len(a))
	for k, v := range a {
		out[k] = round32(v)
	}
	return out
}

func round32(v any) any {
	switch v := v.(type) {
	case float64:
		return float64(float32(v))
	case []float64:
		out := make([]float64, len(v))
		for i, x := range v {
			out[i] = float64(float32(x))
		}
		return out
	case [][]float64:
		out := make([][]float64, len(v))
		for i, x := range v {
			out[i] = round32(x).([]float64)
		}
		return out
	case []any:
		out := make([]any, len(v))
		for i, x := range v {
			out[i] = round32(x)
		}
		return out
	case map[string]any:
		return map[string]any(roundArgs32(reference.Args(v)))
	case reference.Args:
		return roundArgs32(v)
	}
	return v // ints, index lists, strings
}
