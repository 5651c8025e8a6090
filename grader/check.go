package grader

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/optgrade/optgrade/grader/rubric"
	"github.com/optgrade/optgrade/reference"
)

// A checkKind is how grader plans and runs one kind of check: planned once per rubric
// (the reference side, shared by every submission of a batch), run against each
// submission. The rubric's side of the kind (its keys, the functions it fits, its help
// text) is the row of rubric.Kinds with the same Kind. Adding a kind is a file
// check_<kind>.go, a row here and a row in rubric's table.
type checkKind struct {
	plan func(p *checkPlan) error
	run  func(ctx context.Context, p *checkPlan, conn Conn) []outcome
	// lead returns the calls run sends first, whatever the submission answers (its first
	// Do), and whether run may send more after them (see pipeline).
	lead func(p *checkPlan) (calls []Call, more bool)
}

// checkKinds is the table of check kinds, keyed by rubric kind.
var checkKinds = map[rubric.Kind]checkKind{
	rubric.KindValue:          {plan: planValue, run: runValue, lead: leadAll},
	rubric.KindGradient:       {plan: planValue, run: runGradient, lead: leadGradient},
	rubric.KindTrajectory:     {plan: planTrajectory, run: runTrajectory, lead: leadTrajectory},
	rubric.KindConvergence:    {plan: planConvergence, run: runConvergence, lead: leadAll},
	rubric.KindClassification: {plan: planClassification, run: runClassification, lead: leadAll},
}

func lookupKind(k rubric.Kind) (*checkKind, bool) {
	ck, ok := checkKinds[k]
	return &ck, ok
}

// checkPlan is a check with its reference side computed: the calls to make and the values
// wanted. It is built once per rubric and shared, read-only, by every submission.
type checkPlan struct {
	task    *rubric.Task
	check   *rubric.Check
	checkNo int // the check's number in its task, from 1, hidden checks counted
	kind    *checkKind
	fn      reference.Func
	tol     Tol

	calls  []Call
	wants  []any
	labels []string // one per call: "case 2", "step 3", …

	// trajectory
	start reference.Args
	grads [][]float64
	// convergence: the reference optimum's loss per case, and the problem to evaluate losses.
	optLoss  []float64
	problems []reference.Problem

	variants []reference.Variant // the misconceptions this check may name
	// float64Only judges float32 results with the check's own tolerance (precision: float64).
	float64Only bool

	mu       sync.Mutex
	variantV map[variantKey]variantOut // variant results on fixed calls, computed on demand
}

type variantKey struct {
	call    int
	variant string
}

type variantOut struct {
	v   any
	err error
}

// outcome is one case of a check: one call (or step, or curve) and its verdict.
type outcome struct {
	label string
	call  Call
	reply Reply
	// fixed is the index into plan.calls when the call is the plan's own (so variant
	// results can be cached); -1 when it depends on the submission (free-running).
	fixed int
	pass  bool
	// msg explains a failure: what came back against what was wanted.
	msg string
	// valid is true when the reply is a result (not an error, fault or not-implemented)
	// that can be compared with a misconception's.
	valid bool
	// skipped is set on the steps of a free-running trajectory after its first failure.
	skipped bool
	// notes add to msg what the check found beyond the first difference (finite
	// differences, where a trajectory leaves the reference's).
	notes []string
	// want and tol are what the reply was judged against; mis where it first differs.
	want any
	tol  Tol
	mis  Mismatch
	// float32 is set when the result was judged as single precision (isFloat32).
	float32 bool
}

// addNote adds a finding to the outcome's message after sep, and to its notes.
func (o *outcome) addNote(sep, note string) {
	o.msg += sep + note
	o.notes = append(o.notes, note)
}

// variantResult evaluates a misconception on an outcome's call.
func (p *checkPlan) variantResult(o *outcome, v reference.Variant) (any, error) {
	if o.fixed < 0 {
		return v.Call(o.call.Args.Clone())
	}
	k := variantKey{o.fixed, v.Name}
	p.mu.Lock()
	if p.variantV == nil {
		p.variantV = map[variantKey]variantOut{}
	}
	r, ok := p.variantV[k]
	p.mu.Unlock()
	if ok {
		return r.v, r.err
	}
	val, err := v.Call(o.call.Args.Clone())
	p.mu.Lock()
	p.variantV[k] = variantOut{val, err}
	p.mu.Unlock()
	return val, err
}

// replyOutcome fills an outcome's verdict from a reply compared with want.
func (p *checkPlan) judge(o *outcome, want any, tol Tol) {
	r := o.reply
	o.want, o.tol = want, tol
	switch {
	case r.Fault != nil:
		o.msg = fmt.Sprintf("%s: %v", p.callString(o.call), r.Fault)
	case r.NotImplemented():
		o.msg = fmt.Sprintf("%s: not implemented (%s)", o.call.Fn, clip(r.Err, 120))
	case r.Err != "":
		o.msg = fmt.Sprintf("%s raised %s", p.callString(o.call), clip(r.Err, 300))
	default:
		o.valid = true
		if !p.float64Only && isFloat32(r.Result) {
			tol, o.float32 = float32Tol(tol), true
			o.tol = tol
		}
		m, ok := CompareScaled(r.Result, want, inputScale(p.fn, o.call.Args, want), tol)
		if !ok && o.float32 {
			// float32 code computes from its inputs rounded to float32: judge it against
			// the reference on those inputs too (a result may depend on them sharply,
			// as Adam's v on 1 − β₂).
			a := roundArgs32(o.call.Args)
			if want32, err := reference.Call(o.call.Fn, a.Clone()); err == nil {
				_, ok = CompareScaled(r.Result, want32, inputScale(p.fn, a, want32), tol)
			}
		}
		o.pass = ok
		if !ok {
			o.mis = m
			o.msg = fmt.Sprintf("%s: %s (%s)", p.callString(o.call), m, tol)
			if o.float32 {
				o.addNote(" — ", "your numbers are float32, judged with a float32 tolerance")
			}
		}
	}
}

// callString shows a call in one short line: adam_step(w=[1, 2], t=3, …).
func (p *checkPlan) callString(c Call) string { return callLine(c) }

// callLine shows a call in one short line: adam_step(w=[1, 2], t=3, …).
func callLine(c Call) string {
	var parts []string
	for _, k := range c.Args.Keys() {
		parts = append(parts, k+"="+shortValue(c.Args[k]))
	}
	s := c.Fn + "(" + strings.Join(parts, ", ") + ")"
	return clip(s, 160)
}

// runCheck runs one planned check against a submission and scores it; outs are its cases,
// the evidence for naming a mistake (nameMistakes).
func runCheck(ctx context.Context, p *checkPlan, conn Conn) (res CheckResult, outs []outcome) {
	res = CheckResult{
		Name:       p.check.Name,
		Kind:       string(p.check.Kind),
		Visibility: string(p.check.Visibility),
		MaxScore:   p.check.Points,
	}
	outs = p.kind.run(ctx, p, conn)
	p.locate(outs)
	res = p.score(res, outs)
	res.Runs = p.runs(outs)
	return res, outs
}

// caseID names case k (from 0) of the check for replay: "adam-step/2/3".
func (p *checkPlan) caseID(k int) string {
	return fmt.Sprintf("%s/%d/%d", p.task.ID, p.checkNo, k+1)
}

