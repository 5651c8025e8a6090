package runner

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/optgrade/optgrade/grader/sandbox"
)

// alive returns the processes whose command line holds token.
func alive(token string) []string {
	var found []string
	dirs, _ := filepath.Glob("/proc/[0-9]*")
	for _, d := range dirs {
		cmdline, err := os.ReadFile(filepath.Join(d, "cmdline"))
		if err == nil && bytes.Contains(cmdline, []byte(token)) {
			found = append(found, filepath.Base(d))
		}
	}
	return found
}

func waitGone(t *testing.T, token string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second) // polled: a loaded machine may be slow to reap
	for {
		alive := alive(token)
		if len(alive) == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("processes %v with %s survived", alive, token)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestProcessGroupKill(t *testing.T) {
	for _, sb := range testSandboxes {
		for _, end := range []string{"timeout", "close"} {
			t.Run(sb.name+"/"+end, func(t *testing.T) {
				t.Parallel()
				r := testRunner(t, "ok")
				r.Sandbox = sb.cfg
				r.CallTimeout = time.Second
				c := testStart(t, r)
				token := fmt.Sprintf("optgrade-token-%d-%s-%s", os.Getpid(), sb.name, end)
				if rep := c.Do(context.Background(), []Call{testCall("spawn", "token", token)}); rep[0].Result != "ok" {
					t.Fatalf("spawn: %+v", rep[0])
				}
				// Wait for both helpers to have exec'd (their command lines end "parent\x00token"
				// and "child\x00token").
				started := func() bool {
					return len(alive("parent\x00"+token)) == 1 && len(alive("child\x00"+token)) == 1
				}
				deadline := time.Now().Add(10 * time.Second) // polled: returns as soon as they run
				for !started() && time.Now().Before(deadline) {
					time.Sleep(10 * time.Millisecond)
				}
				if !started() {
					t.Fatalf("helper processes %v, want a child and a grandchild", alive(token))
				}
				switch end {
				case "timeout":
					rep := c.Do(context.Background(), []Call{testCall("hang")})
					if rep[0].Fault == nil {
						t.Fatalf("hang: %+v", rep[0])
					}
				case "close":
					start := time.Now()
					if err := c.Close(); err != nil {
						t.Errorf("Close: %v", err)
					}
					// stdin closed: server.py exits at once, its group is killed.
					if d := time.Since(start); d > time.Second {
						t.Errorf("Close took %v", d)
					}
				}
				waitGone(t, token)
			})
		}
	}
}

// A submission that stops reading its stdin must not block the grader.
func TestProcessNoRead(t *testing.T) {
	t.Parallel()
	r := testRunner(t, "noread")
	r.CallTimeout = time.Second
	c := testStart(t, r)
	w := make([]float64, 1000)
	calls := make([]Call, 500) // about 10 MB, far more than a pipe holds
	for i := range calls {
		calls[i] = testCall("echo", "w", w)
	}
	start := time.Now()
	replies := c.Do(context.Background(), calls)
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("Do took %v", d)
	}
	var f *ProcessFault
	if !errors.As(replies[499].Fault, &f) || f.Kind != FaultTimeout {
		t.Errorf("last reply %+v, want a timeout", replies[499])
	}
}

func TestProcessFlood(t *testing.T) {
	r := testRunner(t, "ok")
	r.CallTimeout = 10 * time.Second
	c := testStart(t, r)
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	start := time.Now()
	replies := c.Do(context.Background(), []Call{testCall("flood", "mb", 50), testCall("add", "a", 1, "b", 1)})
	elapsed := time.Since(start)
	runtime.ReadMemStats(&after)
	if replies[0].Result != "ok" || replies[1].Result != 2.0 {
		t.Errorf("replies %+v", replies)
	}
	alloc := after.TotalAlloc - before.TotalAlloc
	t.Logf("100 MB of output (50 MB each on stdout and stderr) in %v; the grader allocated %d KiB", elapsed, alloc>>10)
	if alloc > 16<<20 {
		t.Errorf("the grader allocated %d MiB reading 100 MB of output", alloc>>20)
	}
	out := c.Output()
	if len(out) > DefaultOutputCap+100 || !strings.Contains(out, "bytes dropped]") {
		t.Errorf("Output() is %d bytes, ends %q", len(out), out[max(len(out)-80, 0):])
	}
}

