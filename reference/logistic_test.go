package reference

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/diff/fd"
)

// coreLogisticData returns n random rows of d columns (the first a bias column of ones)
// with 0/1 labels.
func coreLogisticData(rng *rand.Rand, n, d int) Logistic {
	l := Logistic{X: make([][]float64, n), Y: make([]float64, n)}
	for i := range l.X {
		l.X[i] = coreVec(rng, d, -2, 2)
		l.X[i][0] = 1
		l.Y[i] = float64(rng.IntN(2))
	}
	return l
}

// coreNaiveBCE is the textbook formula, fine for moderate z.
func coreNaiveBCE(z, y float64) float64 {
	s := 1 / (1 + math.Exp(-z))
	return -y*math.Log(s) - (1-y)*math.Log(1-s)
}

func TestLogisticLossClosedForm(t *testing.T) {
	// At w = 0 every prediction is ½: the loss is ln 2 whatever the labels.
	rng := coreRand(4)
	l := coreLogisticData(rng, 7, 3)
	coreCheck(t, "L(0)", l.Func([]float64{0, 0, 0}), math.Ln2, 0, 1e-15)

	// Moderate z: the naive formula is exact enough.
	for trial := 0; trial < 10; trial++ {
		l := coreLogisticData(rng, 1+rng.IntN(10), 1+rng.IntN(4))
		w := coreVec(rng, len(l.X[0]), -2, 2)
		var want float64
		for i, x := range l.X {
			var z float64
			for j := range x {
				z += x[j] * w[j]
			}
			want += coreNaiveBCE(z, l.Y[i])
		}
		want /= float64(len(l.X))
		coreCheck(t, fmt.Sprintf("L(w) trial %d", trial), l.Func(w), want, 1e-14, 1e-12)
	}
}

// At |x·w| = 1000 the naive formula takes log(0); the reference must stay finite and have
// the right asymptotics: a confident right answer costs ≈ e^(−1000) ≈ 0, a confident wrong
// one costs ≈ |z| = 1000, and the gradient is (σ(z) − y)·x with σ = 0 or 1.
func TestLogisticStableAtLargeZ(t *testing.T) {
	tests := []struct {
		name     string
		x        float64 // X = [[x]], w = [1000], so z = 1000·x
		y        float64
		loss     float64
		gradient float64
	}{
		{"z=+1000, y=1 (right)", 1, 1, 0, 0},
		{"z=+1000, y=0 (wrong)", 1, 0, 1000, 1},
		{"z=−1000, y=0 (right)", -1, 0, 0, 0},
		{"z=−1000, y=1 (wrong)", -1, 1, 1000, 1},
		{"z=+40, y=1 (tiny loss e^−40)", 0.04, 1, math.Exp(-40), -math.Exp(-40) * 0.04},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			l := Logistic{X: [][]float64{{tc.x}}, Y: []float64{tc.y}}
			w := []float64{1000}
			got := l.Func(w)
			if math.IsNaN(got) || math.IsInf(got, 0) {
				t.Fatalf("L = %v, want finite", got)
			}
			coreCheck(t, "L", got, tc.loss, 1e-300, 1e-12)
			g := make([]float64, 1)
			l.Grad(g, w)
			coreCheck(t, "∇L", g[0], tc.gradient, 1e-300, 1e-12)
		})
	}
}

func TestLogisticGradFD(t *testing.T) {
	rng := coreRand(5)
	for trial := 0; trial < 25; trial++ {
		l := coreLogisticData(rng, 1+rng.IntN(12), 1+rng.IntN(5))
		w := coreVec(rng, len(l.X[0]), -1.5, 1.5)
		t.Run(fmt.Sprint(trial), func(t *testing.T) {
			want := fd.Gradient(nil, l.Func, w, coreFD)
			g := make([]float64, len(w))
			l.Grad(g, w)
			coreCheckVec(t, "∇L", g, want, 1e-7, 1e-6)
		})
	}
}

// The mini-batch gradient is the mean, not the sum, of the per-row gradients, each of
// which is checked by finite differences of that row's own loss.
func TestLogisticBatchGradIsMeanOfRowsFD(t *testing.T) {
	rng := coreRand(6)
	for trial := 0; trial < 20; trial++ {
		l := coreLogisticData(rng, 2+rng.IntN(12), 1+rng.IntN(4))
		d := len(l.X[0])
		w := coreVec(rng, d, -1.5, 1.5)
		batch := rng.Perm(len(l.X))[:1+rng.IntN(len(l.X))]
		t.Run(fmt.Sprintf("%d batch=%v", trial, batch), func(t *testing.T) {
			want := make([]float64, d)
			for _, i := range batch {
				row := Logistic{X: l.X[i : i+1], Y: l.Y[i : i+1]}
				gi := fd.Gradient(nil, row.Func, w, coreFD)
				for j := range want {
					want[j] += gi[j] / float64(len(batch))
				}
			}
			g := make([]float64, d)
			l.BatchGrad(g, w, batch)
			coreCheckVec(t, "batch gradient", g, want, 1e-7, 1e-6)
		})
	}
}

// TestLogisticLossGradSameBits: the one-pass loss and gradient of the labelled curves'
// runs are Func and Grad bit for bit, also where σ saturates (|z| up to 1000) and at z = 0.
func TestLogisticLossGradSameBits(t *testing.T) {
	r := genRand(3, "lossgrad")
	for trial := 0; trial < 300; trial++ {
		d := 1 + r.IntN(4)
		X, y := LogisticData(r, 2+r.IntN(20), d)
		l := Logistic{X: X, Y: y}
		scale := []float64{0, 1e-3, 1, 30, 1000}[trial%5]
		w := RandomVector(r, d, -scale, scale)
		g1, g2 := make([]float64, d), make([]float64, d)
		l.Grad(g1, w)
		f := l.lossGrad(g2, w)
		if f != l.Func(w) {
			t.Fatalf("trial %d: loss %v, Func %v", trial, f, l.Func(w))
		}
		for j := range g1 {
			if g1[j] != g2[j] {
				t.Fatalf("trial %d: gradient %v, Grad %v", trial, g2, g1)
			}
		}
	}
}
