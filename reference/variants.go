package reference

// This file holds the misconceptions: named wrong versions of catalog functions, each a
// self-contained implementation on the wire protocol's arguments (so that a change to the
// reference never changes a mistake), with one sentence telling the student what their code
// does and what to do instead. The derived variants of train are built in trainwith.go.

import (
	"fmt"
	"math"
	"sort"
	"strings"
	"sync"
)

// variants lists the misconceptions of every catalog function but train's derived ones,
// grouped by function in catalog order. Add a mistake here, with a case in generate.go that
// shows it; variants_test.go checks that every variant is told apart from the reference.
var variants = []Variant{
	// One-armed bandit: Bernoulli NLL, its derivative, the MLE and the cross-entropy.
	{
		Name:     "bernoulli-nll-log10",
		Func:     "bernoulli_nll",
		Sentence: "Your loss uses log base 10 when no base is given: without base, use the natural log (ln).",
		Call:     func(a Args) (any, error) { return variantBernoulliNLL(a, variantNLLOpts{defBase: 10}) },
	},
	{
		Name:     "bernoulli-nll-ignores-base",
		Func:     "bernoulli_nll",
		Sentence: "Your loss ignores the base argument: when base is given, take every log in that base, log_b x = ln x / ln b.",
		Call:     func(a Args) (any, error) { return variantBernoulliNLL(a, variantNLLOpts{ignoreBase: true}) },
	},
	{
		Name:     "bernoulli-nll-sum",
		Func:     "bernoulli_nll",
		Sentence: "Your loss sums over the observations: the NLL is the mean of −y·log λ − (1 − y)·log(1 − λ).",
		Call:     func(a Args) (any, error) { return variantBernoulliNLL(a, variantNLLOpts{sum: true}) },
	},
	{
		Name:     "bernoulli-nll-grad-sign-flipped",
		Func:     "bernoulli_nll_grad",
		Sentence: "Your derivative has the wrong sign: dL/dλ is the mean of −y/λ + (1 − y)/(1 − λ) (divided by ln b for base b).",
		Call:     func(a Args) (any, error) { return variantBernoulliNLL(a, variantNLLOpts{grad: true, negate: true}) },
	},
	{
		Name:     "bernoulli-nll-grad-log10",
		Func:     "bernoulli_nll_grad",
		Sentence: "Your derivative uses log base 10 when no base is given: without base, differentiate the natural-log loss.",
		Call:     func(a Args) (any, error) { return variantBernoulliNLL(a, variantNLLOpts{grad: true, defBase: 10}) },
	},
	{
		Name:     "bernoulli-nll-grad-ignores-base",
		Func:     "bernoulli_nll_grad",
		Sentence: "Your derivative ignores the base: the derivative of the base-b loss carries a factor 1/ln b.",
		Call:     func(a Args) (any, error) { return variantBernoulliNLL(a, variantNLLOpts{grad: true, ignoreBase: true}) },
	},
	{
		Name:     "bernoulli-nll-grad-sum",
		Func:     "bernoulli_nll_grad",
		Sentence: "Your derivative sums over the observations: the loss is a mean, so its derivative is the mean of the per-observation derivatives.",
		Call:     func(a Args) (any, error) { return variantBernoulliNLL(a, variantNLLOpts{grad: true, sum: true}) },
	},
	{
		Name:     "bernoulli-mle-median",
		Func:     "bernoulli_mle",
		Sentence: "Your estimate is the median of y: the λ that minimizes the NLL is the mean of y, the fraction of ones.",
		Call:     func(a Args) (any, error) { return variantBernoulliMLE(a, true) },
	},
	{
		Name:     "bernoulli-mle-counts-zeros",
		Func:     "bernoulli_mle",
		Sentence: "Your estimate is the fraction of zeros: λ is the probability of a 1, so λ̂ is the fraction of ones, the mean of y.",
		Call:     func(a Args) (any, error) { return variantBernoulliMLE(a, false) },
	},
	{
		Name:     "cross-entropy-log10",
		Func:     "cross_entropy",
		Sentence: "Your cross-entropy uses log base 10 when no base is given: without base, use the natural log (ln).",
		Call:     func(a Args) (any, error) { return variantCrossEntropy(a, variantNLLOpts{defBase: 10}) },
	},
	{
		Name:     "cross-entropy-ignores-base",
		Func:     "cross_entropy",
		Sentence: "Your cross-entropy ignores the base argument: when base is given, take every log in that base, log_b x = ln x / ln b.",
		Call:     func(a Args) (any, error) { return variantCrossEntropy(a, variantNLLOpts{ignoreBase: true}) },
	},
	{
		Name:     "cross-entropy-arguments-swapped",
		Func:     "cross_entropy",
		Sentence: "Your cross-entropy swaps p and λ: it is −p·log λ − (1 − p)·log(1 − λ), with the true p outside the logs.",
		Call:     func(a Args) (any, error) { return variantCrossEntropy(a, variantNLLOpts{swap: true}) },
	},

	// The quadratic 0.1·w₁² + 2·w₂² and its kin.
	{
		Name:     "quadratic-loss-half",
		Func:     "quadratic_loss",
		Sentence: "Your loss has a factor ½: the lecture's loss is Σ aᵢwᵢ² with no ½.",
		Call:     func(a Args) (any, error) { return variantQuadratic(a, false, 0.5) },
	},
	{
		Name:     "quadratic-loss-mean",
		Func:     "quadratic_loss",
		Sentence: "Your loss averages aᵢwᵢ² over the coordinates: the loss is the sum Σ aᵢwᵢ².",
		Call: func(a Args) (any, error) {
			w := a.Reader().Vec("w")
			return variantQuadratic(a, false, 1/float64(max(len(w), 1)))
		},
	},
	{
		Name:     "quadratic-grad-missing-2",
		Func:     "quadratic_grad",
		Sentence: "Your gradient is aᵢwᵢ, missing the factor 2: the derivative of aᵢwᵢ² is 2aᵢwᵢ.",
		Call:     func(a Args) (any, error) { return variantQuadratic(a, true, 1) },
	},
	{
		Name:     "quadratic-grad-sign-flipped",
		Func:     "quadratic_grad",
		Sentence: "Your gradient has the wrong sign: the gradient of Σ aᵢwᵢ² is +2aᵢwᵢ, pointing uphill.",
		Call:     func(a Args) (any, error) { return variantQuadratic(a, true, -2) },
	},

	// Logistic regression.
	{
		Name:     "logistic-loss-sum",
		Func:     "logistic_loss",
		Sentence: "Your loss sums the cross-entropy over the rows: the logistic loss is its mean.",
		Call:     func(a Args) (any, error) { return variantLogisticLoss(a, true, math.E) },
	},
	{
		Name:     "logistic-loss-log10",
		Func:     "logistic_loss",
		Sentence: "Your loss uses log base 10: the logistic loss uses the natural log (ln).",
		Call:     func(a Args) (any, error) { return variantLogisticLoss(a, false, 10) },
	},
	{
		Name:     "logistic-grad-summed",
		Func:     "logistic_grad",
		Sentence: "Your mini-batch gradient sums over the rows: divide by the batch size to get the mean gradient.",
		Call:     func(a Args) (any, error) { return variantLogisticGrad(a, variantLogisticOpts{sum: true}) },
	},
	{
		Name:     "logistic-grad-all-rows",
		Func:     "logistic_grad",
		Sentence: "Your gradient uses every row of X: use only the rows listed in batch.",
		Call:     func(a Args) (any, error) { return variantLogisticGrad(a, variantLogisticOpts{allRows: true}) },
	},
	{
		Name:     "logistic-grad-divided-by-n",
		Func:     "logistic_grad",
		Sentence: "Your mini-batch gradient divides by the number of all rows: divide by the number of rows in the batch.",
		Call:     func(a Args) (any, error) { return variantLogisticGrad(a, variantLogisticOpts{divideByN: true}) },
	},
	{
		Name:     "logistic-grad-sign-flipped",
		Func:     "logistic_grad",
		Sentence: "Your gradient has the wrong sign: it is the mean of (σ(xᵢ·w) − yᵢ)·xᵢ over the batch.",
		Call:     func(a Args) (any, error) { return variantLogisticGrad(a, variantLogisticOpts{negate: true}) },
	},

	// Gradient descent and normalized gradient steps.
	{
		Name:     "gd-step-sign-flipped",
		Func:     "gd_step",
		Sentence: "Your step adds the gradient: gradient descent moves against it, w ← w − α·g.",
		Call:     variantGDAscent,
	},
	{
		Name:     "normalized-step-l2-norm",
		Func:     "normalized_step",
		Sentence: "Your step divides g by its length ‖g‖: normalize each coordinate on its own, wᵢ ← wᵢ − α·gᵢ/|gᵢ|.",
		Call:     func(a Args) (any, error) { return variantNormalized(a, true) },
	},
	{
		Name:     "normalized-step-zero-nan",
		Func:     "normalized_step",
		Sentence: "Your step divides 0 by 0 where a gradient component is zero: leave wᵢ unchanged where gᵢ = 0.",
		Call:     func(a Args) (any, error) { return variantNormalized(a, false) },
	},

	// Momentum.
	{
		Name:     "momentum-no-dampening",
		Func:     "momentum_step",
		Sentence: "Your update uses v ← βv + g: the lecture's momentum is the moving average v ← βv + (1 − β)g.",
		Call:     func(a Args) (any, error) { return variantMomentum(a, variantMomentumNoDampening) },
	},
	{
		Name:     "momentum-polyak",
		Func:     "momentum_step",
		Sentence: "Your update is Polyak's form v ← βv − αg, w ← w + v: use v ← βv + (1 − β)g, then w ← w − αv.",
		Call:     func(a Args) (any, error) { return variantMomentum(a, variantMomentumPolyak) },
	},
	{
		// A student who has met Adam's bias correction applies it to momentum too; the step
		// has no t, so the plausible version divides by (1 − β), the correction of step one.
		Name:     "momentum-bias-corrected",
		Func:     "momentum_step",
		Sentence: "Your update divides the velocity by (1 − β) as if bias-correcting it: momentum moves w ← w − αv with v itself.",
		Call:     func(a Args) (any, error) { return variantMomentum(a, variantMomentumBiasCorrected) },
	},
	{
		Name:     "momentum-stale-velocity",
		Func:     "momentum_step",
		Sentence: "Your update moves w with the old velocity: first set v ← βv + (1 − β)g, then move w ← w − αv with the new v.",
		Call:     func(a Args) (any, error) { return variantMomentum(a, variantMomentumStale) },
	},
	{
		Name:     "momentum-weights-swapped",
		Func:     "momentum_step",
		Sentence: "Your update weighs the old velocity by (1 − β) and the gradient by β: use v ← βv + (1 − β)g.",
		Call:     func(a Args) (any, error) { return variantMomentum(a, variantMomentumSwapped) },
	},

	// Adam (Kingma & Ba, Algorithm 1).
	{
		Name:     "adam-no-bias-correction",
		Func:     "adam_step",
		Sentence: "Your update matches Adam without bias correction: divide m and v by (1 − β₁ᵗ) and (1 − β₂ᵗ) before the step.",
		Call:     func(a Args) (any, error) { return variantAdam(a, variantAdamOpts{noCorrection: true}) },
	},
	{
		Name:     "adam-bias-correction-no-power",
		Func:     "adam_step",
		Sentence: "Your bias correction divides by (1 − β₁) and (1 − β₂): the divisors are (1 − β₁ᵗ) and (1 − β₂ᵗ), with t the step number.",
		Call:     func(a Args) (any, error) { return variantAdam(a, variantAdamOpts{noPower: true}) },
	},
	{
		Name:     "adam-t-from-zero",
		Func:     "adam_step",
		Sentence: "Your bias correction uses t − 1 instead of t: the first step has t = 1, so use the t you are given in (1 − β₁ᵗ) and (1 − β₂ᵗ).",
		Call:     func(a Args) (any, error) { return variantAdam(a, variantAdamOpts{tShift: -1}) },
	},
	{
		Name:     "adam-t-from-two",
		Func:     "adam_step",
		Sentence: "Your bias correction uses t + 1 instead of t: use the t you are given, which is 1 on the first step.",
		Call:     func(a Args) (any, error) { return variantAdam(a, variantAdamOpts{tShift: +1}) },
	},
	{
		Name:     "adam-eps-inside-sqrt",
		Func:     "adam_step",
		Sentence: "Your update adds ε inside the square root: divide by √v̂ + ε, not by √(v̂ + ε).",
		Call:     func(a Args) (any, error) { return variantAdam(a, variantAdamOpts{epsInside: true}) },
	},
	{
		Name:     "adam-no-eps",
		Func:     "adam_step",
		Sentence: "Your update leaves out ε: divide by √v̂ + ε, which also keeps a zero second moment from dividing by zero.",
		Call:     func(a Args) (any, error) { return variantAdam(a, variantAdamOpts{noEps: true}) },
	},
	{
		Name:     "adam-abs-grad",
		Func:     "adam_step",
		Sentence: "Your second moment averages |g| instead of g²: use v ← β₂v + (1 − β₂)g².",
		Call:     func(a Args) (any, error) { return variantAdam(a, variantAdamOpts{absGrad: true}) },
	},
	{
		Name:     "adam-betas-swapped",
		Func:     "adam_step",
		Sentence: "Your update swaps β₁ and β₂: β₁ goes with the first moment m and β₂ with the second moment v.",
		Call:     func(a Args) (any, error) { return variantAdam(a, variantAdamOpts{swapBetas: true}) },
	},
	{
		Name:     "adam-returns-corrected-moments",
		Func:     "adam_step",
		Sentence: "Your step returns the bias-corrected m̂ and v̂ as the new state: return the raw moments m and v, and correct them only for the update of w.",
		Call:     func(a Args) (any, error) { return variantAdam(a, variantAdamOpts{returnCorrected: true}) },
	},
	{
		Name:     "adam-efficient-form",
		Func:     "adam_step",
		Sentence: "Your update is the paper's efficient form with αₜ = α·√(1 − β₂ᵗ)/(1 − β₁ᵗ), which scales ε differently: use Algorithm 1, w ← w − α·m̂/(√v̂ + ε).",
		Call:     func(a Args) (any, error) { return variantAdam(a, variantAdamOpts{efficient: true}) },
	},
	{
		Name:     "adam-stale-moments",
		Func:     "adam_step",
		Sentence: "Your update of w uses m and v from before this step's gradient: update m and v first, then correct them and move w.",
		Call:     func(a Args) (any, error) { return variantAdam(a, variantAdamOpts{stale: true}) },
	},
	{
		Name:     "adam-moments-without-one-minus-beta",
		Func:     "adam_step",
		Sentence: "Your moments add g and g² without the (1 − β) weights: use m ← β₁m + (1 − β₁)g and v ← β₂v + (1 − β₂)g².",
		Call:     func(a Args) (any, error) { return variantAdam(a, variantAdamOpts{noDampening: true}) },
	},

	// Learning-rate schedules.
	{
		Name:     "lr-linear-not-held",
		Func:     "lr_linear",
		Sentence: "Your schedule keeps following the line after τ: for k ≥ τ the rate stays at α_τ.",
		Call:     func(a Args) (any, error) { return variantLinear(a, false) },
	},
	{
		Name:     "lr-linear-ends-swapped",
		Func:     "lr_linear",
		Sentence: "Your schedule starts at α_τ and ends at α₀: use (1 − k/τ)·α₀ + (k/τ)·α_τ, which is α₀ at k = 0.",
		Call:     func(a Args) (any, error) { return variantLinear(a, true) },
	},
	{
		Name:     "lr-exponential-k-times-tau",
		Func:     "lr_exponential",
		Sentence: "Your schedule decays as e^(−k·τ): divide by τ, α_k = α₀·e^(−k/τ).",
		Call:     variantExponentialKTau,
	},

	// The training loop itself (train's other variants are derived in trainwith.go).
	variantTrain("train-skips-initial-point",
		"Your trajectory starts after the first step: w and loss must begin with w₀ and L(w₀), steps + 1 entries each.",
		Call, variantTrainOpts{skipInitial: true}),
	variantTrain("train-schedule-ignored",
		"Your loop ignores the schedule: step k must use the schedule's rate α_k, which starts at α₀ = lr.",
		Call, variantTrainOpts{ignoreSchedule: true}),

	// Learning-rate diagnostics.
	{
		Name:     "diagnose-ignores-w",
		Func:     "diagnose",
		Sentence: "Your diagnosis ignores the weights: when w is given, a coordinate whose steps keep flipping sign without dying out means oscillating.",
		Call:     func(a Args) (any, error) { return variantDiagnoseCall(a, variantDiagnoseOpts{ignoreW: true}) },
	},
	{
		Name:     "diagnose-nonfinite-only",
		Func:     "diagnose",
		Sentence: "Your diagnosis calls a curve diverging only when a value is not finite: a final loss above the first one is diverging too.",
		Call:     func(a Args) (any, error) { return variantDiagnoseCall(a, variantDiagnoseOpts{nonfiniteOnly: true}) },
	},
}

