package sandbox

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
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

	// ReadOnly lists more host paths to make visible, read-only, inside bubblewrap (an
	// interpreter's installation that Apply does not find by itself).
	ReadOnly []string
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
	parts = append(parts, "own process group")
	return strings.Join(parts, "; ")
}

// Describe says which isolation Apply would use on this machine.
func (c Config) Describe() string {
	return c.plan().String()
}

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
		if prlimitPath() != "" {
			iso.Limits = "prlimit"
		} else {
			iso.Limits = "ulimit"
		}
	}
	return iso
}

// Apply configures cmd — its Path, Args, Dir and Env set, not yet started — to run
// isolated, with dir (the submission's own working copy, an absolute path) as its writable
// working directory: cmd.Path and cmd.Args become a wrapper command line (prlimit, bwrap)
// that ends in the original one, and cmd.SysProcAttr asks for a new session. Apply
// returns what it did. A root grader runs the command as nobody and gives dir (its
// contents included) to nobody; if nobody could not reach the program or dir (every
// ancestor must be searchable by others), the command keeps root and Isolation.Note says so.
func (c Config) Apply(cmd *exec.Cmd, dir string) (Isolation, error) {
	if cmd.Err != nil {
		return Isolation{}, cmd.Err
	}
	if cmd.SysProcAttr == nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{}
	}
	cmd.SysProcAttr.Setsid = true // own session, own process group (pgid = pid), no tty
	cmd.SysProcAttr.Pdeathsig = syscall.SIGKILL
	iso := c.plan()
	if c.Disable {
		return iso, nil
	}
	if !filepath.IsAbs(dir) {
		return iso, fmt.Errorf("sandbox: working directory %q is not absolute", dir)
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
	argv := append([]string{cmd.Path}, cmd.Args[1:]...)
	if iso.Bwrap {
		bwrap, _ := bubblewrap(iso.User != "")
		bargs := bwrapArgs(dir, slices.Concat(c.ReadOnly, interpreterDirs(cmd.Path, dir)))
		argv = append(append(append([]string{bwrap}, bargs...), "--"), argv...)
	}
	if lim := c.limitList(); len(lim) > 0 {
		if p := prlimitPath(); p != "" {
			pre := []string{p}
			for _, l := range lim {
				pre = append(pre, fmt.Sprintf("--%s=%s:%s", l.prlimit, limitValue(l.soft), limitValue(l.hard)))
			}
			argv = append(append(pre, "--"), argv...)
		} else {
			argv = append([]string{"/bin/sh", "-c", ulimitScript(lim), "sh"}, argv...)
		}
	}
	if iso.User != "" {
		cmd.SysProcAttr.Credential = &syscall.Credential{Uid: NobodyID, Gid: NobodyID, Groups: []uint32{}}
		if err := chownTree(dir, NobodyID, NobodyID); err != nil {
			return iso, fmt.Errorf("sandbox: give %s to nobody: %w", dir, err)
		}
	}
	cmd.Path, cmd.Args = argv[0], argv
	if cmd.Dir == "" {
		cmd.Dir = dir
	}
	return iso, nil
}

// KillGroup sends SIGKILL to the process group pgid (the pid of a process Apply
// configured). A group that is gone already is not an error.
func KillGroup(pgid int) error {
	if pgid <= 1 {
		return fmt.Errorf("sandbox: refusing to kill process group %d", pgid)
	}
	err := syscall.Kill(-pgid, syscall.SIGKILL)
	if errors.Is(err, syscall.ESRCH) {
		return nil
	}
	return err
}

// systemDirs are bound read-only (or re-created as the same symbolic links) in bubblewrap.
var systemDirs = []string{"/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32", "/etc"}

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
		if seen[p] || underAny(p, systemDirs) {
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

// interpreterDirs returns the installation directories of the program at path that lie
// outside the system directories: for …/prefix/bin/prog, the prefix; else prog's directory.
// It looks at the path as given and at the file it resolves to (a virtualenv's python links
// to its base interpreter). It never returns / or a directory holding dir.
func interpreterDirs(path, dir string) []string {
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
		if underAny(p, systemDirs) || under(p, dir) {
			continue
		}
		d := filepath.Dir(p)
		if filepath.Base(d) == "bin" {
			if prefix := filepath.Dir(d); prefix != "/" && prefix != home && !under(dir, prefix) {
				d = prefix
			}
		}
		if d == "/" || under(dir, d) {
			continue
		}
		out = append(out, d)
	}
	return out
}

func under(p, dir string) bool {
	return p == dir || strings.HasPrefix(p, strings.TrimSuffix(dir, "/")+"/")
}

func underAny(p string, dirs []string) bool {
	for _, d := range dirs {
		if under(p, d) {
			return true
		}
	}
	return false
}

type probeResult struct {
	path string
	err  error
}

