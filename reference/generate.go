package reference

// This file holds the seeded generators of inputs: building blocks (vectors, data sets,
// gradient sequences, labelled training curves) and, per catalog function, argument sets
// designed so that the misconceptions of variants.go give visibly wrong answers.

import (
	"fmt"
	"hash/fnv"
	"math"
	"math/rand/v2"
	"slices"
)

// Defaults of Generate and TrajectoryInputs.
const (
	genDefaultCount = 5
	genDefaultDim   = 4
	genDefaultSteps = 10
)

// genRand returns the generator of seed for one purpose: different purposes draw
// independent streams from the same seed.
func genRand(seed int64, purpose string) *rand.Rand {
	h := fnv.New64a()
	h.Write([]byte(purpose))
	return rand.New(rand.NewPCG(uint64(seed), h.Sum64()))
}

// genUniform returns a number uniform in [lo, hi).
func genUniform(r *rand.Rand, lo, hi float64) float64 { return lo + (hi-lo)*r.Float64() }

// RandomVector returns d numbers uniform in [lo, hi).
func RandomVector(r *rand.Rand, d int, lo, hi float64) []float64 {
	x := make([]float64, d)
	for i := range x {
		x[i] = genUniform(r, lo, hi)
	}
	return x
}

// RandomMatrix returns a rows×cols matrix (an array of rows) of numbers uniform in [lo, hi).
func RandomMatrix(r *rand.Rand, rows, cols int, lo, hi float64) [][]float64 {
	m := make([][]float64, rows)
	for i := range m {
		m[i] = RandomVector(r, cols, lo, hi)
	}
	return m
}

// BernoulliData returns n observations 0/1, each 1 with probability p.
func BernoulliData(r *rand.Rand, n int, p float64) []float64 {
	y := make([]float64, n)
	for i := range y {
		if r.Float64() < p {
			y[i] = 1
		}
	}
	return y
}

// LogisticData returns a logistic-regression data set of n rows and d columns, the last
// column all ones (the bias; with d = 1 it is the only one) and the others standard normal,
// with labels drawn from a random true model, σ(x·w*) the probability of a 1. The last row
// repeats the first with the opposite label, so that for n ≥ 2 both labels occur and the
// data are never separable: the loss has a finite minimizer.
func LogisticData(r *rand.Rand, n, d int) (X [][]float64, y []float64) {
	wTrue := make([]float64, d)
	for j := range wTrue {
		wTrue[j] = 1.5 * r.NormFloat64()
	}
	X, y = make([][]float64, n), make([]float64, n)
	for i := range X {
		x := make([]float64, d)
		for j := 0; j < d-1; j++ {
			x[j] = r.NormFloat64()
		}
		if d > 0 {
			x[d-1] = 1
		}
		X[i] = x
		if r.Float64() < 1/(1+math.Exp(-variantDot(x, wTrue))) {
			y[i] = 1
		}
	}
	if n >= 2 {
		X[n-1] = append([]float64(nil), X[0]...)
		y[n-1] = 1 - y[0]
	}
	return X, y
}

// genMixed returns d numbers of random sign whose magnitudes are 10^e, e uniform in
// [loExp, hiExp]: a vector whose coordinates differ by orders of magnitude.
func genMixed(r *rand.Rand, d int, loExp, hiExp float64) []float64 {
	x := make([]float64, d)
	for i := range x {
		x[i] = math.Pow(10, genUniform(r, loExp, hiExp))
		if r.IntN(2) == 0 {
			x[i] = -x[i]
		}
	}
	return x
}

// GradientSequence returns steps gradients of d coordinates for driving an optimizer step
// function: the coordinates' magnitudes span 1e-6 … 10 (each coordinate has its own typical
// order of magnitude, spread over that range, and varies by up to a decade either way from
// step to step), signs vary at random, and one component of the second gradient (the first
// when steps = 1) is exactly 0. Constant gradients or gradients of magnitude 1 would hide
// Adam's mistakes (bias correction, |g| for g², ε placement); the zero shows how a
// normalized step treats gᵢ = 0.
func GradientSequence(seed int64, steps, d int) [][]float64 {
	r := genRand(seed, "gradients")
	if steps <= 0 || d <= 0 {
		return [][]float64{}
	}
	// Each coordinate's typical decade, from 1e-6 to 10, in random order.
	centre := make([]float64, d)
	for i, p := range r.Perm(d) {
		if d == 1 {
			centre[i] = -2.5
		} else {
			centre[i] = -5 + 5*float64(p)/float64(d-1)
		}
	}
	gs := make([][]float64, steps)
	for k := range gs {
		g := make([]float64, d)
		for i := range g {
			spread := 1.0
			if d == 1 {
				spread = 3.5
			}
			e := math.Max(-6, math.Min(1, centre[i]+genUniform(r, -spread, spread)))
			g[i] = math.Pow(10, e)
			if r.IntN(2) == 0 {
				g[i] = -g[i]
			}
		}
		gs[k] = g
	}
	gs[min(1, steps-1)][r.IntN(d)] = 0
	return gs
}