var (
	variantsOnce sync.Once
	variantsAll  []Variant
	variantsBy   map[string]int
)

// variantTable returns every variant, train's derived ones included, built once.
func variantTable() []Variant {
	variantsOnce.Do(func() {
		variantsAll = append(append([]Variant(nil), variants...), variantTrainDerived(variants)...)
		variantsBy = make(map[string]int, len(variantsAll))
		for i, v := range variantsAll {
			variantsBy[v.Name] = i
		}
	})
	return variantsAll
}

// Variants returns every misconception of every catalog function, train's derived ones
// ("train/adam-no-bias-correction", …) included. The caller may modify the returned slice.
func Variants() []Variant {
	return append([]Variant(nil), variantTable()...)
}

// VariantsOf returns the misconceptions of the catalog function fn, in the order the grader
// should try them; none for a function without any.
func VariantsOf(fn string) []Variant {
	var out []Variant
	for _, v := range variantTable() {
		if v.Func == fn {
			out = append(out, v)
		}
	}
	return out
}

// LookupVariant returns the misconception of the given name.
func LookupVariant(name string) (Variant, bool) {
	variantTable()
	i, ok := variantsBy[name]
	if !ok {
		return Variant{}, false
	}
	return variantsAll[i], true
}

// variantCheckLen fails unless every vector has length n.
func variantCheckLen(n int, names []string, vecs ...[]float64) error {
	for i, v := range vecs {
		if len(v) != n {
			return argErrorf(names[i], "length %d, want %d", len(v), n)
		}
	}
	return nil
}

