package reference

// This file holds the mutation points inside the reference implementation: wrong versions
// of a catalog function that change a line inside it (a reduction's axis, a loop's bound,
// a value one step stale) rather than its arguments or its result. `optgrade rubric lint
// --strength` grades a rubric with each in the reference's place. Nothing here is on the
// path of Call, Train or any catalog function: each mutant is its own Call, built from the
// reference's own pieces with one mutation point set.

import (
	"math"
	"strings"
)

// mutationPoint is one mutant of a catalog function made inside its implementation.
type mutationPoint struct {
	op, fn, name, sentence string
	call                   func(Args) (any, error)
}

// mutationPoints is the table of inside mutation points, one row per mutant; op names the
// operator (the row of the grader's operator table) that reports it.
var mutationPoints = []mutationPoint{
	// A reduction over the wrong axis, or over both.
	{"reduce-axis", "logistic_grad", "reduce-axis(rows↔columns)", "the mean taken over each row's columns instead of over the rows (a vector of one number per row)",
		mutLogistic(mutLogisticOpts{grad: true, gradAxis: 1})},
	{"reduce-axis", "diagnose", "reduce-axis(w)", "the weights' steps taken between coordinates instead of between steps (np.diff along the last axis)",
		mutDiagnose(mutDiffCoordinates, false)},
	{"drop-axis", "logistic_loss", "drop-axis(X·w)", "X·w summed over rows and columns at once: one z for every row",
		mutLogistic(mutLogisticOpts{zAll: true})},
	{"drop-axis", "logistic_grad", "drop-axis(X·w)", "X·w summed over rows and columns at once: one z for every row",
		mutLogistic(mutLogisticOpts{grad: true, zAll: true})},
	{"drop-axis", "logistic_grad", "drop-axis(mean)", "the mean taken over rows and columns at once: every component the same number",
		mutLogistic(mutLogisticOpts{grad: true, gradAxis: -1})},
	{"drop-axis", "diagnose", "drop-axis(w)", "the weights' steps summed over the coordinates before the swing is judged",
		mutDiagnose(mutSumCoordinates, false)},

	// A loop bound one short.
	{"loop-bound", "bernoulli_nll", "loop-bound(y)", "the sum over the observations stops one short (the last left out, still divided by n)",
		mutShortBernoulli(func(lam float64, y []float64, base float64) float64 { return BernoulliNLL(lam, y, base) })},
	{"loop-bound", "bernoulli_nll_grad", "loop-bound(y)", "the sum over the observations stops one short (the last left out, still divided by n)",
		mutShortBernoulli(BernoulliNLLGrad)},
	{"loop-bound", "bernoulli_mle", "loop-bound(y)", "the sum over the observations stops one short (the last left out, still divided by n)",
		mutShortBernoulli(func(_ float64, y []float64, _ float64) float64 { return BernoulliMLE(y) })},
	{"loop-bound", "quadratic_loss", "loop-bound(w)", "the sum over the coordinates stops one short (the last weight's term left out)",
		mutShortQuadratic},
	{"loop-bound", "logistic_loss", "loop-bound(rows)", "the sum over the rows stops one short (the last row left out, still divided by n)",
		mutLogistic(mutLogisticOpts{short: true})},
	{"loop-bound", "logistic_grad", "loop-bound(rows)", "the sum over the rows (or the batch) stops one short (the last left out, still divided by their number)",
		mutLogistic(mutLogisticOpts{grad: true, short: true})},
	{"loop-bound", "diagnose", "loop-bound(loss)", "the count of rising steps stops one short (the last step not looked at)",
		mutDiagnose(nil, true)},
	{"loop-bound", "train", "loop-bound(k from 1)", "the loop counts its steps from 1 (range(1, steps+1)): the schedule's k and Adam's t one ahead",
		mutTrain(variantTrainOpts{kFrom1: true})},
	{"loop-bound", "train", "loop-bound(partial batch)", "a step whose mini-batch is shorter than the first (the last partial batch) is skipped",
		mutTrain(variantTrainOpts{skipPartial: true})},

	// A value one step stale inside train.
	{"stale", "train", "stale(gradient)", "each step's gradient taken at the previous step's weights",
		mutTrain(variantTrainOpts{staleGrad: true})},
	{"stale", "train", "stale(loss)", "each step records the loss of the weights it started from",
		mutTrain(variantTrainOpts{staleLoss: true})},
}

// InsideMutants returns the mutants of the catalog function fn that the operator op makes
// inside the reference implementation (none where op has no mutation point in fn). Each
// Variant's Name is "<op>(<point>)" and its Sentence says what it does.
//
// train also has, for every mutation point of a function it calls (a loss, a gradient),
// the mutant that runs its loop with that function's mutant: "<op>(<function>: <point>)".
func InsideMutants(op, fn string) []Variant {
	var out []Variant
	for _, p := range mutationPoints {
		if p.op == op && p.fn == fn {
			out = append(out, Variant{Name: p.name, Func: fn, Sentence: p.sentence, Call: p.call})
		}
	}
	if fn != "train" {
		return out
	}
	for _, p := range mutationPoints {
		if p.op != op || p.fn == "train" || !trainUses(p.fn) {
			continue
		}
		inner, call := p.fn, p.call
		point := strings.TrimSuffix(strings.TrimPrefix(p.name, op+"("), ")")
		out = append(out, Variant{
			Name: op + "(" + inner + ": " + point + ")", Func: fn, Sentence: "inside train, " + inner + ": " + p.sentence,
			Call: func(a Args) (any, error) {
				return variantTrainWith(a, func(f string, b Args) (any, error) {
					if f == inner {
						return call(b)
					}
					return Call(f, b)
				}, variantTrainOpts{})
			},
		})
	}
	return out
}

