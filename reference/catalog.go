package reference

import (
	"errors"
	"fmt"
	"math"
	"strings"
)

// This file is the dynamic API: the assignment's function catalog (DESIGN.md §2) as a table,
// each function taking and returning the JSON-shaped values of the wire protocol.

// ErrUnknownFunc is returned (wrapped) by Call for a name that is not in the catalog.
var ErrUnknownFunc = errors.New("unknown function")

// catMaxTrajectory bounds the numbers a train call records, (steps+1)·len(w0), so that a
// typo in a rubric cannot exhaust memory.
const catMaxTrajectory = 1e8

// catalog lists every function of DESIGN.md §2, in its order.
var catalog = []Func{
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
	},
	{
		Name: "quadratic_loss",
		Params: []Param{
			{Name: "w", Kind: Vector, Doc: "the weights"},
			{Name: "a", Kind: Vector, Doc: "the curvatures, one per weight (lecture: [0.1, 2])"},
		},
		Result:  "scalar",
		Formula: "Σ aᵢ·wᵢ² (no ½)",
		Call:    catQuadraticLoss,
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
		Result:  "scalar",
		Formula: "mean over rows of −yᵢ·ln σ(zᵢ) − (1−yᵢ)·ln(1−σ(zᵢ)), zᵢ = xᵢ·w, σ(z) = 1/(1+e^(−z))",
		Call:    catLogisticLoss,
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
		Result:  "vector",
		Formula: "w − lr·g",
		Call:    catGDStep,
		State:   []string{"w"},
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
		Result:  "{w, v}",
		Formula: "v ← β·v + (1−β)·g; w ← w − lr·v (the new v)",
		Call:    catMomentumStep,
		State:   []string{"w", "v"},
	},
	{
		Name: "normalized_step",
		Params: []Param{
			{Name: "w", Kind: Vector, Doc: "the weights"},
			{Name: "g", Kind: Vector, Doc: "the gradient at w"},
			{Name: "lr", Kind: Scalar, Doc: "the learning rate α"},
		},
		Result:  "vector",
		Formula: "wᵢ − lr·gᵢ/|gᵢ| per coordinate (not g/‖g‖); wᵢ unchanged where gᵢ = 0",
		Call:    catNormalizedStep,
		State:   []string{"w"},
	},
	{
		Name: "adam_step",
		Params: []Param{
			{Name: "w", Kind: Vector, Doc: "the weights"},
			{Name: "m", Kind: Vector, Doc: "the first moment (biased), 0 before the first step"},
			{Name: "v", Kind: Vector, Doc: "the second moment (biased), 0 before the first step"},
			{Name: "t", Kind: Integer, Doc: "this step's number, 1 for the first"},
			{Name: "g", Kind: Vector, Doc: "the gradient at w"},
			{Name: "lr", Kind: Scalar, Doc: "the learning rate α"},
			{Name: "beta1", Kind: Scalar, Doc: "β₁, in [0, 1)"},
			{Name: "beta2", Kind: Scalar, Doc: "β₂, in [0, 1)"},
			{Name: "eps", Kind: Scalar, Doc: "ε ≥ 0, added to √v̂"},
		},
		Result:  "{w, m, v}",
		Formula: "m ← β₁m + (1−β₁)g; v ← β₂v + (1−β₂)g²; m̂ = m/(1−β₁ᵗ); v̂ = v/(1−β₂ᵗ); w ← w − lr·m̂/(√v̂ + eps); return the biased m, v",
		Call:    catAdamStep,
		State:   []string{"w", "m", "v"},
		Counter: "t",
	},
	{
		Name: "lr_linear",
		Params: []Param{
			{Name: "k", Kind: Integer, Doc: "the step number, ≥ 0"},
			{Name: "lr0", Kind: Scalar, Doc: "the initial learning rate α₀"},
			{Name: "lr_tau", Kind: Scalar, Doc: "the final learning rate α_τ"},
			{Name: "tau", Kind: Scalar, Doc: "the decay length τ > 0, in steps"},
		},
		Result:  "scalar",
		Formula: "(1−k/τ)·α₀ + (k/τ)·α_τ for k ≤ τ, α_τ for k ≥ τ",
		Call:    catLRLinear,
	},
	{
		Name: "lr_exponential",
		Params: []Param{
			{Name: "k", Kind: Integer, Doc: "the step number, ≥ 0"},
			{Name: "lr0", Kind: Scalar, Doc: "the initial learning rate α₀"},
			{Name: "tau", Kind: Scalar, Doc: "the decay time τ > 0, in steps"},
		},
		Result:  "scalar",
		Formula: "α₀·e^(−k/τ)",
		Call:    catLRExponential,
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
// catalog's names.
func Call(name string, a Args) (result any, err error) {
	f, ok := Lookup(name)
	if !ok {
		names := make([]string, len(catalog))
		for i, f := range catalog {
			names[i] = f.Name
		}
		return nil, fmt.Errorf("%w %q; the catalog has %s", ErrUnknownFunc, name, strings.Join(names, ", "))
	}
	defer func() {
		if r := recover(); r != nil {
			result, err = nil, fmt.Errorf("%s: internal error: %v", name, r)
		}
	}()
	result, err = f.Call(a)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return result, nil
}

// NewProblem builds the Problem described by a train call's problem object:
// {"kind": "quadratic", "a": […]} or {"kind": "logistic", "X": [[…], …], "y": […]}
// (labels in [0, 1], one per row). The result shares the object's slices when they are
// already []float64 and never modifies them.
func NewProblem(obj Args) (Problem, error) {
	r := obj.Reader()
	switch kind := r.String("kind"); {
	case r.Err() != nil:
		return nil, r.Err()
	case kind == "quadratic":
		a := r.Vec("a")
		if err := catFirst(r.Err(), catNonEmpty("a", a), catFiniteVec("a", a)); err != nil {
			return nil, err
		}
		return Quadratic{A: a}, nil
	case kind == "logistic":
		X, y := r.Mat("X"), r.Vec("y")
		if err := catFirst(r.Err(), catDesign(X, y)); err != nil {
			return nil, err
		}
		return Logistic{X: X, Y: y}, nil
	default:
		return nil, fmt.Errorf("argument %q: unknown problem %q; want quadratic or logistic", "kind", kind)
	}
}

// NewOptimizer builds the Optimizer described by a train call's optimizer object:
// {"kind": "gd"|"momentum"|"normalized"|"adam", "lr": …} plus "beta" for momentum and
// "beta1", "beta2", "eps" for Adam; keys a kind does not use are ignored. lr is checked
// (present and finite) but not kept: the learning rate is the schedule's (NewSchedule).
func NewOptimizer(obj Args) (Optimizer, error) {
	r := obj.Reader()
	kind := r.String("kind")
	lr := r.Float("lr")
	if err := catFirst(r.Err(), catFinite("lr", lr)); err != nil {
		return nil, err
	}
	switch kind {
	case "gd":
		return GD{}, nil
	case "momentum":
		beta := r.Float("beta")
		if err := catFirst(r.Err(), catRange("beta", beta, 0, 1, true)); err != nil {
			return nil, err
		}
		return &Momentum{Beta: beta}, nil
	case "normalized":
		return Normalized{}, nil
	case "adam":
		b1, b2, eps := r.Float("beta1"), r.Float("beta2"), r.Float("eps")
		if err := catFirst(r.Err(), catAdamHyper(b1, b2, eps)); err != nil {
			return nil, err
		}
		return &Adam{Beta1: b1, Beta2: b2, Eps: eps}, nil
	}
	return nil, fmt.Errorf("argument %q: unknown optimizer %q; want gd, momentum, normalized or adam", "kind", kind)
}

// NewSchedule builds the Schedule described by a train call's schedule object, with initial
// rate lr0 (the optimizer's lr): {"kind": "linear", "lr_tau": …, "tau": …} is
// Linear{lr0, lr_tau, tau}, {"kind": "exponential", "tau": …} is Exponential{lr0, tau}, and
// a nil object (no schedule) is Constant{lr0}. τ must be > 0.
func NewSchedule(obj Args, lr0 float64) (Schedule, error) {
	if err := catFinite("lr", lr0); err != nil {
		return nil, err
	}
	if obj == nil {
		return Constant{LR: lr0}, nil
	}
	r := obj.Reader()
	kind := r.String("kind")
	if err := r.Err(); err != nil {
		return nil, err
	}
	switch kind {
	case "linear":
		lrTau, tau := r.Float("lr_tau"), r.Float("tau")
		if err := catFirst(r.Err(), catFinite("lr_tau", lrTau), catPositive("tau", tau)); err != nil {
			return nil, err
		}
		return Linear{LR0: lr0, LRTau: lrTau, Tau: tau}, nil
	case "exponential":
		tau := r.Float("tau")
		if err := catFirst(r.Err(), catPositive("tau", tau)); err != nil {
			return nil, err
		}
		return Exponential{LR0: lr0, Tau: tau}, nil
	}
	return nil, fmt.Errorf("argument %q: unknown schedule %q; want linear or exponential", "kind", kind)
}

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
		err = fmt.Errorf("argument %q: rows of X have %d columns but w has %d weights", "X", len(X[0]), len(w))
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
	l, w, err := catLogisticArgs(a)
	if err != nil {
		return nil, err
	}
	var batch []int
	if r := a.Reader(); r.Has("batch") {
		batch = r.Ints("batch")
		if err := catFirst(r.Err(), catBatch("batch", batch, len(l.X))); err != nil {
			return nil, err
		}
	}
	g := make([]float64, len(w))
	l.BatchGrad(g, w, batch)
	return g, nil
}

