package reference

import (
	"fmt"
	"math"
	"strings"
	"sync/atomic"
)

// This file is the dynamic API: the assignment's function catalog (DESIGN.md §2) as a table,
// each function taking and returning the JSON-shaped values of the wire protocol.

// catMaxTrajectory bounds the numbers a train call records, (steps+1)·len(w0), so that a
// typo in a rubric cannot exhaust memory.
const catMaxTrajectory = 1e8

// catalog is catalogTable, set by init rather than by an initializer because train's row
// reads the table (its problem, optimizer and schedule kinds are other rows).
var catalog []Func

func init() { catalog = catalogTable }

// catalogTable lists every function of DESIGN.md §2, in its order. The rows with a
// TrainKind are train's problems (losses), optimizers (step functions) and schedules (rates):
// adding an optimizer is its file (the step, the Optimizer, its constructor) plus one row.
var catalogTable = []Func{
	{
		Name: "bernoulli_nll",
		Params: []Param{
			{Name: "lam", Kind: Scalar, Doc: "the success probability λ, in (0, 1)"},
			{Name: "y", Kind: Vector, Doc: "the observations, 0/1"},
			{Name: "base", Kind: Scalar, Optional: true, Doc: "the base of the log, > 0 and ≠ 1; e when absent"},
		},
		Result:  "scalar",
		Formula: "mean over i of −yᵢ·log λ − (1−yᵢ)·log(1−λ), log in base `base`",
		Call:    catBernoulliNLL,
		Gen:     genEach(genBernoulliNLL),
	},
	{
		Name: "bernoulli_nll_grad",
		Params: []Param{
			{Name: "lam", Kind: Scalar, Doc: "the success probability λ, in (0, 1)"},
			{Name: "y", Kind: Vector, Doc: "the observations, 0/1"},
			{Name: "base", Kind: Scalar, Optional: true, Doc: "the base of the log, > 0 and ≠ 1; e when absent"},
		},
		Result:  "scalar",
		Formula: "dL/dλ = mean over i of (−yᵢ/λ + (1−yᵢ)/(1−λ)), divided by ln(base)",
		Call:    catBernoulliNLLGrad,
		Scale:   catBernoulliNLLGradScale,
		Gen:     genEach(genBernoulliNLL),
		Loss:    "bernoulli_nll",
		WRT:     "lam",
	},
	{
		Name: "bernoulli_mle",
		Params: []Param{
			{Name: "y", Kind: Vector, Doc: "the observations, 0/1"},
		},
		Result:  "scalar",
		Formula: "argmin over λ of bernoulli_nll: the mean of y",
		Call:    catBernoulliMLE,
		Gen:     genEach(genBernoulliMLE),
	},
	{
		Name: "cross_entropy",
		Params: []Param{
			{Name: "p", Kind: Scalar, Doc: "the true success probability, in (0, 1)"},
			{Name: "lam", Kind: Scalar, Doc: "the model's success probability λ, in (0, 1)"},
			{Name: "base", Kind: Scalar, Optional: true, Doc: "the base of the log, > 0 and ≠ 1; e when absent"},
		},
		Result:  "scalar",
		Formula: "−p·log λ − (1−p)·log(1−λ), log in base `base` (the generalization error)",
		Call:    catCrossEntropy,
		Gen:     genEach(genCrossEntropy),
	},
	{
		Name: "quadratic_loss",
		Params: []Param{
			{Name: "w", Kind: Vector, Doc: "the weights"},
			{Name: "a", Kind: Vector, Doc: "the curvatures, one per weight (lecture: [0.1, 2])"},
		},
		Result:     "scalar",
		Formula:    "Σ aᵢ·wᵢ² (no ½)",
		Call:       catQuadraticLoss,
		Gen:        genEach(genQuadratic),
		TrainKind:  "quadratic",
		NewProblem: newQuadratic,
	},
	{
		Name: "quadratic_grad",
		Params: []Param{
			{Name: "w", Kind: Vector, Doc: "the weights"},
			{Name: "a", Kind: Vector, Doc: "the curvatures, one per weight"},
		},
		Result:  "vector",
		Formula: "2·aᵢ·wᵢ for each i",
		Call:    catQuadraticGrad,
		Gen:     genEach(genQuadratic),
		Loss:    "quadratic_loss",
		WRT:     "w",
	},
	{
		Name: "logistic_loss",
		Params: []Param{
			{Name: "w", Kind: Vector, Doc: "the weights, one per column of X"},
			{Name: "X", Kind: Matrix, Doc: "the inputs, one row per example (no intercept added)"},
			{Name: "y", Kind: Vector, Doc: "the labels, 0/1, one per row of X"},
		},
		Result:     "scalar",
		Formula:    "mean over rows of −yᵢ·ln σ(zᵢ) − (1−yᵢ)·ln(1−σ(zᵢ)), zᵢ = xᵢ·w, σ(z) = 1/(1+e^(−z))",
		Call:       catLogisticLoss,
		Gen:        genEach(genLogisticLoss),
		TrainKind:  "logistic",
		NewProblem: newLogistic,
	},
	{
		Name: "logistic_grad",
		Params: []Param{
			{Name: "w", Kind: Vector, Doc: "the weights, one per column of X"},
			{Name: "X", Kind: Matrix, Doc: "the inputs, one row per example"},
			{Name: "y", Kind: Vector, Doc: "the labels, 0/1, one per row of X"},
			{Name: "batch", Kind: IndexList, Optional: true, Doc: "the rows to average over, 0-based, distinct; all rows when absent"},
		},
		Result:  "vector",
		Formula: "mean over the rows i in batch of (σ(xᵢ·w) − yᵢ)·xᵢ",
		Call:    catLogisticGrad,
		Scale:   catLogisticGradScale,
		Gen:     genEach(genLogisticGrad),
		Loss:    "logistic_loss",
		WRT:     "w",
	},
	{
		Name: "gd_step",
		Params: []Param{
			{Name: "w", Kind: Vector, Doc: "the weights"},
			{Name: "g", Kind: Vector, Doc: "the gradient at w"},
			{Name: "lr", Kind: Scalar, Doc: "the learning rate α"},
		},
		Result:       "vector",
		Formula:      "w − lr·g",
		Call:         catStep("gd_step"),
		Gen:          genEach(genGDStep),
		Start:        startLR,
		TrainKind:    "gd",
		NewOptimizer: newGD,
		State:        []string{"w"},
	},
	{
		Name: "momentum_step",
		Params: []Param{
			{Name: "w", Kind: Vector, Doc: "the weights"},
			{Name: "v", Kind: Vector, Doc: "the velocity, 0 before the first step"},
			{Name: "g", Kind: Vector, Doc: "the gradient at w"},
			{Name: "lr", Kind: Scalar, Doc: "the learning rate α"},
			{Name: "beta", Kind: Scalar, Doc: "the momentum β, in [0, 1]"},
		},
		Result:       "{w, v}",
		Formula:      "v ← β·v + (1−β)·g; w ← w − lr·v (the new v)",
		Call:         catStep("momentum_step"),
		Gen:          genEach(genMomentumStep),
		Start:        startMomentum,
		TrainKind:    "momentum",
		NewOptimizer: newMomentum,
		State:        []string{"w", "v"},
	},
	{
		Name: "normalized_step",
		Params: []Param{
			{Name: "w", Kind: Vector, Doc: "the weights"},
			{Name: "g", Kind: Vector, Doc: "the gradient at w"},
			{Name: "lr", Kind: Scalar, Doc: "the learning rate α"},
		},
		Result:       "vector",
		Formula:      "wᵢ − lr·gᵢ/|gᵢ| per coordinate (not g/‖g‖); wᵢ unchanged where gᵢ = 0",
		Call:         catStep("normalized_step"),
		Gen:          genEach(genNormalizedStep),
		Start:        startLR,
		TrainKind:    "normalized",
		NewOptimizer: newNormalized,
		State:        []string{"w"},
	},
	{
		Name: "adam_step",
		Params: []Param{
			{Name: "w", Kind: Vector, Doc: "the weights"},
			{Name: "m", Kind: Vector, Doc: "the first moment (biased), 0 before the first step"},
			{Name: "v", Kind: Vector, NonNegative: true, Doc: "the second moment (biased), ≥ 0, 0 before the first step"},
			{Name: "t", Kind: Integer, Doc: "this step's number, 1 for the first"},
			{Name: "g", Kind: Vector, Doc: "the gradient at w"},
			{Name: "lr", Kind: Scalar, Doc: "the learning rate α"},
			{Name: "beta1", Kind: Scalar, Doc: "β₁, in [0, 1)"},
			{Name: "beta2", Kind: Scalar, Doc: "β₂, in [0, 1)"},
			{Name: "eps", Kind: Scalar, Doc: "ε ≥ 0, added to √v̂"},
		},
		Result:       "{w, m, v}",
		Formula:      "m ← β₁m + (1−β₁)g; v ← β₂v + (1−β₂)g²; m̂ = m/(1−β₁ᵗ); v̂ = v/(1−β₂ᵗ); w ← w − lr·m̂/(√v̂ + eps); return the biased m, v",
		Call:         catStep("adam_step"),
		Gen:          genEach(genAdamStep),
		Start:        startAdam,
		TrainKind:    "adam",
		NewOptimizer: newAdam,
		State:        []string{"w", "m", "v"},
		Counter:      "t",
	},
	{
		Name: "lr_linear",
		Params: []Param{
			{Name: "k", Kind: Integer, Doc: "the step number, ≥ 0"},
			{Name: "lr0", Kind: Scalar, Doc: "the initial learning rate α₀"},
			{Name: "lr_tau", Kind: Scalar, Doc: "the final learning rate α_τ"},
			{Name: "tau", Kind: Scalar, Doc: "the decay length τ > 0, in steps"},
		},
		Result:      "scalar",
		Formula:     "(1−k/τ)·α₀ + (k/τ)·α_τ for k ≤ τ, α_τ for k ≥ τ",
		Call:        catLRLinear,
		Gen:         genEach(genLRLinear),
		TrainKind:   "linear",
		NewSchedule: newLinear,
	},
	{
		Name: "lr_exponential",
		Params: []Param{
			{Name: "k", Kind: Integer, Doc: "the step number, ≥ 0"},
			{Name: "lr0", Kind: Scalar, Doc: "the initial learning rate α₀"},
			{Name: "tau", Kind: Scalar, Doc: "the decay time τ > 0, in steps"},
		},
		Result:      "scalar",
		Formula:     "α₀·e^(−k/τ)",
		Call:        catLRExponential,
		Gen:         genEach(genLRExponential),
		TrainKind:   "exponential",
		NewSchedule: newExponential,
	},
	{
		Name: "train",
		Params: []Param{
			{Name: "problem", Kind: Object, Doc: `{"kind": "quadratic", "a": […]} or {"kind": "logistic", "X": […], "y": […]}`},
			{Name: "optimizer", Kind: Object, Doc: `{"kind": "gd"|"momentum"|"normalized"|"adam", "lr": …, "beta": …, "beta1": …, "beta2": …, "eps": …}`},
			{Name: "w0", Kind: Vector, Doc: "the initial weights"},
			{Name: "steps", Kind: Integer, Doc: "the number of steps, ≥ 0"},
			{Name: "batches", Kind: IndexLists, Optional: true, Doc: "one list of row indices per step (logistic only); all rows when absent"},
			{Name: "schedule", Kind: Object, Optional: true, Doc: `{"kind": "linear", "lr_tau": …, "tau": …} or {"kind": "exponential", "tau": …}, α₀ = optimizer.lr; constant lr when absent`},
		},
		Result:  "{w, loss}",
		Formula: "step k = 0 … steps−1: g = mean gradient over batches[k] (else all rows) at w_k, rate α_k (schedule, else lr), Adam t = k+1, m = v = 0 at start; w = [w₀ … w_steps], loss[k] = full-data loss at w_k",
		Call:    catTrain,
		Gen:     genEach(genTrain),
	},
	{
		Name: "diagnose",
		Params: []Param{
			{Name: "loss", Kind: Vector, Doc: "the training curve loss[0 … N], N ≥ 4"},
			{Name: "w", Kind: Matrix, Optional: true, Doc: "the weights w[0 … N] along the curve"},
		},
		Result: "label",
		Formula: "first rule that holds: diverging (a value not finite, or loss[N] > loss[0]); " +
			"oscillating (loss rises on ≥ N/4 steps, or with w: some coordinate's steps d_k change sign (d_k·d_{k+1} < 0, a zero step never counts) " +
			"on ≥ 80 % of the pairs (d_k, d_{k+1}) with N/2 ≤ k ≤ N−2 (N/2 rounded down) and |d_{N−1}| ≥ 0.1·|d_{N/2}|); " +
			"converged (loss[N] ≤ 1e-3·loss[0], or |loss[N] − loss[N−1]| ≤ 1e-6·(loss[0] − loss[N])); slow otherwise",
		Call: catDiagnose,
		Gen:  genDiagnose,
	},
}

// Catalog returns the assignment's functions in the order of DESIGN.md §2. The slice is a
// copy; the Funcs' Params must not be modified.
func Catalog() []Func { return append([]Func(nil), catalog...) }

// Lookup returns the catalog function with the given name.
func Lookup(name string) (Func, bool) {
	for _, f := range catalog {
		if f.Name == name {
			return f, true
		}
	}
	return Func{}, false
}

// Call calls the catalog function name on JSON-shaped arguments a (see Func.Call for the
// result's types). a is never modified. Invalid arguments give an error naming the function
// and the argument; an unknown name gives an error wrapping ErrUnknownFunc that lists the
// catalog's names. A rejected argument gives an *ArgError naming fn and the argument.
func Call(name string, a Args) (result any, err error) {
	calls.Add(1)
	f, ok := Lookup(name)
	if !ok {
		names := make([]string, len(catalog))
		for i, f := range catalog {
			names[i] = f.Name
		}
		return nil, fmt.Errorf("%w %q; the catalog has %s", ErrUnknownFunc, name, strings.Join(names, ", "))
	}
	result, err = f.Call(a)
	if err != nil {
		return nil, inFunc(name, err)
	}
	return result, nil
}

var calls atomic.Int64

// Calls returns how many times Call has run in this process: tests and benchmarks use it
// to show which reference values are computed once (per rubric, per batch) and not per
// submission.
func Calls() int64 { return calls.Load() }

// The Call functions of the catalog, one per row, in the catalog's order.

func catBernoulliNLL(a Args) (any, error) {
	lam, y, base, err := catBernoulliArgs(a)
	if err != nil {
		return nil, err
	}
	return BernoulliNLL(lam, y, base), nil
}

func catBernoulliNLLGrad(a Args) (any, error) {
	lam, y, base, err := catBernoulliArgs(a)
	if err != nil {
		return nil, err
	}
	return BernoulliNLLGrad(lam, y, base), nil
}

func catBernoulliNLLGradScale(a Args) (any, error) {
	lam, y, base, err := catBernoulliArgs(a)
	if err != nil {
		return nil, err
	}
	var sum float64
	for _, yi := range y {
		sum += yi/lam + (1-yi)/(1-lam)
	}
	return sum / float64(len(y)) / math.Abs(bernoulliLnBase(base)), nil
}

func catBernoulliArgs(a Args) (lam float64, y []float64, base float64, err error) {
	r := a.Reader()
	lam, y, base = r.Float("lam"), r.Vec("y"), r.OptFloat("base", math.E)
	err = catFirst(r.Err(), catOpenUnit("lam", lam), catLabels("y", y), catBase(base))
	return lam, y, base, err
}

func catBernoulliMLE(a Args) (any, error) {
	r := a.Reader()
	y := r.Vec("y")
	if err := catFirst(r.Err(), catLabels("y", y)); err != nil {
		return nil, err
	}
	return BernoulliMLE(y), nil
}