// mutLogisticOpts is the mutation point set in logistic_loss or logistic_grad.
type mutLogisticOpts struct {
	grad     bool // logistic_grad, else logistic_loss
	zAll     bool // z = Σᵢⱼ Xᵢⱼwⱼ for every row
	gradAxis int  // 0: the mean over the rows; 1: over each row's columns; −1: over both
	short    bool // the sum over the rows (or the batch) leaves out the last
}

// mutLogistic is logistic_loss or logistic_grad with the mutation point o, on the
// arguments the reference accepts.
func mutLogistic(o mutLogisticOpts) func(Args) (any, error) {
	return func(a Args) (any, error) {
		l, w, batch, err := catLogisticGradArgs(a)
		if err != nil {
			return nil, err
		}
		if !o.grad {
			batch = nil
		}
		if batch == nil {
			batch = make([]int, len(l.X))
			for i := range batch {
				batch[i] = i
			}
		}
		zAll := 0.0
		for _, x := range l.X {
			zAll += logisticDot(x, w)
		}
		z := func(i int) float64 {
			if o.zAll {
				return zAll
			}
			return logisticDot(l.X[i], w)
		}
		n := float64(len(batch))
		rows := batch
		if o.short {
			rows = batch[:len(batch)-1]
		}
		if !o.grad {
			sum := 0.0
			for _, i := range rows {
				y := l.Y[i]
				sum += y*logisticSoftplus(-z(i)) + (1-y)*logisticSoftplus(z(i))
			}
			return sum / n, nil
		}
		d := len(w)
		g := make([]float64, d)
		perRow := make([]float64, 0, len(rows))
		all := 0.0
		for _, i := range rows {
			r := (1-l.Y[i])*logisticSigmoid(z(i)) - l.Y[i]*logisticSigmoid(-z(i))
			s := 0.0
			for j, xj := range l.X[i] {
				g[j] += r * xj / n
				s += r * xj
			}
			perRow = append(perRow, s/float64(d))
			all += s
		}
		switch o.gradAxis {
		case 1:
			return perRow, nil
		case -1:
			for j := range g {
				g[j] = all / (n * float64(d))
			}
		}
		return g, nil
	}
}

// mutShortBernoulli is a Bernoulli function f on all observations but the last, scaled to
// divide by n rather than n − 1.
func mutShortBernoulli(f func(lam float64, y []float64, base float64) float64) func(Args) (any, error) {
	return func(a Args) (any, error) {
		r := a.Reader()
		lam, y, base := r.OptFloat("lam", 0.5), r.Vec("y"), r.OptFloat("base", math.E)
		err := catFirst(r.Err(), catOpenUnit("lam", lam), catLabels("y", y), catBase(base))
		if err != nil {
			return nil, err
		}
		n := len(y)
		if n < 2 {
			return 0.0, nil
		}
		return f(lam, y[:n-1], base) * float64(n-1) / float64(n), nil
	}
}

// mutShortQuadratic is Σ aᵢwᵢ² without its last term.
func mutShortQuadratic(a Args) (any, error) {
	q, w, err := catQuadraticArgs(a)
	if err != nil {
		return nil, err
	}
	d := len(w) - 1
	return Quadratic{A: q.A[:d]}.Func(w[:d]), nil
}

// mutDiagnose is diagnose judging the swing of view(w) instead of w (nil: w itself), and
// counting the rising steps one short when shortRises is set; whether the weights are
// finite is judged on w as given.
func mutDiagnose(view func([][]float64) [][]float64, shortRises bool) func(Args) (any, error) {
	return func(a Args) (any, error) {
		if _, err := catDiagnose(a); err != nil {
			return nil, err
		}
		r := a.Reader()
		loss := r.Vec("loss")
		var w [][]float64
		if r.Has("w") {
			w = r.Mat("w")
		}
		q := variantDiagQuantities(loss, w)
		if w != nil && view != nil {
			finite := q.finite
			q = variantDiagQuantities(loss, view(w))
			q.finite = finite
		}
		if n := q.n; shortRises && loss[n] > loss[n-1] {
			q.rises--
		}
		return q.label(false), nil
	}
}

// mutDiffCoordinates returns the weights whose steps between rows are w's differences
// between neighbouring coordinates, np.diff(w) along its last axis: row 0 is zeros and
// row k+1 is row k plus (wₖ[i+1] − wₖ[i])ᵢ, d − 1 columns.
func mutDiffCoordinates(w [][]float64) [][]float64 {
	d := len(w[0]) - 1
	out := make([][]float64, len(w))
	out[0] = make([]float64, d)
	for k := 1; k < len(w); k++ {
		out[k] = make([]float64, d)
		for i := range d {
			out[k][i] = out[k-1][i] + w[k-1][i+1] - w[k-1][i]
		}
	}
	return out
}

// mutSumCoordinates returns each row of w summed to one number.
func mutSumCoordinates(w [][]float64) [][]float64 {
	out := make([][]float64, len(w))
	for k, row := range w {
		s := 0.0
		for _, x := range row {
			s += x
		}
		out[k] = []float64{s}
	}
	return out
}

// mutTrain is train's loop (TrainWith) with the mutation points o.
func mutTrain(o variantTrainOpts) func(Args) (any, error) {
	return func(a Args) (any, error) { return variantTrainWith(a, Call, o) }
}
