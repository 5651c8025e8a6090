package grader

import (
	"context"
	"errors"
	"math"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/optgrade/optgrade/grader/rubric"
	"github.com/optgrade/optgrade/grader/runner"
	"github.com/optgrade/optgrade/reference"
)

// scriptedRunner answers from the reference, except for the functions in answer.
type scriptedRunner struct {
	runner.ReferenceRunner
	answer map[string]func(Call) Reply
}

func (s scriptedRunner) Start(ctx context.Context) (Conn, error) {
	c, _ := s.ReferenceRunner.Start(ctx)
	return &scriptedConn{Conn: c, answer: s.answer}, nil
}

type scriptedConn struct {
	Conn
	answer map[string]func(Call) Reply
	calls  int
}

func (s *scriptedConn) Do(ctx context.Context, calls []Call) []Reply {
	out := s.Conn.Do(ctx, calls)
	for i, c := range calls {
		s.calls++
		if f, ok := s.answer[c.Fn]; ok {
			out[i] = f(c)
		}
	}
	return out
}

func mustVariant(t *testing.T, name string) reference.Variant {
	t.Helper()
	v, ok := reference.LookupVariant(name)
	if !ok {
		t.Fatalf("no variant %q", name)
	}
	return v
}

func gradeYAML(t *testing.T, yaml string, run Runner) *Result {
	t.Helper()
	r, err := rubric.Parse("test.yaml", []byte(yaml))
	if err != nil {
		t.Fatalf("rubric: %v", err)
	}
	g, err := New(r, true)
	if err != nil {
		t.Fatalf("plan: %v", err)
	}
	return g.Grade(context.Background(), run, "tester", "", Submitted{})
}

const header = "optgrade: 1\nassignment: t\npoints: %s\ntasks:\n"

func rubricOf(points string, tasks string) string {
	return strings.Replace(header, "%s", points, 1) + tasks
}

func TestCompare(t *testing.T) {
	tol := Tol{Atol: 1e-9, Rtol: 1e-6}
	inf := math.Inf(1)
	tests := []struct {
		name      string
		got, want any
		ok        bool
		path, why string
	}{
		{"equal scalar", 1.0, 1.0, true, "", ""},
		{"within rtol", 1.0 + 5e-7, 1.0, true, "", ""},
		{"outside rtol", 1.0 + 5e-6, 1.0, false, "", ""},
		{"NaN never passes", math.NaN(), math.NaN(), false, "", ""},
		{"same infinity passes", inf, inf, true, "", ""},
		{"other infinity fails", -inf, inf, false, "", ""},
		{"infinity against finite fails", inf, 1e308, false, "", ""},
		{"null is not a number", nil, 1.0, false, "", "null where a number is wanted"},
		{"vector element", []any{1.0, 2.5}, []float64{1, 2}, false, "[1]", ""},
		{"vector shape", []any{1.0}, []float64{1, 2}, false, "", "wrong shape: 1 elements, want 2"},
		{"object key", map[string]any{"w": []any{1.0}}, map[string]any{"w": []float64{1}, "v": []float64{0}}, false, "v", "missing from the result object"},
		{"object element", map[string]any{"w": []any{1.0}, "v": []any{0.5}}, map[string]any{"w": []float64{1}, "v": []float64{0}}, false, "v[0]", ""},
		{"matrix", []any{[]any{1.0}, []any{2.0}}, [][]float64{{1}, {2}}, true, "", ""},
		{"label", "slow", "slow", true, "", ""},
		{"wrong label", "converged", "slow", false, "", ""},
		{"number for a label", 1.0, "slow", false, "", "the number 1 where the label \"slow\" is wanted"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, ok := Compare(tt.got, tt.want, tol)
			if ok != tt.ok {
				t.Fatalf("Compare(%v, %v) ok = %v, want %v (%s)", tt.got, tt.want, ok, tt.ok, m)
			}
			if m.Path != tt.path || !strings.HasPrefix(m.Why, tt.why) {
				t.Errorf("mismatch = %+v, want path %q why %q", m, tt.path, tt.why)
			}
		})
	}
	if !(Tol{SameNaN: true}).Close(math.NaN(), math.NaN()) {
		t.Error("SameNaN: NaN should match NaN when matching misconceptions")
	}
}

const quadTasks = `
  - id: loss
    function: quadratic_loss
    points: 2
    checks:
      - {kind: value, points: 2, cases: [{args: {w: [1, 1], a: [0.1, 2]}}], generate: {seed: 1}}
  - id: grad
    function: quadratic_grad
    points: 3
    checks:
      - {name: fd, kind: gradient, points: 3, generate: {seed: 2}}
`

