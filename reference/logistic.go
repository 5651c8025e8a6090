package reference

import "math"

// Logistic is logistic regression without intercept (X carries any bias column): the mean
// binary cross-entropy, in natural log, of the predictions σ(xᵢ·w) against labels yᵢ:
//
//	L(w) = (1/n) Σᵢ −yᵢ·ln σ(zᵢ) − (1−yᵢ)·ln(1−σ(zᵢ)),   zᵢ = xᵢ·w,  σ(z) = 1/(1+e^(−z)),
//	∇L(w) = (1/n) Σᵢ (σ(zᵢ) − yᵢ)·xᵢ.
//
// It is computed stably for any z: −ln σ(z) = softplus(−z) and −ln(1−σ(z)) = softplus(z)
// with softplus(z) = max(z, 0) + ln(1 + e^(−|z|)), so no log of 0 and no overflow even at
// |z| = 1000; the residual σ(z) − y is computed as (1−y)·σ(z) − y·σ(−z), equal for any y
// and accurate when σ(z) rounds to 1.
type Logistic struct {
	X [][]float64 // the rows xᵢ of the design matrix, each of length d
	Y []float64   // the labels yᵢ, 0 or 1
}

var _ Problem = Logistic{}

// Func returns the mean binary cross-entropy (1/n) Σᵢ yᵢ·softplus(−zᵢ) + (1−yᵢ)·softplus(zᵢ).
func (l Logistic) Func(w []float64) float64 {
	var sum float64
	for i, x := range l.X {
		z := logisticDot(x, w)
		y := l.Y[i]
		sum += float64(y*logisticSoftplus(-z)) + float64((1-y)*logisticSoftplus(z))
	}
	return sum / float64(len(l.X))
}

// Grad stores the full-data gradient (1/n) Σᵢ (σ(zᵢ) − yᵢ)·xᵢ in grad.
func (l Logistic) Grad(grad, w []float64) { l.BatchGrad(grad, w, nil) }

// BatchGrad stores in grad the mean gradient over the rows listed in batch (0-based),
// (1/|B|) Σ_{i∈B} (σ(zᵢ) − yᵢ)·xᵢ; all rows when batch is nil. Indices are not checked for
// duplicates (a repeated row counts twice); the catalog's logistic_grad rejects them.
func (l Logistic) BatchGrad(grad, w []float64, batch []int) {
	if len(grad) != len(w) {
		panic("reference: Logistic: length mismatch")
	}
	for j := range grad {
		grad[j] = 0
	}
	row := func(i int) {
		x := l.X[i]
		// σ(z) − y, written (1−y)·σ(z) − y·σ(−z) so a confident right answer gives a tiny
		// residual rather than 1 − 1 = 0.
		z, y := logisticDot(x, w), l.Y[i]
		r := float64((1-y)*logisticSigmoid(z)) - float64(y*logisticSigmoid(-z))
		for j, xj := range x {
			grad[j] += float64(r * xj)
		}
	}
	n := len(batch)
	if batch == nil {
		n = len(l.X)
		for i := range l.X {
			row(i)
		}
	} else {
		for _, i := range batch {
			row(i)
		}
	}
	for j := range grad {
		grad[j] /= float64(n)
	}
}

// lossGrad returns Func(w) and stores Grad(w) in grad, bit for bit the same, in one pass
// over the rows (one exponential a row instead of two): for the labelled curves' runs.
func (l Logistic) lossGrad(grad, w []float64) float64 {
	clear(grad)
	var sum float64
	for i, x := range l.X {
		z, y := logisticDot(x, w), l.Y[i]
		// softplus(±z) = max(±z, 0) + ln(1 + e), σ(z) and σ(−z) from e = e^(−|z|), as
		// logisticSoftplus and logisticSigmoid compute them.
		e := math.Exp(-math.Abs(z))
		lp := math.Log1p(e)
		sum += float64(y*(math.Max(-z, 0)+lp)) + float64((1-y)*(math.Max(z, 0)+lp))
		sz, smz := 1/(1+e), e/(1+e) // σ(z), σ(−z) for z ≥ 0
		if z < 0 {
			sz, smz = smz, sz
		}
		r := float64((1-y)*sz) - float64(y*smz)
		for j, xj := range x {
			grad[j] += float64(r * xj)
		}
	}
	for j := range grad {
		grad[j] /= float64(len(l.X))
	}
	return sum / float64(len(l.X))
}

// logisticDot returns x·w; it panics if the lengths differ.
func logisticDot(x, w []float64) float64 {
	if len(x) != len(w) {
		panic("reference: Logistic: row length differs from len(w)")
	}
	var s float64
	for j, xj := range x {
		s += float64(xj * w[j])
	}
	return s
}

// logisticSoftplus returns ln(1 + e^z) without overflow: max(z, 0) + ln(1 + e^(−|z|)).
func logisticSoftplus(z float64) float64 {
	return math.Max(z, 0) + math.Log1p(math.Exp(-math.Abs(z)))
}

// logisticSigmoid returns σ(z) = 1/(1+e^(−z)) without overflow.
func logisticSigmoid(z float64) float64 {
	if z >= 0 {
		return 1 / (1 + math.Exp(-z))
	}
	e := math.Exp(z)
	return e / (1 + e)
}

// newLogistic reads and checks a logistic problem's data X and y.
func newLogistic(r *ArgReader) (Problem, error) {
	X, y := r.Mat("X"), r.Vec("y")
	if err := catFirst(r.Err(), catDesign(X, y)); err != nil {
		return nil, err
	}
	return Logistic{X: X, Y: y}, nil
}

// checkWeights fails unless w0 has one weight per column of X.
func (l Logistic) checkWeights(d int) error {
	if len(l.X[0]) != d {
		return argErrorf("w0", "%d weights for X with %d columns", d, len(l.X[0]))
	}
	return nil
}

// rows returns the number of rows a mini-batch indexes.
func (l Logistic) rows() int { return len(l.X) }
