package grader

import (
	"context"
	"testing"

	"github.com/optgrade/optgrade/grader/rubric"
	"github.com/optgrade/optgrade/grader/runner"
	"github.com/optgrade/optgrade/grader/sandbox"
	"github.com/optgrade/optgrade/reference"
)

// BenchmarkPlan measures planning the course rubric (every reference value a check wants,
// the optima of convergence checks, the labelled curves): done once per check or batch.
func BenchmarkPlan(b *testing.B) {
	r, err := rubric.Load("../rubrics/assignment1.yaml")
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := New(r, true); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkLoadAndPlan measures what every check and batch pays before the first call:
// reading and validating the course rubric (the reference evaluated on every literal case,
// the generated inputs, the labelled curves) and planning it (reusing what validation
// computed). "first" is what a check pays: the labelled curves made anew, as in a new
// process; "cached" has them kept from an earlier load in the process
// (reference.LabelledCurves keeps recent sets). cpu-ms/op is the process's CPU time (the
// garbage collector's included), steadier than the time on a busy machine.
func BenchmarkLoadAndPlan(b *testing.B) {
	for _, bc := range []struct {
		name   string
		forget bool
	}{{"first", true}, {"cached", false}} {
		b.Run(bc.name, func(b *testing.B) {
			cpu0, ok := processCPU()
			for b.Loop() {
				if bc.forget {
					reference.ForgetLabelledCurves()
				}
				r, err := rubric.Load("../rubrics/assignment1.yaml")
				if err != nil {
					b.Fatal(err)
				}
				if _, err := New(r, true); err != nil {
					b.Fatal(err)
				}
			}
			if cpu1, ok1 := processCPU(); ok && ok1 {
				b.ReportMetric(float64(cpu1-cpu0)/1e6/float64(b.N), "cpu-ms/op")
			}
		})
	}
}

// BenchmarkGradeInProcess measures the grader's own work on one submission — calls,
// comparisons, misconception matching — with the reference answering in process, so no
// process or pipe time is counted. The variant run also pays for naming the mistake.
func BenchmarkGradeInProcess(b *testing.B) {
	g := courseGrader(b)
	for _, bc := range []struct {
		name string
		run  runner.ReferenceRunner
	}{
		{"reference", runner.ReferenceRunner{}},
		{"adam-no-bias-correction", runner.ReferenceRunner{Replace: replaceWith("adam-no-bias-correction")}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			for b.Loop() {
				g.Grade(context.Background(), bc.run, "bench", "", Submitted{})
			}
		})
	}
}

// replaceWith maps each named variant's function to it, for a ReferenceRunner.
func replaceWith(names ...string) map[string]reference.Variant {
	m := map[string]reference.Variant{}
	for _, n := range names {
		if v, ok := reference.LookupVariant(n); ok {
			m[v.Func] = v
		}
	}
	return m
}

// BenchmarkGradeProcess measures grading the course rubric against a running submission
// process (started once; its start is not counted), one Do per check against pipelined:
// what the round trips cost. It reports the Do calls per grading.
func BenchmarkGradeProcess(b *testing.B) {
	g := courseGrader(b)
	for _, sample := range []string{"raw-protocol", "python-reference"} {
		s, err := runner.Load("../testdata/submissions/"+sample, runner.Options{})
		if err != nil {
			b.Fatal(err)
		}
		for _, mode := range []string{"one-Do-per-check", "pipelined"} {
			b.Run(sample+"/"+mode, func(b *testing.B) {
				conn, err := s.Runner(runner.Settings{Sandbox: sandbox.Config{NoBwrap: true}}).Start(context.Background())
				if err != nil {
					b.Fatal(err)
				}
				defer conn.Close()
				kept := &keptConn{Conn: conn}
				gm := *g
				gm.oneDoPerCheck = mode == "one-Do-per-check"
				for b.Loop() {
					res := gm.Grade(context.Background(), keptRunner{kept}, "bench", "", Submitted{})
					if res.Score != res.MaxScore {
						b.Fatalf("score %g of %g", res.Score, res.MaxScore)
					}
				}
				b.ReportMetric(float64(kept.dos)/float64(b.N), "Do/op")
			})
		}
	}
}

// keptConn is a running submission that Grade does not close, counting Do calls.
type keptConn struct {
	Conn
	dos int
}

func (c *keptConn) Do(ctx context.Context, calls []Call) []Reply {
	c.dos++
	return c.Conn.Do(ctx, calls)
}

func (c *keptConn) Close() error { return nil }

type keptRunner struct{ c *keptConn }

func (r keptRunner) Start(context.Context) (Conn, error) { return r.c, nil }
