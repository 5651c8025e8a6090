package reference

import (
	"fmt"
	"testing"

	"gonum.org/v1/gonum/diff/fd"
)

func TestQuadraticClosedForm(t *testing.T) {
	tests := []struct {
		name    string
		a, w    []float64
		want    float64
		wantGra []float64
	}{
		{"lecture at (1, 1)", []float64{0.1, 2}, []float64{1, 1}, 2.1, []float64{0.2, 4}},
		{"lecture at (−3, 0.5), no ½", []float64{0.1, 2}, []float64{-3, 0.5}, 0.9 + 0.5, []float64{-0.6, 2}},
		{"one coordinate", []float64{4}, []float64{-0.5}, 1, []float64{-4}},
		{"at the optimum", []float64{1, 2, 3}, []float64{0, 0, 0}, 0, []float64{0, 0, 0}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			q := Quadratic{A: tc.a}
			coreCheck(t, "L(w)", q.Func(tc.w), tc.want, 1e-15, 1e-14)
			g := make([]float64, len(tc.w))
			q.Grad(g, tc.w)
			coreCheckVec(t, "∇L(w)", g, tc.wantGra, 1e-15, 1e-14)
		})
	}
}

func TestQuadraticGradFD(t *testing.T) {
	rng := coreRand(3)
	for trial := 0; trial < 20; trial++ {
		d := 1 + rng.IntN(8)
		q := Quadratic{A: coreVec(rng, d, 0.01, 5)}
		w := coreVec(rng, d, -3, 3)
		t.Run(fmt.Sprint(trial), func(t *testing.T) {
			want := fd.Gradient(nil, q.Func, w, coreFD)
			g := make([]float64, d)
			q.Grad(g, w)
			coreCheckVec(t, "∇L", g, want, 1e-7, 1e-6)
			bg := make([]float64, d)
			q.BatchGrad(bg, w, []int{0})
			coreCheckVec(t, "BatchGrad (batch ignored)", bg, g, 0, 0)
		})
	}
}