func catCrossEntropy(a Args) (any, error) {
	r := a.Reader()
	p, lam, base := r.Float("p"), r.Float("lam"), r.OptFloat("base", math.E)
	if err := catFirst(r.Err(), catOpenUnit("p", p), catOpenUnit("lam", lam), catBase(base)); err != nil {
		return nil, err
	}
	return CrossEntropy(p, lam, base), nil
}

func catQuadraticArgs(a Args) (Quadratic, []float64, error) {
	r := a.Reader()
	w, c := r.Vec("w"), r.Vec("a")
	err := catFirst(r.Err(), catNonEmpty("w", w), catFiniteVec("w", w), catFiniteVec("a", c), catSameLen("a", c, "w", w))
	return Quadratic{A: c}, w, err
}

func catQuadraticLoss(a Args) (any, error) {
	q, w, err := catQuadraticArgs(a)
	if err != nil {
		return nil, err
	}
	return q.Func(w), nil
}

func catQuadraticGrad(a Args) (any, error) {
	q, w, err := catQuadraticArgs(a)
	if err != nil {
		return nil, err
	}
	g := make([]float64, len(w))
	q.Grad(g, w)
	return g, nil
}

func catLogisticArgs(a Args) (Logistic, []float64, error) {
	r := a.Reader()
	w, X, y := r.Vec("w"), r.Mat("X"), r.Vec("y")
	err := catFirst(r.Err(), catNonEmpty("w", w), catFiniteVec("w", w), catDesign(X, y))
	if err == nil && len(X[0]) != len(w) {
		err = argErrorf("X", "rows of X have %d columns but w has %d weights", len(X[0]), len(w))
	}
	return Logistic{X: X, Y: y}, w, err
}