// catStepArgs reads w, g and lr, with w copied so the step may update it in place.
func catStepArgs(r *ArgReader) (w, g []float64, lr float64, err error) {
	w, g, lr = r.Vec("w"), r.Vec("g"), r.Float("lr")
	err = catFirst(r.Err(), catNonEmpty("w", w), catFiniteVec("w", w), catFiniteVec("g", g),
		catSameLen("g", g, "w", w), catFinite("lr", lr))
	return append([]float64(nil), w...), g, lr, err
}

func catGDStep(a Args) (any, error) {
	w, g, lr, err := catStepArgs(a.Reader())
	if err != nil {
		return nil, err
	}
	GDStep(w, w, g, lr)
	return w, nil
}

func catMomentumStep(a Args) (any, error) {
	r := a.Reader()
	w, g, lr, err := catStepArgs(r)
	v, beta := r.Vec("v"), r.Float("beta")
	if err := catFirst(err, r.Err(), catFiniteVec("v", v), catSameLen("v", v, "w", w),
		catRange("beta", beta, 0, 1, true)); err != nil {
		return nil, err
	}
	v = append([]float64(nil), v...)
	MomentumStep(w, v, g, lr, beta)
	return map[string]any{"w": w, "v": v}, nil
}

func catNormalizedStep(a Args) (any, error) {
	w, g, lr, err := catStepArgs(a.Reader())
	if err != nil {
		return nil, err
	}
	NormalizedStep(w, w, g, lr)
	return w, nil
}

