package sandbox

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
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
// readOnly visible; extra are more bwrap options.
func bwrapCommand(argv []string, dir string, readOnly, readWrite []string, asNobody bool, extra ...string) []string {
	bwrap, _ := bubblewrap(asNobody)
	var rw []string
	for _, p := range readWrite {
		if fi, err := os.Stat(p); err == nil && fi.IsDir() {
			rw = append(rw, "--bind", filepath.Clean(p), filepath.Clean(p))
		}
	}
	return slices.Concat([]string{bwrap}, bwrapArgs(dir, readOnly), rw, extra, []string{"--"}, argv)
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
	pause := minPause
	for {
		var ws unix.WaitStatus
		pid, err := unix.Wait4(-pgid, &ws, unix.WNOHANG, nil)
		switch {
		case err == unix.EINTR || pid > 0:
			continue
		case err != nil || time.Now().After(deadline):
			return // ECHILD: none left
		}
		time.Sleep(pause)
		pause = min(2*pause, maxPause)
	}
}

// The waits for a killed process to end poll, from minPause doubling up to maxPause: it
// is usually gone within a few milliseconds (bubblewrap's init tears its namespaces down
// after its parent has ended), and a fixed 2 ms pause kept every check waiting up to 2 ms
// longer than that.
const (
	minPause = 50 * time.Microsecond
	maxPause = 500 * time.Microsecond
)

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

// limitGate sets the resource limits inside bubblewrap without a wrapper process (an exec
// of prlimit(1) before bwrap was a fixed cost of every start). bwrap reports the pid of
// its sandbox's first process (--info-fd) and holds that process, before it starts
// anything of the submission, until a byte arrives (--block-fd); the grader sets the
// limits of that process with prlimit(2) meanwhile, and every process of the submission
// inherits them. The gate is opened only once every limit is set: on any failure the
// sandbox is killed first, and Start falls back to the prlimit program.
type limitGate struct {
	lim         []limit
	cred        *syscall.Credential // the sandbox's user when it is not the grader's, else nil
	info, block *os.File            // the grader's ends: bwrap's report, the byte that releases it
	theirs      [2]*os.File         // bwrap's ends, closed in the grader once it has started
}

// gateOff is set once the gate failed here: later starts use the prlimit program.
var gateOff atomic.Bool

// gateOn says whether limits inside bubblewrap are set through the gate.
func gateOn() bool { return !gateOff.Load() }

// errGate wraps why the gate could not set the limits.
var errGate = errors.New("sandbox: could not set the resource limits inside bubblewrap")

const (
	gateTimeout = 10 * time.Second // the wait for bwrap's report
	// permWait is how long prlimit(2) is retried on EPERM: a setuid bwrap reports its
	// child before the child drops its privileges.
	permWait = time.Second
)

// newLimitGate passes two pipes to cmd and returns the bwrap options that use them, or
// nil when the gate is off here.
func newLimitGate(cmd *exec.Cmd, lim []limit) (*limitGate, []string, error) {
	if gateOff.Load() {
		return nil, nil, nil
	}
	infoR, infoW, err := os.Pipe()
	if err != nil {
		return nil, nil, fmt.Errorf("sandbox: %w", err)
	}
	blockR, blockW, err := os.Pipe()
	if err != nil {
		infoR.Close()
		infoW.Close()
		return nil, nil, fmt.Errorf("sandbox: %w", err)
	}
	fd := 3 + len(cmd.ExtraFiles)
	cmd.ExtraFiles = append(cmd.ExtraFiles, infoW, blockR)
	g := &limitGate{lim: lim, info: infoR, block: blockW, theirs: [2]*os.File{infoW, blockR}}
	if c := cmd.SysProcAttr.Credential; c != nil && int(c.Uid) != os.Geteuid() {
		g.cred = c
	}
	return g, []string{"--info-fd", strconv.Itoa(fd), "--block-fd", strconv.Itoa(fd + 1)}, nil
}

// started closes bwrap's ends of the pipes in the grader (cmd has started, or failed to).
func (g *limitGate) started() {
	if g != nil {
		g.theirs[0].Close()
		g.theirs[1].Close()
	}
}

// close closes every end (the start failed: nothing waits at the gate).
func (g *limitGate) close() {
	if g != nil {
		g.started()
		g.info.Close()
		g.block.Close()
	}
}

