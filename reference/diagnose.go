package reference

import (
	"fmt"
	"math"
)

// Diagnose labels a training curve the way the lecture's learning-rate diagnostics do
// (DESIGN.md §2, diagnose). loss holds loss[0] … loss[N], N = len(loss) − 1 ≥ 4; w, when
// not nil, holds the weights w[0] … w[N] along the curve. The first rule that holds decides:
//
//  1. Diverging: some loss value (or, when given, some weight) is NaN or ±Inf, or
//     loss[N] > loss[0].
//  2. Oscillating: the loss rises (loss[k+1] > loss[k]) on at least a quarter of the N
//     steps, that is 4·rises ≥ N; or, when w is given, for some coordinate i the steps
//     d_k = w[k+1][i] − w[k][i] (k = 0 … N−1) change sign on at least 80 % of the
//     consecutive pairs (d_k, d_{k+1}) with N/2 ≤ k ≤ N−2 (N/2 rounded down; there are
//     N−1−N/2 such pairs, and the test is 5·changes ≥ 4·pairs), and the swing is not dying
//     out: |d_{N−1}| ≥ 0.1·|d_{N/2}|.
//     A pair is a sign change only when one step is strictly positive and the other
//     strictly negative (d_k·d_{k+1} < 0): a zero step, where the weight did not move,
//     never counts as a change. (Comparing signs, not the product, so that tiny steps whose
//     product underflows to 0 still count.)
//  3. Converged: loss[N] ≤ 1e-3·loss[0], or |loss[N] − loss[N−1]| ≤ 1e-6·(loss[0] − loss[N]).
//  4. Slow: otherwise.
//
// It panics if N < 4 or w is given with a length other than N + 1 or
// with vectors of different lengths; the catalog's diagnose
// reports those as argument errors.
func Diagnose(loss []float64, w [][]float64) string {
	n := len(loss) - 1
	if n < 4 {
		panic(fmt.Sprintf("reference: Diagnose: need at least 5 loss values, got %d", len(loss)))
	}
	if w != nil && len(w) != len(loss) {
		panic(fmt.Sprintf("reference: Diagnose: %d weight vectors for %d loss values", len(w), len(loss)))
	}
	for _, wk := range w {
		if len(wk) != len(w[0]) {
			panic("reference: Diagnose: weight vectors of different lengths")
		}
	}

	// 1. Diverging.
	for _, l := range loss {
		if !diagnoseFinite(l) {
			return Diverging
		}
	}
	for _, wk := range w {
		for _, x := range wk {
			if !diagnoseFinite(x) {
				return Diverging
			}
		}
	}
	if loss[n] > loss[0] {
		return Diverging
	}

	// 2. Oscillating, in the loss.
	rises := 0
	for k := 0; k < n; k++ {
		if loss[k+1] > loss[k] {
			rises++
		}
	}
	if 4*rises >= n {
		return Oscillating
	}
	// 2. Oscillating, in the weights.
	if w != nil && diagnoseWeightsSwing(w) {
		return Oscillating
	}

	// 3. Converged.
	if loss[n] <= 1e-3*loss[0] || math.Abs(loss[n]-loss[n-1]) <= 1e-6*(loss[0]-loss[n]) {
		return Converged
	}
	return Slow
}

// diagnoseWeightsSwing reports whether some coordinate of w[0..N] swings (rule 2, weights).
func diagnoseWeightsSwing(w [][]float64) bool {
	n := len(w) - 1
	half := n / 2
	pairs := n - 1 - half // pairs (d_k, d_{k+1}) for k = half … n−2
	if pairs < 1 {
		return false
	}
	for i := range w[0] {
		d := func(k int) float64 { return w[k+1][i] - w[k][i] }
		changes := 0
		for k := half; k <= n-2; k++ {
			a, b := d(k), d(k+1)
			if (a > 0 && b < 0) || (a < 0 && b > 0) {
				changes++
			}
		}
		if 5*changes >= 4*pairs && math.Abs(d(n-1)) >= 0.1*math.Abs(d(half)) {
			return true
		}
	}
	return false
}

func diagnoseFinite(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }
