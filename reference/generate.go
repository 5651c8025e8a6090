package reference

// This file holds the seeded generators of inputs: building blocks (vectors, data sets,
// gradient sequences, labelled training curves) and, per catalog function, argument sets
// designed so that the misconceptions of variants.go give visibly wrong answers.

import (
	"fmt"
	"hash/fnv"
	"maps"
	"math"
	"math/rand/v2"
	"strings"
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
// when steps = 1) is exactly 0. With 6 steps or more, the fifth gradient is tiny (all of it
// 1e-6 times smaller: under Adam's usual ε) and the sixth huge (1e4 times larger). Constant gradients or gradients of magnitude 1 would hide
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
	// A tiny step and a huge one, the whole gradient 1e-6 and 1e4 times its size.
	if steps >= 6 {
		for i := range gs[4] {
			gs[4][i] *= 1e-6
			gs[5][i] *= 1e4
		}
	}
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

// Generate returns count (5 when 0) valid argument sets for the catalog function fn, drawn
// from seed by the function's generator (Func.Gen), with vectors of dimension dim (4 when 0)
// where the function has a free dimension. The cases are designed to tell the
// misconceptions of VariantsOf(fn) from the right answer: mixed-magnitude gradients,
// non-zero optimizer state, Adam steps t = 1 … 5 and one large ε in five, a zero gradient
// component for normalized_step, k on both sides of τ for lr_linear, Bernoulli data whose
// mean and median differ, mini-batches of at least two rows but not all, base absent, 2 or
// 10 in turn, train on every optimizer with and without a schedule, and diagnose on
// labelled curves (LabelledCurves). The same arguments always give the same cases.
func Generate(fn string, seed int64, count, dim int) ([]Args, error) {
	f, ok := Lookup(fn)
	if !ok || f.Gen == nil {
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
	return f.Gen(genRand(seed, "generate/"+fn), seed, count, dim)
}

// genEach makes a Func.Gen of a generator of case i of dimension d.
func genEach(one func(r *rand.Rand, i, d int) Args) func(*rand.Rand, int64, int, int) ([]Args, error) {
	return func(r *rand.Rand, _ int64, count, dim int) ([]Args, error) {
		out := make([]Args, count)
		for i := range out {
			out[i] = one(r, i, dim)
		}
		return out, nil
	}
}

// The generators of one case, one per catalog function (Func.Gen), in catalog order.

func genBernoulliNLL(r *rand.Rand, i, d int) Args {
	a := Args{"lam": genUniform(r, 0.1, 0.9), "y": genBernoulliY(r)}
	genBase(a, i)
	return a
}

func genBernoulliMLE(r *rand.Rand, i, d int) Args { return Args{"y": genBernoulliY(r)} }

func genCrossEntropy(r *rand.Rand, i, d int) Args {
	p := genUniform(r, 0.1, 0.9)
	lam := genUniform(r, 0.1, 0.8)
	if math.Abs(lam-p) < 0.1 {
		lam += 0.1
	}
	a := Args{"p": p, "lam": lam}
	genBase(a, i)
	return a
}

func genQuadratic(r *rand.Rand, i, d int) Args {
	return Args{"w": genAwayFromZero(r, d, 0.2, 3), "a": RandomVector(r, d, 0.1, 3)}
}

func genLogisticLoss(r *rand.Rand, i, d int) Args {
	a, _ := genLogistic(r, d)
	return a
}

// genLogisticGrad is genLogisticLoss with a mini-batch but on every fourth case.
func genLogisticGrad(r *rand.Rand, i, d int) Args {
	a, n := genLogistic(r, d)
	if i%4 != 3 {
		a["batch"] = genBatch(r, n)
	}
	return a
}

func genLogistic(r *rand.Rand, d int) (Args, int) {
	n := 8 + r.IntN(8)
	X, y := LogisticData(r, n, d)
	return Args{"w": RandomVector(r, d, -1.5, 1.5), "X": X, "y": y}, n
}

func genGDStep(r *rand.Rand, i, d int) Args {
	return Args{"w": RandomVector(r, d, -2, 2), "g": genMixed(r, d, -6, 1), "lr": genUniform(r, 0.01, 0.5)}
}

func genMomentumStep(r *rand.Rand, i, d int) Args {
	beta := []float64{0.9, 0.5, 0.99, genUniform(r, 0.6, 0.95)}[i%4]
	return Args{
		"w": RandomVector(r, d, -2, 2), "v": genMixed(r, d, -4, 1), "g": genMixed(r, d, -6, 1),
		"lr": genUniform(r, 0.01, 0.5), "beta": beta,
	}
}

// genNormalizedStep has a zero gradient component (on every other case in dimension 1).
func genNormalizedStep(r *rand.Rand, i, d int) Args {
	g := genMixed(r, d, -6, 1)
	if d > 1 || i%2 == 0 {
		g[r.IntN(d)] = 0
	}
	return Args{"w": RandomVector(r, d, -2, 2), "g": g, "lr": genUniform(r, 0.01, 0.5)}
}

func genAdamStep(r *rand.Rand, i, d int) Args {
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
}

func genLRLinear(r *rand.Rand, i, d int) Args {
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
}

func genLRExponential(r *rand.Rand, i, d int) Args {
	tau := genUniform(r, 2, 20)
	return Args{"k": 1 + r.IntN(int(2*tau)), "lr0": genUniform(r, 0.05, 0.5), "tau": tau}
}

// The first-step generators of the step functions (Func.Start), in catalog order.

func startLR(r *rand.Rand, dim int) Args { return Args{"lr": genUniform(r, 0.01, 0.5)} }

func startMomentum(r *rand.Rand, dim int) Args {
	a := Args{}
	a["lr"], a["beta"] = genUniform(r, 0.01, 0.5), []float64{0.9, 0.5, 0.99}[r.IntN(3)]
	a["v"] = make([]float64, dim)
	if r.IntN(2) == 0 {
		a["v"] = genMixed(r, dim, -4, 0)
	}
	return a
}

func startAdam(r *rand.Rand, dim int) Args {
	a := Args{"m": make([]float64, dim), "v": make([]float64, dim), "t": 1}
	a["lr"], a["beta1"], a["beta2"] = genUniform(r, 0.001, 0.1), 0.9, 0.999
	a["eps"] = []float64{1e-8, 1e-3, genUniform(r, 0.1, 1)}[r.IntN(3)]
	return a
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
	if p := a["problem"].(Args); c.problem == "quadratic" && (c.optimizer == "normalized" || c.optimizer == "adam") {
		// Optimizers that follow the gradient's sign or scale it away: a huge and a tiny
		// curvature, so gradients from about 1e-5 to 1e4 in one run.
		curv := p["a"].([]float64)
		curv[r.IntN(d)] *= 1e3
		if d > 1 {
			curv[r.IntN(d)] *= 1e-4
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
		a["batches"] = genEpochBatches(r, n, steps)
	}
	return a
}

// genEpochBatches returns the mini-batches of steps steps over n ≥ 3 rows, epoch after
// epoch: each epoch the rows in a new random order, cut into batches of B rows, 2 ≤ B < n,
// and a last, partial batch of the n mod B ≠ 0 rows left (sometimes a single row).
func genEpochBatches(r *rand.Rand, n, steps int) [][]int {
	size := 2 + r.IntN(n/2)
	for n%size == 0 {
		size++
	}
	var bs [][]int
	for len(bs) < steps {
		perm := r.Perm(n)
		for s := 0; s < n && len(bs) < steps; s += size {
			bs = append(bs, perm[s:min(s+size, n)])
		}
	}
	return bs
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
	f, ok := Lookup(fn)
	if !ok || f.Start == nil {
		return nil, nil, fmt.Errorf("trajectory inputs: %q is not a step function (%s)", fn, strings.Join(stepFuncNames(), ", "))
	}
	r := genRand(seed, "trajectory/"+fn)
	grads = GradientSequence(seed, steps, dim)
	start = Args{"w": RandomVector(r, dim, -2, 2), "g": append([]float64(nil), grads[0]...)}
	maps.Copy(start, f.Start(r, dim))
	return start, grads, nil
}

// stepFuncNames lists the step functions, whose trajectories TrajectoryInputs makes.
func stepFuncNames() []string {
	var names []string
	for _, f := range catalog {
		if f.Start != nil {
			names = append(names, f.Name)
		}
	}
	return names
}
