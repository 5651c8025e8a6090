package grader

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/optgrade/optgrade/grader/rubric"
	"github.com/optgrade/optgrade/grader/runner"
	"github.com/optgrade/optgrade/grader/sandbox"
)

// fakeProcess answers like the process runner, from the reference (with variants in place
// of some functions), and misbehaves like a process: a call for which hang or crash is true
// ends the process with a timeout or exit fault that every later call of the same Do gets
// too; the next Do restarts it (or fails to, when failStart says so; after two failed
// starts in a row the last fault is returned without trying); after budget calls answered
// every Do gets a fresh budget fault. It records the calls the process read and answered
// (or hung or crashed in), in order, and the Do calls.
type fakeProcess struct {
	replace               []string // the variants answering in place of their functions
	ref                   Conn
	hang, crash           func(c Call, seen int) bool
	failStart             func(starts int) bool
	budget                int // calls answered before the budget is spent; 0: no limit
	alive                 bool
	starts, failedStarts  int
	lastStart             *runner.ProcessFault
	seen                  []string // the calls the process read, in order, restarts marked
	dos, answered, called int
	groups                int // Do calls, and groups of calls Apart in them
	// CloseInput: its calls, the Do calls made before the last one, and whether the
	// process's input is closed (the next Do restarts it, as the process runner does)
	closeInputs, dosBeforeClose int
	inputClosed                 bool
}

type fakeRunner struct{ p *fakeProcess }

func (r fakeRunner) Start(ctx context.Context) (Conn, error) {
	r.p.ref, _ = runner.ReferenceRunner{Replace: replaceWith(r.p.replace...)}.Start(ctx)
	r.p.alive, r.p.starts = true, 1
	return r.p, nil
}

func (p *fakeProcess) Functions() []string { return p.ref.Functions() }
func (p *fakeProcess) Output() string      { return "" }
func (p *fakeProcess) Close() error        { return nil }

func (p *fakeProcess) CloseInput() {
	p.closeInputs++
	p.dosBeforeClose = p.dos
	if p.alive {
		p.inputClosed = true
	}
}

func (p *fakeProcess) Do(ctx context.Context, calls []Call) []Reply {
	p.dos++
	p.groups++
	replies := make([]Reply, len(calls))
	fault := func(from int, f *runner.ProcessFault) []Reply {
		for i := from; i < len(replies); i++ {
			replies[i] = Reply{Fault: f}
		}
		return replies
	}
	if len(calls) == 0 {
		return replies
	}
	if p.inputClosed { // the process runner ends the process and starts a fresh one
		p.inputClosed, p.alive = false, false
	}
	if p.budget > 0 && p.answered >= p.budget {
		return fault(0, &runner.ProcessFault{Kind: runner.FaultBudget, Fn: calls[0].Fn, Msg: "used up its time budget"})
	}
	if !p.alive {
		if p.failedStarts >= 2 {
			return fault(0, p.lastStart)
		}
		p.starts++
		p.seen = append(p.seen, "restart")
		if p.failStart != nil && p.failStart(p.starts) {
			p.failedStarts++
			p.lastStart = &runner.ProcessFault{Kind: runner.FaultStart, Fn: "hello", Msg: fmt.Sprintf("start %d failed", p.starts)}
			return fault(0, p.lastStart)
		}
		p.failedStarts = 0
		p.alive = true
	}
	for i, c := range calls {
		if c.Apart != (i > 0 && c.Apart) {
			p.groups = -1 << 30 // the first call of a Do needs no Apart
		}
		if c.Apart {
			p.groups++
		}
		p.called++
		p.seen = append(p.seen, c.Fn+string(JSONValue(c.Args)))
		switch {
		case p.hang != nil && p.hang(c, p.called):
			p.alive = false
			return fault(i, &runner.ProcessFault{Kind: runner.FaultTimeout, Fn: c.Fn, Msg: "timed out waiting for " + c.Fn})
		case p.crash != nil && p.crash(c, p.called):
			p.alive = false
			return fault(i, &runner.ProcessFault{Kind: runner.FaultExit, Fn: c.Fn, Msg: "the process exited with status 1 while computing " + c.Fn})
		case p.budget > 0 && p.answered >= p.budget:
			return fault(i, &runner.ProcessFault{Kind: runner.FaultBudget, Fn: c.Fn, Msg: "used up its time budget"})
		}
		replies[i] = p.ref.Do(ctx, []Call{c})[0]
		p.answered++
	}
	return replies
}

