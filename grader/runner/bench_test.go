package runner

import (
	"context"
	"testing"
)

// BenchmarkProcessRoundTrip measures one call per Do (no pipelining).
func BenchmarkProcessRoundTrip(b *testing.B) {
	for _, sb := range testSandboxes[:2] {
		b.Run(sb.name, func(b *testing.B) {
			r := testRunner(b, "ok")
			r.Sandbox = sb.cfg
			c := testStart(b, r)
			calls := []Call{testCall("add", "a", 1, "b", 2)}
			for b.Loop() {
				if rep := c.Do(context.Background(), calls); rep[0].Result != 3.0 {
					b.Fatal(rep[0])
				}
			}
		})
	}
}

// BenchmarkProcessPipelined measures 10 000 calls in one Do.
func BenchmarkProcessPipelined(b *testing.B) {
	r := testRunner(b, "ok")
	c := testStart(b, r)
	calls := make([]Call, 10000)
	for i := range calls {
		calls[i] = testCall("add", "a", i, "b", 1)
	}
	for b.Loop() {
		for i, rep := range c.Do(context.Background(), calls) {
			if rep.Result != float64(i+1) {
				b.Fatal(rep)
			}
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(calls)), "ns/call")
}

// BenchmarkProcessStart measures starting a process and its hello.
func BenchmarkProcessStart(b *testing.B) {
	for _, sb := range testSandboxes[:2] {
		b.Run(sb.name, func(b *testing.B) {
			r := testRunner(b, "ok")
			r.Sandbox = sb.cfg
			for b.Loop() {
				c, err := r.StartProcess(context.Background())
				if err != nil {
					b.Fatal(err)
				}
				c.Close()
			}
		})
	}
}
