package reference

import "math"

// AdamStep does step number t ≥ 1 of Adam (Kingma & Ba 2015, Algorithm 1), in place:
//
//	m ← β₁·m + (1−β₁)·g
//	v ← β₂·v + (1−β₂)·g²
//	m̂ = m/(1−β₁ᵗ),  v̂ = v/(1−β₂ᵗ)
//	w ← w − lr·m̂/(√v̂ + eps)
//
// m and v keep the biased moments (not m̂, v̂); eps is added to √v̂, outside the root.
// It panics if the lengths differ.
func AdamStep(w, m, v []float64, t int, g []float64, lr, beta1, beta2, eps float64) {
	stepCheck("AdamStep", len(w), len(m), len(v), len(g))
	c1 := 1 - math.Pow(beta1, float64(t))
	c2 := 1 - math.Pow(beta2, float64(t))
	w, m, v = w[:len(g)], m[:len(g)], v[:len(g)] // lets the compiler drop bounds checks
	for i, gi := range g {
		m[i] = float64(beta1*m[i]) + float64((1-beta1)*gi)
		v[i] = float64(beta2*v[i]) + float64((1-beta2)*float64(gi*gi))
		mHat := m[i] / c1
		vHat := v[i] / c2
		w[i] = w[i] - float64(lr*mHat)/(math.Sqrt(vHat)+eps)
	}
}

// Adam is the Adam optimizer (AdamStep); its state is the moments m and v, zero after Init.
// Step k (0-based) is Adam's step t = k + 1.
type Adam struct {
	Beta1 float64 // β₁, decay of the first moment (0.9 is usual)
	Beta2 float64 // β₂, decay of the second moment (0.999 is usual)
	Eps   float64 // added to √v̂ (1e-8 is usual)

	m, v []float64
}

var _ Optimizer = (*Adam)(nil)

// Init sets both moments to zero for d-dimensional weights.
func (o *Adam) Init(d int) { o.m, o.v = make([]float64, d), make([]float64, d) }

// State returns the moments m and v.
func (o *Adam) State() [][]float64 { return [][]float64{o.m, o.v} }

// newAdam reads and checks Adam's hyper-parameters beta1, beta2 and eps (adam_step's and
// train's optimizer object's keys).
func newAdam(r *ArgReader) (Optimizer, error) {
	b1, b2, eps := r.Float("beta1"), r.Float("beta2"), r.Float("eps")
	if err := catFirst(r.Err(), catRange("beta1", b1, 0, 1, false), catRange("beta2", b2, 0, 1, false),
		catRange("eps", eps, 0, math.MaxFloat64, true)); err != nil {
		return nil, err
	}
	return &Adam{Beta1: b1, Beta2: b2, Eps: eps}, nil
}

// Step applies AdamStep to w with t = k + 1. If Init was not called for len(w), it starts
// from m = v = 0.
func (o *Adam) Step(w, g []float64, lr float64, k int) {
	if len(o.m) != len(w) {
		o.Init(len(w))
	}
	AdamStep(w, o.m, o.v, k+1, g, lr, o.Beta1, o.Beta2, o.Eps)
}
