//go:build unix

package sandbox

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"syscall"

	"golang.org/x/sys/unix"
)

// treeWords names what Kill kills, for Isolation.String.
const treeWords = "own process group"

func (c Config) plan() Isolation {
	var iso Isolation
	if c.Disable {
		return iso
	}
	nobody := os.Geteuid() == 0 && !c.KeepRoot
	if nobody {
		iso.User = "nobody"
	}
	if !c.NoBwrap {
		_, err := bubblewrap(nobody)
		if err != nil && nobody {
			// No unprivileged namespaces for nobody: bubblewrap as root, without capabilities.
			if _, err2 := bubblewrap(false); err2 == nil {
				err, iso.User = nil, ""
				iso.Note = "runs as root without capabilities (bubblewrap works only for root here)"
			}
		}
		if err != nil {
			iso.Fallback = err.Error()
		} else {
			iso.Bwrap = true
		}
	}
	lim := c.limitList()
	if len(lim) > 0 {
		iso.limits = limitWords(lim)
		if (iso.Bwrap && gateOn()) || prlimitPath() != "" {
			iso.Limits = "prlimit" // inside bubblewrap the system call, else the program
		} else {
			iso.Limits = "ulimit"
		}
	}
	return iso
}

// apply configures cmd — its Path, Args, Dir and Env set, not yet started — to run
// isolated, with dir (the submission's own working copy, an absolute path) as its writable
// working directory: cmd.Path and cmd.Args become a wrapper command line (bwrap, or
// prlimit without it) that ends in the original one, and cmd.SysProcAttr asks for a new
// session. apply returns what it did, and inside bubblewrap the gate that sets the limits
// once cmd has started (Start opens it; the program does not run before). A root grader
// runs the command as nobody and gives dir (its contents included) to nobody; if nobody
// could not reach the program or dir (every ancestor must be searchable by others), the
// command keeps root and Isolation.Note says so.
func (c Config) apply(cmd *exec.Cmd, dir string) (Isolation, *limitGate, error) {
	if cmd.Err != nil {
		return Isolation{}, nil, cmd.Err
	}
	if cmd.SysProcAttr == nil {
		cmd.SysProcAttr = &unix.SysProcAttr{}
	}
	cmd.SysProcAttr.Setsid = true // own session, own process group (pgid = pid), no tty
	dieWithGrader(cmd.SysProcAttr)
	iso := c.plan()
	if c.Disable {
		return iso, nil, nil
	}
	if !filepath.IsAbs(dir) {
		return iso, nil, fmt.Errorf("sandbox: working directory %q is not absolute", dir)
	}
	if iso.User != "" {
		if why := nobodyCannotRun(cmd.Path, dir); why != "" {
			iso.User, iso.Note = "", "runs as root: "+why
			if iso.Bwrap {
				if _, err := bubblewrap(false); err != nil {
					iso.Bwrap, iso.Fallback = false, err.Error()
				}
			}
		}
	}
	if iso.Bwrap {
		if why := hidden(cmd.Path, dir, c.ReadOnly); why != "" {
			return iso, nil, errors.New(why)
		}
	}
	if iso.User != "" {
		cmd.SysProcAttr.Credential = nobodyCredential()
		if err := chownTree(dir, NobodyID, NobodyID); err != nil {
			return iso, nil, fmt.Errorf("sandbox: give %s to nobody: %w", dir, err)
		}
	}
	argv := append([]string{cmd.Path}, cmd.Args[1:]...)
	lim := c.limitList()
	var gate *limitGate
	if iso.Bwrap {
		var gateArgs []string
		if len(lim) > 0 {
			var err error
			if gate, gateArgs, err = newLimitGate(cmd, lim); err != nil {
				return iso, nil, err
			}
		}
		argv = bwrapCommand(argv, dir, c.ReadOnly, c.ReadWrite, iso.User != "", gateArgs...)
	}
	switch {
	case len(lim) == 0 || gate != nil:
	case prlimitPath() != "":
		pre := []string{prlimitPath()}
		for _, l := range lim {
			pre = append(pre, fmt.Sprintf("--%s=%s:%s", l.prlimit, limitValue(l.soft), limitValue(l.hard)))
		}
		argv = append(append(pre, "--"), argv...)
	default:
		argv = append([]string{"/bin/sh", "-c", ulimitScript(lim), "sh"}, argv...)
	}
	cmd.Path, cmd.Args = argv[0], argv
	if cmd.Dir == "" {
		cmd.Dir = dir
	}
	return iso, gate, nil
}

// KillGroup sends SIGKILL to the process group pgid (the pid of a process Start
// started). A group that is gone already is not an error.
func KillGroup(pgid int) error {
	if pgid <= 1 {
		return fmt.Errorf("sandbox: refusing to kill process group %d", pgid)
	}
	err := unix.Kill(-pgid, unix.SIGKILL)
	if errors.Is(err, unix.ESRCH) {
		return nil
	}
	return err
}