// Starting, faulting and closing leave no goroutine behind.
func TestProcessNoGoroutineLeak(t *testing.T) {
	before := runtime.NumGoroutine()
	r := testRunner(t, "ok")
	r.CallTimeout = 300 * time.Millisecond
	for range 3 {
		c, err := r.StartProcess(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		c.Do(context.Background(), []Call{testCall("add", "a", 1, "b", 1), testCall("hang")})
		c.Do(context.Background(), []Call{testCall("crash")})
		c.Do(context.Background(), []Call{testCall("add", "a", 1, "b", 1)})
		c.Close()
	}
	deadline := time.Now().Add(10 * time.Second) // polled: returns as soon as they end
	for runtime.NumGoroutine() > before && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if n := runtime.NumGoroutine(); n > before {
		buf := make([]byte, 1<<16)
		t.Errorf("%d goroutines, %d before:\n%s", n, before, buf[:runtime.Stack(buf, true)])
	}
}

func TestProcessLimits(t *testing.T) {
	tests := []struct {
		name string
		cfg  sandbox.Config
		call Call
		msg  string
	}{
		{"cpu", sandbox.Config{CPUSeconds: 1}, testCall("spin"), "was killed by SIGXCPU (it used up its CPU time limit)"},
		{"memory", sandbox.Config{MemoryBytes: 256 << 20}, testCall("alloc", "mb", 512), "MemoryError"},
		{"file size", sandbox.Config{FileBytes: 1 << 20}, testCall("writefile", "mb", 2), "File too large"},
	}
	for _, sb := range testSandboxes[:2] {
		for _, tt := range tests {
			t.Run(sb.name+"/"+tt.name, func(t *testing.T) {
				t.Parallel()
				r := testRunner(t, "ok")
				r.CallTimeout = 4 * time.Second
				if tt.name == "cpu" {
					r.CallTimeout = 20 * time.Second // one CPU second takes longer on a loaded machine
				}
				r.Sandbox = tt.cfg
				r.Sandbox.NoBwrap = sb.cfg.NoBwrap
				c := testStart(t, r)
				rep := c.Do(context.Background(), []Call{tt.call})
				var f *ProcessFault
				if !errors.As(rep[0].Fault, &f) || f.Kind != FaultExit || !strings.Contains(f.Error(), tt.msg) {
					t.Errorf("reply %+v, want an exit fault with %q", rep[0], tt.msg)
				} else {
					t.Logf("fault: %v", f)
				}
				// Within the limits the same call works.
				if tt.name != "cpu" {
					ok := testCall(tt.call.Fn, "mb", 1)
					if rep := c.Do(context.Background(), []Call{ok}); rep[0].Result != "ok" {
						t.Errorf("within the limit: %+v", rep[0])
					}
				}
			})
		}
	}
}

// TestProcessStderrCannotLowerIsolation: a submission printing bubblewrap's complaint is
// not run again outside bubblewrap; its start fails, with a hint for a real bwrap problem.
func TestProcessStderrCannotLowerIsolation(t *testing.T) {
	r := testRunner(t, "fakebwrap")
	if !strings.HasPrefix(r.Isolation(), "bubblewrap") {
		t.Skipf("bubblewrap does not work here: %s", r.Isolation())
	}
	conn, err := r.Start(context.Background())
	if err == nil {
		defer conn.Close()
		t.Fatalf("started outside the sandbox: %s", conn.(*ProcessConn).Isolation())
	}
	if !strings.Contains(err.Error(), "--no-sandbox") {
		t.Errorf("error %q does not say how to run without bubblewrap", err)
	}
}

// inGroups lists the processes, zombies included, left in the process groups pgids.
func inGroups(pgids map[int]bool) []string {
	stats, _ := filepath.Glob("/proc/[0-9]*/stat")
	var out []string
	for _, p := range stats {
		b, err := os.ReadFile(p)
		if err != nil {
			continue
		}
		// pid (comm) state ppid pgrp …: comm may hold spaces, so split after the last ')'.
		s := string(b)
		i := strings.LastIndexByte(s, ')')
		f := strings.Fields(s[i+1:])
		if len(f) > 2 {
			if pgid, _ := strconv.Atoi(f[2]); pgids[pgid] {
				out = append(out, s[:i+1]+" "+f[0])
			}
		}
	}
	return out
}

// After a check, nothing of a submission is left behind, not even a zombie: bwrap's outer
// process does not reap the sandbox's init, so the grader adopts and reaps it (in a
// container whose init never reaps, each check used to leave one).
func TestNothingLeftAfterClose(t *testing.T) {
	r := testRunner(t, "ok")
	if !strings.HasPrefix(r.Isolation(), "bubblewrap") {
		t.Skipf("bubblewrap does not work here: %s", r.Isolation())
	}
	groups := map[int]bool{}
	for range 3 {
		c, err := r.StartProcess(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		groups[c.proc.sp.Pid()] = true
		c.Do(context.Background(), []Call{testCall("add", "a", 1, "b", 1)})
		c.Do(context.Background(), []Call{testCall("crash")}) // killed mid-call, restarted
		c.Do(context.Background(), []Call{testCall("add", "a", 1, "b", 1)})
		groups[c.proc.sp.Pid()] = true
		c.Close()
	}
	// Polled: what is reaped goes soon, a process or zombie left behind stays for good.
	deadline := time.Now().Add(10 * time.Second)
	for len(inGroups(groups)) > 0 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if left := inGroups(groups); len(left) > 0 {
		t.Errorf("left behind: %v", left)
	}
}

// Where pipes have no deadlines (Windows) a goroutine reads stdout and hands on its
// answers in batches: the same answers, faults and notes as when the exchange reads it.
func TestStdoutReadInAGoroutine(t *testing.T) {
	for _, goroutine := range []bool{true, false} {
		t.Run(fmt.Sprintf("goroutine=%v", goroutine), func(t *testing.T) {
			t.Parallel()
			r := testRunner(t, "ok")
			r.CallTimeout = time.Second
			r.readerGoroutine = goroutine
			c := testStart(t, r)
			if c.proc.direct == goroutine {
				t.Fatalf("direct = %v", c.proc.direct)
			}
			big := make([]float64, 1000) // 300 × 1000 values: within one Do's MaxValues
			calls := make([]Call, 300)   // more than a batch, more than a pipe holds each way
			for i := range calls {
				calls[i] = testCall("echo", "w", big, "i", i)
			}
			for i, rep := range c.Do(context.Background(), calls) {
				res, _ := rep.Result.(map[string]any)
				if rep.Fault != nil || res["i"] != float64(i) {
					t.Fatalf("call %d: %+v", i, rep.Fault)
				}
			}
			if rep := c.Do(context.Background(), []Call{testCall("twice")}); rep[0].Result != "ok" {
				t.Fatalf("twice: %+v", rep[0])
			}
			time.Sleep(100 * time.Millisecond)
			rep := c.Do(context.Background(), []Call{testCall("add", "a", 1, "b", 1), testCall("wrongid"), testCall("add", "a", 2, "b", 2)})
			var f *ProcessFault
			if rep[0].Result != 2.0 || !errors.As(rep[1].Fault, &f) || f.Kind != FaultGarbage || rep[2].Fault == nil {
				t.Fatalf("replies %+v", rep)
			}
			rep = c.Do(context.Background(), []Call{testCall("add", "a", 1, "b", 2), testCall("hang")})
			if rep[0].Result != 3.0 || !errors.As(rep[1].Fault, &f) || f.Kind != FaultTimeout {
				t.Fatalf("replies %+v", rep)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
			defer cancel()
			if rep := c.Do(ctx, []Call{testCall("hang")}); !errors.As(rep[0].Fault, &f) || f.Kind != FaultCanceled {
				t.Fatalf("canceled: %+v", rep[0])
			}
			if rep := c.Do(context.Background(), []Call{testCall("stray", "text", "printed")}); rep[0].Result != "ok" {
				t.Fatalf("stray: %+v", rep[0])
			}
			c.Close()
			out := c.Output()
			for _, want := range []string{"ignored an extra answer with id 301 (twice)", "printed\n"} {
				if !strings.Contains(out, want) {
					t.Errorf("output %q: want %q", out, want)
				}
			}
			if c.Restarts() != 3 {
				t.Errorf("%d restarts, want 3", c.Restarts())
			}
		})
	}
}