// genBernoulliY returns 8 to 15 observations with both outcomes, a share of ones other
// than one half: their mean, their median and the share of zeros all differ.
func genBernoulliY(r *rand.Rand) []float64 {
	for {
		n := 8 + r.IntN(8)
		y := BernoulliData(r, n, genUniform(r, 0.2, 0.8))
		ones := 0
		for _, yi := range y {
			ones += int(yi)
		}
		if ones > 0 && ones < n && 2*ones != n {
			return y
		}
	}
}

// genBase returns the optional base argument of case i: absent, 2 or 10 in turn.
func genBase(a Args, i int) {
	switch i % 3 {
	case 1:
		a["base"] = 2.0
	case 2:
		a["base"] = 10.0
	}
}

// genBatch returns a mini-batch of 2 … n−1 distinct rows of n ≥ 3, in random order.
func genBatch(r *rand.Rand, n int) []int {
	size := 2 + r.IntN(n-2)
	return r.Perm(n)[:size]
}

// genFuncs lists the functions Generate knows, in catalog order.
var genFuncs = []string{
	"bernoulli_nll", "bernoulli_nll_grad", "bernoulli_mle", "cross_entropy",
	"quadratic_loss", "quadratic_grad", "logistic_loss", "logistic_grad",
	"gd_step", "momentum_step", "normalized_step", "adam_step",
	"lr_linear", "lr_exponential", "train", "diagnose",
}

// Generate returns count (5 when 0) valid argument sets for the catalog function fn, drawn
// from seed, with vectors of dimension dim (4 when 0) where the function has a free
// dimension. The cases are designed to tell the misconceptions of VariantsOf(fn) from the
// right answer: mixed-magnitude gradients, non-zero optimizer state, Adam steps t = 1 … 5
// and one large ε in five, a zero gradient component for normalized_step, k on both sides
// of τ for lr_linear, Bernoulli data whose mean and median differ, mini-batches of at least
// two rows but not all, base absent, 2 or 10 in turn, train on every optimizer with and
// without a schedule, and diagnose on labelled curves (LabelledCurves). The same arguments
// always give the same cases.
func Generate(fn string, seed int64, count, dim int) ([]Args, error) {
	if !slices.Contains(genFuncs, fn) {
		return nil, fmt.Errorf("generate: %w %q", ErrUnknownFunc, fn)
	}
	if count < 0 || dim < 0 {
		return nil, fmt.Errorf("generate %s: count %d and dim %d must be ≥ 0", fn, count, dim)
	}
	if count == 0 {
		count = genDefaultCount
	}
	if dim == 0 {
		dim = genDefaultDim
	}
	if fn == "diagnose" {
		return genDiagnose(seed, count), nil
	}
	r := genRand(seed, "generate/"+fn)
	out := make([]Args, count)
	for i := range out {
		out[i] = genCase(fn, r, i, dim)
	}
	return out, nil
}