func catLogisticLoss(a Args) (any, error) {
	l, w, err := catLogisticArgs(a)
	if err != nil {
		return nil, err
	}
	return l.Func(w), nil
}

func catLogisticGrad(a Args) (any, error) {
	l, w, batch, err := catLogisticGradArgs(a)
	if err != nil {
		return nil, err
	}
	g := make([]float64, len(w))
	l.BatchGrad(g, w, batch)
	return g, nil
}

func catLogisticGradArgs(a Args) (Logistic, []float64, []int, error) {
	l, w, err := catLogisticArgs(a)
	if err != nil {
		return l, nil, nil, err
	}
	var batch []int
	if r := a.Reader(); r.Has("batch") {
		batch = r.Ints("batch")
		if err := catFirst(r.Err(), catBatch("batch", batch, len(l.X))); err != nil {
			return l, nil, nil, err
		}
	}
	return l, w, batch, nil
}

// catLogisticGradScale is the mean over the batch of |σ(xᵢ·w) − yᵢ|·|xᵢ|.
func catLogisticGradScale(a Args) (any, error) {
	l, w, batch, err := catLogisticGradArgs(a)
	if err != nil {
		return nil, err
	}
	s := make([]float64, len(w))
	if batch == nil {
		batch = make([]int, len(l.X))
		for i := range batch {
			batch[i] = i
		}
	}
	for _, i := range batch {
		r := math.Abs(logisticSigmoid(logisticDot(l.X[i], w)) - l.Y[i])
		for j, x := range l.X[i] {
			s[j] += r * math.Abs(x)
		}
	}
	for j := range s {
		s[j] /= float64(len(batch))
	}
	return s, nil
}