// caseResult keeps failing case k whole.
func (p *checkPlan) caseResult(k int, o *outcome) CaseResult {
	c := CaseResult{
		ID: p.caseID(k), Label: o.label, Fn: o.call.Fn, Args: JSONValue(o.call.Args),
		Atol: o.tol.Atol, Rtol: o.tol.Rtol, Message: o.label + ": " + o.msg,
		Notes: o.notes, Output: o.reply.Output,
	}
	if o.want != nil {
		c.Expected = JSONValue(o.want)
	}
	switch r := o.reply; {
	case r.Fault != nil:
		c.Fault = r.Fault.Error()
	case r.Err != "":
		c.Error = r.Err
	default:
		c.Result = JSONValue(r.Result)
		c.Path, c.Why = o.mis.Path, o.mis.Why
		if !o.mis.gotMissing {
			c.Got = JSONValue(o.mis.gotV)
		}
		if o.mis.wantV != nil {
			c.Want = JSONValue(o.mis.wantV)
		}
	}
	return c
}

// score turns outcomes into a status, points, a message and a misconception.
func (p *checkPlan) score(res CheckResult, outs []outcome) CheckResult {
	res.Cases = len(outs)
	var failed []*outcome
	notImpl, faults := 0, 0
	for i := range outs {
		o := &outs[i]
		res.Float32 = res.Float32 || o.float32 && !o.skipped
		if o.pass && !o.skipped {
			res.Passed++
			continue
		}
		if o.skipped {
			res.NotRun++
		} else {
			res.Failures = append(res.Failures, p.caseResult(i, o))
		}
		failed = append(failed, o)
		if o.reply.NotImplemented() && !o.skipped {
			notImpl++
		}
		if o.reply.Fault != nil && !o.skipped {
			faults++
		}
	}
	switch {
	case res.Cases > 0 && res.Passed == res.Cases:
		res.Status = Pass
	case len(failed) > 0 && notImpl == len(failed) && res.Passed == 0:
		res.Status = NotImplemented
	case faults > 0 && res.Passed == 0:
		res.Status = Error
	case p.check.Scoring == rubric.Proportional && res.Passed > 0:
		res.Status = Partial
	default:
		res.Status = Fail
	}
	if res.Cases == 0 {
		res.Status = Error
		res.Message = "the check has no cases"
	}
	switch {
	case res.Status == Pass:
		res.Score = p.check.Points
	case p.check.Scoring == rubric.Proportional && res.Cases > 0:
		res.Score = p.check.Points * float64(res.Passed) / float64(res.Cases)
	}
	if len(failed) == 0 {
		return res
	}
	res.Message = failed[0].label + ": " + failed[0].msg
	const maxDetails = 5
	rest := failed[1:]
	// Calls cut short by the same fault (the process hung or died) are one failure.
	if f := failed[0].reply.Fault; f != nil {
		same := 0
		for _, o := range rest {
			if o.reply.Fault == f {
				same++
			}
		}
		rest = slices.DeleteFunc(slices.Clone(rest), func(o *outcome) bool { return o.reply.Fault == f })
		if same > 0 {
			res.Details = append(res.Details, fmt.Sprintf("%d more cases were not answered: the same failure", same))
		}
	}
	for i, o := range rest {
		if o.skipped {
			res.Details = append(res.Details, fmt.Sprintf("the %d steps after it were not run", len(rest)-i))
			break
		}
		if i == maxDetails {
			res.Details = append(res.Details, fmt.Sprintf("… and %d more failing cases", len(rest)-maxDetails))
			break
		}
		res.Details = append(res.Details, o.label+": "+o.msg)
	}
	return res
}

// matchTol is the tolerance within which a submission "matches" a misconception: the
// check's own, but never looser than a convergence check's would make it.
func (p *checkPlan) matchTol() Tol {
	t := p.tol
	t.SameNaN = true
	if t.Atol > 1e-6 {
		t.Atol = 1e-6
	}
	if t.Rtol > 1e-4 {
		t.Rtol = 1e-4
	}
	return t
}

// variantsFor returns the misconceptions a task allows for its function.
func variantsFor(t *rubric.Task) []reference.Variant {
	all := reference.VariantsOf(t.Function)
	if len(t.Misconceptions) == 0 {
		return all
	}
	var out []reference.Variant
	for _, v := range all {
		for _, name := range t.Misconceptions {
			if v.Name == name {
				out = append(out, v)
			}
		}
	}
	return out
}
