package grader

import (
	"fmt"
	"math"
	"strings"

	"github.com/optgrade/optgrade/grader/runner"
	"github.com/optgrade/optgrade/reference"
)

// This file describes a mistake nobody registered by its relation to the reference: when
// no registered misconception agrees with a task's evidence, each generic relation below
// is tried on every case of the task that returned a result; the first that holds on all
// of them, and differs from the reference on some, gives the sentence. A correct result
// never differs from the reference, so no relation can fire on correct code.

// A relation is one row of the table: a kind of mistake and the hypotheses it makes about
// a task's evidence (a constant factor makes one per candidate factor).
type relation struct {
	name       string
	hypotheses func(fn reference.Func, ev []*evidence) []hypothesis
}

// hypothesis is one precise claim: fits says whether the submission's result on a case is
// what the claim predicts (applicable false: the claim says nothing about that case).
type hypothesis struct {
	sentence string
	fits     func(e *evidence) (ok, applicable bool)
	// outOfRange lets a case the claim cannot predict, because it takes an argument out of
	// range, be one where the submission answered a non-finite number (t − 1 = 0 divides
	// by 1 − β⁰ = 0).
	outOfRange bool
}

// evidence is one case of a task that returned a result: its arguments, the submission's
// result, the reference's on the same arguments, and the tolerance of its check.
type evidence struct {
	fn   reference.Func
	args reference.Args
	got  any
	want any
	tol  Tol
}

// relations is the table, tried in order: the more specific first.
var relations = []relation{
	{"log-base", logBaseHypotheses},
	{"sign", signHypotheses},
	{"factor", factorHypotheses},
	{"off-by-one", offByOneHypotheses},
	{"shifted", shiftHypotheses},
	{"argument-order", argOrderHypotheses},
	{"shape", shapeHypotheses},
}

// describeByRelation returns the name and sentence of the first relation that holds on
// the task's evidence, or "".
func describeByRelation(ran []ranCheck) (name, sentence string) {
	ev := gatherEvidence(ran)
	if len(ev) == 0 {
		return "", ""
	}
	fn := ev[0].fn
	for _, r := range relations {
		for _, h := range r.hypotheses(fn, ev) {
			if holds(h, ev) {
				return r.name, h.sentence
			}
		}
	}
	return "", ""
}

// holds reports whether h fits every case it applies to and some case that differs from
// the reference, and applies to every case that differs (see hypothesis.outOfRange).
func holds(h hypothesis, ev []*evidence) bool {
	fitsWrong := false
	for _, e := range ev {
		ok, applicable := h.fits(e)
		wrong := !matches(e.got, e.want, e.tol)
		switch {
		case applicable && !ok:
			return false
		case !applicable && wrong && !(h.outOfRange && nonFinite(e.got)):
			return false
		}
		fitsWrong = fitsWrong || applicable && wrong
	}
	return fitsWrong
}

// nonFinite reports whether a result holds a NaN or an infinity.
func nonFinite(v any) bool {
	return !walkNumbers(v, func(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) })
}

// gatherEvidence collects the cases of the task's function that returned a numeric result
// (passing ones included), with the reference's result on their exact arguments.
func gatherEvidence(ran []ranCheck) []*evidence {
	var ev []*evidence
	for _, rc := range ran {
		p := rc.plan
		for i := range rc.outs {
			o := &rc.outs[i]
			if !o.valid || o.call.Fn != p.task.Function || !numericResult(o.reply.Result) {
				continue
			}
			var want any
			if o.fixed >= 0 && o.fixed < len(p.wants) {
				want = p.wants[o.fixed]
			} else {
				w, err := reference.Call(o.call.Fn, o.call.Args.Clone())
				if err != nil {
					continue
				}
				want = w
			}
			want = runner.JSONShape(want)
			if !numericResult(want) {
				continue
			}
			ev = append(ev, &evidence{fn: p.fn, args: o.call.Args, got: o.reply.Result, want: want, tol: p.matchTol()})
		}
	}
	return ev
}

// numericResult reports whether v holds only numbers (no labels).
func numericResult(v any) bool {
	n := 0
	ok := walkNumbers(v, func(float64) bool { n++; return true })
	_, isStr := v.(string)
	return ok && !isStr && n > 0
}

// matches compares within the naming tolerance (NaN matches NaN).
func matches(got, want any, tol Tol) bool {
	_, ok := Compare(got, want, tol)
	return ok
}