// genCase returns case i of fn (not diagnose) for dimension d.
func genCase(fn string, r *rand.Rand, i, d int) Args {
	switch fn {
	case "bernoulli_nll", "bernoulli_nll_grad":
		a := Args{"lam": genUniform(r, 0.1, 0.9), "y": genBernoulliY(r)}
		genBase(a, i)
		return a
	case "bernoulli_mle":
		return Args{"y": genBernoulliY(r)}
	case "cross_entropy":
		p := genUniform(r, 0.1, 0.9)
		lam := genUniform(r, 0.1, 0.8)
		if math.Abs(lam-p) < 0.1 {
			lam += 0.1
		}
		a := Args{"p": p, "lam": lam}
		genBase(a, i)
		return a
	case "quadratic_loss", "quadratic_grad":
		return Args{"w": genAwayFromZero(r, d, 0.2, 3), "a": RandomVector(r, d, 0.1, 3)}
	case "logistic_loss", "logistic_grad":
		n := 8 + r.IntN(8)
		X, y := LogisticData(r, n, d)
		a := Args{"w": RandomVector(r, d, -1.5, 1.5), "X": X, "y": y}
		if fn == "logistic_grad" && i%4 != 3 {
			a["batch"] = genBatch(r, n)
		}
		return a
	case "gd_step":
		return Args{"w": RandomVector(r, d, -2, 2), "g": genMixed(r, d, -6, 1), "lr": genUniform(r, 0.01, 0.5)}
	case "normalized_step":
		g := genMixed(r, d, -6, 1)
		if d > 1 || i%2 == 0 {
			g[r.IntN(d)] = 0
		}
		return Args{"w": RandomVector(r, d, -2, 2), "g": g, "lr": genUniform(r, 0.01, 0.5)}
	case "momentum_step":
		beta := []float64{0.9, 0.5, 0.99, genUniform(r, 0.6, 0.95)}[i%4]
		return Args{
			"w": RandomVector(r, d, -2, 2), "v": genMixed(r, d, -4, 1), "g": genMixed(r, d, -6, 1),
			"lr": genUniform(r, 0.01, 0.5), "beta": beta,
		}
	case "adam_step":
		m := genMixed(r, d, -5, 0)
		v := genMixed(r, d, -6, 1)
		for j := range v {
			v[j] *= v[j]
		}
		b1, b2 := 0.9, 0.999
		if i%3 == 2 {
			b1, b2 = 0.8, 0.99
		}
		eps := 1e-8
		if i%5 == 2 {
			eps = genUniform(r, 0.1, 1)
		}
		return Args{
			"w": RandomVector(r, d, -2, 2), "m": m, "v": v, "t": 1 + i%5, "g": genMixed(r, d, -6, 1),
			"lr": genUniform(r, 0.001, 0.1), "beta1": b1, "beta2": b2, "eps": eps,
		}
	case "lr_linear":
		tau := []float64{5, 10, 20, 50}[r.IntN(4)]
		ti := int(tau)
		k := r.IntN(ti + 1)
		if i%2 == 1 {
			k = ti + 1 + r.IntN(2*ti)
		} else if 2*k == ti {
			k++ // at k = τ/2 the line is symmetric in α₀ and α_τ
		}
		lr0 := genUniform(r, 0.05, 0.5)
		return Args{"k": k, "lr0": lr0, "lr_tau": lr0 * genUniform(r, 0.01, 0.2), "tau": tau}
	case "lr_exponential":
		tau := genUniform(r, 2, 20)
		return Args{"k": 1 + r.IntN(int(2*tau)), "lr0": genUniform(r, 0.05, 0.5), "tau": tau}
	case "train":
		return genTrain(r, i, d)
	}
	panic("reference: genCase: no generator for " + fn)
}

// genAwayFromZero returns d numbers of random sign with magnitudes in [lo, hi).
func genAwayFromZero(r *rand.Rand, d int, lo, hi float64) []float64 {
	x := RandomVector(r, d, lo, hi)
	for i := range x {
		if r.IntN(2) == 0 {
			x[i] = -x[i]
		}
	}
	return x
}

// genTrainKinds are train's cases in turn: problem, optimizer, schedule, mini-batches.
// Any five consecutive ones cover every optimizer and schedule kind and both problems.
var genTrainKinds = []struct {
	problem, optimizer, schedule string
	batches                      bool
}{
	{"logistic", "adam", "exponential", true}, // large ε
	{"quadratic", "momentum", "linear", false},
	{"quadratic", "normalized", "", false}, // a zero weight, so a zero gradient component
	{"logistic", "gd", "linear", true},
	{"quadratic", "adam", "", false},
	{"logistic", "momentum", "exponential", true},
	{"logistic", "normalized", "", false},
	{"quadratic", "gd", "exponential", false},
}

// genTrain returns train's case i.
func genTrain(r *rand.Rand, i, d int) Args {
	c := genTrainKinds[i%len(genTrainKinds)]
	steps := 12 + r.IntN(9)
	a := Args{"steps": steps, "w0": RandomVector(r, d, -2, 2)}
	n := 0
	if c.problem == "quadratic" {
		a["problem"] = Args{"kind": "quadratic", "a": RandomVector(r, d, 0.1, 2)}
	} else {
		n = 8 + r.IntN(8)
		X, y := LogisticData(r, n, d)
		a["problem"] = Args{"kind": "logistic", "X": X, "y": y}
	}
	// Every optimizer key is always sent; only the kind's own are drawn.
	opt := Args{"kind": c.optimizer, "lr": 0.1, "beta": 0.9, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8}
	switch c.optimizer {
	case "gd":
		opt["lr"] = genUniform(r, 0.05, 0.2)
		if c.problem == "logistic" {
			opt["lr"] = genUniform(r, 0.3, 1)
		}
	case "momentum":
		opt["lr"], opt["beta"] = genUniform(r, 0.05, 0.2), genUniform(r, 0.5, 0.9)
	case "normalized":
		opt["lr"] = genUniform(r, 0.01, 0.1)
		a["w0"].([]float64)[r.IntN(d)] = 0
	case "adam":
		opt["lr"] = genUniform(r, 0.01, 0.1)
		if c.problem == "logistic" {
			opt["eps"] = genUniform(r, 0.1, 0.5)
		}
	}
	a["optimizer"] = opt
	lr := opt["lr"].(float64)
	switch c.schedule {
	case "linear":
		a["schedule"] = Args{"kind": "linear", "lr_tau": lr * genUniform(r, 0.05, 0.3), "tau": float64(steps / 2)}
	case "exponential":
		a["schedule"] = Args{"kind": "exponential", "tau": genUniform(r, float64(steps)/4, float64(steps))}
	}
	if c.batches {
		bs := make([][]int, steps)
		for k := range bs {
			bs[k] = genBatch(r, n)
		}
		a["batches"] = bs
	}
	return a
}

