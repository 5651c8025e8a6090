package sandbox

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
)

// Defaults of the zero Config.
const (
	DefaultCPUSeconds  = 600      // CPU seconds over the whole life of one process
	DefaultMemoryBytes = 4 << 30  // address space (RLIMIT_AS)
	DefaultProcesses   = 512      // processes and threads of the user (RLIMIT_NPROC)
	DefaultFileBytes   = 64 << 20 // largest file the program may write (RLIMIT_FSIZE)
)

// NobodyID is the user and group id a root grader switches to without bubblewrap.
const NobodyID = 65534

// Config says how to isolate a submission's process. The zero Config means the documented
// defaults: bubblewrap where it works, the default limits, nobody instead of root where
// bubblewrap does not work.
type Config struct {
	// Disable turns off every isolation but the process group: no limits, no bubblewrap,
	// no user switch. For trusted code (the instructor's own solution) and debugging.
	Disable bool
	// NoBwrap never uses bubblewrap, even where it works.
	NoBwrap bool

	// Resource limits: zero means the default above, a negative value means no limit
	// (the grader's own limit is inherited).
	CPUSeconds  int   // RLIMIT_CPU: SIGXCPU at this many CPU seconds, SIGKILL 2 s later
	MemoryBytes int64 // RLIMIT_AS: address space
	Processes   int   // RLIMIT_NPROC: per user, so shared by parallel submissions; not enforced for root
	FileBytes   int64 // RLIMIT_FSIZE: largest file written

	// ReadOnly lists the host folders of the configured interpreters and toolchains, made
	// visible read-only inside bubblewrap (see InstallDirs); nothing else outside the
	// system folders is, but for the submission's own working copy.
	ReadOnly []string
	// ReadWrite lists host folders made visible and writable inside bubblewrap, besides the
	// working copy: for the grader's own tools only (the Go build's cache), never for a
	// submission's program. Without bubblewrap every folder is as the grader's user sees it.
	ReadWrite []string
	// KeepRoot keeps a root grader's user id for the submission instead of switching to
	// nobody. Apply keeps it anyway, and says so, when nobody could not reach the program
	// or the working directory (a pyenv Python under /root).
	KeepRoot bool
}

// Isolation is what Apply did to one command (or, from Describe, what it would do).
type Isolation struct {
	Bwrap  bool   // runs inside bubblewrap
	Limits string // how limits are set: "prlimit", "ulimit", or "" for none
	User   string // the user switched to ("nobody"), or "" for the grader's own
	// Fallback says why bubblewrap is not used although the Config allows it.
	Fallback string
	// Note says why a root grader's submission runs as root ("" otherwise).
	Note string

	limits string // the limits in words
}

// String describes the isolation in one line, for logs and reports:
//
//	bubblewrap (read-only system, private /tmp, no network, own pid namespace); limits via prlimit (…); own process group
func (i Isolation) String() string {
	var parts []string
	if i.Bwrap {
		parts = append(parts, "bubblewrap (read-only system, own working copy, private /tmp, no network, own pid namespace)")
	} else if i.Fallback != "" {
		parts = append(parts, "no bubblewrap ("+i.Fallback+")")
	}
	if i.Limits != "" {
		parts = append(parts, "limits via "+i.Limits+" ("+i.limits+")")
	}
	if i.User != "" {
		parts = append(parts, "user "+i.User)
	} else if i.Note != "" {
		parts = append(parts, i.Note)
	}
	parts = append(parts, treeWords)
	return strings.Join(parts, "; ")
}

// Describe says which isolation Start would use on this machine.
func (c Config) Describe() string {
	return c.plan().String()
}

// Process is a program started by Config.Start: isolated, and killed as a whole tree (its
// process group on Unix, its job object on Windows).
type Process struct {
	cmd   *exec.Cmd
	iso   Isolation
	tree  tree          // what Kill kills (per OS)
	done  chan struct{} // closed once the process has ended and been reaped
	state *os.ProcessState

	mu     sync.Mutex
	reaped bool // the tree may not be killed any more (its id may be reused)
}

// Start isolates cmd — its Path, Args, Dir, Env and standard files set, not yet started —
// with dir (the submission's own working copy, an absolute path) as its writable working
// directory, and starts it. The process is reaped in the background: Done is closed when
// it has ended, and whatever it left running in its tree has been killed by then.
func (c Config) Start(cmd *exec.Cmd, dir string) (*Process, error) {
	spare := cloneCmd(cmd)
	p, err := c.start(cmd, dir)
	if errors.Is(err, errGate) {
		// The limits could not be set inside bubblewrap (the program never ran): once
		// more, the other way. The gate stays off.
		return c.start(spare, dir)
	}
	return p, err
}

