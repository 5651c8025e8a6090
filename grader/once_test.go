package grader

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/optgrade/optgrade/grader/rubric"
	"github.com/optgrade/optgrade/grader/runner"
	"github.com/optgrade/optgrade/reference"
)

// The reference values of a rubric are computed once, when it is planned (per check run,
// per batch), not per submission: grading more correct submissions with one Grader
// evaluates the reference no more. The submissions answer from a recording of the
// reference's answers, so that only the grader's own evaluations are counted.
func TestReferenceComputedOncePerBatch(t *testing.T) {
	planned := reference.Calls()
	g := courseGrader(t)
	if planned = reference.Calls() - planned; planned == 0 {
		t.Fatal("loading and planning evaluated the reference 0 times")
	}
	t.Logf("loading and planning the course rubric evaluated the reference %d times", planned)
	rec := &recording{answers: map[string]runner.Reply{}}
	if res := g.Grade(context.Background(), rec, "recorder", "", Submitted{}); res.RawScore != res.MaxScore {
		t.Fatalf("the reference scored %v/%v", res.RawScore, res.MaxScore)
	}
	rec.replay = true
	before := reference.Calls()
	for _, student := range []string{"s1", "s2", "s3"} {
		res := g.Grade(context.Background(), rec, student, "", Submitted{})
		if res.RawScore != res.MaxScore || rec.missing > 0 {
			t.Fatalf("%s: %v/%v, %d calls not in the recording", student, res.RawScore, res.MaxScore, rec.missing)
		}
	}
	if n := reference.Calls() - before; n != 0 {
		t.Errorf("grading 3 correct submissions evaluated the reference %d times, want 0 (all planned once)", n)
	}
}

// recording answers as the reference does, first by asking it (and recording), then, with
// replay set, from the recording alone.
type recording struct {
	answers map[string]runner.Reply
	replay  bool
	missing int
}

func (r *recording) Start(ctx context.Context) (runner.Conn, error) {
	ref, err := runner.ReferenceRunner{}.Start(ctx)
	return &recordingConn{ref, r}, err
}

type recordingConn struct {
	runner.Conn
	r *recording
}

func (c *recordingConn) Do(ctx context.Context, calls []runner.Call) []runner.Reply {
	out := make([]runner.Reply, len(calls))
	for i, call := range calls {
		b, _ := json.Marshal(call.Args)
		key := call.Fn + string(b)
		rep, ok := c.r.answers[key]
		switch {
		case ok:
		case c.r.replay:
			c.r.missing++
			rep = runner.Reply{Err: "not recorded"}
		default:
			rep = c.Conn.Do(ctx, []runner.Call{call})[0]
			c.r.answers[key] = rep
		}
		out[i] = rep
	}
	return out
}

// TestPlanReusesValidation: planning a loaded rubric takes the reference's values that
// validating it computed — a literal case's result, generated arguments — instead of
// evaluating the reference again; a case changed after loading is evaluated anew and
// planned with its own result.
func TestPlanReusesValidation(t *testing.T) {
	r, err := rubric.Parse("reuse.yaml", []byte(`optgrade: 1
assignment: reuse
points: 3
tasks:
  - id: nll
    function: bernoulli_nll
    points: 3
    checks:
      - kind: value
        points: 1
        cases:
          - args: {lam: 0.3, y: [1, 0, 0, 1]}
          - args: {lam: 0.6, y: [1, 1, 0, 1]}
      - kind: value
        points: 2
        generate: {seed: 17, count: 4}
`))
	if err != nil {
		t.Fatal(err)
	}
	before := reference.Calls()
	g, err := New(r, true)
	if err != nil {
		t.Fatal(err)
	}
	// The 4 generated cases are evaluated by planning alone; the 2 literal ones were by
	// validation.
	if n := reference.Calls() - before; n != 4 {
		t.Errorf("planning evaluated the reference %d times, want 4 (the generated cases only)", n)
	}
	if got := len(g.plans[0][1].wants); got != 4 {
		t.Errorf("%d generated cases planned, want 4", got)
	}

	r.Tasks[0].Checks[0].Cases[1].Args["lam"] = 0.7
	before = reference.Calls()
	g, err = New(r, true)
	if err != nil {
		t.Fatal(err)
	}
	if n := reference.Calls() - before; n != 5 {
		t.Errorf("planning after a case changed evaluated the reference %d times, want 5", n)
	}
	want, err := reference.Call("bernoulli_nll", reference.Args{"lam": 0.7, "y": []any{1.0, 1.0, 0.0, 1.0}})
	if err != nil {
		t.Fatal(err)
	}
	if got := g.plans[0][0].wants[1]; got != want {
		t.Errorf("changed case planned with %v, want the reference's %v for it", got, want)
	}
}
