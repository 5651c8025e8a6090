package reference

// This file holds the generator of diagnose's inputs: labelled training curves, each a real
// run whose label diagnose's rules decide with a margin.

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"
	"strings"
	"sync"
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
// gradient-descent or momentum run on a quadratic Σ aᵢwᵢ² of dimension 1 … 10 (the
// coordinate that oscillates or diverges anywhere) or on a logistic problem, with its
// weights when withW is set. The first four are the lecture's figure where it has one:
// α = 0.01 (slow), 0.48 (oscillating, which shows in the weights only) and 0.51
// (diverging). Without withW, every oscillating curve oscillates in the loss. Each label is
// what diagnose gives and is clear: it would not change under a small change of the
// quantity that decides it (ratios by a factor 2, counts by one).
func LabelledCurves(seed int64, perLabel int, withW bool) ([]LabelledCurve, error) {
	k := curveKey{seed, perLabel, withW}
	curveCache.Lock()
	e, ok := curveCache.m[k]
	curveCache.Unlock()
	if !ok {
		e.curves, e.err = labelledCurves(seed, perLabel, withW)
		curveCache.Lock()
		if len(curveCache.m) >= curveCacheMax {
			clear(curveCache.m)
		}
		curveCache.m[k] = e
		curveCache.Unlock()
	}
	if e.err != nil {
		return nil, e.err
	}
	out := make([]LabelledCurve, len(e.curves))
	for i, c := range e.curves {
		out[i] = c
		out[i].Loss = append([]float64(nil), c.Loss...)
		if c.W != nil { // the weights in one allocation, each row its own slice of it
			d := len(c.W[0])
			all := make([]float64, len(c.W)*d)
			out[i].W = make([][]float64, len(c.W))
			for j, w := range c.W {
				out[i].W[j] = all[j*d : (j+1)*d : (j+1)*d]
				copy(out[i].W[j], w)
			}
		}
	}
	return out, nil
}

// curveCache keeps recent LabelledCurves answers: checking a rubric's strength plans it
// again and again, and a set costs up to a millisecond. At most curveCacheMax sets are
// kept; callers get their own copy.
var curveCache = struct {
	sync.Mutex
	m map[curveKey]curveEntry
}{m: map[curveKey]curveEntry{}}

const curveCacheMax = 32

// ForgetLabelledCurves empties the kept LabelledCurves answers, so that the next call
// makes its curves again: a benchmark measures with it what the first load of a rubric
// in a process (every check) pays.
func ForgetLabelledCurves() {
	curveCache.Lock()
	clear(curveCache.m)
	curveCache.Unlock()
}

type curveKey struct {
	seed     int64
	perLabel int
	withW    bool
}

type curveEntry struct {
	curves []LabelledCurve
	err    error
}

// labelledCurves makes what LabelledCurves returns.
func labelledCurves(seed int64, perLabel int, withW bool) ([]LabelledCurve, error) {
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
				c := spec.curve()
				if !withW {
					c.W = nil
				}
				if variantDiagnose(c.Loss, c.W, false) == label && genClear(label, c.Loss, c.W) {
					c.Label, c.Why = label, spec.why()
					out = append(out, c)
					break
				}
			}
		}
	}
	return out, nil
}

// genCurveSpec is a run of GD (beta = 0) or momentum on Σ aᵢwᵢ², or, when logistic is
// set, of GD on a logistic-regression problem.
type genCurveSpec struct {
	a, w0    []float64
	lr, beta float64
	n        int
	logistic *Logistic
	done     *LabelledCurve // the run, when the proposal has made it already
}