// catStep returns the Call of the step function fn: it reads w, g, lr, fn's state and
// counter and its optimizer's hyper-parameters (its row's NewOptimizer), checks them, and
// does one Step of that optimizer from the given state, returning w (no state) or the
// object of w and the new state.
func catStep(fn string) func(Args) (any, error) {
	return func(a Args) (any, error) {
		f, _ := Lookup(fn)
		r := a.Reader()
		w, g, lr, err := catStepArgs(r)
		state := make([][]float64, len(f.State)-1)
		for i, name := range f.State[1:] {
			state[i] = r.Vec(name)
		}
		t := 1
		if f.Counter != "" {
			t = r.Int(f.Counter)
		}
		o, herr := f.NewOptimizer(r)
		errs := []error{err, r.Err()}
		for i, name := range f.State[1:] {
			errs = append(errs, catFiniteVec(name, state[i]), catSameLen(name, state[i], "w", w))
			if p, _ := f.Param(name); p.NonNegative {
				errs = append(errs, catNonNegVec(name, state[i]))
			}
		}
		if f.Counter != "" {
			errs = append(errs, catMin(f.Counter, t, 1))
		}
		if err := catFirst(append(errs, herr)...); err != nil {
			return nil, err
		}
		o.Init(len(w))
		for i, x := range o.State() {
			copy(x, state[i])
		}
		o.Step(w, g, lr, t-1)
		if len(f.State) == 1 {
			return w, nil
		}
		out := map[string]any{"w": w}
		for i, x := range o.State() {
			out[f.State[i+1]] = x
		}
		return out, nil
	}
}

// catStepArgs reads w, g and lr, with w copied so the step may update it in place.
func catStepArgs(r *ArgReader) (w, g []float64, lr float64, err error) {
	w, g, lr = r.Vec("w"), r.Vec("g"), r.Float("lr")
	err = catFirst(r.Err(), catNonEmpty("w", w), catFiniteVec("w", w), catFiniteVec("g", g),
		catSameLen("g", g, "w", w), catFinite("lr", lr))
	return append([]float64(nil), w...), g, lr, err
}

func catLRLinear(a Args) (any, error) {
	r := a.Reader()
	k, lr0, lrTau, tau := r.Int("k"), r.Float("lr0"), r.Float("lr_tau"), r.Float("tau")
	if err := catFirst(r.Err(), catMin("k", k, 0), catFinite("lr0", lr0), catFinite("lr_tau", lrTau),
		catPositive("tau", tau)); err != nil {
		return nil, err
	}
	return LRLinear(k, lr0, lrTau, tau), nil
}

func catLRExponential(a Args) (any, error) {
	r := a.Reader()
	k, lr0, tau := r.Int("k"), r.Float("lr0"), r.Float("tau")
	if err := catFirst(r.Err(), catMin("k", k, 0), catFinite("lr0", lr0), catPositive("tau", tau)); err != nil {
		return nil, err
	}
	return LRExponential(k, lr0, tau), nil
}

func catTrain(a Args) (any, error) {
	spec, err := parseTrain(a)
	if err != nil {
		return nil, err
	}
	tr := Train(spec.problem, spec.optimizer, spec.w0, spec.steps, spec.batches, spec.schedule)
	return map[string]any{"w": tr.W, "loss": tr.Loss}, nil
}

func catDiagnose(a Args) (any, error) {
	r := a.Reader()
	loss := r.Vec("loss")
	var w [][]float64
	if r.Has("w") {
		w = r.Mat("w")
	}
	if err := r.Err(); err != nil {
		return nil, err
	}
	if len(loss) < 5 {
		return nil, argErrorf("loss", "need at least 5 values (N ≥ 4 steps), got %d", len(loss))
	}
	if r.Has("w") {
		if len(w) != len(loss) {
			return nil, argErrorf("w", "%d weight vectors for %d loss values; want one per loss value", len(w), len(loss))
		}
		if len(w[0]) == 0 {
			return nil, argErrorf("w", "empty weight vectors")
		}
	}
	return Diagnose(loss, w), nil
}