// variantLog returns log_base(x); base e uses math.Log directly.
func variantLog(x, base float64) float64 {
	if base == math.E {
		return math.Log(x)
	}
	return math.Log(x) / math.Log(base)
}

// variantNLLOpts selects the mistakes of the Bernoulli losses.
type variantNLLOpts struct {
	defBase    float64 // the base used when none is given; 0 means e
	ignoreBase bool    // always natural log
	sum        bool    // sum instead of mean
	grad       bool    // dL/dλ instead of L
	negate     bool    // flip the sign of the result
	swap       bool    // cross_entropy with p and λ exchanged
}

func (o variantNLLOpts) base(r *ArgReader) float64 {
	def := o.defBase
	if def == 0 {
		def = math.E
	}
	b := r.OptFloat("base", def)
	if o.ignoreBase {
		return math.E
	}
	return b
}

func variantBernoulliNLL(a Args, o variantNLLOpts) (any, error) {
	r := a.Reader()
	lam, y := r.Float("lam"), r.Vec("y")
	base := o.base(r)
	if err := r.Err(); err != nil {
		return nil, err
	}
	if len(y) == 0 {
		return nil, argErrorf("y", "empty")
	}
	s := 0.0
	for _, yi := range y {
		if o.grad {
			s += (-yi/lam + (1-yi)/(1-lam)) / math.Log(base)
		} else {
			s += -yi*variantLog(lam, base) - (1-yi)*variantLog(1-lam, base)
		}
	}
	if !o.sum {
		s /= float64(len(y))
	}
	if o.negate {
		s = -s
	}
	return s, nil
}

