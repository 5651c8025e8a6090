package reference

import (
	"fmt"
	"math"
	"testing"
)

// The lecture's learning-rate diagnostics: GD on 0.1·w₁² + 2·w₂² from (1, 1), 40 steps.
func TestDiagnoseLecture(t *testing.T) {
	q := Quadratic{A: []float64{0.1, 2}}
	tests := []struct {
		lr              float64
		withW, withoutW string
	}{
		{0.01, Slow, Slow},           // crawls: w₁ shrinks by 0.998 a step
		{0.48, Oscillating, Slow},    // w₂ flips sign every step (×−0.92), yet the loss falls
		{0.51, Diverging, Diverging}, // w₂ grows by ×−1.04 a step
		{0.25, Converged, Converged}, // w₂ is 0 after one step, w₁ shrinks by 0.95
	}
	for _, tc := range tests {
		t.Run(fmt.Sprintf("lr=%g", tc.lr), func(t *testing.T) {
			tr := Train(q, GD{}, []float64{1, 1}, 40, nil, Constant{LR: tc.lr})
			if got := Diagnose(tr.Loss, tr.W); got != tc.withW {
				t.Errorf("Diagnose(loss, w) = %s, want %s", got, tc.withW)
			}
			if got := Diagnose(tr.Loss, nil); got != tc.withoutW {
				t.Errorf("Diagnose(loss, nil) = %s, want %s", got, tc.withoutW)
			}
		})
	}
	// At α = 0.48 the loss falls monotonically: the oscillation is in the weights only.
	tr := Train(q, GD{}, []float64{1, 1}, 40, nil, Constant{LR: 0.48})
	for k := 1; k < len(tr.Loss); k++ {
		if tr.Loss[k] >= tr.Loss[k-1] {
			t.Errorf("α=0.48: loss[%d] = %g ≥ loss[%d] = %g", k, tr.Loss[k], k-1, tr.Loss[k-1])
		}
	}
}

// coreCol turns one coordinate's values into weight vectors of length 1.
func coreCol(x ...float64) [][]float64 {
	w := make([][]float64, len(x))
	for i, xi := range x {
		w[i] = []float64{xi}
	}
	return w
}

// coreFalling returns n+1 losses falling geometrically from 1 by factor r.
func coreFalling(n int, r float64) []float64 {
	l := make([]float64, n+1)
	for k := range l {
		l[k] = math.Pow(r, float64(k))
	}
	return l
}

// Each rule, and the edges of each rule, on hand-made curves.
func TestDiagnoseRules(t *testing.T) {
	inf, nan := math.Inf(1), math.NaN()
	tests := []struct {
		name string
		loss []float64
		w    [][]float64
		want string
	}{
		// Rule 1.
		{"NaN loss", []float64{1, 0.5, nan, 0.2, 0.1}, nil, Diverging},
		{"Inf loss", []float64{1, 0.5, 0.3, 0.2, inf}, nil, Diverging},
		{"Inf weight", []float64{1, 0.5, 0.3, 0.2, 0.1}, coreCol(1, 2, inf, 3, 4), Diverging},
		{"last above first", []float64{1, 0.1, 0.1, 0.1, 1.0001}, nil, Diverging},
		{"last equals first is not diverging", []float64{1, 1, 1, 1, 1}, nil, Converged},
		// Rule 2, loss: N = 8, rises on 2 of 8 steps (a quarter) → oscillating; 1 of 8 → not.
		{"rises on exactly N/4", []float64{1, 0.9, 0.95, 0.8, 0.85, 0.7, 0.6, 0.5, 0.4}, nil, Oscillating},
		{"rises on fewer than N/4", []float64{1, 0.9, 0.95, 0.8, 0.75, 0.7, 0.6, 0.5, 0.4}, nil, Slow},
		// N = 5: 4·rises ≥ 5 needs 2 rises.
		{"N=5, one rise", []float64{1, 1.1, 0.9, 0.8, 0.7, 0.6}, nil, Slow},
		{"N=5, two rises", []float64{1, 1.1, 0.9, 0.95, 0.7, 0.6}, nil, Oscillating},
		// Rule 2, weights. N = 10: pairs (d_k, d_{k+1}) for k = 5 … 8, four pairs; 80 % of 4
		// is 3.2, so all 4 must change sign. Loss falls steadily and slowly (slow otherwise).
		{"weights flip every step", coreFalling(10, 0.95), coreCol(0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0), Oscillating},
		{"weights flip on 3 of 4 late pairs", coreFalling(10, 0.95), coreCol(0, 1, 0, 1, 0, 1, 0, 1, 2, 1, 2), Slow},
		{"early flips only", coreFalling(10, 0.95), coreCol(0, 1, 0, 1, 0, 1, 2, 3, 4, 5, 6), Slow},
		// N = 11: k = 5 … 9, five pairs; 4 changes of 5 = 80 % → oscillating.
		{"exactly 80 % of pairs", coreFalling(11, 0.95), coreCol(0, 0, 0, 0, 0, 0, 1, 0, 1, 0, 1, 2), Oscillating},
		// A zero step never counts as a sign change: d = …, +1, 0, +1, −1, … .
		{"zero step is no change", coreFalling(11, 0.95), coreCol(0, 0, 0, 0, 0, 0, 1, 1, 0, 1, 0, 1), Slow},
		// Dying swing: d_{N/2} = ±1 and |d_{N−1}| must be ≥ 0.1.
		{"swing dying out", coreFalling(10, 0.95), coreCol(0, 0, 0, 0, 0, 0, 1, 0.5, 0.75, 0, 0.09), Slow},
		{"swing at exactly a tenth", coreFalling(10, 0.95), coreCol(0, 0, 0, 0, 0, 0, 1, 0.5, 0.75, 0, 0.1), Oscillating},
		{"second coordinate swings", coreFalling(10, 0.95),
			[][]float64{{0, 0}, {1, 1}, {2, 0}, {3, 1}, {4, 0}, {5, 1}, {6, 0}, {7, 1}, {8, 0}, {9, 1}, {10, 0}}, Oscillating},
		// Rule 3.
		{"loss at a thousandth", []float64{1, 0.5, 0.1, 0.01, 0.001}, nil, Converged},
		{"loss just above a thousandth, still moving", []float64{1, 0.5, 0.1, 0.01, 0.0011}, nil, Slow},
		{"flat at the end", []float64{2, 1.5, 1.2, 1.1, 1.1 - 0.9e-6}, nil, Converged},
		{"still moving at the end", []float64{2, 1.5, 1.2, 1.1, 1.1 - 2e-6}, nil, Slow},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := Diagnose(tc.loss, tc.w); got != tc.want {
				t.Errorf("Diagnose(%v, %v) = %s, want %s", tc.loss, tc.w, got, tc.want)
			}
		})
	}
}

func TestDiagnosePanicsOnShortCurve(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("Diagnose of 4 values did not panic")
		}
	}()
	Diagnose([]float64{1, 0.5, 0.2, 0.1}, nil)
}
