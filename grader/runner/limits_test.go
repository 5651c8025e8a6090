package runner

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// Hostile answers cost a clear message naming the limit, at once: not a timeout, not
// gigabytes of memory. The next call runs in a fresh process.
func TestHostileAnswers(t *testing.T) {
	tests := []struct {
		name string
		call Call
		msg  string
	}{
		{"number beyond float64", testCall("raw", "line", `{"id": ID, "result": [1, 1e400]}`), "it holds the number 1e400, beyond the range of a float64"},
		{"nesting", testCall("raw", "line", `{"id": ID, "result": `+strings.Repeat("[", 20000)+strings.Repeat("]", 20000)+`}`), "nested deeper than 100 levels"},
		{"two million empty arrays", testCall("arrays", "n", 2_000_000), "more than 1048576 values"},
		{"63 MB of empty arrays", testCall("arrays", "n", 21_000_000), "sent a line longer than 16 MiB (the limit of one answer)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := testRunner(t, "ok")
			r.CallTimeout = 20 * time.Second
			c := testStart(t, r)
			start := time.Now()
			rep := c.Do(context.Background(), []Call{tt.call})
			var f *ProcessFault
			if !errors.As(rep[0].Fault, &f) || f.Kind != FaultGarbage || !strings.Contains(f.Msg, tt.msg) {
				t.Fatalf("reply %+v, want a fault saying %q", rep[0], tt.msg)
			}
			if d := time.Since(start); d > 15*time.Second {
				t.Errorf("took %s", d)
			}
			if rep := c.Do(context.Background(), []Call{testCall("add", "a", 1, "b", 2)}); rep[0].Result != 3.0 {
				t.Errorf("next call: %+v", rep[0])
			}
		})
	}
}

func TestHugeHello(t *testing.T) {
	r := testRunner(t, "hugehello")
	r.StartTimeout = time.Minute // 60 MB from Python takes seconds on a loaded machine
	_, err := r.StartProcess(context.Background())
	var f *ProcessFault
	if !errors.As(err, &f) || f.Kind != FaultStart || !strings.Contains(f.Msg, "sent a line longer than 1 MiB (the limit of one answer) while the grader waited for the answer to hello") {
		t.Fatalf("start: %v", err)
	}
}

// An extra answer is blamed on the call that sent it, never on the next task's calls.
func TestExtraAnswerBlamed(t *testing.T) {
	c := testStart(t, testRunner(t, "ok"))
	if rep := c.Do(context.Background(), []Call{testCall("twice")}); rep[0].Result != "ok" {
		t.Fatalf("twice: %+v", rep[0])
	}
	time.Sleep(100 * time.Millisecond) // the extra answer arrives between the calls
	for i := range 3 {
		if rep := c.Do(context.Background(), []Call{testCall("add", "a", i, "b", 1)}); rep[0].Result != float64(i+1) {
			t.Fatalf("the call after: %+v", rep[0])
		}
	}
	if out := c.Output(); !strings.Contains(out, "ignored an extra answer with id 1 (twice)") {
		t.Errorf("output %q: want the extra answer blamed on twice", out)
	}
	if c.Restarts() != 0 {
		t.Errorf("%d restarts", c.Restarts())
	}
}

// In one Do, a group of calls Apart is answered as a Do of its own: an extra answer of the
// group before is blamed on it, not a fault of the group's calls. Without Apart the same
// extra answer is a wrong id.
func TestExtraAnswerBlamedApart(t *testing.T) {
	c := testStart(t, testRunner(t, "ok"))
	next := testCall("add", "a", 1, "b", 1)
	next.Apart = true
	rep := c.Do(context.Background(), []Call{testCall("twice"), next, testCall("add", "a", 2, "b", 2)})
	if rep[0].Result != "ok" || rep[1].Result != 2.0 || rep[2].Result != 4.0 {
		t.Fatalf("replies %+v", rep)
	}
	if out := c.Output(); !strings.Contains(out, "ignored an extra answer with id 1 (twice)") {
		t.Errorf("output %q: want the extra answer blamed on twice", out)
	}
	if c.Restarts() != 0 {
		t.Errorf("%d restarts", c.Restarts())
	}
	rep = c.Do(context.Background(), []Call{testCall("twice"), testCall("add", "a", 1, "b", 1)})
	var f *ProcessFault
	if rep[0].Result != "ok" || !errors.As(rep[1].Fault, &f) || !strings.Contains(f.Msg, "answered id 4 while the grader waited for id 5") {
		t.Errorf("without Apart: %+v", rep)
	}
}