func variantBernoulliMLE(a Args, median bool) (any, error) {
	r := a.Reader()
	y := r.Vec("y")
	if err := r.Err(); err != nil {
		return nil, err
	}
	if len(y) == 0 {
		return nil, argErrorf("y", "empty")
	}
	if median {
		s := append([]float64(nil), y...)
		sort.Float64s(s)
		n := len(s)
		if n%2 == 1 {
			return s[n/2], nil
		}
		return (s[n/2-1] + s[n/2]) / 2, nil
	}
	zeros := 0.0
	for _, yi := range y {
		zeros += 1 - yi
	}
	return zeros / float64(len(y)), nil
}

func variantCrossEntropy(a Args, o variantNLLOpts) (any, error) {
	r := a.Reader()
	p, lam := r.Float("p"), r.Float("lam")
	base := o.base(r)
	if err := r.Err(); err != nil {
		return nil, err
	}
	if o.swap {
		p, lam = lam, p
	}
	return -p*variantLog(lam, base) - (1-p)*variantLog(1-lam, base), nil
}

// variantQuadratic computes scale·Σ aᵢwᵢ² (loss) or scale·aᵢwᵢ (grad, whose right factor is 2).
func variantQuadratic(a Args, grad bool, scale float64) (any, error) {
	r := a.Reader()
	w, c := r.Vec("w"), r.Vec("a")
	if err := r.Err(); err != nil {
		return nil, err
	}
	if err := variantCheckLen(len(w), []string{"a"}, c); err != nil {
		return nil, err
	}
	if grad {
		g := make([]float64, len(w))
		for i := range w {
			g[i] = scale * c[i] * w[i]
		}
		return g, nil
	}
	s := 0.0
	for i := range w {
		s += c[i] * w[i] * w[i]
	}
	return scale * s, nil
}