func (c Config) start(cmd *exec.Cmd, dir string) (*Process, error) {
	iso, gate, err := c.apply(cmd, dir)
	if err != nil {
		return nil, err
	}
	p := &Process{cmd: cmd, iso: iso, done: make(chan struct{})}
	p.tree, err = c.startTree(cmd)
	if err != nil {
		gate.close()
		return nil, err
	}
	gate.started()
	go func() {
		p.reap()
		p.state = cmd.ProcessState
		close(p.done)
	}()
	if err := gate.open(p); err != nil {
		return nil, err
	}
	return p, nil
}

// WarmUp makes, in the background and once per grader process, the check Go's os package
// makes before its first process start: on Linux it starts and waits for a child of its
// own to see whether process handles (pidfds) work. Called as a submission's start
// begins, that overlaps making its working copy instead of delaying its sandbox.
func WarmUp() {
	warmOnce.Do(func() {
		go func() {
			if p, err := os.FindProcess(os.Getpid()); err == nil {
				p.Release()
			}
		}()
	})
}

var warmOnce sync.Once

// cloneCmd copies a command that has not started, for a second attempt.
func cloneCmd(cmd *exec.Cmd) *exec.Cmd {
	c := &exec.Cmd{Path: cmd.Path, Args: slices.Clone(cmd.Args), Env: cmd.Env, Dir: cmd.Dir, Err: cmd.Err,
		Stdin: cmd.Stdin, Stdout: cmd.Stdout, Stderr: cmd.Stderr, ExtraFiles: slices.Clone(cmd.ExtraFiles)}
	if cmd.SysProcAttr != nil {
		attr := *cmd.SysProcAttr
		c.SysProcAttr = &attr
	}
	return c
}

// Pid is the process id of the started program (or of its wrapper: bwrap, prlimit).
func (p *Process) Pid() int { return p.cmd.Process.Pid }

// Isolation says what isolates the process.
func (p *Process) Isolation() Isolation { return p.iso }

// Done is closed when the process has ended and been reaped.
func (p *Process) Done() <-chan struct{} { return p.done }

// Kill kills the whole tree at once. It is safe at any time, also after the end.
func (p *Process) Kill() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if !p.reaped {
		p.tree.kill()
	}
}

// Wait waits for Done and says why the process ended: "exited with status 3", "was killed
// by SIGXCPU (it used up its CPU time limit)".
func (p *Process) Wait() string {
	<-p.done
	if p.state == nil {
		return "ended"
	}
	return exitReason(p.state, p.iso)
}

// pick returns the configured limit v, def for zero, or -1 (none) for a negative v.
func pick(v, def int64) int64 {
	switch {
	case v < 0:
		return -1
	case v == 0:
		return def
	}
	return v
}

// systemDirs are bound read-only (or re-created as the same symbolic links) in bubblewrap.
var systemDirs = []string{"/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32", "/etc"}

// InstallDirs returns the installation folders of a configured interpreter or toolchain
// (never of a program a submission names) that lie outside the system folders, for
// Config.ReadOnly: for …/prefix/bin/prog, the prefix; else prog's folder. It looks at the
// path as given and at the file it resolves to (a virtualenv's python links to its base
// interpreter). It never returns / or the home folder.
func InstallDirs(path string) []string {
	if !filepath.IsAbs(path) {
		return nil
	}
	paths := []string{path}
	if real, err := filepath.EvalSymlinks(path); err == nil && real != path {
		paths = append(paths, real)
	}
	home, _ := os.UserHomeDir()
	var out []string
	for _, p := range paths {
		if underAny(p, systemDirs) {
			continue
		}
		d := filepath.Dir(p)
		if filepath.Base(d) == "bin" {
			if prefix := filepath.Dir(d); prefix != filepath.Dir(prefix) && prefix != home {
				d = prefix
			}
		}
		if d == filepath.Dir(d) {
			continue
		}
		out = append(out, d)
	}
	return out
}

func under(p, dir string) bool {
	p, dir = filepath.Clean(p), filepath.Clean(dir)
	if p == dir {
		return true
	}
	rel, err := filepath.Rel(dir, p)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) && !filepath.IsAbs(rel)
}

func underAny(p string, dirs []string) bool {
	for _, d := range dirs {
		if under(p, d) {
			return true
		}
	}
	return false
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}

func byteSize(n int64) string {
	switch {
	case n >= 1<<30 && n%(1<<30) == 0:
		return fmt.Sprintf("%d GiB", n>>30)
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d B", n)
}
