package runner

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"
)

// CloseInput ends the submission's input early; what it prints as it ends is still its
// output, and Close still removes everything.
func TestCloseInputKeepsOutput(t *testing.T) {
	for _, sb := range testSandboxes {
		t.Run(sb.name, func(t *testing.T) {
			t.Parallel()
			r := testRunner(t, "goodbye")
			r.Sandbox = sb.cfg
			c := testStart(t, r)
			if rep := c.Do(context.Background(), []Call{testCall("add", "a", 1, "b", 2)}); rep[0].Result != 3.0 {
				t.Fatalf("add: %+v", rep[0])
			}
			c.CloseInput()
			c.CloseInput() // twice: nothing more
			select {
			case <-c.proc.exited(): // it ends on its own, without Close
			case <-time.After(time.Minute):
				t.Fatal("the process did not end after CloseInput")
			}
			// Its working copy goes once it has ended, before Close.
			deadline := time.Now().Add(10 * time.Second)
			for exists(c.work) && time.Now().Before(deadline) {
				time.Sleep(10 * time.Millisecond)
			}
			if exists(c.work) {
				t.Errorf("the working copy %s is still there after the process ended", c.work)
			}
			if err := c.Close(); err != nil {
				t.Errorf("Close: %v", err)
			}
			if exists(c.root) {
				t.Errorf("%s left behind after Close", c.root)
			}
			c.CloseInput() // after Close: nothing
			out := c.Output()
			if !strings.Contains(out, "goodbye") || !strings.Contains(out, "bye on stderr") {
				t.Errorf("Output() = %q, want what it printed as it ended", out)
			}
			if c.Restarts() != 0 {
				t.Errorf("Restarts() = %d", c.Restarts())
			}
		})
	}
}

func exists(path string) bool {
	_, err := os.Lstat(path)
	return err == nil
}

// A Do after CloseInput is answered, by a fresh process; the ended one's output is kept.
func TestDoAfterCloseInput(t *testing.T) {
	t.Parallel()
	c := testStart(t, testRunner(t, "goodbye"))
	c.CloseInput()
	rep := c.Do(context.Background(), []Call{testCall("add", "a", 1, "b", 1), testCall("add", "a", 2, "b", 2)})
	if rep[0].Fault != nil || rep[0].Result != 2.0 || rep[1].Result != 4.0 {
		t.Fatalf("Do after CloseInput: %+v", rep)
	}
	if c.Restarts() != 1 {
		t.Errorf("Restarts() = %d, want 1", c.Restarts())
	}
	if out := c.Output(); !strings.Contains(out, "goodbye") {
		t.Errorf("Output() = %q, want the first process's goodbye", out)
	}
	c.Close()
}

// Close's grace (2 s from closing stdin to the kill) counts from CloseInput: a submission
// that keeps running once its input ends is not given the grace twice.
func TestCloseInputGrace(t *testing.T) {
	t.Parallel()
	c := testStart(t, testRunner(t, "linger"))
	closed := time.Now()
	c.CloseInput()
	time.Sleep(time.Second)
	begin := time.Now()
	c.Close()
	if d := time.Since(begin); d > closeGrace-100*time.Millisecond {
		t.Errorf("Close took %v after CloseInput a second earlier, want the rest of the %v grace", d, closeGrace)
	}
	if d := time.Since(closed); d < closeGrace {
		t.Errorf("killed %v after CloseInput, before the %v grace", d, closeGrace)
	}
}