// variantSoftplus is log(1 + eᶻ) without overflow.
func variantSoftplus(z float64) float64 {
	return math.Max(z, 0) + math.Log1p(math.Exp(-math.Abs(z)))
}

func variantDot(x, w []float64) float64 {
	s := 0.0
	for i := range x {
		s += x[i] * w[i]
	}
	return s
}

// variantLogisticArgs reads w, X and y and checks their shapes.
func variantLogisticArgs(a Args) (w []float64, X [][]float64, y []float64, r *ArgReader, err error) {
	r = a.Reader()
	w, X, y = r.Vec("w"), r.Mat("X"), r.Vec("y")
	if err := r.Err(); err != nil {
		return nil, nil, nil, r, err
	}
	if len(X) == 0 || len(X) != len(y) {
		return nil, nil, nil, r, fmt.Errorf("arguments X and y: %d rows and %d labels", len(X), len(y))
	}
	if len(X[0]) != len(w) {
		return nil, nil, nil, r, fmt.Errorf("arguments X and w: %d columns and %d weights", len(X[0]), len(w))
	}
	return w, X, y, r, nil
}

func variantLogisticLoss(a Args, sum bool, base float64) (any, error) {
	w, X, y, _, err := variantLogisticArgs(a)
	if err != nil {
		return nil, err
	}
	s := 0.0
	for i, x := range X {
		z := variantDot(x, w)
		// −y·log σ(z) − (1−y)·log(1−σ(z)) = y·softplus(−z) + (1−y)·softplus(z)
		s += y[i]*variantSoftplus(-z) + (1-y[i])*variantSoftplus(z)
	}
	s /= math.Log(base)
	if !sum {
		s /= float64(len(X))
	}
	return s, nil
}

