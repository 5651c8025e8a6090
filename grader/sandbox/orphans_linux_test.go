package sandbox

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// escape double-forks a process into a session of its own (setsid) that rewrites the
// file marker every 50 ms, waits until it has, and exits.
const escape = `(setsid /bin/sh -c 'while :; do echo alive > marker; sleep 0.05; done' &); while [ ! -e marker ]; do sleep 0.02; done; exit 0`

// TestSetsidGrandchildKilled: a process that left its group and its parent is killed once
// the submission ends — under bubblewrap (the pid namespace) and without it (the grader,
// a subreaper, kills its adopted orphans), as a root grader's nobody or as the grader's
// user. A second submission running meanwhile keeps its own workers.
func TestSetsidGrandchildKilled(t *testing.T) {
	for name, cfg := range map[string]Config{"default": {}, "nobwrap": {NoBwrap: true}, "keeproot": {NoBwrap: true, KeepRoot: true}} {
		t.Run(name, func(t *testing.T) {
			if name == "default" {
				if _, err := Bubblewrap(); err != nil {
					t.Skipf("no bubblewrap: %v", err)
				}
			}
			// A neighbour running all along, with an orphaned worker (the grader adopts it) in
			// its session.
			other := workDir(t)
			if err := os.Chmod(other, 0o777); err != nil {
				t.Fatal(err)
			}
			neighbour := exec.Command("/bin/sh", "-c", "(/bin/sh -c 'while :; do echo alive > marker; sleep 0.05; done' &); sleep 100")
			neighbour.Env = []string{"PATH=/usr/bin:/bin"}
			np, err := cfg.Start(neighbour, other)
			if err != nil {
				t.Fatal(err)
			}
			defer func() { np.Kill(); np.Wait() }()

			dir := workDir(t)
			cmd := exec.Command("/bin/sh", "-c", escape)
			cmd.Env = []string{"PATH=/usr/bin:/bin"}
			p, err := cfg.Start(cmd, dir)
			if err != nil {
				t.Fatal(err)
			}
			if why := p.Wait(); why != "exited with status 0" {
				t.Fatalf("Wait() = %q", why)
			}
			marker := filepath.Join(dir, "marker")
			if _, err := os.Stat(marker); err != nil {
				t.Fatalf("the escaping process never ran: %v", err)
			}
			os.Remove(marker)
			time.Sleep(500 * time.Millisecond)
			if _, err := os.Stat(marker); err == nil {
				t.Error("the setsid process outlived its submission: it wrote its marker again")
			}

			os.Remove(filepath.Join(other, "marker"))
			time.Sleep(500 * time.Millisecond)
			if _, err := os.Stat(filepath.Join(other, "marker")); err != nil {
				t.Errorf("the running neighbour's worker was killed: %v", err)
			}
		})
	}
}

// KillOrphans skips its scan only when the grader has no child at all: a running child, or
// one that has ended and is not yet reaped, counts (and is left for its owner to reap).
func TestHaveChildren(t *testing.T) {
	cmd := exec.Command("/bin/sh", "-c", "read line; exit 0") // runs until its stdin closes
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	if !haveChildren() {
		t.Error("haveChildren() = false with a child running")
	}
	stdin.Close()
	fd, err := unix.PidfdOpen(cmd.Process.Pid, 0)
	if err != nil {
		t.Skipf("no pidfd: %v", err)
	}
	defer unix.Close(fd)
	// Wait for the exit without reaping: the child is a zombie now.
	if _, err := unix.Poll([]unix.PollFd{{Fd: int32(fd), Events: unix.POLLIN}}, 10_000); err != nil {
		t.Fatal(err)
	}
	if !haveChildren() {
		t.Error("haveChildren() = false with an ended child not yet reaped")
	}
	if err := cmd.Wait(); err != nil {
		t.Errorf("the child was not left for its owner to reap: %v", err)
	}
}