func TestGradientCheckTellsLossFromGradient(t *testing.T) {
	tests := []struct {
		name    string
		replace []string
		want    string // in the gradient check's message
		hint    string
	}{
		{"wrong gradient, right loss", []string{"quadratic-grad-missing-2"}, "is not its derivative", "quadratic-grad-missing-2"},
		{"gradient of a wrong loss", []string{"quadratic-grad-missing-2", "quadratic-loss-half"}, "but that loss is wrong too", "quadratic-grad-missing-2"},
		{"both wrong, inconsistent", []string{"quadratic-grad-sign-flipped", "quadratic-loss-half"}, "is not its derivative either", "quadratic-grad-sign-flipped"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			run := runner.ReferenceRunner{Replace: map[string]reference.Variant{}}
			for _, n := range tt.replace {
				v := mustVariant(t, n)
				run.Replace[v.Func] = v
			}
			res := gradeYAML(t, rubricOf("5", quadTasks), run)
			c := res.Tasks[1].Checks[0]
			if c.Status != Fail || c.Score != 0 {
				t.Fatalf("status %s score %g, want fail 0", c.Status, c.Score)
			}
			if !strings.Contains(c.Message, tt.want) {
				t.Errorf("message %q does not say %q", c.Message, tt.want)
			}
			if c.Misconception != tt.hint || c.Hint == "" {
				t.Errorf("misconception %q (hint %q), want %q", c.Misconception, c.Hint, tt.hint)
			}
		})
	}
}

const stepTasks = `
  - id: adam
    function: adam_step
    points: 4
    checks:
      - name: free
        kind: trajectory
        mode: free_running
        steps: 5
        points: 2
        start: {w: [1, -2, 0.5], m: [0, 0, 0], v: [0, 0, 0], t: 1, lr: 0.01, beta1: 0.9, beta2: 0.999, eps: 1e-8}
        generate: {seed: 3}
      - name: forced
        kind: trajectory
        steps: 6
        points: 2
        scoring: proportional
        generate: {seed: 4}
`

func TestTrajectoryChecks(t *testing.T) {
	res := gradeYAML(t, rubricOf("4", stepTasks), runner.ReferenceRunner{Replace: map[string]reference.Variant{"adam_step": mustVariant(t, "adam-no-bias-correction")}})
	free, forced := res.Tasks[0].Checks[0], res.Tasks[0].Checks[1]
	if free.Status != Fail || !strings.HasPrefix(free.Message, "step 1: adam_step(") {
		t.Errorf("free-running: status %s, message %q; want the first step reported", free.Status, free.Message)
	}
	if free.Passed != 0 || free.Cases != 5 || len(free.Details) != 1 || !strings.Contains(free.Details[0], "4 steps after it were not run") {
		t.Errorf("free-running: passed %d of %d, details %q", free.Passed, free.Cases, free.Details)
	}
	if free.Misconception != "adam-no-bias-correction" {
		t.Errorf("free-running names %q", free.Misconception)
	}
	// Teacher-forced: every step is checked from the reference state and reported.
	if forced.Cases != 6 || forced.Passed != 0 || len(forced.Details) != 5 {
		t.Errorf("teacher-forced: passed %d of %d with %d details, want every bad step reported", forced.Passed, forced.Cases, len(forced.Details))
	}
	if forced.Misconception != "adam-no-bias-correction" {
		t.Errorf("teacher-forced names %q", forced.Misconception)
	}

	// The reference itself passes both.
	ok := gradeYAML(t, rubricOf("4", stepTasks), runner.ReferenceRunner{})
	if ok.Score != 4 || !ok.Passed() {
		t.Errorf("reference scored %g/4", ok.Score)
	}
}

func TestFreeRunningReportsStatePart(t *testing.T) {
	// Wrong only in the returned m: the first step's w is right, m is not.
	run := scriptedRunner{answer: map[string]func(Call) Reply{
		"adam_step": func(c Call) Reply {
			v, _ := reference.Call("adam_step", c.Args.Clone())
			m := v.(map[string]any)
			bad := append([]float64(nil), m["m"].([]float64)...)
			bad[1] *= 2
			m["m"] = bad
			return Reply{Result: runner.JSONShape(m)}
		},
	}}
	res := gradeYAML(t, rubricOf("4", stepTasks), run)
	if msg := res.Tasks[0].Checks[0].Message; !strings.Contains(msg, ": m[1] = ") {
		t.Errorf("message %q should name m[1]", msg)
	}
}

const trainTasks = `
  - id: train
    function: train
    points: 2
    checks:
      - name: converges
        kind: convergence
        points: 2
        tolerance: {atol: 1e-6, rtol: 1e-3}
        cases:
          - args: {problem: {kind: quadratic, a: [0.1, 2]}, optimizer: {kind: gd, lr: 0.45, beta: 0.9, beta1: 0.9, beta2: 0.999, eps: 1e-8}, w0: [1, 1], steps: 300}
`