// variantLogisticOpts selects the mistakes of logistic_grad.
type variantLogisticOpts struct {
	sum       bool // no division at all
	allRows   bool // batch ignored
	divideByN bool // batch rows summed, divided by all rows
	negate    bool
}

func variantLogisticGrad(a Args, o variantLogisticOpts) (any, error) {
	w, X, y, r, err := variantLogisticArgs(a)
	if err != nil {
		return nil, err
	}
	var batch []int
	if r.Has("batch") && !o.allRows {
		batch = r.Ints("batch")
		if err := r.Err(); err != nil {
			return nil, err
		}
		for _, i := range batch {
			if i < 0 || i >= len(X) {
				return nil, argErrorf("batch", "row %d out of range [0, %d)", i, len(X))
			}
		}
	} else {
		batch = make([]int, len(X))
		for i := range batch {
			batch[i] = i
		}
	}
	if len(batch) == 0 {
		return nil, argErrorf("batch", "empty")
	}
	g := make([]float64, len(w))
	for _, i := range batch {
		e := 1/(1+math.Exp(-variantDot(X[i], w))) - y[i]
		for j := range g {
			g[j] += e * X[i][j]
		}
	}
	div := float64(len(batch))
	switch {
	case o.sum:
		div = 1
	case o.divideByN:
		div = float64(len(X))
	}
	if o.negate {
		div = -div
	}
	for j := range g {
		g[j] /= div
	}
	return g, nil
}

func variantGDAscent(a Args) (any, error) {
	r := a.Reader()
	w, g, lr := r.Vec("w"), r.Vec("g"), r.Float("lr")
	if err := r.Err(); err != nil {
		return nil, err
	}
	if err := variantCheckLen(len(w), []string{"g"}, g); err != nil {
		return nil, err
	}
	out := make([]float64, len(w))
	for i := range w {
		out[i] = w[i] + lr*g[i]
	}
	return out, nil
}

// variantNormalized divides by ‖g‖ (l2) or by |gᵢ| even where gᵢ = 0 (otherwise).
func variantNormalized(a Args, l2 bool) (any, error) {
	r := a.Reader()
	w, g, lr := r.Vec("w"), r.Vec("g"), r.Float("lr")
	if err := r.Err(); err != nil {
		return nil, err
	}
	if err := variantCheckLen(len(w), []string{"g"}, g); err != nil {
		return nil, err
	}
	norm := 0.0
	for _, gi := range g {
		norm += gi * gi
	}
	norm = math.Sqrt(norm)
	out := make([]float64, len(w))
	for i := range w {
		d := math.Abs(g[i])
		if l2 {
			d = norm
		}
		out[i] = w[i] - lr*g[i]/d
	}
	return out, nil
}

// The momentum mistakes.
const (
	variantMomentumNoDampening = iota
	variantMomentumPolyak
	variantMomentumBiasCorrected
	variantMomentumStale
	variantMomentumSwapped
)