func catAdamStep(a Args) (any, error) {
	r := a.Reader()
	w, g, lr, err := catStepArgs(r)
	m, v, t := r.Vec("m"), r.Vec("v"), r.Int("t")
	b1, b2, eps := r.Float("beta1"), r.Float("beta2"), r.Float("eps")
	if err := catFirst(err, r.Err(), catFiniteVec("m", m), catSameLen("m", m, "w", w),
		catFiniteVec("v", v), catSameLen("v", v, "w", w), catNonNegVec("v", v),
		catMin("t", t, 1), catAdamHyper(b1, b2, eps)); err != nil {
		return nil, err
	}
	m, v = append([]float64(nil), m...), append([]float64(nil), v...)
	AdamStep(w, m, v, t, g, lr, b1, b2, eps)
	return map[string]any{"w": w, "m": m, "v": v}, nil
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
	r := a.Reader()
	probObj, optObj := r.Object("problem"), r.Object("optimizer")
	w0, steps := r.Vec("w0"), r.Int("steps")
	var schedObj Args
	if r.Has("schedule") {
		schedObj = r.Object("schedule")
	}
	var batches [][]int
	if r.Has("batches") {
		batches = r.IntLists("batches")
	}
	if err := catFirst(r.Err(), catNonEmpty("w0", w0), catFiniteVec("w0", w0), catMin("steps", steps, 0)); err != nil {
		return nil, err
	}
	if float64(steps+1)*float64(len(w0)) > catMaxTrajectory {
		return nil, fmt.Errorf("argument %q: %d steps of %d weights make too long a trajectory (limit %g numbers)",
			"steps", steps, len(w0), float64(catMaxTrajectory))
	}
	p, err := NewProblem(probObj)
	if err != nil {
		return nil, fmt.Errorf("problem: %w", err)
	}
	switch p := p.(type) {
	case Quadratic:
		if len(p.A) != len(w0) {
			return nil, fmt.Errorf("argument %q: %d weights for a quadratic with %d curvatures", "w0", len(w0), len(p.A))
		}
		if batches != nil {
			return nil, fmt.Errorf("argument %q: only a logistic problem takes mini-batches", "batches")
		}
	case Logistic:
		if len(p.X[0]) != len(w0) {
			return nil, fmt.Errorf("argument %q: %d weights for X with %d columns", "w0", len(w0), len(p.X[0]))
		}
		if batches != nil && len(batches) != steps {
			return nil, fmt.Errorf("argument %q: %d index lists for %d steps; want exactly one per step", "batches", len(batches), steps)
		}
		for k, b := range batches {
			if err := catBatch(fmt.Sprintf("batches[%d]", k), b, len(p.X)); err != nil {
				return nil, err
			}
		}
	}
	o, err := NewOptimizer(optObj)
	if err != nil {
		return nil, fmt.Errorf("optimizer: %w", err)
	}
	s, err := NewSchedule(schedObj, optObj.Reader().Float("lr"))
	if err != nil {
		return nil, fmt.Errorf("schedule: %w", err)
	}
	tr := Train(p, o, w0, steps, batches, s)
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
		return nil, fmt.Errorf("argument %q: need at least 5 values (N ≥ 4 steps), got %d", "loss", len(loss))
	}
	if r.Has("w") {
		if len(w) != len(loss) {
			return nil, fmt.Errorf("argument %q: %d weight vectors for %d loss values; want one per loss value", "w", len(w), len(loss))
		}
		if len(w[0]) == 0 {
			return nil, fmt.Errorf("argument %q: empty weight vectors", "w")
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
		return fmt.Errorf("argument %q: want a finite number, got %v", name, x)
	}
	return nil
}

