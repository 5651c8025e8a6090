package sandbox

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"golang.org/x/sys/unix"
)

// bwrapArgs makes the system folders and readOnly (the configured interpreters and
// toolchains; never a folder holding dir, where other working copies live) visible
// read-only, and dir writable.
func bwrapArgs(dir string, readOnly []string) []string {
	args := []string{"--unshare-all", "--die-with-parent", "--cap-drop", "ALL"}
	for _, d := range systemDirs {
		fi, err := os.Lstat(d)
		switch {
		case err != nil:
		case fi.Mode()&fs.ModeSymlink != 0:
			if target, err := os.Readlink(d); err == nil {
				args = append(args, "--symlink", target, d)
			}
		case fi.IsDir():
			args = append(args, "--ro-bind", d, d)
		}
	}
	args = append(args, "--proc", "/proc", "--dev", "/dev", "--tmpfs", "/tmp")
	seen := map[string]bool{}
	for _, p := range readOnly {
		p = filepath.Clean(p)
		if seen[p] || underAny(p, systemDirs) || under(dir, p) {
			continue
		}
		if _, err := os.Stat(p); err != nil {
			continue
		}
		seen[p] = true
		args = append(args, "--ro-bind", p, p)
	}
	args = append(args, "--bind", dir, dir, "--chdir", dir)
	return args
}

type probeResult struct {
	path string
	err  error
}

// bwrapProbes holds the probes as the grader's own user and as nobody.
var bwrapProbes = [2]func() probeResult{
	sync.OnceValue(func() probeResult { p, err := cachedProbe(false, probeBwrap); return probeResult{p, err} }),
	sync.OnceValue(func() probeResult { p, err := cachedProbe(true, probeBwrap); return probeResult{p, err} }),
}

// Bubblewrap returns the path of a bwrap that works here for the user Apply runs it as
// (nobody for a root grader, falling back to root), or why there is none. It probes once
// per process by running `true` in a sandbox made as Apply makes them: bwrap may be
// installed but unable to create namespaces, e.g. in an unprivileged container.
func Bubblewrap() (string, error) {
	if os.Geteuid() == 0 {
		if p, err := bubblewrap(true); err == nil {
			return p, nil
		}
	}
	return bubblewrap(false)
}

func bubblewrap(asNobody bool) (string, error) {
	i := 0
	if asNobody {
		i = 1
	}
	r := bwrapProbes[i]()
	return r.path, r.err
}

func probeBwrap(asNobody bool) (string, error) {
	path, err := exec.LookPath("bwrap")
	if err != nil {
		return "", errors.New("bwrap is not installed")
	}
	truePath, err := exec.LookPath("true")
	if err != nil {
		return "", errors.New("no `true` program to probe bwrap with")
	}
	dir, err := os.MkdirTemp("", "optgrade-probe-")
	if err != nil {
		return "", fmt.Errorf("probe bwrap: %w", err)
	}
	defer os.RemoveAll(dir)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	args := append(bwrapArgs(dir, nil), "--", truePath)
	cmd := exec.CommandContext(ctx, path, args...)
	cmd.SysProcAttr = &unix.SysProcAttr{Setsid: true}
	if asNobody {
		if err := os.Chmod(dir, 0o777); err != nil {
			return "", fmt.Errorf("probe bwrap: %w", err)
		}
		cmd.SysProcAttr.Credential = nobodyCredential()
	}
	var buf bytes.Buffer
	cmd.Stdout, cmd.Stderr = &buf, &buf
	adoptOrphans()
	err = startTracked(cmd)
	if err == nil {
		err = cmd.Wait()
		_ = KillGroup(cmd.Process.Pid)
		reapGroup(cmd.Process.Pid)
		untrack(cmd.Process.Pid)
	}
	out := buf.Bytes()
	if err != nil {
		msg := strings.TrimSpace(string(out))
		if msg == "" {
			msg = err.Error()
		}
		return "", fmt.Errorf("bwrap does not work here: %s%s", firstLine(msg), namespaceHint(msg))
	}
	return path, nil
}