func TestConvergenceCheck(t *testing.T) {
	if res := gradeYAML(t, rubricOf("2", trainTasks), runner.ReferenceRunner{}); res.Score != 2 {
		t.Fatalf("reference: %g/2: %s", res.Score, res.Tasks[0].Checks[0].Message)
	}
	res := gradeYAML(t, rubricOf("2", trainTasks), runner.ReferenceRunner{Replace: map[string]reference.Variant{"train": mustVariant(t, "train/gd-step-sign-flipped")}})
	c := res.Tasks[0].Checks[0]
	if c.Status != Fail || !strings.Contains(c.Message, "the optimum is ") || !strings.Contains(c.Message, "leaves the reference's at step 1 (w_1[0] = 1.09, want 0.91)") {
		t.Errorf("status %s message %q", c.Status, c.Message)
	}
	// Flipping the step's sign and flipping the gradient's give the same trajectory:
	// both explain it.
	if !slices.Contains(c.matching, "train/gd-step-sign-flipped") || !slices.Contains(c.matching, "train/quadratic-grad-sign-flipped") {
		t.Errorf("matching misconceptions %q", c.matching)
	}
}

const diagnoseTasks = `
  - id: diagnose
    function: diagnose
    points: 4
    checks:
      - {name: curves, kind: classification, scoring: proportional, with_w: true, points: 4, generate: {seed: 5, count: 2}}
`

func TestClassificationProportional(t *testing.T) {
	res := gradeYAML(t, rubricOf("4", diagnoseTasks), runner.ReferenceRunner{Replace: map[string]reference.Variant{"diagnose": mustVariant(t, "diagnose-ignores-w")}})
	c := res.Tasks[0].Checks[0]
	if c.Cases != 8 || c.Status != Partial || c.Passed == 0 || c.Passed == c.Cases {
		t.Fatalf("status %s, passed %d of %d", c.Status, c.Passed, c.Cases)
	}
	if want := 4 * float64(c.Passed) / float64(c.Cases); math.Abs(c.Score-want) > 1e-9 {
		t.Errorf("score %g, want %g", c.Score, want)
	}
	if !strings.Contains(c.Message, `want "oscillating"`) || c.Misconception != "diagnose-ignores-w" {
		t.Errorf("message %q, misconception %q", c.Message, c.Misconception)
	}
}

func TestBadRepliesFailOnlyTheirChecks(t *testing.T) {
	fault := errors.New("timed out after 10s waiting for quadratic_loss (the process was killed)")
	tests := []struct {
		name   string
		reply  Reply
		status Status
		msg    string
	}{
		{"fault", Reply{Fault: fault}, Error, "timed out"},
		{"not implemented", Reply{Err: "NotImplementedError: quadratic_loss"}, NotImplemented, "not implemented"},
		{"error", Reply{Err: "ZeroDivisionError: division by zero"}, Fail, "raised ZeroDivisionError"},
		{"NaN", Reply{Result: math.NaN()}, Fail, "result = NaN, want 2.1"},
		{"null", Reply{Result: nil}, Fail, "null where a number is wanted"},
		{"array for a scalar", Reply{Result: []any{1.0}}, Fail, "an array of 1 where a number is wanted"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			run := scriptedRunner{answer: map[string]func(Call) Reply{"quadratic_loss": func(Call) Reply { return tt.reply }}}
			res := gradeYAML(t, rubricOf("5", quadTasks), run)
			c := res.Tasks[0].Checks[0]
			if c.Status != tt.status || c.Score != 0 || !strings.Contains(c.Message, tt.msg) {
				t.Errorf("status %s score %g message %q; want %s with %q", c.Status, c.Score, c.Message, tt.status, tt.msg)
			}
			// The gradient task does not call quadratic_loss unless its gradient fails:
			// it keeps its points.
			if g := res.Tasks[1]; g.Score != g.MaxScore {
				t.Errorf("the gradient task lost points: %+v", g.Checks)
			}
		})
	}
}

func TestMissingFunctionIsNotImplemented(t *testing.T) {
	res := gradeYAML(t, rubricOf("5", quadTasks), runner.ReferenceRunner{Missing: map[string]bool{"quadratic_grad": true}})
	c := res.Tasks[1].Checks[0]
	if c.Status != NotImplemented || res.Tasks[0].Score != 2 || res.Score != 2 {
		t.Errorf("status %s, scores %g/%g", c.Status, res.Tasks[0].Score, res.Score)
	}
}

func TestLatePenalty(t *testing.T) {
	deadline := time.Date(2026, 12, 2, 15, 30, 0, 0, time.UTC)
	r := &rubric.Rubric{Deadline: &deadline, Late: rubric.LatePolicy{Grace: rubric.Duration{Duration: 15 * time.Minute}, PerDay: 10, Cap: 25}}
	tests := []struct {
		name    string
		at      time.Time
		penalty float64
		days    int
	}{
		{"on time", deadline.Add(-time.Hour), 0, 0},
		{"within grace", deadline.Add(10 * time.Minute), 0, 0},
		{"one minute past grace", deadline.Add(16 * time.Minute), 8, 1},
		{"a full day past grace", deadline.Add(24*time.Hour + 15*time.Minute), 8, 1},
		{"part of a second day", deadline.Add(25 * time.Hour), 16, 2},
		{"capped", deadline.Add(10 * 24 * time.Hour), 20, 10},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, d := latePenalty(r, 80, tt.at)
			if p != tt.penalty || d != tt.days {
				t.Errorf("latePenalty(80, %v) = %g, %d; want %g, %d", tt.at, p, d, tt.penalty, tt.days)
			}
		})
	}
}
