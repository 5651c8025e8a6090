package reference

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/optimize"
)

// optimumGradTol is the gradient norm at which a minimizer counts as found: L-BFGS stops
// with a line-search failure when float64 leaves it no room to improve, and that is
// success when the gradient there is this small.
const optimumGradTol = 1e-8

// Optimum minimizes p from w0 with gonum's L-BFGS (optimize.Minimize) and returns the
// minimizer, its loss, and an error when the method did not reach a point with gradient
// norm ‖∇L‖₂ ≤ 1e-8 (the last location is still returned). It is the target of convergence
// checks: a student's training run passes when its final loss comes close to this one.
// w0 is not modified.
//
// For a Quadratic with every aᵢ > 0 the optimum is w = 0 with loss 0; a Logistic on
// linearly separable data has no minimizer (the loss tends to 0 as ‖w‖ → ∞), and the
// result is then wherever L-BFGS stopped.
func Optimum(p Problem, w0 []float64) (w []float64, loss float64, err error) {
	prob := optimize.Problem{Func: p.Func, Grad: p.Grad}
	settings := &optimize.Settings{
		GradientThreshold: 1e-10,
		MajorIterations:   10000,
		Converger: &optimize.FunctionConverge{
			Absolute:   1e-15,
			Relative:   1e-15,
			Iterations: 50,
		},
	}
	res, err := optimize.Minimize(prob, append([]float64(nil), w0...), settings, &optimize.LBFGS{})
	if res == nil {
		return nil, 0, fmt.Errorf("reference optimum: %w", err)
	}
	if err != nil || res.Status != optimize.GradientThreshold {
		g := make([]float64, len(res.X))
		p.Grad(g, res.X)
		var norm float64
		for _, gi := range g {
			norm += gi * gi
		}
		if norm = math.Sqrt(norm); norm > optimumGradTol || math.IsNaN(norm) {
			if err == nil {
				err = fmt.Errorf("stopped with status %v", res.Status)
			}
			return res.X, res.F, fmt.Errorf("reference optimum: ‖∇L‖ = %.3g after %d iterations: %w", norm, res.MajorIterations, err)
		}
	}
	return res.X, res.F, nil
}