// open sets the limits of p's sandbox and lets it run the program. When bwrap ended
// without starting a sandbox (its own complaint is on the program's stderr), there is
// nothing to limit, and p has ended. On an error (errGate) p has been killed and reaped,
// and the gate is off for later starts.
func (g *limitGate) open(p *Process) error {
	if g == nil {
		return nil
	}
	defer g.block.Close() // last: only an open gate, or a dead sandbox, may see it closed
	pid, err := g.childPid()
	if errors.Is(err, io.EOF) {
		// bwrap is ending: once it has, the reaper has killed the group and with it
		// anything bwrap left.
		select {
		case <-p.Done():
		case <-time.After(gateTimeout):
			p.Kill()
			<-p.Done()
		}
		return nil
	}
	if err == nil {
		err = g.setLimits(pid)
	}
	if err == nil {
		if _, werr := g.block.Write([]byte{1}); werr != nil && !errors.Is(werr, unix.EPIPE) {
			err = werr // EPIPE: the sandbox is gone already, and p says why
		}
	}
	if err != nil {
		p.Kill()
		<-p.Done()
		gateOff.Store(true)
		return fmt.Errorf("%w: %v", errGate, err)
	}
	return nil
}

// childPid reads bwrap's report: {"child-pid": N, …}. io.EOF means bwrap closed it
// without a word (it ended).
func (g *limitGate) childPid() (int, error) {
	defer g.info.Close()
	_ = g.info.SetReadDeadline(time.Now().Add(gateTimeout))
	var info struct {
		Pid int `json:"child-pid"`
	}
	if err := json.NewDecoder(io.LimitReader(g.info, 64<<10)).Decode(&info); err != nil {
		return 0, err
	}
	if info.Pid <= 1 {
		return 0, errors.New("bwrap reported no child pid")
	}
	return info.Pid, nil
}

// setLimits sets the limits of process pid. prlimit(2) needs the caller's user and group
// ids to be the target's, or CAP_SYS_RESOURCE: for a sandbox that runs as nobody, a root
// grader (which may lack that capability in a container) calls it from a thread that
// switches to nobody's real and effective ids for the call, keeping root as its saved
// id, and switches back — that thread only (raw system calls), locked to its goroutine
// meanwhile. A thread that could not switch back is never given back to the runtime (nor
// ended: a process it started would get its parent-death signal).
func (g *limitGate) setLimits(pid int) error {
	if g.cred == nil {
		return prlimitAll(pid, g.lim)
	}
	done := make(chan error, 1)
	go func() {
		runtime.LockOSThread()
		ruid, euid, _ := unix.Getresuid()
		rgid, egid, _ := unix.Getresgid()
		uid, gid := uintptr(g.cred.Uid), uintptr(g.cred.Gid)
		if _, _, e := unix.RawSyscall(unix.SYS_SETRESGID, gid, gid, uintptr(egid)); e != 0 {
			runtime.UnlockOSThread() // nothing changed
			done <- fmt.Errorf("setresgid: %w", e)
			return
		}
		var err error
		if _, _, e := unix.RawSyscall(unix.SYS_SETRESUID, uid, uid, uintptr(euid)); e != 0 {
			err = fmt.Errorf("setresuid: %w", e)
		} else {
			err = prlimitAll(pid, g.lim)
		}
		_, _, e1 := unix.RawSyscall(unix.SYS_SETRESUID, uintptr(ruid), uintptr(euid), uintptr(euid))
		_, _, e2 := unix.RawSyscall(unix.SYS_SETRESGID, uintptr(rgid), uintptr(egid), uintptr(egid))
		done <- err
		if e1 != 0 || e2 != 0 {
			select {} // keep the thread out of use
		}
		runtime.UnlockOSThread()
	}()
	return <-done
}

// prlimit is prlimit(2); a variable so that tests can make it fail.
var prlimit = unix.Prlimit

func prlimitAll(pid int, lim []limit) error {
	deadline := time.Now().Add(permWait)
	for _, l := range lim {
		rl := unix.Rlimit{Cur: rlimValue(l.soft), Max: rlimValue(l.hard)}
		for {
			err := prlimit(pid, l.resource, &rl, nil)
			if err == unix.EINTR || (err == unix.EPERM && time.Now().Before(deadline)) {
				time.Sleep(time.Millisecond)
				continue
			}
			if err != nil {
				return fmt.Errorf("prlimit %s: %w", l.words, err)
			}
			break
		}
	}
	return nil
}

func rlimValue(v int64) uint64 {
	if v < 0 {
		return unix.RLIM_INFINITY
	}
	return uint64(v)
}