func variantMomentum(a Args, kind int) (any, error) {
	r := a.Reader()
	w, v, g := r.Vec("w"), r.Vec("v"), r.Vec("g")
	lr, beta := r.Float("lr"), r.Float("beta")
	if err := r.Err(); err != nil {
		return nil, err
	}
	if err := variantCheckLen(len(w), []string{"v", "g"}, v, g); err != nil {
		return nil, err
	}
	nw, nv := make([]float64, len(w)), make([]float64, len(w))
	for i := range w {
		switch kind {
		case variantMomentumNoDampening:
			nv[i] = beta*v[i] + g[i]
			nw[i] = w[i] - lr*nv[i]
		case variantMomentumPolyak:
			nv[i] = beta*v[i] - lr*g[i]
			nw[i] = w[i] + nv[i]
		case variantMomentumBiasCorrected:
			nv[i] = beta*v[i] + (1-beta)*g[i]
			nw[i] = w[i] - lr*nv[i]/(1-beta)
		case variantMomentumStale:
			nv[i] = beta*v[i] + (1-beta)*g[i]
			nw[i] = w[i] - lr*v[i]
		case variantMomentumSwapped:
			nv[i] = (1-beta)*v[i] + beta*g[i]
			nw[i] = w[i] - lr*nv[i]
		}
	}
	return map[string]any{"w": nw, "v": nv}, nil
}

// variantAdamOpts selects the mistakes of adam_step.
type variantAdamOpts struct {
	noCorrection    bool // m̂ = m, v̂ = v
	noPower         bool // ÷(1 − β) instead of ÷(1 − βᵗ)
	tShift          int  // the bias correction's exponent is t + tShift
	epsInside       bool // √(v̂ + ε)
	noEps           bool // √v̂ alone
	absGrad         bool // v from |g|
	swapBetas       bool // β₁ ↔ β₂
	returnCorrected bool // m̂, v̂ returned as the state
	efficient       bool // Kingma & Ba §2's αₜ form, ε not scaled
	stale           bool // w moved with the moments of the previous step
	noDampening     bool // m ← β₁m + g, v ← β₂v + g²
}

func variantAdam(a Args, o variantAdamOpts) (any, error) {
	r := a.Reader()
	w, m, v, g := r.Vec("w"), r.Vec("m"), r.Vec("v"), r.Vec("g")
	t := r.Int("t")
	lr, b1, b2, eps := r.Float("lr"), r.Float("beta1"), r.Float("beta2"), r.Float("eps")
	if err := r.Err(); err != nil {
		return nil, err
	}
	if err := variantCheckLen(len(w), []string{"m", "v", "g"}, m, v, g); err != nil {
		return nil, err
	}
	if o.swapBetas {
		b1, b2 = b2, b1
	}
	pow := float64(t + o.tShift)
	c1, c2 := 1-math.Pow(b1, pow), 1-math.Pow(b2, pow)
	switch {
	case o.noCorrection:
		c1, c2 = 1, 1
	case o.noPower:
		c1, c2 = 1-b1, 1-b2
	}
	d1, d2 := 1-b1, 1-b2
	if o.noDampening {
		d1, d2 = 1, 1
	}
	nw, nm, nv := make([]float64, len(w)), make([]float64, len(w)), make([]float64, len(w))
	for i := range w {
		g2 := g[i] * g[i]
		if o.absGrad {
			g2 = math.Abs(g[i])
		}
		nm[i] = b1*m[i] + d1*g[i]
		nv[i] = b2*v[i] + d2*g2
		mi, vi := nm[i], nv[i]
		if o.stale {
			mi, vi = m[i], v[i]
		}
		mh, vh := mi/c1, vi/c2
		switch {
		case o.efficient:
			at := lr * math.Sqrt(c2) / c1
			nw[i] = w[i] - at*mi/(math.Sqrt(vi)+eps)
		case o.epsInside:
			nw[i] = w[i] - lr*mh/math.Sqrt(vh+eps)
		case o.noEps:
			nw[i] = w[i] - lr*mh/math.Sqrt(vh)
		default:
			nw[i] = w[i] - lr*mh/(math.Sqrt(vh)+eps)
		}
		if o.returnCorrected {
			nm[i], nv[i] = mh, vh
		}
	}
	return map[string]any{"w": nw, "m": nm, "v": nv}, nil
}

// variantLinear is the linear decay without the hold after τ (hold false) or with its ends
// exchanged (swap true).
func variantLinear(a Args, swap bool) (any, error) {
	r := a.Reader()
	k, lr0, lrTau, tau := r.Int("k"), r.Float("lr0"), r.Float("lr_tau"), r.Float("tau")
	if err := r.Err(); err != nil {
		return nil, err
	}
	f := float64(k) / tau
	if swap {
		lr0, lrTau = lrTau, lr0
		f = math.Min(f, 1)
	}
	return (1-f)*lr0 + f*lrTau, nil
}