// bwrapCommand wraps argv in bubblewrap: dir and readWrite writable, the system and
// readOnly visible.
func bwrapCommand(argv []string, dir string, readOnly, readWrite []string, asNobody bool) []string {
	bwrap, _ := bubblewrap(asNobody)
	var rw []string
	for _, p := range readWrite {
		if fi, err := os.Stat(p); err == nil && fi.IsDir() {
			rw = append(rw, "--bind", filepath.Clean(p), filepath.Clean(p))
		}
	}
	return slices.Concat([]string{bwrap}, bwrapArgs(dir, readOnly), rw, []string{"--"}, argv)
}

// dieWithGrader asks the kernel to kill the process when the grader's thread that started
// it ends.
func dieWithGrader(a *unix.SysProcAttr) { a.Pdeathsig = unix.SIGKILL }

// reap waits for the process to exit without reaping it (waitid with WNOWAIT), so that its
// process group id stays reserved while it kills whatever is left of the group, then reaps.
func (p *Process) reap() {
	var info unix.Siginfo
	for {
		err := unix.Waitid(unix.P_PID, p.cmd.Process.Pid, &info, unix.WEXITED|unix.WNOWAIT, nil)
		if err != unix.EINTR {
			break
		}
	}
	p.mu.Lock()
	p.tree.kill()
	p.reaped = true
	p.mu.Unlock()
	_ = p.cmd.Wait()
	reapGroup(p.tree.pgid)
	untrack(p.tree.pgid)
	KillOrphans()
}

var subreaper sync.Once

// adoptOrphans makes the grader the reaper of its descendants' orphans. bubblewrap's
// outer process exits without reaping the sandbox's init, which then waits, a zombie, for
// whoever adopts it; by default that is the machine's init, which in a container may never
// reap. Adopted, it is reaped by reapGroup.
func adoptOrphans() {
	subreaper.Do(func() { _ = unix.Prctl(unix.PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) })
}

// reapGroup reaps the grader's children left in process group pgid: adopted orphans of
// a group whose leader is gone (bubblewrap's init outlives its parent by a moment). It
// waits until none is left, at most a second.
func reapGroup(pgid int) {
	deadline := time.Now().Add(time.Second)
	for {
		var ws unix.WaitStatus
		pid, err := unix.Wait4(-pgid, &ws, unix.WNOHANG, nil)
		switch {
		case err == unix.EINTR || pid > 0:
			continue
		case err != nil || time.Now().After(deadline):
			return // ECHILD: none left
		}
		time.Sleep(2 * time.Millisecond)
	}
}

// namespaceHint says what to do when bwrap failed for want of user namespaces: Ubuntu
// 24.04 restricts them with AppArmor, and containers often forbid them.
func namespaceHint(msg string) string {
	for _, sign := range []string{"uid map", "namespace", "Operation not permitted", "Permission denied"} {
		if strings.Contains(msg, sign) {
			return " (unprivileged user namespaces are restricted here. On Ubuntu 24.04 allow them for bwrap with an AppArmor profile, or `sudo sysctl -w kernel.apparmor_restrict_unprivileged_userns=0`; in a container, allow user namespaces or run the grader as root; or use --sandbox none)"
		}
	}
	return ""
}

// hidden says why bubblewrap would not show the program at path (cmd.Path), or "". What
// the sandbox shows is the grader's choice — the system folders, the working copy dir and
// readOnly — never the folder of whatever program a submission's run names.
func hidden(path, dir string, readOnly []string) string {
	if !filepath.IsAbs(path) {
		return "" // run from the working copy
	}
	paths := []string{path}
	if real, err := filepath.EvalSymlinks(path); err == nil && real != path {
		paths = append(paths, real)
	}
	for _, p := range paths {
		if !underAny(p, systemDirs) && !under(p, dir) && !underAny(p, readOnly) {
			return fmt.Sprintf("sandbox: %s is outside what the sandbox shows (the system folders, the submission's own copy and the configured interpreters): run a program inside the submission folder (./prog), one under /usr, or python3", path)
		}
	}
	return ""
}
