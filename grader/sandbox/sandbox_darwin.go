package sandbox

import (
	"errors"
	"os/exec"

	"golang.org/x/sys/unix"
)

// On macOS there is no bubblewrap: a submission runs in its own process group, under
// resource limits (set by the shell's ulimit) and, for a root grader, as nobody. Nothing
// hides the file system from it.

var errNoBwrap = errors.New("bubblewrap is Linux-only: on macOS nothing hides the file system from a submission")

// Bubblewrap says that there is no bubblewrap on macOS.
func Bubblewrap() (string, error) { return "", errNoBwrap }

func bubblewrap(bool) (string, error) { return "", errNoBwrap }

func bwrapCommand(argv []string, _ string, _, _ []string, _ bool, _ ...string) []string { return argv }

func gateOn() bool { return false }

func newLimitGate(*exec.Cmd, []limit) (*limitGate, []string, error) { return nil, nil, nil }

func hidden(string, string, []string) string { return "" }

// dieWithGrader does nothing: macOS has no parent-death signal. The grader kills each
// process group when it is done with it.
func dieWithGrader(*unix.SysProcAttr) {}

// reap reaps the process, then kills whatever is left of its group: while a member lives,
// the group id cannot be reused.
func (p *Process) reap() {
	_ = p.cmd.Wait()
	p.mu.Lock()
	p.tree.kill()
	p.reaped = true
	p.mu.Unlock()
	untrack(p.tree.pgid)
}

// adoptOrphans does nothing on macOS (no subreaper): orphans go to launchd, which reaps.
func adoptOrphans() {}

// KillOrphans does nothing on macOS: without a subreaper a process that left its group is
// adopted by launchd, out of the grader's reach.
func KillOrphans() {}
