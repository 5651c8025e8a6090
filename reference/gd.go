package reference

// GDStep stores one gradient-descent step in dst: dstᵢ = wᵢ − lr·gᵢ. dst may be w (an
// in-place update). It panics if the lengths differ.
func GDStep(dst, w, g []float64, lr float64) {
	stepCheck("GDStep", len(dst), len(w), len(g))
	for i := range w {
		// The conversion rounds the product, so no fused multiply-add changes the last bit.
		dst[i] = w[i] - float64(lr*g[i])
	}
}

// GD is plain (mini-batch) gradient descent, w ← w − α·g. It has no state.
type GD struct{}

var _ Optimizer = GD{}

// Init does nothing: GD has no state.
func (GD) Init(d int) {}

// State returns nil: GD has no state.
func (GD) State() [][]float64 { return nil }

// newGD returns GD, which has no hyper-parameters.
func newGD(r *ArgReader) (Optimizer, error) { return GD{}, r.Err() }

// Step sets w ← w − lr·g.
func (GD) Step(w, g []float64, lr float64, k int) { GDStep(w, w, g, lr) }

// stepCheck panics unless all lengths equal the first.
func stepCheck(fn string, n ...int) {
	for _, m := range n[1:] {
		if m != n[0] {
			panic("reference: " + fn + ": length mismatch")
		}
	}
}