// genCurveSpecFor proposes a run meant to get label (the lecture's case at i = 0, attempt 0).
// The quadratics have dimension 1 … 10 and curvatures over two orders of magnitude; the
// coordinate j of largest curvature, the one whose factor 1 − 2aⱼα decides between
// converging, oscillating and diverging, is any coordinate, not the first or the last
// only. Step sizes fall on both sides of the boundaries α = 1/(2aⱼ) (the weight starts to
// flip sign: it passes through zero at every step) and α = 1/aⱼ (the flip grows), and
// one coordinate in three starts at zero. Converged and slow curves 2, 5, 8, … are GD on a
// logistic problem; oscillating curves 2, 6, 10, … (with the weights, dimension ≥ 2) swing
// in two coordinates of the same curvature against each other, so that the weights'
// sum over the coordinates does not swing.
func genCurveSpecFor(r *rand.Rand, label string, i, attempt int, withW bool) genCurveSpec {
	if i == 0 && attempt == 0 {
		return genLectureCurve(r, label)
	}
	d := 1 + r.IntN(10)
	j := r.IntN(d)
	s := genCurveSpec{a: make([]float64, d), w0: genAwayFromZero(r, d, 0.5, 2), n: 20 + r.IntN(41)}
	aj := math.Pow(10, genUniform(r, -1, 1)) // 0.1 … 10
	for k := range s.a {
		s.a[k] = aj * math.Pow(10, genUniform(r, -1.3, -0.3))
		if k != j && d > 2 && r.IntN(3) == 0 {
			s.w0[k] = 0
		}
	}
	s.a[j] = aj
	// factor sets α so that coordinate j's factor is 1 − 2aⱼα = f.
	factor := func(f float64) float64 { return (1 - f) / (2 * aj) }
	switch label {
	case Converged, Slow:
		if i%3 == 2 {
			return genLogisticCurve(r, label)
		}
	}
	switch label {
	case Converged:
		for k := range s.a {
			s.a[k] = aj * genUniform(r, 0.3, 1)
		}
		s.a[j] = aj
		s.lr = factor(genUniform(r, -0.5, 0.5)) // both sides of α = 1/(2aⱼ)
		s.n = 30 + r.IntN(31)
		if r.IntN(2) == 0 {
			s.beta = 0.5
			s.lr = genUniform(r, 0.3, 0.8) / aj
		}
	case Slow:
		s.lr = factor(genUniform(r, 0.94, 0.995))
	case Oscillating:
		if withW && i%4 != 1 {
			// GD whose coordinate j flips sign by a factor in [−0.96, −0.86], just under
			// α = 1/aⱼ: the loss falls, the oscillation shows in the weights only.
			s.lr = factor(-genUniform(r, 0.86, 0.96))
			s.n = 20 + r.IntN(21)
			if i%4 == 2 && d > 1 {
				// A second coordinate of the same curvature swings against the first:
				// summed over the coordinates, the weights do not swing at all.
				j2 := (j + 1 + r.IntN(d-1)) % d
				s.a[j2], s.w0[j2] = aj, -s.w0[j]
			}
			break
		}
		// Heavy momentum: the loss itself rises and falls.
		s.beta = genUniform(r, 0.85, 0.95)
		s.lr = genUniform(r, 0.15, 0.75) / aj
		for k := range s.w0 {
			if k != j {
				s.w0[k] *= 0.2
			}
		}
	case Diverging:
		s.lr = factor(-genUniform(r, 1.02, 1.25)) // just over α = 1/aⱼ
	}
	return s
}

// genLectureCurve is the lecture's figure: GD on 0.1·w₁² + 2·w₂² at α = 0.01 (slow), 0.48
// (oscillating in the weights) and 0.51 (diverging); a converged run of its kind.
func genLectureCurve(r *rand.Rand, label string) genCurveSpec {
	s := genCurveSpec{a: []float64{0.1, 2}, w0: genAwayFromZero(r, 2, 0.5, 2), n: 20 + r.IntN(41)}
	switch label {
	case Converged:
		s.a[0] = genUniform(r, 0.3, 1)
		s.lr = genUniform(r, 0.15, 0.4)
		s.n = 30 + r.IntN(31)
	case Slow:
		s.lr = 0.01
	case Oscillating:
		s.lr = 0.48
		s.n = 20 + r.IntN(21)
	case Diverging:
		s.lr = 0.51
	}
	return s
}

