package reference

// This file holds the generator of diagnose's inputs: labelled training curves, each a real
// run whose label diagnose's rules decide with a margin.

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// genDiagnose returns count diagnose cases: labelled curves of every label in turn, the
// lecture's α = 0.01 / 0.48 / 0.51 ones first, with the weights except on every third case
// whose label is clear without them.
func genDiagnose(_ *rand.Rand, seed int64, count, _ int) ([]Args, error) {
	curves, err := LabelledCurves(seed, (count+3)/4, true)
	if err != nil {
		return nil, err
	}
	out := make([]Args, count)
	for i := range out {
		c := curves[i]
		a := Args{"loss": c.Loss, "w": c.W}
		if i%3 == 1 && genClear(c.Label, c.Loss, nil) {
			delete(a, "w")
		}
		out[i] = a
	}
	return out, nil
}

// LabelledCurves returns perLabel training curves of each label, in the order converged,
// slow, oscillating, diverging, converged, …, each loss[0 … N] (20 ≤ N ≤ 60) of a real
// gradient-descent or momentum run on a quadratic like the lecture's 0.1·w₁² + 2·w₂², with
// its weights when withW is set. The first four are the lecture's figure where it has one:
// α = 0.01 (slow), 0.48 (oscillating, which shows in the weights only) and 0.51
// (diverging). Without withW, every oscillating curve oscillates in the loss. Each label is
// what diagnose gives and is clear: it would not change under a small change of the
// quantity that decides it (ratios by a factor 2, counts by one).
func LabelledCurves(seed int64, perLabel int, withW bool) ([]LabelledCurve, error) {
	r := genRand(seed, "curves")
	labels := []string{Converged, Slow, Oscillating, Diverging}
	var out []LabelledCurve
	for i := 0; i < perLabel; i++ {
		for _, label := range labels {
			for attempt := 0; ; attempt++ {
				if attempt > 10000 {
					return nil, fmt.Errorf("labelled curves: no clear %s curve found for seed %d", label, seed)
				}
				spec := genCurveSpecFor(r, label, i, attempt, withW)
				c := spec.run()
				if !withW {
					c.W = nil
				}
				if variantDiagnose(c.Loss, c.W, false) == label && genClear(label, c.Loss, c.W) {
					c.Label = label
					out = append(out, c)
					break
				}
			}
		}
	}
	return out, nil
}

// genCurveSpec is a run of GD (beta = 0) or momentum on Σ aᵢwᵢ².
type genCurveSpec struct {
	a, w0    []float64
	lr, beta float64
	n        int
}

// genCurveSpecFor proposes a run meant to get label (the lecture's case at i = 0, attempt 0).
func genCurveSpecFor(r *rand.Rand, label string, i, attempt int, withW bool) genCurveSpec {
	lecture := i == 0 && attempt == 0
	s := genCurveSpec{
		a:  []float64{genUniform(r, 0.05, 0.2), genUniform(r, 1.5, 2.5)},
		w0: genAwayFromZero(r, 2, 0.5, 2),
		n:  20 + r.IntN(41),
	}
	switch label {
	case Converged:
		s.a[0] = genUniform(r, 0.3, 1)
		s.lr = genUniform(r, 0.15, 0.4)
		s.n = 30 + r.IntN(31)
		if r.IntN(2) == 0 {
			s.beta = 0.5
		}
	case Slow:
		s.lr = genUniform(r, 0.005, 0.03)
		if lecture {
			s.a, s.lr = []float64{0.1, 2}, 0.01
		}
	case Oscillating:
		if withW && i%2 == 0 {
			// GD whose fast coordinate flips sign by a factor 1 − 2a₂α in [−0.96, −0.86].
			s.lr = (1 + genUniform(r, 0.86, 0.96)) / (2 * s.a[1])
			s.n = 20 + r.IntN(21)
			if lecture {
				s.a, s.lr = []float64{0.1, 2}, 0.48
			}
			break
		}
		// Heavy momentum: the loss itself rises and falls.
		s.beta = genUniform(r, 0.85, 0.95)
		s.lr = genUniform(r, 0.3, 1.5)
		s.w0[0] *= 0.2
	case Diverging:
		s.lr = (1 + genUniform(r, 1.02, 1.25)) / (2 * s.a[1])
		if lecture {
			s.a, s.lr = []float64{0.1, 2}, 0.51
		}
	}
	return s
}

// run performs the run and records it.
func (s genCurveSpec) run() LabelledCurve {
	d := len(s.w0)
	w := append([]float64(nil), s.w0...)
	v := make([]float64, d)
	loss := func() float64 {
		l := 0.0
		for i := range w {
			l += s.a[i] * w[i] * w[i]
		}
		return l
	}
	c := LabelledCurve{Loss: []float64{loss()}, W: [][]float64{append([]float64(nil), w...)}}
	for k := 0; k < s.n; k++ {
		for i := range w {
			g := 2 * s.a[i] * w[i]
			if s.beta == 0 {
				w[i] -= s.lr * g
				continue
			}
			v[i] = s.beta*v[i] + (1-s.beta)*g
			w[i] -= s.lr * v[i]
		}
		c.Loss = append(c.Loss, loss())
		c.W = append(c.W, append([]float64(nil), w...))
	}
	opt := "GD"
	if s.beta != 0 {
		opt = fmt.Sprintf("momentum β = %.3g,", s.beta)
	}
	c.Why = fmt.Sprintf("%s α = %.4g on %.3g·w₁² + %.3g·w₂² from (%.3g, %.3g), %d steps",
		opt, s.lr, s.a[0], s.a[1], s.w0[0], s.w0[1], s.n)
	return c
}

// genClear reports whether label, the first of diagnose's rules to hold on (loss, w), is
// clear: every rule before it fails, and it holds, with a margin — ratios by a factor 2 (the
// loss test of rule 1 by 10 %), counts of rises or sign changes by one, a rise or fall of
// the loss by a relative 1e-6 — and all values are finite and moderate.
func genClear(label string, loss []float64, w [][]float64) bool {
	for _, l := range loss {
		if !(math.Abs(l) < 1e100) {
			return false
		}
	}
	q := variantDiagQuantities(loss, w)
	if !q.finite {
		return false
	}
	n := q.n
	// Rule 1, diverging: loss[N] > loss[0].
	if label == Diverging {
		return q.last > 1.1*q.first
	}
	if !(q.last < 0.9*q.first) {
		return false
	}
	// Rule 2, oscillating: rises that surely are and may be.
	sure, maybe := 0, 0
	for k := 0; k < n; k++ {
		if loss[k+1] > loss[k]*(1+1e-6) {
			sure++
		}
		if loss[k+1] > loss[k]*(1-1e-6) {
			maybe++
		}
	}
	lossOsc := 4*(sure-1) >= n
	lossCalm := 4*(maybe+1) < n
	wOsc, wCalm := false, true
	for i := range q.changes {
		if 5*(q.changes[i]-1) >= 4*q.pairs && q.dLastAbs[i] >= 0.2*q.dHalf[i] {
			wOsc = true
		}
		if 5*(q.changes[i]+1) >= 4*q.pairs && q.dLastAbs[i] >= 0.05*q.dHalf[i] {
			wCalm = false
		}
	}
	if label == Oscillating {
		return lossOsc || wOsc
	}
	if !lossCalm || !wCalm {
		return false
	}
	// Rule 3, converged.
	drop := q.first - q.last
	step := math.Abs(q.last - q.prev)
	if label == Converged {
		return q.last <= 0.5e-3*q.first || step <= 0.5e-6*drop
	}
	return q.last >= 2e-3*q.first && step >= 2e-6*drop
}
