package runner

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/optgrade/optgrade/reference"
)

// The protocol's throughput in optimizer steps (adam_step, d = 3) against the sample Go and
// Python kit submissions, in steps/s: teacher-forced (every step from a given state, all in
// one pipelined Do, as trajectory checks send them) and free-running (each step from the
// previous answer, one round trip each). Targets (issue 13): teacher-forced ≥ 100 000
// steps/s against Go and ≥ 20 000 against the Python kit; free-running ≥ a third of that.
// grader-µs/step is the grader's own CPU time (user + system, all its threads) per step:
// unlike steps/s, it does not depend on how busy the machine is. A few iterations include
// the warm-up (the first Do of a process, the heap's growth); 100 give the steady state.
//
//	go test ./grader/runner -run x -bench Steps -benchtime 100x -benchmem
func BenchmarkStepsTeacherForced(b *testing.B) {
	for _, sub := range stepSubmissions {
		b.Run(sub, func(b *testing.B) {
			c := startSample(b, sub)
			calls := make([]Call, 1000)
			for i := range calls {
				calls[i] = adamCall(i+1, []any{1.0, -2.0, 0.5}, []any{0.0, 0.0, 0.0}, []any{0.0, 0.0, 0.0})
			}
			cpu := cpuTime()
			for b.Loop() {
				for _, r := range c.Do(context.Background(), calls) {
					if r.Fault != nil || r.Err != "" {
						b.Fatal(r)
					}
				}
			}
			reportSteps(b, b.N*len(calls), cpu)
		})
	}
}

func BenchmarkStepsFreeRunning(b *testing.B) {
	for _, sub := range stepSubmissions {
		b.Run(sub, func(b *testing.B) {
			c := startSample(b, sub)
			const steps = 200
			cpu := cpuTime()
			for b.Loop() {
				var w, m, v any = []any{1.0, -2.0, 0.5}, []any{0.0, 0.0, 0.0}, []any{0.0, 0.0, 0.0}
				for t := 1; t <= steps; t++ {
					r := c.Do(context.Background(), []Call{adamCall(t, w, m, v)})[0]
					st, ok := r.Result.(map[string]any)
					if r.Fault != nil || r.Err != "" || !ok {
						b.Fatal(r)
					}
					w, m, v = st["w"], st["m"], st["v"]
				}
			}
			reportSteps(b, b.N*steps, cpu)
		})
	}
}

// reportSteps reports steps/s and the grader's CPU µs per step since cpu (cpuTime()).
func reportSteps(b *testing.B, steps int, cpu time.Duration) {
	b.ReportMetric(float64(steps)/b.Elapsed().Seconds(), "steps/s")
	if used := cpuTime() - cpu; used > 0 {
		b.ReportMetric(float64(used.Microseconds())/float64(steps), "grader-µs/step")
	}
}

var stepSubmissions = []string{"go-reference", "python-reference"}

func adamCall(t int, w, m, v any) Call {
	return Call{Fn: "adam_step", Args: reference.Args{
		"w": w, "g": []any{0.1, -0.2, 0.3}, "m": m, "v": v, "t": t,
		"lr": 0.01, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8,
	}}
}

// startSample starts testdata/submissions/name as grading does (default sandbox).
func startSample(b *testing.B, name string) Conn {
	b.Helper()
	if name == "python-reference" {
		testPython(b)
	}
	s, err := Load(filepath.Join("..", "..", "testdata", "submissions", name), Options{})
	if err != nil {
		b.Skip(err)
	}
	c, err := s.Runner(Settings{}).Start(context.Background())
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { c.Close() })
	return c
}