// genLogisticCurve is GD on a logistic problem built to converge: 1 … 3 features (the
// last a bias column), 20 … 32 examples whose classes overlap (labels drawn from a weak
// model, one example repeated with the other label), so the loss has a minimum near w = 0
// where its Hessian is close to XᵀX/(4n) and well conditioned. The step size is from the
// smoothness constant L = ‖X‖²/(4n) (‖X‖ the spectral norm): α ∈ [0.5, 1]/L, slowed down
// for converged so that it converges after 25 … 45 steps; for slow, small enough that a
// tenth to a third of the way down is left in every direction.
// GD at α ≤ 1/L falls at every step without a swing, and a converged curve is then cut at
// a length N ∈ [20, 60] at which its label is clear: the last step has fallen under
// diagnose's threshold, but not for so long that the flat end makes the loss look as if it
// might rise. About 97 % of the proposals are taken at once (the quadratics' way, about a
// hundred proposals for one converged logistic curve, cost milliseconds).
func genLogisticCurve(r *rand.Rand, label string) genCurveSpec {
	d := 1 + r.IntN(3)
	n := 20 + r.IntN(13)
	X, y := genOverlappingData(r, n, d)
	l := Logistic{X: X, Y: y}
	s := genCurveSpec{w0: genAwayFromZero(r, d, 1, 2.5), n: 20, logistic: &l}
	L := logisticSmoothness(X)
	s.lr = genUniform(r, 0.5, 1) / L
	// Start far enough from the minimum that a quarter of the loss is there to lose (a
	// curve must fall by 10 % to be labelled other than diverging with a margin): the
	// minimum's loss is at most ln 2, the loss at w = 0, so a start whose loss is at least
	// (4/3)·ln 2 will do.
	for try := 0; try < 3 && l.Func(s.w0) < 4.0/3*math.Ln2; try++ {
		for j := range s.w0 {
			s.w0[j] *= 2
		}
	}
	if label == Slow {
		// α = c/L: no curvature is over L, so each direction keeps at least (1 − c)^(2N)
		// of its share of the way down to the minimum's loss; c such that that is 8 % to
		// 25 %.
		s.n = 20 + r.IntN(41)
		s.lr = (1 - math.Pow(genUniform(r, 0.08, 0.25), 1/float64(2*s.n))) / L
		return s
	}
	fast := s.run() // 20 steps at α ~ 1/L
	// Near the minimum the loss's fall shrinks by a factor ρ² a step, ρ = 1 − αμ (μ the
	// smallest curvature there); the first run gives ρ at α, and a chosen ρ' the step size
	// α' = α·(1 − ρ')/(1 − ρ).
	// At α ~ 1/L the run may converge within a few steps: slow it down so that it
	// converges after about K ∈ [25, 45] steps, ρ' = ρ^(k₀/K).
	s.n = 60
	if k0 := genConvergedAt(fast); k0 >= 2 {
		q := (fast.Loss[k0-1] - fast.Loss[k0]) / (fast.Loss[k0-2] - fast.Loss[k0-1])
		if rho := math.Sqrt(q); rho > 0 && rho < 1 {
			s.lr *= (1 - math.Pow(rho, float64(k0)/genUniform(r, 25, 45))) / (1 - rho)
		}
	}
	c := s.run()
	// Cut the run where its label is clear; none such: the proposal is turned down.
	var clear []int
	for k := 20; k <= 60; k++ {
		loss, w := c.Loss[:k+1], c.W[:k+1]
		if variantDiagnose(loss, w, false) == Converged && genClear(Converged, loss, w) {
			clear = append(clear, k)
		} else if len(clear) > 0 {
			break
		}
	}
	if len(clear) > 0 {
		s.n = clear[r.IntN(len(clear))]
		c.Loss, c.W = c.Loss[:s.n+1], c.W[:s.n+1]
		s.done = &c
	}
	return s
}

// genConvergedAt returns the first k at which the loss's step has fallen clearly under
// diagnose's converged threshold (|loss[k] − loss[k−1]| ≤ 0.5e-6·(loss[0] − loss[k])), or 0.
func genConvergedAt(c LabelledCurve) int {
	for k := 1; k < len(c.Loss); k++ {
		if math.Abs(c.Loss[k]-c.Loss[k-1]) <= 0.5e-6*(c.Loss[0]-c.Loss[k]) {
			return k
		}
	}
	return 0
}

// genOverlappingData returns n examples of d features, the last a bias column of ones and
// the others standard normal, with labels drawn from σ(x·w) for a weak w (each weight
// N(0, 0.3²)), so the two classes overlap; the last example repeats the first with the
// other label, so that no w separates them and the loss has a finite minimum.
func genOverlappingData(r *rand.Rand, n, d int) (X [][]float64, y []float64) {
	wTrue := make([]float64, d)
	for j := range wTrue {
		wTrue[j] = 0.3 * r.NormFloat64()
	}
	X, y = make([][]float64, n), make([]float64, n)
	for i := range X {
		x := make([]float64, d)
		for j := 0; j < d-1; j++ {
			x[j] = r.NormFloat64()
		}
		x[d-1] = 1
		X[i] = x
		if r.Float64() < logisticSigmoid(variantDot(x, wTrue)) {
			y[i] = 1
		}
	}
	for j := 0; j < d-1; j++ { // centred: the features are orthogonal to the bias column
		mean := 0.0
		for _, x := range X {
			mean += x[j] / float64(n)
		}
		for _, x := range X {
			x[j] -= mean
		}
	}
	X[n-1] = append([]float64(nil), X[0]...)
	y[n-1] = 1 - y[0]
	return X, y
}