// gradeBoth grades the course rubric against two identical fake processes, one Do per
// check and pipelined, and returns both results (as JSON, times left out) and processes.
func gradeBoth(t *testing.T, mk func() *fakeProcess) (seq, pip string, ps, pp *fakeProcess) {
	t.Helper()
	g := courseGrader(t)
	show := func(r *Result) string {
		r.Elapsed = 0
		b, err := json.MarshalIndent(r, "", " ")
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	ps, pp = mk(), mk()
	g.oneDoPerCheck = true
	seq = show(g.Grade(context.Background(), fakeRunner{ps}, "s", "", Submitted{}))
	g.oneDoPerCheck = false
	pip = show(g.Grade(context.Background(), fakeRunner{pp}, "s", "", Submitted{}))
	return seq, pip, ps, pp
}

// sameAsOneDoPerCheck checks that pipelining changed nothing the submission or the student
// sees: the same calls, read in the same order, with the same restarts, and the same result.
func sameAsOneDoPerCheck(t *testing.T, seq, pip string, ps, pp *fakeProcess) {
	t.Helper()
	if seq != pip {
		t.Errorf("the results differ:\n%s", firstDiff(seq, pip))
	}
	if a, b := strings.Join(ps.seen, "\n"), strings.Join(pp.seen, "\n"); a != b {
		t.Errorf("the calls read differ (%d one Do per check, %d pipelined):\n%s", len(ps.seen), len(pp.seen), firstDiff(a, b))
	}
	if ps.starts != pp.starts {
		t.Errorf("%d starts one Do per check, %d pipelined", ps.starts, pp.starts)
	}
}

func firstDiff(a, b string) string {
	al, bl := strings.Split(a, "\n"), strings.Split(b, "\n")
	for i := range min(len(al), len(bl)) {
		if al[i] != bl[i] {
			return fmt.Sprintf("line %d:\n  one Do per check: %s\n  pipelined:        %s", i+1, al[i], bl[i])
		}
	}
	return fmt.Sprintf("%d lines against %d", len(al), len(bl))
}

// The course rubric's round trips: one Do per check (and per free-running step) before,
// now one per run of answer-independent calls. The calls and the result stay the same.
func TestPipelineRoundTrips(t *testing.T) {
	for _, tc := range []struct {
		name     string
		replace  []string
		seq, pip int // Do calls: one per check, pipelined
	}{
		// 333 calls. Before: 60 Do calls. After: the independent calls go together;
		// what is left is a Do after each gradient check (its finite differences would
		// come next if it failed) and per free-running step.
		{"correct", nil, 60, 22},
		// Two free-running trajectories fail early: fewer steps, their other steps
		// teacher-forced in one Do as evidence.
		{"two mistakes", twoMistakes, 56, 18},
	} {
		t.Run(tc.name, func(t *testing.T) {
			seq, pip, ps, pp := gradeBoth(t, func() *fakeProcess { return &fakeProcess{replace: tc.replace} })
			sameAsOneDoPerCheck(t, seq, pip, ps, pp)
			if ps.dos != tc.seq || pp.dos != tc.pip {
				t.Errorf("%d Do calls one Do per check (want %d), %d pipelined (want %d)", ps.dos, tc.seq, pp.dos, tc.pip)
			}
			// Each Do of before is a group Apart now, so that the runner answers it as before.
			if pp.groups != ps.dos {
				t.Errorf("%d groups of calls pipelined, want %d", pp.groups, ps.dos)
			}
			for _, v := range tc.replace {
				if !strings.Contains(pip, `"misconception": "`+v+`"`) {
					t.Errorf("%s was not named", v)
				}
			}
		})
	}
}

// A plan is shared by the submissions graded at once: merging a check's calls with the next
// checks' never writes into its calls, not even past their end.
func TestPipelineLeavesPlansAlone(t *testing.T) {
	g := courseGrader(t)
	spare := 0
	for _, plans := range g.plans {
		for _, p := range plans {
			if p != nil {
				p.calls = append(p.calls[:len(p.calls):len(p.calls)], make([]Call, 8)...)[:len(p.calls)]
				spare++
			}
		}
	}
	g.Grade(context.Background(), fakeRunner{&fakeProcess{}}, "s", "", Submitted{})
	for _, plans := range g.plans {
		for _, p := range plans {
			if p == nil {
				continue
			}
			for _, c := range p.calls[len(p.calls):cap(p.calls)] {
				if c.Fn != "" || c.Apart {
					t.Fatalf("task %s, check %d: a call was written past the plan's calls: %s", p.task.ID, p.checkNo, c.Fn)
				}
			}
			for _, c := range p.calls {
				if c.Apart {
					t.Fatalf("task %s, check %d: a plan's call was marked Apart", p.task.ID, p.checkNo)
				}
			}
		}
	}
	if spare == 0 {
		t.Fatal("no plans")
	}
}

// A hang or a crash in the middle of a merged Do costs exactly what it cost with one Do per
// check: the call it happened in (or, after maxHangs/maxCrashes, the rest of its task),
// and a restart.
func TestPipelineFaults(t *testing.T) {
	fn := func(name string) func(Call, int) bool {
		return func(c Call, _ int) bool { return c.Fn == name }
	}
	nth := func(ns ...int) func(Call, int) bool {
		return func(_ Call, seen int) bool {
			for _, n := range ns {
				if seen == n {
					return true
				}
			}
			return false
		}
	}
	for _, tc := range []struct {
		name string
		p    func() *fakeProcess
	}{
		// Calls counted from 1 over the submission's life: 3 is inside the first merged
		// Do's first check, 12 at a check's end, 30 and 45 deep in merged leads, 200 in a
		// free-running step.
		{"crash in the first check", func() *fakeProcess { return &fakeProcess{replace: twoMistakes, crash: nth(3)} }},
		{"crash at a check's last call", func() *fakeProcess { return &fakeProcess{replace: twoMistakes, crash: nth(12)} }},
		{"crashes in merged leads", func() *fakeProcess { return &fakeProcess{replace: twoMistakes, crash: nth(30, 45, 46, 200)} }},
		{"hangs in merged leads", func() *fakeProcess { return &fakeProcess{replace: twoMistakes, hang: nth(7, 31, 90, 91)} }},
		{"a function always hangs", func() *fakeProcess { return &fakeProcess{replace: twoMistakes, hang: fn("quadratic_loss")} }},
		{"a function always crashes", func() *fakeProcess { return &fakeProcess{replace: twoMistakes, crash: fn("cross_entropy")} }},
		{"a free-running step crashes", func() *fakeProcess { return &fakeProcess{replace: twoMistakes, crash: fn("gd_step")} }},
		{"restarts fail", func() *fakeProcess {
			return &fakeProcess{replace: twoMistakes, crash: nth(40), failStart: func(n int) bool { return n == 2 || n == 3 }}
		}},
		{"restarts fail for good", func() *fakeProcess {
			return &fakeProcess{replace: twoMistakes, crash: nth(40), failStart: func(n int) bool { return n > 1 }}
		}},
		{"budget spent", func() *fakeProcess { return &fakeProcess{replace: twoMistakes, budget: 150} }},
		{"budget spent after a crash", func() *fakeProcess { return &fakeProcess{replace: twoMistakes, budget: 100, crash: nth(20)} }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			seq, pip, ps, pp := gradeBoth(t, tc.p)
			sameAsOneDoPerCheck(t, seq, pip, ps, pp)
			if pp.dos > ps.dos {
				t.Errorf("%d Do calls pipelined, %d one Do per check", pp.dos, ps.dos)
			}
		})
	}
}

