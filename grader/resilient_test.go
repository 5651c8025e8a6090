package grader

import (
	"context"
	"strings"
	"testing"

	"github.com/optgrade/optgrade/grader/runner"
)

// hangingRunner answers from the reference, except that a call for which hang is true
// times out — and, as the process runner does, every later call of the same batch gets
// that fault unanswered.
type hangingRunner struct {
	hang func(Call) bool
}

func (h hangingRunner) Start(ctx context.Context) (Conn, error) {
	c, _ := runner.ReferenceRunner{}.Start(ctx)
	return &hangingConn{Conn: c, hang: h.hang}, nil
}

type hangingConn struct {
	Conn
	hang  func(Call) bool
	sends int // calls sent, re-sent ones included
}

func (h *hangingConn) Do(ctx context.Context, calls []Call) []Reply {
	out := h.Conn.Do(ctx, calls)
	h.sends += len(calls)
	for i, c := range calls {
		if h.hang(c) {
			f := &runner.ProcessFault{Kind: runner.FaultTimeout, Fn: c.Fn, Msg: "timed out after 10s waiting for " + c.Fn + " (the process was killed)"}
			for j := i; j < len(out); j++ {
				out[j] = Reply{Fault: f}
			}
			break
		}
	}
	return out
}

const scheduleTasks = `
  - id: exp
    function: lr_exponential
    points: 2
    checks:
      - name: literal
        kind: value
        points: 1
        scoring: proportional
        cases:
          - args: {k: 0, lr0: 0.1, tau: 10}
          - args: {k: 5, lr0: 0.1, tau: 10}
          - args: {k: 7, lr0: 0.1, tau: 10}
          - args: {k: 9, lr0: 0.1, tau: 10}
      - {name: more, kind: value, points: 1, cases: [{args: {k: 1, lr0: 0.5, tau: 2}}]}
  - id: lin
    function: lr_linear
    points: 1
    checks:
      - {kind: value, points: 1, cases: [{args: {k: 1, lr0: 0.1, lr_tau: 0.01, tau: 5}}]}
`

// TestHangCostsOnlyItsCall: a call that hangs fails alone; the cases after it in the same
// batch are sent again, the task's next check runs, and so does the next task.
func TestHangCostsOnlyItsCall(t *testing.T) {
	k5 := func(c Call) bool { return c.Fn == "lr_exponential" && c.Args["k"] == 5.0 }
	res := gradeYAML(t, rubricOf("3", scheduleTasks), hangingRunner{hang: k5})
	lit, more := res.Tasks[0].Checks[0], res.Tasks[0].Checks[1]
	if lit.Passed != 3 || len(lit.Failures) != 1 || lit.Failures[0].ID != "exp/1/2" || !strings.Contains(lit.Failures[0].Fault, "timed out") {
		t.Errorf("literal: %d of %d passed, failures %+v", lit.Passed, lit.Cases, lit.Failures)
	}
	if more.Status != Pass || res.Tasks[1].Score != 1 {
		t.Errorf("the next check (%s) or task (%g) lost points", more.Status, res.Tasks[1].Score)
	}
}

// TestHangsGiveUp: after maxHangs hangs in a task the rest of its calls are not sent.
func TestHangsGiveUp(t *testing.T) {
	all := func(c Call) bool { return c.Fn == "lr_exponential" }
	run := hangingRunner{hang: all}
	res := gradeYAML(t, rubricOf("3", scheduleTasks), run)
	lit, more := res.Tasks[0].Checks[0], res.Tasks[0].Checks[1]
	if lit.Passed != 0 || len(lit.Failures) != 4 {
		t.Fatalf("literal: %d passed, %d failures", lit.Passed, len(lit.Failures))
	}
	for i, f := range lit.Failures {
		gaveUp := strings.HasPrefix(f.Fault, "not run: the submission hung 3 and crashed 0 times in this task")
		if gaveUp != (i == 3) {
			t.Errorf("case %d: fault %q", i+1, f.Fault)
		}
	}
	if !strings.HasPrefix(more.Failures[0].Fault, "not run:") || res.Tasks[1].Score != 1 {
		t.Errorf("more: %q; next task %g", more.Failures[0].Fault, res.Tasks[1].Score)
	}
}