// The time budget bounds the whole submission: a program answering just under the
// per-call timeout cannot hold the grader for calls × timeout.
func TestTimeBudget(t *testing.T) {
	r := testRunner(t, "ok")
	r.CallTimeout = 3 * time.Second
	r.Budget = 1500 * time.Millisecond
	c := testStart(t, r)
	start := time.Now()
	rep := c.Do(context.Background(), []Call{testCall("hang")})
	var f *ProcessFault
	if !errors.As(rep[0].Fault, &f) || f.Kind != FaultBudget || !strings.Contains(f.Msg, "used up its time budget of 1.5s") {
		t.Fatalf("reply %+v, want the budget fault", rep[0])
	}
	if d := time.Since(start); d > 2500*time.Millisecond {
		t.Errorf("the budget ended the wait after %s", d)
	}
	start = time.Now()
	rep = c.Do(context.Background(), []Call{testCall("add", "a", 1, "b", 1)})
	if !errors.As(rep[0].Fault, &f) || f.Kind != FaultBudget || time.Since(start) > 100*time.Millisecond || c.Restarts() != 0 {
		t.Errorf("after the budget: %+v (restarts %d)", rep[0], c.Restarts())
	}
}

func TestByteBudget(t *testing.T) {
	r := testRunner(t, "ok")
	r.ByteBudget = 1 << 20
	c := testStart(t, r)
	rep := c.Do(context.Background(), []Call{testCall("flood", "mb", 4)})
	var f *ProcessFault
	if !errors.As(rep[0].Fault, &f) || f.Kind != FaultBudget || !strings.Contains(f.Msg, "sent more than 1 MiB of answers and output in all") {
		t.Fatalf("reply %+v, want the byte budget fault", rep[0])
	}
	rep = c.Do(context.Background(), []Call{testCall("add", "a", 1, "b", 1)})
	if !errors.As(rep[0].Fault, &f) || f.Kind != FaultBudget {
		t.Errorf("after the budget: %+v", rep[0])
	}
}

// Working copies left by a killed grader are removed by the next one, and only those whose
// grader is gone: a batch running beside it keeps its copies.
func TestRemoveStale(t *testing.T) {
	tmp := t.TempDir()
	dead := exec.Command("true")
	if err := dead.Run(); err != nil {
		t.Fatal(err)
	}
	alive := exec.Command("sleep", "60")
	if err := alive.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { alive.Process.Kill(); alive.Wait() }()
	names := map[string]bool{ // name → kept
		fmt.Sprintf("optgrade-run-%d-123", dead.Process.Pid):  false,
		fmt.Sprintf("optgrade-run-%d-456", alive.Process.Pid): true,
		fmt.Sprintf("optgrade-run-%d-789", os.Getpid()):       true,
		"optgrade-run-123456":                                 true, // no owner in the name
		"unrelated":                                           true,
	}
	for name := range names {
		if err := os.MkdirAll(filepath.Join(tmp, name, "submission"), 0o700); err != nil {
			t.Fatal(err)
		}
	}
	removeStale(tmp)
	for name, kept := range names {
		if _, err := os.Stat(filepath.Join(tmp, name)); (err == nil) != kept {
			t.Errorf("%s: kept %v, want %v", name, err == nil, kept)
		}
	}
}

// What a program prints after its answer, between calls, is read as it comes: it shows in
// the output before the next call, and a line the grader refuses is noted there, never
// blamed on the next call.
func TestPrintedBetweenCalls(t *testing.T) {
	for _, goroutine := range []bool{false, true} {
		t.Run(fmt.Sprintf("goroutine=%v", goroutine), func(t *testing.T) {
			r := testRunner(t, "ok")
			r.readerGoroutine = goroutine
			r.LineCap = 64 << 10
			c := testStart(t, r)
			long := "{" + strings.Repeat("z", 300<<10) + "\n" // more than a pipe holds
			if rep := c.Do(context.Background(), []Call{testCall("late", "ms", 20, "text", "printed later\n"+long)}); rep[0].Result != "ok" {
				t.Fatalf("late: %+v", rep[0])
			}
			deadline := time.Now().Add(5 * time.Second)
			for !strings.Contains(c.Output(), "printed later") && time.Now().Before(deadline) {
				time.Sleep(10 * time.Millisecond)
			}
			if out := c.Output(); !strings.Contains(out, "printed later") {
				t.Fatalf("output %q: what it printed between calls is not read", out)
			}
			time.Sleep(200 * time.Millisecond) // the long line is read between the calls
			if rep := c.Do(context.Background(), []Call{testCall("add", "a", 1, "b", 1)}); rep[0].Fault != nil || rep[0].Result != 2.0 {
				t.Fatalf("the call after: %+v", rep[0])
			}
			if out := c.Output(); !strings.Contains(out, "[optgrade] between calls the program sent a line longer than 64 KiB") {
				t.Errorf("output %q: want the long line noted between calls", out)
			}
			if c.Restarts() != 0 {
				t.Errorf("%d restarts", c.Restarts())
			}
		})
	}
}