// Argument checks. Each returns nil or an error naming the argument; catFirst picks the
// first problem so a Call reports one clear error.

func catFirst(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

func catFinite(name string, x float64) error {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return argErrorf(name, "want a finite number, got %v", x)
	}
	return nil
}

func catOpenUnit(name string, x float64) error {
	if !(x > 0 && x < 1) {
		return argErrorf(name, "want a probability strictly between 0 and 1, got %v", x)
	}
	return nil
}

// catRange checks lo ≤ x ≤ hi, or lo ≤ x < hi when closed is false.
func catRange(name string, x, lo, hi float64, closed bool) error {
	if x >= lo && (x < hi || closed && x == hi) {
		return nil
	}
	r := ")"
	if closed {
		r = "]"
	}
	return argErrorf(name, "want a number in [%v, %v%s, got %v", lo, hi, r, x)
}

func catPositive(name string, x float64) error {
	if !(x > 0) || math.IsInf(x, 1) {
		return argErrorf(name, "want a finite number > 0, got %v", x)
	}
	return nil
}

func catMin(name string, n, lo int) error {
	if n < lo {
		return argErrorf(name, "want an integer ≥ %d, got %d", lo, n)
	}
	return nil
}

func catBase(b float64) error {
	if !(b > 0) || b == 1 || math.IsInf(b, 1) {
		return argErrorf("base", "want a finite number > 0 and ≠ 1, got %v", b)
	}
	return nil
}

func catNonEmpty(name string, x []float64) error {
	if len(x) == 0 {
		return argErrorf(name, "want a non-empty array")
	}
	return nil
}

func catFiniteVec(name string, x []float64) error {
	for i, xi := range x {
		if math.IsNaN(xi) || math.IsInf(xi, 0) {
			return argErrorf(name, "element %d is %v; want finite numbers", i, xi)
		}
	}
	return nil
}

func catNonNegVec(name string, x []float64) error {
	for i, xi := range x {
		if xi < 0 {
			return argErrorf(name, "element %d is %v; want numbers ≥ 0", i, xi)
		}
	}
	return nil
}

func catSameLen(name string, x []float64, other string, y []float64) error {
	if len(x) != len(y) {
		return argErrorf(name, "length %d, want %d (the length of %q)", len(x), len(y), other)
	}
	return nil
}

// catLabels checks a non-empty vector of labels in [0, 1] (0/1 in the assignment; soft
// labels are allowed).
func catLabels(name string, y []float64) error {
	if err := catNonEmpty(name, y); err != nil {
		return err
	}
	for i, yi := range y {
		if !(yi >= 0 && yi <= 1) {
			return argErrorf(name, "element %d is %v; want labels in [0, 1]", i, yi)
		}
	}
	return nil
}

// catDesign checks a logistic problem's data: X with at least one row of at least one
// finite column, y labels with one per row.
func catDesign(X [][]float64, y []float64) error {
	if len(X) == 0 || len(X[0]) == 0 {
		return argErrorf("X", "want at least one row of at least one column")
	}
	for i, row := range X {
		if err := catFiniteVec(fmt.Sprintf("X[%d]", i), row); err != nil {
			return err
		}
	}
	return catFirst(catLabels("y", y), catRows(len(y), len(X)))
}

func catRows(ny, nx int) error {
	if ny != nx {
		return argErrorf("y", "%d labels for %d rows of X; want one per row", ny, nx)
	}
	return nil
}

// catBatch checks a mini-batch: non-empty, distinct row indices in [0, n).
func catBatch(name string, b []int, n int) error {
	if len(b) == 0 {
		return argErrorf(name, "want a non-empty list of row indices")
	}
	seen := make(map[int]bool, len(b))
	for _, i := range b {
		if i < 0 || i >= n {
			return argErrorf(name, "row index %d out of range [0, %d)", i, n)
		}
		if seen[i] {
			return argErrorf(name, "row index %d listed twice; want distinct rows", i)
		}
		seen[i] = true
	}
	return nil
}