// A crash in one task's call costs no other task anything, also when both tasks' calls
// went in the same Do.
func TestPipelineCrashStaysInItsTask(t *testing.T) {
	g := courseGrader(t)
	p := &fakeProcess{crash: func(c Call, _ int) bool { return c.Fn == "bernoulli_mle" }}
	res := g.Grade(context.Background(), fakeRunner{p}, "s", "", Submitted{})
	if p.dos >= 57 {
		t.Errorf("%d Do calls: not pipelined", p.dos)
	}
	for _, tr := range res.Tasks {
		lost := tr.MaxScore - tr.Score
		switch tr.ID {
		case "mle":
			if lost == 0 {
				t.Errorf("mle lost nothing to its crashing call")
			}
		case "adam-step", "momentum-step":
		default:
			if lost != 0 {
				t.Errorf("task %s lost %g points to another task's crash", tr.ID, lost)
			}
		}
	}
}

// twoMistakes are variants in place of adam_step and momentum_step: free-running
// trajectories that fail early, with evidence sent teacher-forced.
var twoMistakes = []string{"adam-no-bias-correction", "momentum-no-dampening"}

// A merged Do stops before the reference's answers to it would hold more than
// maxMergedValues values, so that the submission's answers stay far below the runner's
// decode limit per exchange; a check whose answers alone are that large goes alone.
func TestPipelineBoundsValues(t *testing.T) {
	c := &countingConn{}
	pl := &pipeline{conn: c, task: map[int]*resilientConn{0: {Conn: c}}}
	for range 8 { // a third of maxMergedValues each, but one more than it
		pl.segs = append(pl.segs, &segment{calls: []Call{{Fn: "f"}, {Fn: "f"}}, values: maxMergedValues / 3})
	}
	pl.segs[6].values = maxMergedValues + 1
	for k, s := range pl.segs {
		cc := &checkConn{Conn: c, pl: pl, seg: k}
		if r := cc.Do(context.Background(), s.calls); len(r) != 2 || r[1].Result != 1.0 {
			t.Fatalf("segment %d: replies %+v", k, r)
		}
	}
	// A check's calls with as many of the next checks' as fit in maxMergedValues.
	if fmt.Sprint(c.sizes) != "[6 6 2 2]" {
		t.Errorf("Do sizes %v, want [6 6 2 2]", c.sizes)
	}
	if n := countValues(map[string]any{"w": []float64{1, 2, 3}, "m": [][]float64{{1}, {2, 3}}, "s": "x"}, 0); n != 1+4+(1+2+3)+1 {
		t.Errorf("countValues = %d", n)
	}
}