// predicting makes a hypothesis from a prediction of each case's result.
func predicting(sentence string, predict func(e *evidence) (any, bool)) hypothesis {
	return hypothesis{sentence: sentence, fits: func(e *evidence) (bool, bool) {
		p, ok := predict(e)
		if !ok {
			return false, false
		}
		return matches(e.got, runner.JSONShape(p), e.tol), true
	}}
}

// refOn is the reference's result on changed arguments, or false when it rejects them.
func refOn(e *evidence, change func(a reference.Args)) (any, bool) {
	a := e.args.Clone()
	change(a)
	v, err := reference.Call(e.fn.Name, a)
	if err != nil {
		return nil, false
	}
	return v, true
}

// ---- a constant factor, the sign -----------------------------------------------------

// mapResult applies f to a result's numbers, or for a step function to each state part's
// change (new − old: the update), f getting the element's path.
func mapResult(fn reference.Func, args reference.Args, want any, f func(x float64) float64) any {
	if len(fn.State) == 0 {
		return mapNumbers(want, f)
	}
	if m, ok := want.(map[string]any); ok {
		out := map[string]any{}
		for k, v := range m {
			out[k] = mapUpdate(vecOf(args[k]), vecOf(v), f)
		}
		return out
	}
	return mapUpdate(vecOf(args[fn.State[0]]), vecOf(want), f)
}

func mapUpdate(in, out Vec, f func(float64) float64) any {
	if in == nil || len(in) != len(out) {
		return runner.JSONShape([]float64(out))
	}
	r := make([]float64, len(in))
	for i := range in {
		r[i] = in[i] + f(out[i]-in[i])
	}
	return runner.JSONShape(r)
}

// offBy says that fn's results (a step's update) are the reference's times c, named so.
func offBy(fn reference.Func, name, times string) string {
	if len(fn.State) > 0 {
		return fmt.Sprintf("Your update is off by a factor of %s: it is the reference's %s.", name, times)
	}
	return fmt.Sprintf("Your results are off by a factor of %s: they are the reference's %s.", name, times)
}

func signHypotheses(fn reference.Func, ev []*evidence) []hypothesis {
	s := "Your results have the opposite sign of the reference's: check the direction (a − where there should be a +, or the order of a difference)."
	if len(fn.State) > 0 {
		s = "Your update goes the opposite way to the reference's: the step should move against the gradient, w − α·(…)."
	}
	return []hypothesis{predicting(s, func(e *evidence) (any, bool) {
		return mapResult(fn, e.args, e.want, func(x float64) float64 { return -x }), true
	})}
}

// caseQuantity is a size a factor may be: the batch size, the number of observations or
// of weights, read from a case's arguments.
type caseQuantity struct {
	name string
	of   func(a reference.Args) (float64, bool)
}

var caseQuantities = []caseQuantity{
	{"N = the batch size", func(a reference.Args) (float64, bool) {
		if b, ok := asList(runner.JSONShape(a["batch"])); ok {
			return float64(len(b)), true
		}
		if x, ok := asList(runner.JSONShape(a["X"])); ok {
			return float64(len(x)), true
		}
		return 0, false
	}},
	{"n = the number of observations", func(a reference.Args) (float64, bool) {
		y, ok := asList(runner.JSONShape(a["y"]))
		return float64(len(y)), ok
	}},
	{"d = the number of weights", func(a reference.Args) (float64, bool) {
		w, ok := asList(runner.JSONShape(a["w"]))
		return float64(len(w)), ok && a["X"] == nil
	}},
}

func factorHypotheses(fn reference.Func, ev []*evidence) []hypothesis {
	var hs []hypothesis
	for _, q := range caseQuantities {
		for _, inverse := range []bool{false, true} {
			name, q, inverse := q.name, q, inverse
			symbol := strings.SplitN(name, " ", 2)[0]
			s := offBy(fn, name, "times "+symbol)
			if inverse {
				s = offBy(fn, name, "divided by "+symbol)
			}
			hs = append(hs, predicting(s, func(e *evidence) (any, bool) {
				c, ok := q.of(e.args)
				if !ok || c == 1 || c == 0 {
					return nil, false
				}
				if inverse {
					c = 1 / c
				}
				return mapResult(fn, e.args, e.want, func(x float64) float64 { return c * x }), true
			}))
		}
	}
	// One constant for every case, fitted on the first case that differs.
	for _, e := range ev {
		if matches(e.got, e.want, e.tol) {
			continue
		}
		c, ok := fitFactor(fn, e)
		if !ok || math.Abs(c-1) < 1e-3 || math.Abs(c+1) < 1e-3 || c == 0 {
			break
		}
		hs = append(hs, predicting(
			offBy(fn, fmtFactor(c), "times "+fmtFactor(c)),
			func(e *evidence) (any, bool) {
				return mapResult(fn, e.args, e.want, func(x float64) float64 { return c * x }), true
			}))
		break
	}
	return hs
}

// fitFactor is got/want at the largest number of want (of the update, for a step).
func fitFactor(fn reference.Func, e *evidence) (float64, bool) {
	ws, gs := numbersOf(e.want), numbersOf(e.got)
	if len(fn.State) > 0 {
		ws, gs = numbersOf(updates(fn, e.args, e.want)), numbersOf(updates(fn, e.args, e.got))
	}
	if len(ws) == 0 || len(ws) != len(gs) {
		return 0, false
	}
	best := 0
	for i := range ws {
		if math.Abs(ws[i]) > math.Abs(ws[best]) {
			best = i
		}
	}
	if ws[best] == 0 || math.IsNaN(gs[best]) || math.IsInf(gs[best], 0) {
		return 0, false
	}
	return gs[best] / ws[best], true
}

// updates is a step result's change of each state part, new − old, in State order.
func updates(fn reference.Func, args reference.Args, result any) any {
	var out []any
	for _, s := range fn.State {
		in := vecOf(args[s])
		v := vecOf(stateOf(fn, result, s))
		if in == nil || len(in) != len(v) {
			return nil
		}
		for i := range in {
			out = append(out, v[i]-in[i])
		}
	}
	return out
}

// fmtFactor writes a factor plainly: 2, 1/2, −3, 2.302585093.
func fmtFactor(c float64) string {
	if r := math.Round(c); r != 0 && math.Abs(c-r) <= 1e-6*math.Abs(c) {
		return fmtNum(r)
	}
	if r := math.Round(1 / c); r != 0 && math.Abs(1/c-r) <= 1e-6*math.Abs(1/c) {
		return "1/" + fmtNum(r)
	}
	return strings.TrimRight(strings.TrimRight(fmt.Sprintf("%.4f", c), "0"), ".")
}

// ---- another logarithm base ----------------------------------------------------------

func logBaseHypotheses(fn reference.Func, ev []*evidence) []hypothesis {
	_, hasBase := fn.Param("base")
	if !hasBase && !strings.Contains(fn.Formula, "ln ") {
		return nil
	}
	var hs []hypothesis
	for _, b := range []struct {
		name string
		ln   float64
	}{{"10", math.Ln10}, {"2", math.Ln2}, {"e (the natural log)", 1}} {
		b := b
		s := fmt.Sprintf("Your logs are in base %s: use the natural log (ln); your results are the reference's divided by ln %s.", b.name, strings.Fields(b.name)[0])
		if hasBase {
			s = fmt.Sprintf("Your logs are always in base %s: take them in the base the call gives (natural log when base is absent), log_b x = ln x / ln b.", b.name)
		}
		hs = append(hs, predicting(s, func(e *evidence) (any, bool) {
			lnCase := 1.0
			if x, ok := asNumber(e.args["base"]); ok {
				lnCase = math.Log(x)
			}
			return mapNumbers(e.want, func(x float64) float64 { return x * lnCase / b.ln }), true
		}))
	}
	return hs
}

// ---- off by one in an integer argument --------------------------------------------------

// integerParams are the arguments counted in whole steps: the catalog's integers (k, t,
// steps) and τ when it is a whole number.
func integerParams(fn reference.Func) []string {
	var names []string
	for _, p := range fn.Params {
		if p.Kind == reference.Integer || p.Name == "tau" {
			names = append(names, p.Name)
		}
	}
	return names
}

func offByOneHypotheses(fn reference.Func, ev []*evidence) []hypothesis {
	var hs []hypothesis
	for _, name := range integerParams(fn) {
		for _, d := range []int{-1, 1} {
			name, d := name, d
			sign := "−"
			if d > 0 {
				sign = "+"
			}
			s := fmt.Sprintf("Your value for %s equals the reference's for %s %s 1: check where %s starts counting (and every use of it).", name, name, sign, name)
			h := predicting(s, func(e *evidence) (any, bool) {
				x, ok := asNumber(runner.JSONShape(e.args[name]))
				if !ok || x != math.Trunc(x) {
					return nil, false
				}
				return refOn(e, func(a reference.Args) { a[name] = x + float64(d) })
			})
			h.outOfRange = true
			hs = append(hs, h)
		}
	}
	return hs
}
