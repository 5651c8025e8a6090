package reference

import "math"

// NormalizedStep stores one normalized-gradient step in dst, per coordinate as in the
// lecture (not g/‖g‖): dstᵢ = wᵢ − lr·gᵢ/|gᵢ|, that is wᵢ ∓ lr by the sign of gᵢ, and
// dstᵢ = wᵢ where gᵢ = 0. dst may be w. It panics if the lengths differ.
func NormalizedStep(dst, w, g []float64, lr float64) {
	stepCheck("NormalizedStep", len(dst), len(w), len(g))
	for i := range w {
		if g[i] == 0 {
			dst[i] = w[i]
			continue
		}
		dst[i] = w[i] - float64(lr*(g[i]/math.Abs(g[i])))
	}
}

// Normalized is per-coordinate normalized gradient descent (NormalizedStep): every
// coordinate moves the same distance lr downhill. It has no state.
type Normalized struct{}

var _ Optimizer = Normalized{}

// Init does nothing: Normalized has no state.
func (Normalized) Init(d int) {}

// State returns nil: Normalized has no state.
func (Normalized) State() [][]float64 { return nil }

// newNormalized returns Normalized, which has no hyper-parameters.
func newNormalized(r *ArgReader) (Optimizer, error) { return Normalized{}, r.Err() }

// Step sets wᵢ ← wᵢ − lr·gᵢ/|gᵢ| (unchanged where gᵢ = 0).
func (Normalized) Step(w, g []float64, lr float64, k int) { NormalizedStep(w, w, g, lr) }