func catOpenUnit(name string, x float64) error {
	if !(x > 0 && x < 1) {
		return fmt.Errorf("argument %q: want a probability strictly between 0 and 1, got %v", name, x)
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
	return fmt.Errorf("argument %q: want a number in [%v, %v%s, got %v", name, lo, hi, r, x)
}

func catPositive(name string, x float64) error {
	if !(x > 0) || math.IsInf(x, 1) {
		return fmt.Errorf("argument %q: want a finite number > 0, got %v", name, x)
	}
	return nil
}

func catMin(name string, n, lo int) error {
	if n < lo {
		return fmt.Errorf("argument %q: want an integer ≥ %d, got %d", name, lo, n)
	}
	return nil
}

func catBase(b float64) error {
	if !(b > 0) || b == 1 || math.IsInf(b, 1) {
		return fmt.Errorf("argument %q: want a finite number > 0 and ≠ 1, got %v", "base", b)
	}
	return nil
}

func catAdamHyper(b1, b2, eps float64) error {
	return catFirst(catRange("beta1", b1, 0, 1, false), catRange("beta2", b2, 0, 1, false),
		catRange("eps", eps, 0, math.MaxFloat64, true))
}

func catNonEmpty(name string, x []float64) error {
	if len(x) == 0 {
		return fmt.Errorf("argument %q: want a non-empty array", name)
	}
	return nil
}

func catFiniteVec(name string, x []float64) error {
	for i, xi := range x {
		if math.IsNaN(xi) || math.IsInf(xi, 0) {
			return fmt.Errorf("argument %q: element %d is %v; want finite numbers", name, i, xi)
		}
	}
	return nil
}

func catNonNegVec(name string, x []float64) error {
	for i, xi := range x {
		if xi < 0 {
			return fmt.Errorf("argument %q: element %d is %v; a second moment is ≥ 0", name, i, xi)
		}
	}
	return nil
}

func catSameLen(name string, x []float64, other string, y []float64) error {
	if len(x) != len(y) {
		return fmt.Errorf("argument %q: length %d, want %d (the length of %q)", name, len(x), len(y), other)
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
			return fmt.Errorf("argument %q: element %d is %v; want labels in [0, 1]", name, i, yi)
		}
	}
	return nil
}

// catDesign checks a logistic problem's data: X with at least one row of at least one
// finite column, y labels with one per row.
func catDesign(X [][]float64, y []float64) error {
	if len(X) == 0 || len(X[0]) == 0 {
		return fmt.Errorf("argument %q: want at least one row of at least one column", "X")
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
		return fmt.Errorf("argument %q: %d labels for %d rows of X; want one per row", "y", ny, nx)
	}
	return nil
}

// catBatch checks a mini-batch: non-empty, distinct row indices in [0, n).
func catBatch(name string, b []int, n int) error {
	if len(b) == 0 {
		return fmt.Errorf("argument %q: want a non-empty list of row indices", name)
	}
	seen := make(map[int]bool, len(b))
	for _, i := range b {
		if i < 0 || i >= n {
			return fmt.Errorf("argument %q: row index %d out of range [0, %d)", name, i, n)
		}
		if seen[i] {
			return fmt.Errorf("argument %q: row index %d listed twice; want distinct rows", name, i)
		}
		seen[i] = true
	}
	return nil
}
