package grader

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/optgrade/optgrade/grader/rubric"
)

// Replay is one case run on its own (`optgrade check --case ID`): the request whole, the
// student's and the reference's answers, and what the submission printed meanwhile.
type Replay struct {
	Task     string     `json:"task"`     // the task's id
	Function string     `json:"function"` // the task's function
	Check    string     `json:"check"`    // the check's name
	Case     CaseResult `json:"case"`     // filled whether the case passes or not
	Pass     bool       `json:"pass"`
	// Steps is, for a step of a free-running trajectory, how many steps were run to reach
	// it (each from the submission's previous answer); 1 otherwise.
	Steps int `json:"steps"`
	// Request is the request line that reproduces the case: {"id":1,"fn":…,"args":…}.
	Request string `json:"request"`
	// Misconception and Hint name the mistake the case matches, if one does.
	Misconception string `json:"misconception,omitempty"`
	Hint          string `json:"hint,omitempty"`
	// Output is what the submission printed while it was started and answered.
	Output string `json:"output,omitempty"`
	// Error says why the case could not be run at all (the submission would not start).
	Error string `json:"error,omitempty"`
}

// ErrNoCase is returned by Replay for an id that names no case of the rubric's selected checks.
var ErrNoCase = errors.New("no such case")

// Replay runs the case id names — "<task>/<check>/<case>", as CaseResult.ID — on its own.
// A step of a free-running trajectory needs the steps before it, so those run too.
func (g *Grader) Replay(ctx context.Context, run Runner, id string) (*Replay, error) {
	p, k, err := g.lookupCase(id)
	if err != nil {
		return nil, err
	}
	rp := &Replay{Task: p.task.ID, Function: p.task.Function, Check: p.check.Name, Steps: 1}
	q := p.narrow(k)
	if p.start != nil && p.check.Mode == rubric.FreeRunning {
		rp.Steps = k + 1
	}
	conn, err := run.Start(ctx)
	var outs []outcome
	switch {
	case err != nil:
		rp.Error = err.Error()
		outs = []outcome{{label: p.labels[k], call: p.calls[k], reply: Reply{Fault: err}}}
	default:
		implemented := false
		for _, f := range conn.Functions() {
			implemented = implemented || f == p.task.Function
		}
		if implemented {
			outs = q.kind.run(ctx, q, conn)
		} else {
			outs = []outcome{{label: p.labels[k], call: p.calls[k], reply: Reply{Err: "NotImplementedError: " + p.task.Function + " is not in the functions your submission's hello lists"}}}
			q.judge(&outs[0], p.wants[k], p.tol)
		}
		conn.Close()
		rp.Output = conn.Output()
	}
	o := &outs[len(outs)-1]
	rp.Pass = o.pass
	rp.Case = p.caseResult(k, o)
	if o.want == nil {
		rp.Case.Expected = JSONValue(p.wants[k])
	}
	rp.Request = fmt.Sprintf(`{"id":1,"fn":%s,"args":%s}`, strconv.Quote(o.call.Fn), JSONValue(o.call.Args))
	if !o.pass {
		tr := TaskResult{Checks: []CheckResult{q.score(CheckResult{}, outs)}}
		nameMistakes(&tr, []ranCheck{{plan: q, outs: outs}})
		rp.Misconception, rp.Hint = tr.Checks[0].Misconception, tr.Checks[0].Hint
	}
	return rp, nil
}

// lookupCase finds the plan and the case index an id names.
func (g *Grader) lookupCase(id string) (*checkPlan, int, error) {
	parts := strings.Split(id, "/")
	if len(parts) < 3 {
		return nil, 0, fmt.Errorf("%w %q: a case id is task/check/case, like adam-step/1/2 (the report shows each failing case's id)", ErrNoCase, id)
	}
	task := strings.Join(parts[:len(parts)-2], "/")
	checkNo, err1 := strconv.Atoi(parts[len(parts)-2])
	caseNo, err2 := strconv.Atoi(parts[len(parts)-1])
	if err1 != nil || err2 != nil {
		return nil, 0, fmt.Errorf("%w %q: a case id is task/check/case with numbers for check and case, like adam-step/1/2", ErrNoCase, id)
	}
	i := g.taskIndex(task)
	if i < 0 {
		return nil, 0, fmt.Errorf("%w %q: the rubric has no task %q (tasks: %s)", ErrNoCase, id, task, strings.Join(g.taskIDs(), ", "))
	}
	plans := g.plans[i]
	if checkNo < 1 || checkNo > len(plans) || plans[checkNo-1] == nil {
		return nil, 0, fmt.Errorf("%w %q: task %q has no check %d that this run may see", ErrNoCase, id, task, checkNo)
	}
	p := plans[checkNo-1]
	if caseNo < 1 || caseNo > len(p.calls) {
		return nil, 0, fmt.Errorf("%w %q: check %d of task %q has cases 1 to %d", ErrNoCase, id, checkNo, task, len(p.calls))
	}
	return p, caseNo - 1, nil
}

func (g *Grader) taskIndex(id string) int {
	for i := range g.rubric.Tasks {
		if g.rubric.Tasks[i].ID == id {
			return i
		}
	}
	return -1
}

func (g *Grader) taskIDs() []string {
	ids := make([]string, len(g.rubric.Tasks))
	for i := range g.rubric.Tasks {
		ids[i] = g.rubric.Tasks[i].ID
	}
	return ids
}

// narrow returns a plan of case k alone (for a free-running trajectory, steps 1 to k+1).
func (p *checkPlan) narrow(k int) *checkPlan {
	lo, hi := k, k+1
	if p.start != nil && p.check.Mode == rubric.FreeRunning {
		lo = 0
	}
	q := &checkPlan{task: p.task, check: p.check, checkNo: p.checkNo, kind: p.kind, fn: p.fn, tol: p.tol,
		calls: p.calls[lo:hi], wants: p.wants[lo:hi], labels: p.labels[lo:hi],
		start: p.start, grads: p.grads, variants: p.variants}
	if p.optLoss != nil {
		q.optLoss, q.problems = p.optLoss[lo:hi], p.problems[lo:hi]
	}
	return q
}

// Only keeps the task with the given id (`optgrade check --task T`); the others are not run.
func (g *Grader) Only(task string) error {
	i := g.taskIndex(task)
	if i < 0 {
		return fmt.Errorf("the rubric has no task %q (tasks: %s)", task, strings.Join(g.taskIDs(), ", "))
	}
	for j := range g.plans {
		if j != i {
			g.plans[j] = nil
		}
	}
	return nil
}