func variantExponentialKTau(a Args) (any, error) {
	r := a.Reader()
	k, lr0, tau := r.Int("k"), r.Float("lr0"), r.Float("tau")
	if err := r.Err(); err != nil {
		return nil, err
	}
	return lr0 * math.Exp(-float64(k)*tau), nil
}

// variantDiagnoseOpts selects the mistakes of diagnose.
type variantDiagnoseOpts struct {
	ignoreW       bool // the weights rule is never tried
	nonfiniteOnly bool // rule 1 without loss[N] > loss[0]
}

func variantDiagnoseCall(a Args, o variantDiagnoseOpts) (any, error) {
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
		return nil, argErrorf("loss", "%d values, want at least 5", len(loss))
	}
	if w != nil && len(w) != len(loss) {
		return nil, argErrorf("w", "%d rows, want one per loss value (%d)", len(w), len(loss))
	}
	if o.ignoreW {
		w = nil
	}
	return variantDiagnose(loss, w, o.nonfiniteOnly), nil
}

// variantDiagnose applies diagnose's rules (DESIGN.md §2), rule 1 without its second half
// when nonfiniteOnly is set.
func variantDiagnose(loss []float64, w [][]float64, nonfiniteOnly bool) string {
	return variantDiagQuantities(loss, w).label(nonfiniteOnly)
}

// label applies diagnose's rules to the quantities q, rule 1 without its second half when
// nonfiniteOnly is set.
func (q variantDiagStats) label(nonfiniteOnly bool) string {
	switch {
	case !q.finite || (!nonfiniteOnly && q.last > q.first):
		return Diverging
	case 4*q.rises >= q.n || q.swinging(4, 5, 0.1):
		return Oscillating
	case q.last <= 1e-3*q.first || math.Abs(q.last-q.prev) <= 1e-6*(q.first-q.last):
		return Converged
	}
	return Slow
}

// variantDiagStats holds the quantities diagnose's rules decide on.
type variantDiagStats struct {
	n                 int     // N = len(loss) − 1
	finite            bool    // every loss and weight is finite
	first, prev, last float64 // loss[0], loss[N−1], loss[N]
	rises             int     // steps k with loss[k+1] > loss[k]
	pairs             int     // pairs (dₖ, dₖ₊₁) with N/2 ≤ k ≤ N−2
	// per weight coordinate: how many of those pairs change sign, |d_{N/2}| and |d_{N−1}|
	changes         []int
	dHalf, dLastAbs []float64
}

// swinging reports whether some coordinate changes sign on at least num/den of the pairs
// and has |d_{N−1}| ≥ minSwing·|d_{N/2}|.
func (q variantDiagStats) swinging(num, den int, minSwing float64) bool {
	if q.pairs < 1 {
		return false
	}
	for i := range q.changes {
		if den*q.changes[i] >= num*q.pairs && q.dLastAbs[i] >= minSwing*q.dHalf[i] {
			return true
		}
	}
	return false
}

func variantDiagQuantities(loss []float64, w [][]float64) variantDiagStats {
	n := len(loss) - 1
	q := variantDiagStats{n: n, finite: true, first: loss[0], prev: loss[n-1], last: loss[n]}
	for k, l := range loss {
		if math.IsNaN(l) || math.IsInf(l, 0) {
			q.finite = false
		}
		if k < n && loss[k+1] > l {
			q.rises++
		}
	}
	if len(w) == 0 {
		return q
	}
	for _, row := range w {
		for _, x := range row {
			if math.IsNaN(x) || math.IsInf(x, 0) {
				q.finite = false
			}
		}
	}
	h := n / 2
	q.pairs = n - 1 - h
	for i := range w[0] {
		d := func(k int) float64 { return w[k+1][i] - w[k][i] }
		changes := 0
		for k := h; k <= n-2; k++ {
			if a, b := d(k), d(k+1); (a > 0 && b < 0) || (a < 0 && b > 0) {
				changes++
			}
		}
		q.changes = append(q.changes, changes)
		q.dHalf = append(q.dHalf, math.Abs(d(h)))
		q.dLastAbs = append(q.dLastAbs, math.Abs(d(n-1)))
	}
	return q
}

// variantSentenceOK reports whether s is one sentence ending with a full stop.
func variantSentenceOK(s string) bool {
	s = strings.TrimSpace(s)
	if s == "" || !strings.HasSuffix(s, ".") || strings.ContainsAny(s, "\n!?") {
		return false
	}
	return !strings.Contains(s[:len(s)-1], ". ")
}