// tree is a process group.
type tree struct{ pgid int }

// startTree starts cmd (Apply asked for a new session: the process leads its own group).
func (c Config) startTree(cmd *exec.Cmd) (tree, error) {
	adoptOrphans()
	if err := startTracked(cmd); err != nil {
		return tree{}, err
	}
	return tree{pgid: cmd.Process.Pid}, nil
}

// tracked holds the processes started in a session of their own (Start's, the bubblewrap
// probe) that have not been reaped: processes of their sessions are theirs, not orphans
// for KillOrphans. Its lock also keeps KillOrphans from seeing a process between its
// start and its tracking.
var tracked = struct {
	sync.Mutex
	live map[int]bool // pid (= session id) → running
}{live: map[int]bool{}}

// startTracked starts cmd, which asked for a session of its own, and tracks it until untrack.
func startTracked(cmd *exec.Cmd) error {
	tracked.Lock()
	defer tracked.Unlock()
	if err := cmd.Start(); err != nil {
		return err
	}
	tracked.live[cmd.Process.Pid] = true
	return nil
}

// untrack forgets a reaped process.
func untrack(pid int) {
	tracked.Lock()
	delete(tracked.live, pid)
	tracked.Unlock()
}

func (t tree) kill() { _ = KillGroup(t.pgid) }

// exitReason says how the process ended. Inside bubblewrap, a program killed by signal n
// makes bwrap exit with 128+n.
func exitReason(st *os.ProcessState, iso Isolation) string {
	ws, _ := st.Sys().(syscall.WaitStatus)
	var sig unix.Signal
	switch {
	case ws.Signaled():
		sig = ws.Signal()
	case iso.Bwrap && ws.ExitStatus() > 128 && ws.ExitStatus() < 128+65:
		sig = unix.Signal(ws.ExitStatus() - 128)
	default:
		return fmt.Sprintf("exited with status %d", ws.ExitStatus())
	}
	switch sig {
	case unix.SIGXCPU:
		return "was killed by SIGXCPU (it used up its CPU time limit)"
	case unix.SIGKILL:
		return "was killed by SIGKILL (out of memory?)"
	case unix.SIGXFSZ:
		return "was killed by SIGXFSZ (it wrote a file over the size limit)"
	}
	return fmt.Sprintf("was killed by signal %d (%s)", int(sig), unix.SignalName(sig))
}

// nobodyCannotRun says why nobody could not run the program at path in dir, or "".
// Only the permission bits for others count (nobody is in no group of consequence).
func nobodyCannotRun(path, dir string) string {
	if !filepath.IsAbs(path) {
		path = filepath.Join(dir, path) // run from dir: the copy, given to nobody
	}
	if reach := othersCanReach(filepath.Dir(dir)); reach != "" {
		return reach + " is not searchable by nobody"
	}
	real, err := filepath.EvalSymlinks(path)
	if err != nil {
		return "" // let the start fail and say why
	}
	if under(real, dir) {
		return ""
	}
	if reach := othersCanReach(filepath.Dir(real)); reach != "" {
		return reach + " is not searchable by nobody"
	}
	if fi, err := os.Stat(real); err == nil && fi.Mode().Perm()&0o001 == 0 {
		return real + " is not executable by nobody"
	}
	return ""
}

// othersCanReach returns the first directory from / down to dir that others may not
// search, or "".
func othersCanReach(dir string) string {
	var chain []string
	for d := filepath.Clean(dir); ; d = filepath.Dir(d) {
		chain = append(chain, d)
		if d == "/" || d == "." {
			break
		}
	}
	for i := len(chain) - 1; i >= 0; i-- {
		fi, err := os.Stat(chain[i])
		if err != nil {
			return ""
		}
		if fi.Mode().Perm()&0o001 == 0 {
			return chain[i]
		}
	}
	return ""
}

// chownTree gives the working copy dir to uid. It refuses a folder that cannot be a
// working copy — a file-system root, the temporary folder itself, the home folder, or a
// folder holding the grader's own working directory — rather than give it away.
func chownTree(dir string, uid, gid int) error {
	dir = filepath.Clean(dir)
	home, _ := os.UserHomeDir()
	wd, _ := os.Getwd()
	if dir == filepath.Dir(dir) || dir == filepath.Clean(os.TempDir()) || dir == home || (wd != "" && under(wd, dir)) {
		return fmt.Errorf("%s is not a working copy of its own", dir)
	}
	return filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		return os.Lchown(p, uid, gid)
	})
}

func nobodyCredential() *syscall.Credential {
	return &syscall.Credential{Uid: NobodyID, Gid: NobodyID, Groups: []uint32{}}
}

// Alive reports whether a process with this pid exists (it may belong to another user).
func Alive(pid int) bool {
	err := unix.Kill(pid, 0)
	return err == nil || errors.Is(err, unix.EPERM)
}
