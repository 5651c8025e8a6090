package reference

import "math"

// LRLinear returns the learning rate of step k under linear decay from lr0 to lrTau over
// tau steps, held at lrTau afterwards:
//
//	α_k = (1 − k/τ)·α₀ + (k/τ)·α_τ   for k ≤ τ,
//	α_k = α_τ                        for k ≥ τ.
func LRLinear(k int, lr0, lrTau, tau float64) float64 {
	r := float64(k) / tau
	if r >= 1 {
		return lrTau
	}
	return float64((1-r)*lr0) + float64(r*lrTau)
}

// LRExponential returns the learning rate of step k under exponential decay:
// α_k = α₀·e^(−k/τ).
func LRExponential(k int, lr0, tau float64) float64 {
	return lr0 * math.Exp(-float64(k)/tau)
}

// newLinear reads and checks a linear schedule's lr_tau and tau.
func newLinear(r *ArgReader, lr0 float64) (Schedule, error) {
	lrTau, tau := r.Float("lr_tau"), r.Float("tau")
	if err := catFirst(r.Err(), catFinite("lr_tau", lrTau), catPositive("tau", tau)); err != nil {
		return nil, err
	}
	return Linear{LR0: lr0, LRTau: lrTau, Tau: tau}, nil
}

// newExponential reads and checks an exponential schedule's tau.
func newExponential(r *ArgReader, lr0 float64) (Schedule, error) {
	tau := r.Float("tau")
	if err := catFirst(r.Err(), catPositive("tau", tau)); err != nil {
		return nil, err
	}
	return Exponential{LR0: lr0, Tau: tau}, nil
}

// Constant is a fixed learning rate: α_k = LR.
type Constant struct {
	LR float64
}

// Linear is linear decay (LRLinear): from LR0 at k = 0 to LRTau at k = Tau, LRTau after.
type Linear struct {
	LR0, LRTau float64
	Tau        float64 // τ > 0, in steps
}

// Exponential is exponential decay (LRExponential): α_k = LR0·e^(−k/Tau).
type Exponential struct {
	LR0 float64
	Tau float64 // τ > 0, in steps
}

var (
	_ Schedule = Constant{}
	_ Schedule = Linear{}
	_ Schedule = Exponential{}
)

// Rate returns c.LR.
func (c Constant) Rate(k int) float64 { return c.LR }

// Rate returns LRLinear(k, l.LR0, l.LRTau, l.Tau).
func (l Linear) Rate(k int) float64 { return LRLinear(k, l.LR0, l.LRTau, l.Tau) }

// Rate returns LRExponential(k, e.LR0, e.Tau).
func (e Exponential) Rate(k int) float64 { return LRExponential(k, e.LR0, e.Tau) }
