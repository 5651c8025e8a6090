package reference

// MomentumStep does one step of momentum in its exponentially-weighted-average form, in
// place:
//
//	v ← β·v + (1−β)·g
//	w ← w − lr·v
//
// Started from v = 0, after gradients S⁰ … Sᵏ the velocity is vᵏ = (1−β) Σₜ β^(k−t)·Sᵗ (the
// lecture: with β = 0.9 the last three weigh 0.81, 0.9, 1, times 0.1). It panics if the
// lengths differ.
func MomentumStep(w, v, g []float64, lr, beta float64) {
	stepCheck("MomentumStep", len(w), len(v), len(g))
	for i := range w {
		v[i] = float64(beta*v[i]) + float64((1-beta)*g[i])
		w[i] = w[i] - float64(lr*v[i])
	}
}

// Momentum is gradient descent with momentum (MomentumStep); its state is the velocity v,
// zero after Init.
type Momentum struct {
	Beta float64 // β ∈ [0, 1], the weight of the past velocity (0.9 in the lecture)

	v []float64
}

var _ Optimizer = (*Momentum)(nil)

// Init sets the velocity to zero for d-dimensional weights.
func (o *Momentum) Init(d int) { o.v = make([]float64, d) }

// State returns the velocity v.
func (o *Momentum) State() [][]float64 { return [][]float64{o.v} }

// newMomentum reads and checks momentum's hyper-parameter beta.
func newMomentum(r *ArgReader) (Optimizer, error) {
	beta := r.Float("beta")
	if err := catFirst(r.Err(), catRange("beta", beta, 0, 1, true)); err != nil {
		return nil, err
	}
	return &Momentum{Beta: beta}, nil
}

// Step applies MomentumStep to w. If Init was not called for len(w), it starts from v = 0.
func (o *Momentum) Step(w, g []float64, lr float64, k int) {
	if len(o.v) != len(w) {
		o.Init(len(w))
	}
	MomentumStep(w, o.v, g, lr, o.Beta)
}
