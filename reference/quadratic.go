package reference

// Quadratic is the lecture's badly conditioned bowl L(w) = Σᵢ aᵢ·wᵢ² (no ½: for
// a = [0.1, 2] it is 0.1·w₁² + 2·w₂²). Its gradient is 2·aᵢ·wᵢ, so a gradient-descent step
// with rate α multiplies wᵢ by 1 − 2·α·aᵢ (the lecture's 1 − 4α for a = 2). With every
// aᵢ > 0 the minimum is w = 0 with loss 0.
type Quadratic struct {
	A []float64 // the curvatures aᵢ, one per coordinate
}

var _ Problem = Quadratic{}

// Func returns Σᵢ aᵢ·wᵢ². It panics if len(w) ≠ len(q.A).
func (q Quadratic) Func(w []float64) float64 {
	quadraticCheck(len(w), len(q.A))
	var sum float64
	for i, wi := range w {
		sum += float64(q.A[i] * wi * wi)
	}
	return sum
}

// Grad stores ∂L/∂wᵢ = 2·aᵢ·wᵢ in grad. It panics if the lengths differ.
func (q Quadratic) Grad(grad, w []float64) {
	quadraticCheck(len(w), len(q.A))
	quadraticCheck(len(grad), len(q.A))
	for i, wi := range w {
		grad[i] = 2 * q.A[i] * wi
	}
}

// BatchGrad is Grad: the quadratic has no data rows, so batch is ignored.
func (q Quadratic) BatchGrad(grad, w []float64, batch []int) { q.Grad(grad, w) }

func quadraticCheck(n, d int) {
	if n != d {
		panic("reference: Quadratic: length mismatch")
	}
}

// newQuadratic reads and checks a quadratic problem's curvatures a.
func newQuadratic(r *ArgReader) (Problem, error) {
	a := r.Vec("a")
	if err := catFirst(r.Err(), catNonEmpty("a", a), catFiniteVec("a", a)); err != nil {
		return nil, err
	}
	return Quadratic{A: a}, nil
}

// checkWeights fails unless w0 has one weight per curvature.
func (q Quadratic) checkWeights(d int) error {
	if len(q.A) != d {
		return argErrorf("w0", "%d weights for a quadratic with %d curvatures", d, len(q.A))
	}
	return nil
}