// countingConn answers every call with 1 and records the size of each Do.
type countingConn struct {
	Conn
	sizes []int
}

func (c *countingConn) Do(_ context.Context, calls []Call) []Reply {
	c.sizes = append(c.sizes, len(calls))
	r := make([]Reply, len(calls))
	for i := range r {
		r[i].Result = 1.0
	}
	return r
}

// A real process that answers the last call of a check twice: its next check's calls went
// in the same Do, yet the extra answer is only noted, as between two Do calls — no check
// loses anything to it.
func TestPipelineExtraAnswerProcess(t *testing.T) {
	py, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("no python3")
	}
	dir := t.TempDir()
	prog := `import json, sys
for line in sys.stdin:
    req = json.loads(line)
    if req["fn"] == "hello":
        print(json.dumps({"id": req["id"], "result": {"protocol": 1, "functions": ["bernoulli_mle"]}}), flush=True)
        continue
    y = req["args"]["y"]
    ans = json.dumps({"id": req["id"], "result": sum(y) / len(y)})
    print(ans, flush=True)
    if len(y) == 4:
        print(ans, flush=True)
`
	if err := os.WriteFile(filepath.Join(dir, "serve.py"), []byte(prog), 0o644); err != nil {
		t.Fatal(err)
	}
	r, err := rubric.Parse("test.yaml", []byte(rubricOf("3", `
  - id: mle
    function: bernoulli_mle
    points: 3
    checks:
      - {name: first, kind: value, points: 1, cases: [{args: {y: [1, 0]}}, {args: {y: [1, 1, 0, 1]}}]}
      - {name: second, kind: value, points: 1, cases: [{args: {y: [1]}}, {args: {y: [0, 0, 1]}}]}
      - {name: third, kind: value, points: 1, cases: [{args: {y: [0, 1, 1]}}]}
`)))
	if err != nil {
		t.Fatal(err)
	}
	g, err := New(r, true)
	if err != nil {
		t.Fatal(err)
	}
	run := &runner.ProcessRunner{Dir: dir, Argv: []string{py, "serve.py"}, Settings: runner.Settings{Sandbox: sandbox.Config{Disable: true}}}
	c := &keptConn{}
	res := g.Grade(context.Background(), countingRunner{run, c}, "s", "", Submitted{})
	if res.Score != 3 || res.Error != "" {
		t.Errorf("score %g of 3 (%s): %+v", res.Score, res.Error, res.Tasks)
	}
	if !strings.Contains(res.Output, "ignored an extra answer with id 2 (bernoulli_mle)") {
		t.Errorf("output %q: want the extra answer noted", res.Output)
	}
	if c.dos != 1 {
		t.Errorf("%d Do calls, want the three checks in one", c.dos)
	}
}

// countingRunner starts a process and counts its Do calls in c.
type countingRunner struct {
	run *runner.ProcessRunner
	c   *keptConn
}

func (r countingRunner) Start(ctx context.Context) (Conn, error) {
	conn, err := r.run.Start(ctx)
	if err != nil {
		return nil, err
	}
	r.c.Conn = conn
	return closingConn{r.c}, nil
}

// closingConn closes what a keptConn keeps open.
type closingConn struct{ *keptConn }

func (c closingConn) Close() error { return c.keptConn.Conn.Close() }
