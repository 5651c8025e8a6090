package runner

import (
	"context"
	"errors"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/optgrade/optgrade/grader/sandbox"
	"github.com/optgrade/optgrade/reference"
)

const testDir = "../../testdata/protocol"

func testPython(t testing.TB) string {
	t.Helper()
	py, err := findPython("")
	if err != nil {
		t.Skipf("no python: %v", err)
	}
	return py
}

// testRunner returns a runner of server.py in mode, with a short call timeout.
func testRunner(t testing.TB, mode string) *ProcessRunner {
	return &ProcessRunner{
		Dir:  testDir,
		Argv: []string{testPython(t), "server.py", mode},
		// Start-up waits a minute: python under bubblewrap has taken over 5 s to answer
		// hello on a loaded machine; tests of the hello timeout set their own.
		Settings: Settings{CallTimeout: 2 * time.Second, StartTimeout: time.Minute,
			Sandbox: sandbox.Config{ReadOnly: sandbox.InstallDirs(testPython(t))}},
	}
}

func testStart(t testing.TB, r *ProcessRunner) *ProcessConn {
	t.Helper()
	c, err := r.StartProcess(context.Background())
	if err != nil {
		t.Fatalf("start: %v", err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func testCall(fn string, kv ...any) Call {
	args := reference.Args{}
	for i := 0; i+1 < len(kv); i += 2 {
		args[kv[i].(string)] = kv[i+1]
	}
	return Call{Fn: fn, Args: args}
}

// testSandboxes are the isolations the main tests run under.
var testSandboxes = []struct {
	name string
	cfg  sandbox.Config
}{
	{"default", sandbox.Config{}},
	{"nobwrap", sandbox.Config{NoBwrap: true}},
	{"disabled", sandbox.Config{Disable: true}},
}

func TestProcessEcho(t *testing.T) {
	for _, sb := range testSandboxes {
		t.Run(sb.name, func(t *testing.T) {
			t.Parallel()
			r := testRunner(t, "ok")
			r.Sandbox = sb.cfg
			c := testStart(t, r)
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
				{testCall("add", "a", 1.5, "b", 2), 3.5, ""},
				{testCall("echo", "w", []float64{1, 2}, "t", 3, "opt", reference.Args{"kind": "adam"}),
					map[string]any{"w": []any{1.0, 2.0}, "t": 3.0, "opt": map[string]any{"kind": "adam"}}, ""},
				{testCall("nonfinite"), []any{nan, inf, -inf, 1.5}, ""},
				{testCall("nanstrings"), []any{nan, inf, -inf, "converged"}, ""},
				{testCall("fail"), nil, "NotImplementedError: fail"},
				{testCall("no_such_fn"), nil, "NotImplementedError: no_such_fn"},
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
				if tt.err == "" && show(rep.Result) != show(tt.result) {
					t.Errorf("%s: result %s, want %s", tt.call.Fn, show(rep.Result), show(tt.result))
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
	c := testStart(t, testRunner(t, "ok"))
	for round := range 2 {
		const n = 2000
		calls := make([]Call, n)
		for i := range calls {
			calls[i] = testCall("add", "a", i, "b", round)
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
		calls[i] = testCall("echo", "w", big)
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
	c := testStart(t, testRunner(t, "chatty"))
	replies := c.Do(context.Background(), []Call{
		testCall("add", "a", 1, "b", 1),
		testCall("stray", "text", "debug: w = [1, 2]"),
		testCall("stray", "text", `{"id": 99, "note": "a dict I printed"}`),
		testCall("add", "a", 2, "b", 2),
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
	r := testRunner(t, "ok")
	r.OutputCap = 1000
	c := testStart(t, r)
	replies := c.Do(context.Background(), []Call{testCall("stderr", "n", 100000), testCall("add", "a", 1, "b", 2)})
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
		{name: "hang", call: testCall("hang"), kind: FaultTimeout,
			msg: []string{"timed out after 1s waiting for hang (the process was killed)"}},
		{name: "crash", call: testCall("crash"), kind: FaultExit,
			msg: []string{"the process exited with status 3 while computing crash: ", "ZeroDivisionError: division by zero"}},
		{name: "wrong id", call: testCall("wrongid"), kind: FaultGarbage,
			msg: []string{"answered id", "while the grader waited for id", "(wrongid)"}},
		{name: "both result and error", call: testCall("nearmiss"), kind: FaultTimeout,
			msg: []string{"timed out", `almost a response: it has both "result" and "error"`}},
		{name: "line over cap", call: testCall("bigline", "mb", 2), lineCap: 1 << 20, kind: FaultGarbage,
			msg: []string{"sent a line longer than 1 MiB (the limit of one answer) while the grader waited for bigline"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := testRunner(t, "ok")
			// Only the cases that end in a timeout wait for it; the others get a generous
			// limit, so that a loaded machine cannot turn their fault into a timeout.
			r.CallTimeout = time.Minute
			if tt.kind == FaultTimeout {
				r.CallTimeout = time.Second
			}
			r.LineCap = tt.lineCap
			c := testStart(t, r)
			start := time.Now()
			replies := c.Do(context.Background(), []Call{testCall("add", "a", 1, "b", 1), tt.call, testCall("add", "a", 2, "b", 2)})
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
			// A timeout ends about its 1 s after the call; any other fault is found when it
			// happens, long before the minute of its timeout.
			if limit := map[bool]time.Duration{true: 5 * time.Second, false: 20 * time.Second}[tt.kind == FaultTimeout]; elapsed > limit {
				t.Errorf("the fault took %v", elapsed)
			}
			if !strings.Contains(c.Output(), "[optgrade] ") {
				t.Errorf("Output() = %q, want a note of the kill", c.Output())
			}
			// The next Do restarts the process.
			replies = c.Do(context.Background(), []Call{testCall("add", "a", 20, "b", 22)})
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
			r := testRunner(t, tt.mode)
			// Only "silent" needs the timeout, and waits for it; the others are answered
			// (or exit) at once, so a generous limit keeps a python slow to start under a
			// loaded machine from turning their fault into a timeout.
			r.StartTimeout = time.Minute
			if tt.mode == "silent" {
				r.StartTimeout = time.Second
			}
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
		r := testRunner(t, "ok")
		r.Argv = []string{"optgrade-no-such-program"}
		_, err := r.Start(context.Background())
		if err == nil || !strings.Contains(err.Error(), "could not start optgrade-no-such-program") {
			t.Errorf("error %v", err)
		}
	})
}

func TestProcessCanceled(t *testing.T) {
	t.Parallel()
	c := testStart(t, testRunner(t, "ok"))
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	start := time.Now()
	rep := c.Do(ctx, []Call{testCall("hang")})
	var f *ProcessFault
	if !errors.As(rep[0].Fault, &f) || f.Kind != FaultCanceled || time.Since(start) > time.Second {
		t.Errorf("reply %+v after %v, want a quick cancel", rep[0], time.Since(start))
	}
	rep = c.Do(context.Background(), []Call{testCall("add", "a", 1, "b", 1)})
	if rep[0].Result != 2.0 {
		t.Errorf("after cancel: %+v", rep[0])
	}
}

func TestProcessClose(t *testing.T) {
	t.Parallel()
	c := testStart(t, testRunner(t, "ok"))
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
	rep := c.Do(context.Background(), []Call{testCall("add", "a", 1, "b", 1)})
	var f *ProcessFault
	if !errors.As(rep[0].Fault, &f) || f.Kind != FaultClosed {
		t.Errorf("Do after Close: %+v", rep[0])
	}
}

// A call the grader cannot encode faults alone; the process and the other calls go on.
func TestProcessRequestFault(t *testing.T) {
	t.Parallel()
	c := testStart(t, testRunner(t, "ok"))
	replies := c.Do(context.Background(), []Call{
		testCall("add", "a", 1, "b", 1),
		testCall("add", "a", math.NaN(), "b", 1),
		testCall("add", "a", 2, "b", 2),
	})
	var f *ProcessFault
	if !errors.As(replies[1].Fault, &f) || f.Kind != FaultRequest {
		t.Errorf("NaN argument: %+v, want a request fault", replies[1])
	}
	if replies[0].Result != 2.0 || replies[2].Result != 4.0 || c.Restarts() != 0 {
		t.Errorf("replies %+v, %d restarts", replies, c.Restarts())
	}
}
