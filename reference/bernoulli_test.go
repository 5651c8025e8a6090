package reference

import (
	"fmt"
	"math"
	"testing"

	"gonum.org/v1/gonum/diff/fd"
)

// The lecture's numbers: for y = 1,0,0,0,0,0,0,1,1,0, λ̂ = 0.3 and L(λ̂) ≈ 0.27 in base 10
// (0.611 nats). Closed form: L = −(0.3·log 0.3 + 0.7·log 0.7).
func TestBernoulliLecture(t *testing.T) {
	lam := BernoulliMLE(coreLectureY)
	coreCheck(t, "λ̂", lam, 0.3, 1e-15, 0)
	closed := func(log func(float64) float64) float64 { return -(0.3*log(0.3) + 0.7*log(0.7)) }
	tests := []struct {
		name    string
		base    float64
		want    float64
		rounded string // the lecture's rounding
	}{
		{"base 10", 10, closed(math.Log10), "0.2653"},
		{"base e (0 means e)", 0, closed(math.Log), "0.6109"},
		{"base e", math.E, closed(math.Log), "0.6109"},
		{"base 2", 2, closed(math.Log2), "0.8813"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := BernoulliNLL(0.3, coreLectureY, tc.base)
			coreCheck(t, "L(0.3)", got, tc.want, 0, 1e-14)
			if s := fmt.Sprintf("%.4f", got); s != tc.rounded {
				t.Errorf("L(0.3) rounds to %s, want %s", s, tc.rounded)
			}
		})
	}
	if got := BernoulliNLL(0.3, coreLectureY, 10); got != 0.2652949955741215 {
		t.Errorf("L(0.3) base 10 = %.17g, want 0.2652949955741215 (the value the example prints)", got)
	}
}

func TestBernoulliNLLGradFD(t *testing.T) {
	rng := coreRand(1)
	for _, base := range []float64{0, 10, 2, 0.5} {
		for trial := 0; trial < 20; trial++ {
			n := 1 + rng.IntN(30)
			y := make([]float64, n)
			for i := range y {
				y[i] = float64(rng.IntN(2))
			}
			lam := 0.05 + 0.9*rng.Float64()
			t.Run(fmt.Sprintf("base=%g/%d", base, trial), func(t *testing.T) {
				want := fd.Derivative(func(l float64) float64 { return BernoulliNLL(l, y, base) }, lam, coreFD)
				coreCheck(t, "dL/dλ", BernoulliNLLGrad(lam, y, base), want, 1e-7, 1e-6)
			})
		}
	}
}

// The MLE is the argmin: the gradient vanishes there and the loss is larger nearby.
func TestBernoulliMLEIsArgmin(t *testing.T) {
	rng := coreRand(2)
	for trial := 0; trial < 20; trial++ {
		n := 2 + rng.IntN(30)
		y := make([]float64, n)
		y[0], y[1] = 0, 1 // keep λ̂ inside (0, 1)
		for i := 2; i < n; i++ {
			y[i] = float64(rng.IntN(2))
		}
		lam := BernoulliMLE(y)
		var sum float64
		for _, yi := range y {
			sum += yi
		}
		coreCheck(t, "λ̂", lam, sum/float64(n), 0, 1e-15)
		coreCheck(t, "dL/dλ at λ̂", BernoulliNLLGrad(lam, y, 0), 0, 1e-12, 0)
		for _, h := range []float64{-1e-3, 1e-3} {
			if BernoulliNLL(lam+h, y, 10) <= BernoulliNLL(lam, y, 10) {
				t.Errorf("y=%v: L(λ̂%+g) ≤ L(λ̂)", y, h)
			}
		}
	}
}

func TestCrossEntropy(t *testing.T) {
	tests := []struct {
		name         string
		p, lam, base float64
		want         float64
	}{
		{"lecture λ=p nats", 0.3, 0.3, 0, -(0.3*math.Log(0.3) + 0.7*math.Log(0.7))},
		{"fair coin bits", 0.5, 0.5, 2, 1},
		{"p=0.5 λ=0.25 bits", 0.5, 0.25, 2, -(0.5*-2 + 0.5*math.Log2(0.75))},
		{"p=0.2 λ=0.9 base 10", 0.2, 0.9, 10, -(0.2*math.Log10(0.9) + 0.8*math.Log10(0.1))},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			coreCheck(t, "H(p, λ)", CrossEntropy(tc.p, tc.lam, tc.base), tc.want, 0, 1e-14)
		})
	}
	// Gibbs: H(p, λ) ≥ H(p, p), and H(p̂, λ) is the training loss of data with mean p̂.
	for _, lam := range []float64{0.1, 0.29, 0.31, 0.9} {
		if CrossEntropy(0.3, lam, 0) <= CrossEntropy(0.3, 0.3, 0) {
			t.Errorf("H(0.3, %g) ≤ H(0.3, 0.3)", lam)
		}
		coreCheck(t, "H(mean y, λ) vs L(λ)", CrossEntropy(0.3, lam, 10), BernoulliNLL(lam, coreLectureY, 10), 0, 1e-14)
	}
}