// logisticSmoothness returns L = λ_max(XᵀX)/(4n), the largest curvature the logistic loss
// of X can have (σ' ≤ 1/4), by power iteration on XᵀX from the vector of ones; it is
// within 1e-9 of λ_max, or a little under it, which for a step 1/L only halves the margin
// to 2/L that GD needs to fall.
func logisticSmoothness(X [][]float64) float64 {
	d := len(X[0])
	v, u := make([]float64, d), make([]float64, d)
	for j := range v {
		v[j] = 1
	}
	lambda := 0.0
	for it := 0; it < 200; it++ {
		clear(u)
		for _, x := range X {
			xv := variantDot(x, v)
			for j := range u {
				u[j] += xv * x[j]
			}
		}
		norm := math.Sqrt(variantDot(u, u))
		next := norm / math.Sqrt(variantDot(v, v))
		for j := range v {
			v[j] = u[j] / norm
		}
		if math.Abs(next-lambda) <= 1e-12*next {
			lambda = next
			break
		}
		lambda = next
	}
	return lambda / (4 * float64(len(X)))
}

// curve returns the run: the one the proposal made, else a new one.
func (s genCurveSpec) curve() LabelledCurve {
	if s.done != nil {
		return *s.done
	}
	return s.run()
}

// run performs the run and records it (without Why: see why).
func (s genCurveSpec) run() LabelledCurve {
	d := len(s.w0)
	w := append([]float64(nil), s.w0...)
	v := make([]float64, d)
	g := make([]float64, d)
	// loss stores the gradient at w in g and returns the loss there.
	var loss func() float64
	if s.logistic != nil {
		loss = func() float64 { return s.logistic.lossGrad(g, w) }
	} else {
		q := Quadratic{A: s.a}
		loss = func() float64 { q.Grad(g, w); return q.Func(w) }
	}
	all := make([]float64, (s.n+1)*d) // the weights along the run, one allocation
	c := LabelledCurve{Loss: make([]float64, 0, s.n+1), W: make([][]float64, 0, s.n+1)}
	record := func(k int) {
		c.Loss = append(c.Loss, loss())
		c.W = append(c.W, all[k*d:(k+1)*d:(k+1)*d])
		copy(c.W[k], w)
	}
	record(0)
	for k := 0; k < s.n; k++ {
		for i := range w {
			if s.beta == 0 {
				w[i] -= s.lr * g[i]
				continue
			}
			v[i] = s.beta*v[i] + (1-s.beta)*g[i]
			w[i] -= s.lr * v[i]
		}
		record(k + 1)
	}
	return c
}

// why describes the run.
func (s genCurveSpec) why() string {
	opt := "GD"
	if s.beta != 0 {
		opt = fmt.Sprintf("momentum β = %.3g,", s.beta)
	}
	return fmt.Sprintf("%s α = %.4g on %s from %s, %d steps", opt, s.lr, s.problemText(), genVectorText(s.w0), s.n)
}

// problemText describes the run's problem: "0.1·w₁² + 2·w₂²", "logistic regression (12
// examples, 3 features)".
func (s genCurveSpec) problemText() string {
	if s.logistic != nil {
		return fmt.Sprintf("logistic regression (%d examples, %d features)", len(s.logistic.X), len(s.w0))
	}
	terms := make([]string, len(s.a))
	for i, a := range s.a {
		terms[i] = fmt.Sprintf("%.3g·w%s²", a, genSubscript(i+1))
	}
	return strings.Join(terms, " + ")
}

// genSubscript writes n in subscript digits.
func genSubscript(n int) string {
	var b strings.Builder
	for _, c := range strconv.Itoa(n) {
		b.WriteRune('₀' + (c - '0'))
	}
	return b.String()
}

// genVectorText writes a vector as "(0.5, −1.2)".
func genVectorText(x []float64) string {
	parts := make([]string, len(x))
	for i, v := range x {
		parts[i] = fmt.Sprintf("%.3g", v)
	}
	return "(" + strings.Join(parts, ", ") + ")"
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
