package grader

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/optgrade/optgrade/grader/sandbox"
	"github.com/optgrade/optgrade/reference"
)

// The fake submission of these tests is testdata/protocol/server.py (standard library
// only), run with the interpreter LoadSubmission would pick.

const procTestDir = "../testdata/protocol"

func procTestPython(t testing.TB) string {
	t.Helper()
	py, err := subPython("")
	if err != nil {
		t.Skipf("no python: %v", err)
	}
	return py
}

// procTestRunner returns a runner of server.py in mode, with short timeouts.
func procTestRunner(t testing.TB, mode string) *ProcessRunner {
	return &ProcessRunner{
		Dir:          procTestDir,
		Argv:         []string{procTestPython(t), "server.py", mode},
		CallTimeout:  2 * time.Second,
		StartTimeout: 5 * time.Second,
	}
}

func procTestStart(t testing.TB, r *ProcessRunner) *ProcessConn {
	t.Helper()
	c, err := r.StartProcess(context.Background())
	if err != nil {
		t.Fatalf("start: %v", err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func procCall(fn string, kv ...any) Call {
	args := reference.Args{}
	for i := 0; i+1 < len(kv); i += 2 {
		args[kv[i].(string)] = kv[i+1]
	}
	return Call{Fn: fn, Args: args}
}

// procSandboxes are the isolations the main tests run under.
var procSandboxes = []struct {
	name string
	cfg  sandbox.Config
}{
	{"default", sandbox.Config{}},
	{"nobwrap", sandbox.Config{NoBwrap: true}},
	{"disabled", sandbox.Config{Disable: true}},
}

func TestProcessEcho(t *testing.T) {
	for _, sb := range procSandboxes {
		t.Run(sb.name, func(t *testing.T) {
			t.Parallel()
			r := procTestRunner(t, "ok")
			r.Sandbox = sb.cfg
			c := procTestStart(t, r)
			t.Logf("isolation: %s", c.Isolation())
			if fns := c.Functions(); len(fns) == 0 || fns[0] != "echo" {
				t.Errorf("Functions() = %v", fns)
			}
			nan, inf := math.NaN(), math.Inf(1)
			tests := []struct {
				call   Call
				result any
				err    string
			}{
				{procCall("add", "a", 1.5, "b", 2), 3.5, ""},
				{procCall("echo", "w", []float64{1, 2}, "t", 3, "opt", reference.Args{"kind": "adam"}),
					map[string]any{"w": []any{1.0, 2.0}, "t": 3.0, "opt": map[string]any{"kind": "adam"}}, ""},
				{procCall("nonfinite"), []any{nan, inf, -inf, 1.5}, ""},
				{procCall("nanstrings"), []any{nan, inf, -inf, "converged"}, ""},
				{procCall("fail"), nil, "NotImplementedError: fail"},
				{procCall("no_such_fn"), nil, "NotImplementedError: no_such_fn"},
				{Call{Fn: "echo"}, map[string]any{}, ""},
			}
			calls := make([]Call, len(tests))
			for i, tt := range tests {
				calls[i] = tt.call
			}
			replies := c.Do(context.Background(), calls)
			for i, tt := range tests {
				rep := replies[i]
				if rep.Fault != nil {
					t.Errorf("%s: fault %v", tt.call.Fn, rep.Fault)
					continue
				}
				if rep.Err != tt.err {
					t.Errorf("%s: err %q, want %q", tt.call.Fn, rep.Err, tt.err)
				}
				if tt.err == "" && wireShow(rep.Result) != wireShow(tt.result) {
					t.Errorf("%s: result %s, want %s", tt.call.Fn, wireShow(rep.Result), wireShow(tt.result))
				}
			}
			if !replies[4].NotImplemented() {
				t.Errorf("fail: NotImplemented() = false")
			}
			if out := c.Output(); out != "" {
				t.Errorf("Output() = %q, want nothing", out)
			}
			if c.Restarts() != 0 {
				t.Errorf("Restarts() = %d", c.Restarts())
			}
		})
	}
}

func TestProcessPipelining(t *testing.T) {
	t.Parallel()
	c := procTestStart(t, procTestRunner(t, "ok"))
	for round := range 2 {
		const n = 2000
		calls := make([]Call, n)
		for i := range calls {
			calls[i] = procCall("add", "a", i, "b", round)
		}
		start := time.Now()
		replies := c.Do(context.Background(), calls)
		for i, rep := range replies {
			if rep.Fault != nil || rep.Err != "" || rep.Result != float64(i+round) {
				t.Fatalf("round %d, call %d: %+v", round, i, rep)
			}
		}
		t.Logf("round %d: %d calls in %v", round, n, time.Since(start))
	}
	if c.nextID != 4001 {
		t.Errorf("next id %d, want 4001 (ids increase over the Conn's life)", c.nextID)
	}
	// Big requests and big responses at once: neither side may block the other.
	big := make([]float64, 20000)
	for i := range big {
		big[i] = float64(i) + 0.5
	}
	calls := make([]Call, 50)
	for i := range calls {
		calls[i] = procCall("echo", "w", big)
	}
	for i, rep := range c.Do(context.Background(), calls) {
		w, ok := rep.Result.(map[string]any)["w"].([]any)
		if rep.Fault != nil || !ok || len(w) != len(big) || w[len(w)-1] != big[len(big)-1] {
			t.Fatalf("big call %d: fault %v", i, rep.Fault)
		}
	}
}

func TestProcessStrayOutput(t *testing.T) {
	t.Parallel()
	c := procTestStart(t, procTestRunner(t, "chatty"))
	replies := c.Do(context.Background(), []Call{
		procCall("add", "a", 1, "b", 1),
		procCall("stray", "text", "debug: w = [1, 2]"),
		procCall("stray", "text", `{"id": 99, "note": "a dict I printed"}`),
		procCall("add", "a", 2, "b", 2),
	})
	for i, want := range []any{2.0, "ok", "ok", 4.0} {
		if replies[i].Fault != nil || replies[i].Result != want {
			t.Errorf("call %d: %+v, want %v", i, replies[i], want)
		}
	}
	out := c.Output()
	for _, want := range []string{"starting up\n", "a warning on stderr\n", "debug: w = [1, 2]\n", `{"id": 99, "note": "a dict I printed"}` + "\n"} {
		if !strings.Contains(out, want) {
			t.Errorf("Output() = %q, want it to contain %q", out, want)
		}
	}
}

func TestProcessStderrCapped(t *testing.T) {
	t.Parallel()
	r := procTestRunner(t, "ok")
	r.OutputCap = 1000
	c := procTestStart(t, r)
	replies := c.Do(context.Background(), []Call{procCall("stderr", "n", 100000), procCall("add", "a", 1, "b", 2)})
	if replies[0].Result != "ok" || replies[1].Result != 3.0 {
		t.Fatalf("replies %+v", replies)
	}
	if out := c.Output(); len(out) > 1100 {
		t.Errorf("len(Output()) = %d before Close, want about 1000", len(out))
	}
	c.Close() // stderr is read to its end
	out := c.Output()
	if !strings.HasSuffix(out, "… [99000 bytes dropped]\n") {
		t.Errorf("Output() ends %q, want the count of dropped bytes", out[max(len(out)-60, 0):])
	}
	if len(out) > 1100 {
		t.Errorf("len(Output()) = %d, want about 1000", len(out))
	}
}

func TestProcessFaults(t *testing.T) {
	tests := []struct {
		name    string
		call    Call
		lineCap int
		kind    FaultKind
		msg     []string // substrings of the fault's Error()
	}{
		{name: "hang", call: procCall("hang"), kind: FaultTimeout,
			msg: []string{"timed out after 1s waiting for hang (the process was killed)"}},
		{name: "crash", call: procCall("crash"), kind: FaultExit,
			msg: []string{"the process exited with status 3 while computing crash: ", "ZeroDivisionError: division by zero"}},
		{name: "wrong id", call: procCall("wrongid"), kind: FaultGarbage,
			msg: []string{"answered id", "while the grader waited for id", "(wrongid)"}},
		{name: "both result and error", call: procCall("nearmiss"), kind: FaultTimeout,
			msg: []string{"timed out", `almost a response: it has both "result" and "error"`}},
		{name: "line over cap", call: procCall("bigline", "mb", 2), lineCap: 1 << 20, kind: FaultGarbage,
			msg: []string{"sent a line longer than 1 MiB while the grader waited for bigline"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := procTestRunner(t, "ok")
			r.CallTimeout = time.Second
			r.LineCap = tt.lineCap
			c := procTestStart(t, r)
			start := time.Now()
			replies := c.Do(context.Background(), []Call{procCall("add", "a", 1, "b", 1), tt.call, procCall("add", "a", 2, "b", 2)})
			elapsed := time.Since(start)
			if replies[0].Fault != nil || replies[0].Result != 2.0 {
				t.Errorf("call before the fault: %+v", replies[0])
			}
			var f *ProcessFault
			if !errors.As(replies[1].Fault, &f) {
				t.Fatalf("no ProcessFault: %+v", replies[1])
			}
			t.Logf("fault: %v", f)
			if f.Kind != tt.kind || f.Fn != tt.call.Fn {
				t.Errorf("fault kind %q fn %q, want %q %q", f.Kind, f.Fn, tt.kind, tt.call.Fn)
			}
			for _, m := range tt.msg {
				if !strings.Contains(f.Error(), m) {
					t.Errorf("fault %q\nwant it to contain %q", f.Error(), m)
				}
			}
			if replies[2].Fault != replies[1].Fault {
				t.Errorf("call after the fault: %+v, want the same fault", replies[2])
			}
			if elapsed > 3*time.Second {
				t.Errorf("the fault took %v", elapsed)
			}
			if !strings.Contains(c.Output(), "[optgrade] ") {
				t.Errorf("Output() = %q, want a note of the kill", c.Output())
			}
			// The next Do restarts the process.
			replies = c.Do(context.Background(), []Call{procCall("add", "a", 20, "b", 22)})
			if replies[0].Fault != nil || replies[0].Result != 42.0 {
				t.Errorf("after restart: %+v", replies[0])
			}
			if c.Restarts() != 1 {
				t.Errorf("Restarts() = %d, want 1", c.Restarts())
			}
		})
	}
}

func TestProcessBadHello(t *testing.T) {
	tests := []struct {
		mode string
		msg  []string
	}{
		{"noproto", []string{`hello's answer has no "protocol"`}},
		{"v2", []string{"says protocol 2, but this grader speaks protocol 1"}},
		{"nofunctions", []string{`no "functions" list`}},
		{"error", []string{"hello answered an error: RuntimeError: no hello today"}},
		{"silent", []string{"timed out after 1s waiting for the answer to hello (the process was killed)"}},
		{"exit", []string{"the process exited with status 2 while answering hello: fatal: cannot start"}},
	}
	for _, tt := range tests {
		t.Run(tt.mode, func(t *testing.T) {
			t.Parallel()
			r := procTestRunner(t, tt.mode)
			r.StartTimeout = time.Second
			conn, err := r.Start(context.Background())
			if err == nil {
				conn.Close()
				t.Fatal("started")
			}
			if conn != nil {
				t.Errorf("conn = %v, want nil", conn)
			}
			t.Logf("error: %v", err)
			var f *ProcessFault
			if !errors.As(err, &f) || f.Kind != FaultStart {
				t.Fatalf("error %v (%T), want a start fault", err, err)
			}
			for _, m := range tt.msg {
				if !strings.Contains(err.Error(), m) {
					t.Errorf("error %q\nwant it to contain %q", err, m)
				}
			}
		})
	}
	t.Run("no such program", func(t *testing.T) {
		t.Parallel()
		r := procTestRunner(t, "ok")
		r.Argv = []string{"optgrade-no-such-program"}
		_, err := r.Start(context.Background())
		if err == nil || !strings.Contains(err.Error(), "could not start optgrade-no-such-program") {
			t.Errorf("error %v", err)
		}
	})
}

// procAlive returns the processes whose command line holds token.
func procAlive(token string) []string {
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

func procWaitGone(t *testing.T, token string) {
	t.Helper()
	deadline := time.Now().Add(2 * time.Second)
	for {
		alive := procAlive(token)
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
	for _, sb := range procSandboxes {
		for _, end := range []string{"timeout", "close"} {
			t.Run(sb.name+"/"+end, func(t *testing.T) {
				t.Parallel()
				r := procTestRunner(t, "ok")
				r.Sandbox = sb.cfg
				r.CallTimeout = time.Second
				c := procTestStart(t, r)
				token := fmt.Sprintf("optgrade-token-%d-%s-%s", os.Getpid(), sb.name, end)
				if rep := c.Do(context.Background(), []Call{procCall("spawn", "token", token)}); rep[0].Result != "ok" {
					t.Fatalf("spawn: %+v", rep[0])
				}
				// Wait for both helpers to have exec'd (their command lines end "parent\x00token"
				// and "child\x00token").
				started := func() bool {
					return len(procAlive("parent\x00"+token)) == 1 && len(procAlive("child\x00"+token)) == 1
				}
				deadline := time.Now().Add(2 * time.Second)
				for !started() && time.Now().Before(deadline) {
					time.Sleep(10 * time.Millisecond)
				}
				if !started() {
					t.Fatalf("helper processes %v, want a child and a grandchild", procAlive(token))
				}
				switch end {
				case "timeout":
					rep := c.Do(context.Background(), []Call{procCall("hang")})
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
				procWaitGone(t, token)
			})
		}
	}
}

// A submission that stops reading its stdin must not block the grader.
func TestProcessNoRead(t *testing.T) {
	t.Parallel()
	r := procTestRunner(t, "noread")
	r.CallTimeout = time.Second
	c := procTestStart(t, r)
	w := make([]float64, 1000)
	calls := make([]Call, 500) // about 10 MB, far more than a pipe holds
	for i := range calls {
		calls[i] = procCall("echo", "w", w)
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
	r := procTestRunner(t, "ok")
	r.CallTimeout = 10 * time.Second
	c := procTestStart(t, r)
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	start := time.Now()
	replies := c.Do(context.Background(), []Call{procCall("flood", "mb", 50), procCall("add", "a", 1, "b", 1)})
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

func TestProcessCanceled(t *testing.T) {
	t.Parallel()
	c := procTestStart(t, procTestRunner(t, "ok"))
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	start := time.Now()
	rep := c.Do(ctx, []Call{procCall("hang")})
	var f *ProcessFault
	if !errors.As(rep[0].Fault, &f) || f.Kind != FaultCanceled || time.Since(start) > time.Second {
		t.Errorf("reply %+v after %v, want a quick cancel", rep[0], time.Since(start))
	}
	rep = c.Do(context.Background(), []Call{procCall("add", "a", 1, "b", 1)})
	if rep[0].Result != 2.0 {
		t.Errorf("after cancel: %+v", rep[0])
	}
}

func TestProcessClose(t *testing.T) {
	t.Parallel()
	c := procTestStart(t, procTestRunner(t, "ok"))
	work := c.work
	if _, err := os.Stat(filepath.Join(work, "server.py")); err != nil {
		t.Fatalf("no working copy: %v", err)
	}
	for range 2 {
		if err := c.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	}
	if _, err := os.Stat(c.root); !os.IsNotExist(err) {
		t.Errorf("working copy %s left behind (%v)", c.root, err)
	}
	rep := c.Do(context.Background(), []Call{procCall("add", "a", 1, "b", 1)})
	var f *ProcessFault
	if !errors.As(rep[0].Fault, &f) || f.Kind != FaultClosed {
		t.Errorf("Do after Close: %+v", rep[0])
	}
}

// Starting, faulting and closing leave no goroutine behind.
func TestProcessNoGoroutineLeak(t *testing.T) {
	before := runtime.NumGoroutine()
	r := procTestRunner(t, "ok")
	r.CallTimeout = 300 * time.Millisecond
	for range 3 {
		c, err := r.StartProcess(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		c.Do(context.Background(), []Call{procCall("add", "a", 1, "b", 1), procCall("hang")})
		c.Do(context.Background(), []Call{procCall("crash")})
		c.Do(context.Background(), []Call{procCall("add", "a", 1, "b", 1)})
		c.Close()
	}
	deadline := time.Now().Add(2 * time.Second)
	for runtime.NumGoroutine() > before && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if n := runtime.NumGoroutine(); n > before {
		buf := make([]byte, 1<<16)
		t.Errorf("%d goroutines, %d before:\n%s", n, before, buf[:runtime.Stack(buf, true)])
	}
}

// BenchmarkProcessRoundTrip measures one call per Do (no pipelining).
func BenchmarkProcessRoundTrip(b *testing.B) {
	for _, sb := range procSandboxes[:2] {
		b.Run(sb.name, func(b *testing.B) {
			r := procTestRunner(b, "ok")
			r.Sandbox = sb.cfg
			c := procTestStart(b, r)
			calls := []Call{procCall("add", "a", 1, "b", 2)}
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
	r := procTestRunner(b, "ok")
	c := procTestStart(b, r)
	calls := make([]Call, 10000)
	for i := range calls {
		calls[i] = procCall("add", "a", i, "b", 1)
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
	for _, sb := range procSandboxes[:2] {
		b.Run(sb.name, func(b *testing.B) {
			r := procTestRunner(b, "ok")
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

func TestProcessLimits(t *testing.T) {
	tests := []struct {
		name string
		cfg  sandbox.Config
		call Call
		msg  string
	}{
		{"cpu", sandbox.Config{CPUSeconds: 1}, procCall("spin"), "was killed by SIGXCPU (it used up its CPU time limit)"},
		{"memory", sandbox.Config{MemoryBytes: 256 << 20}, procCall("alloc", "mb", 512), "MemoryError"},
		{"file size", sandbox.Config{FileBytes: 1 << 20}, procCall("writefile", "mb", 2), "File too large"},
	}
	for _, sb := range procSandboxes[:2] {
		for _, tt := range tests {
			t.Run(sb.name+"/"+tt.name, func(t *testing.T) {
				t.Parallel()
				r := procTestRunner(t, "ok")
				r.CallTimeout = 4 * time.Second
				r.Sandbox = tt.cfg
				r.Sandbox.NoBwrap = sb.cfg.NoBwrap
				c := procTestStart(t, r)
				rep := c.Do(context.Background(), []Call{tt.call})
				var f *ProcessFault
				if !errors.As(rep[0].Fault, &f) || f.Kind != FaultExit || !strings.Contains(f.Error(), tt.msg) {
					t.Errorf("reply %+v, want an exit fault with %q", rep[0], tt.msg)
				} else {
					t.Logf("fault: %v", f)
				}
				// Within the limits the same call works.
				if tt.name != "cpu" {
					ok := procCall(tt.call.Fn, "mb", 1)
					if rep := c.Do(context.Background(), []Call{ok}); rep[0].Result != "ok" {
						t.Errorf("within the limit: %+v", rep[0])
					}
				}
			})
		}
	}
}

// A call the grader cannot encode faults alone; the process and the other calls go on.
func TestProcessRequestFault(t *testing.T) {
	t.Parallel()
	c := procTestStart(t, procTestRunner(t, "ok"))
	replies := c.Do(context.Background(), []Call{
		procCall("add", "a", 1, "b", 1),
		procCall("add", "a", math.NaN(), "b", 1),
		procCall("add", "a", 2, "b", 2),
	})
	var f *ProcessFault
	if !errors.As(replies[1].Fault, &f) || f.Kind != FaultRequest {
		t.Errorf("NaN argument: %+v, want a request fault", replies[1])
	}
	if replies[0].Result != 2.0 || replies[2].Result != 4.0 || c.Restarts() != 0 {
		t.Errorf("replies %+v, %d restarts", replies, c.Restarts())
	}
}

// TestProcessStderrCannotLowerIsolation: a submission printing bubblewrap's complaint is
// not run again outside bubblewrap; its start fails, with a hint for a real bwrap problem.
func TestProcessStderrCannotLowerIsolation(t *testing.T) {
	r := procTestRunner(t, "fakebwrap")
	if !strings.HasPrefix(r.Describe(), "bubblewrap") {
		t.Skipf("bubblewrap does not work here: %s", r.Describe())
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
