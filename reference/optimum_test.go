package reference

import (
	"math"
	"testing"
)

func TestOptimumQuadratic(t *testing.T) {
	rng := coreRand(9)
	for trial := 0; trial < 10; trial++ {
		d := 1 + rng.IntN(6)
		q := Quadratic{A: coreVec(rng, d, 0.05, 5)}
		w0 := coreVec(rng, d, -5, 5)
		w, loss, err := Optimum(q, w0)
		if err != nil {
			t.Fatalf("Optimum: %v", err)
		}
		// Closed form: w* = 0, L(w*) = 0.
		coreCheckVec(t, "w*", w, make([]float64, d), 1e-6, 0)
		coreCheck(t, "L(w*)", loss, 0, 1e-12, 0)
	}
}

// One bias column, labels 1, 1, 1, 0: the optimum predicts the label mean, σ(w*) = 3/4,
// so w* = ln 3 and L(w*) is the entropy of 3/4 in nats.
func TestOptimumLogisticClosedForm(t *testing.T) {
	l := Logistic{X: [][]float64{{1}, {1}, {1}, {1}}, Y: []float64{1, 1, 1, 0}}
	w, loss, err := Optimum(l, []float64{-2})
	if err != nil {
		t.Fatalf("Optimum: %v", err)
	}
	coreCheck(t, "w*", w[0], math.Log(3), 1e-7, 0)
	coreCheck(t, "L(w*)", loss, -(0.75*math.Log(0.75) + 0.25*math.Log(0.25)), 1e-12, 1e-12)
}

// A non-separable two-feature problem: the gradient vanishes at the optimum.
func TestOptimumLogisticStationary(t *testing.T) {
	l := Logistic{
		X: [][]float64{{1, 2}, {1, -1}, {1, 0.5}, {1, -2}, {1, 1}},
		Y: []float64{1, 0, 0, 1, 1},
	}
	w, loss, err := Optimum(l, []float64{0, 0})
	if err != nil {
		t.Fatalf("Optimum: %v", err)
	}
	g := make([]float64, 2)
	l.Grad(g, w)
	coreCheckVec(t, "∇L(w*)", g, []float64{0, 0}, 1e-8, 0)
	if loss > l.Func([]float64{0, 0}) {
		t.Errorf("L(w*) = %g above L(0)", loss)
	}
}

// A quadratic with a negative curvature has no minimum: Optimum says so.
func TestOptimumUnbounded(t *testing.T) {
	if _, _, err := Optimum(Quadratic{A: []float64{-1, 1}}, []float64{1, 1}); err == nil {
		t.Error("Optimum of −w₁² + w₂²: no error")
	}
}