// genDiagnose returns count diagnose cases: labelled curves of every label in turn, the
// lecture's α = 0.01 / 0.48 / 0.51 ones first, with the weights except on every third case
// whose label is clear without them.
func genDiagnose(seed int64, count int) []Args {
	curves := LabelledCurves(seed, (count+3)/4, true)
	out := make([]Args, count)
	for i := range out {
		c := curves[i]
		a := Args{"loss": c.Loss, "w": c.W}
		if i%3 == 1 && genClear(c.Label, c.Loss, nil) {
			delete(a, "w")
		}
		out[i] = a
	}
	return out
}

// TrajectoryInputs returns the inputs of a trajectory check of the step function fn
// (gd_step, momentum_step, normalized_step or adam_step): start holds the first step's
// arguments — w, the state (momentum's v zero or given; Adam's m, v zero and t = 1), the
// hyper-parameters (lr, beta, beta1, beta2, eps, the latter sometimes not tiny) and g =
// grads[0] — and grads the gradient of each of the steps (GradientSequence; 10 steps when
// steps is 0), of dimension dim (4 when 0). All is drawn from seed.
func TrajectoryInputs(fn string, seed int64, steps, dim int) (start Args, grads [][]float64, err error) {
	if steps < 0 || dim < 0 {
		return nil, nil, fmt.Errorf("trajectory inputs %s: steps %d and dim %d must be ≥ 0", fn, steps, dim)
	}
	if steps == 0 {
		steps = genDefaultSteps
	}
	if dim == 0 {
		dim = genDefaultDim
	}
	r := genRand(seed, "trajectory/"+fn)
	grads = GradientSequence(seed, steps, dim)
	start = Args{"w": RandomVector(r, dim, -2, 2), "g": append([]float64(nil), grads[0]...)}
	switch fn {
	case "gd_step", "normalized_step":
		start["lr"] = genUniform(r, 0.01, 0.5)
	case "momentum_step":
		start["lr"], start["beta"] = genUniform(r, 0.01, 0.5), []float64{0.9, 0.5, 0.99}[r.IntN(3)]
		start["v"] = make([]float64, dim)
		if r.IntN(2) == 0 {
			start["v"] = genMixed(r, dim, -4, 0)
		}
	case "adam_step":
		start["m"], start["v"], start["t"] = make([]float64, dim), make([]float64, dim), 1
		start["lr"], start["beta1"], start["beta2"] = genUniform(r, 0.001, 0.1), 0.9, 0.999
		start["eps"] = []float64{1e-8, 1e-3, genUniform(r, 0.1, 1)}[r.IntN(3)]
	default:
		return nil, nil, fmt.Errorf("trajectory inputs: %q is not a step function (gd_step, momentum_step, normalized_step, adam_step)", fn)
	}
	return start, grads, nil
}

// LabelledCurves returns perLabel training curves of each label, in the order converged,
// slow, oscillating, diverging, converged, …, each loss[0 … N] (20 ≤ N ≤ 60) of a real
// gradient-descent or momentum run on a quadratic like the lecture's 0.1·w₁² + 2·w₂², with
// its weights when withW is set. The first four are the lecture's figure where it has one:
// α = 0.01 (slow), 0.48 (oscillating, which shows in the weights only) and 0.51
// (diverging). Without withW, every oscillating curve oscillates in the loss. Each label is
// what diagnose gives and is clear: it would not change under a small change of the
// quantity that decides it (ratios by a factor 2, counts by one).
func LabelledCurves(seed int64, perLabel int, withW bool) []LabelledCurve {
	r := genRand(seed, "curves")
	labels := []string{Converged, Slow, Oscillating, Diverging}
	var out []LabelledCurve
	for i := 0; i < perLabel; i++ {
		for _, label := range labels {
			for attempt := 0; ; attempt++ {
				if attempt > 10000 {
					panic(fmt.Sprintf("reference: LabelledCurves: no clear %s curve found", label))
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
	return out
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