// bwrapProbes holds the probes as the grader's own user and as nobody.
var bwrapProbes = [2]func() probeResult{
	sync.OnceValue(func() probeResult { p, err := probeBwrap(false); return probeResult{p, err} }),
	sync.OnceValue(func() probeResult { p, err := probeBwrap(true); return probeResult{p, err} }),
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
	if asNobody {
		if err := os.Chmod(dir, 0o777); err != nil {
			return "", fmt.Errorf("probe bwrap: %w", err)
		}
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: NobodyID, Gid: NobodyID, Groups: []uint32{}}}
	}
	out, err := cmd.CombinedOutput()
	if err != nil {
		msg := strings.TrimSpace(string(out))
		if msg == "" {
			msg = err.Error()
		}
		return "", fmt.Errorf("bwrap does not work here: %s", firstLine(msg))
	}
	return path, nil
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}

var prlimitLookup = sync.OnceValue(func() string {
	for _, p := range []string{"/usr/bin/prlimit", "/bin/prlimit"} {
		if fi, err := os.Stat(p); err == nil && fi.Mode().IsRegular() && fi.Mode()&0o111 != 0 {
			return p
		}
	}
	return ""
})

// prlimitPath is the prlimit program to use, "" for the shell's ulimit; a variable so that
// tests cover both.
var prlimitPath = prlimitLookup

type limit struct {
	prlimit    string // prlimit's option name
	ulimit     string // the shell's ulimit flag(s)
	words      string
	unit       int64 // ulimit's unit in bytes (1 for counts and seconds)
	resource   int   // RLIMIT_*
	soft, hard int64 // -1 means unlimited
}

// limitList returns the limits to set: the configured (or default) values, never above
// the grader's own hard limits (which an unprivileged process could not raise), and no
// core files.
func (c Config) limitList() []limit {
	pick := func(v, def int64) int64 {
		switch {
		case v < 0:
			return -1
		case v == 0:
			return def
		}
		return v
	}
	var out []limit
	add := func(l limit) {
		if l.soft < 0 {
			return
		}
		var cur syscall.Rlimit
		if err := syscall.Getrlimit(l.resource, &cur); err == nil && cur.Max != rlimInfinity {
			l.hard = min(l.hard, int64(cur.Max))
			l.soft = min(l.soft, l.hard)
		}
		out = append(out, l)
	}
	cpu := pick(int64(c.CPUSeconds), DefaultCPUSeconds)
	add(limit{"cpu", "-t", "cpu", 1, syscall.RLIMIT_CPU, cpu, cpu + 2})
	mem := pick(c.MemoryBytes, DefaultMemoryBytes)
	add(limit{"as", "-v", "address space", 1024, syscall.RLIMIT_AS, mem, mem})
	procs := pick(int64(c.Processes), DefaultProcesses)
	add(limit{"nproc", "-u|-p", "processes", 1, rlimitNproc, procs, procs})
	fsize := pick(c.FileBytes, DefaultFileBytes)
	add(limit{"fsize", "-f", "file size", 512, syscall.RLIMIT_FSIZE, fsize, fsize})
	add(limit{"core", "-c", "core files", 1, syscall.RLIMIT_CORE, 0, 0})
	return out
}

const (
	rlimitNproc  = 6 // RLIMIT_NPROC on Linux (not in package syscall)
	rlimInfinity = ^uint64(0)
)

func limitValue(v int64) string {
	if v < 0 {
		return "unlimited"
	}
	return strconv.FormatInt(v, 10)
}

func limitWords(lim []limit) string {
	var parts []string
	for _, l := range lim {
		switch l.prlimit {
		case "cpu":
			parts = append(parts, fmt.Sprintf("cpu %d s", l.soft))
		case "as", "fsize":
			parts = append(parts, l.words+" "+byteSize(l.soft))
		case "nproc":
			parts = append(parts, fmt.Sprintf("%d processes", l.soft))
		case "core":
			parts = append(parts, "no core files")
		}
	}
	return strings.Join(parts, ", ")
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

// ulimitScript sets the limits in /bin/sh (dash's ulimit takes one flag at a time and calls
// RLIMIT_NPROC -p, bash -u), soft before hard (a hard limit below the soft one is refused),
// and then execs its arguments.
func ulimitScript(lim []limit) string {
	var b strings.Builder
	for _, l := range lim {
		for _, kind := range []struct {
			flag string
			v    int64
		}{{"-S", l.soft}, {"-H", l.hard}} {
			v := "unlimited"
			if kind.v >= 0 {
				v = strconv.FormatInt(kind.v/l.unit, 10)
			}
			if l.ulimit == "-u|-p" {
				fmt.Fprintf(&b, "{ ulimit %s -u %s || ulimit %s -p %s; } 2>/dev/null; ", kind.flag, v, kind.flag, v)
			} else {
				fmt.Fprintf(&b, "ulimit %s %s %s 2>/dev/null; ", kind.flag, l.ulimit, v)
			}
		}
	}
	b.WriteString(`exec "$@"`)
	return b.String()
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

func chownTree(dir string, uid, gid int) error {
	return filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		return os.Lchown(p, uid, gid)
	})
}
