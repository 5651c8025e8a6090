package grader

import (
	"context"
	"encoding/json"
	"testing"

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
