package sandbox

import (
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// run runs a shell script isolated by cfg in dir and returns its combined output.
func run(t *testing.T, cfg Config, dir, script string) (string, Isolation, error) {
	t.Helper()
	cmd := exec.Command("/bin/sh", "-c", script)
	cmd.Dir = dir
	cmd.Env = []string{"PATH=/usr/bin:/bin", "HOME=" + dir}
	return start(t, cfg, cmd, dir)
}

// start starts cmd isolated by cfg in dir, as the runner does (Start), waits for it and
// returns its combined output; the error says how it ended unless it exited with 0.
func start(t *testing.T, cfg Config, cmd *exec.Cmd, dir string) (string, Isolation, error) {
	t.Helper()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	cmd.Stdout, cmd.Stderr = w, w
	p, err := cfg.Start(cmd, dir)
	w.Close()
	if err != nil {
		t.Fatalf("start: %v", err)
	}
	out, _ := io.ReadAll(r)
	if why := p.Wait(); why != "exited with status 0" {
		err = errors.New(why)
	}
	return strings.TrimSpace(string(out)), p.Isolation(), err
}

// workDir returns a working directory nobody can reach, as the process runner makes them.
func workDir(t *testing.T) string {
	t.Helper()
	root, err := os.MkdirTemp("", "optgrade-sandbox-test-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(root) })
	if err := os.Chmod(root, 0o711); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(root, "work")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

func TestApplyLimits(t *testing.T) {
	cfg := Config{NoBwrap: true, KeepRoot: true, CPUSeconds: 7, MemoryBytes: 512 << 20, FileBytes: 1 << 20, Processes: 99}
	// dash: -t seconds, -v KiB, -f 512-byte blocks, -c, -p processes; bash spells the last -u.
	const script = `ulimit -t; ulimit -v; ulimit -f; ulimit -c; ulimit -p 2>/dev/null || ulimit -u; ulimit -H -t`
	const want = "7\n524288\n2048\n0\n99\n9"
	for _, via := range []string{"prlimit", "ulimit"} {
		t.Run(via, func(t *testing.T) {
			if via == "prlimit" && prlimitLookup() == "" {
				t.Skip("no prlimit here")
			}
			if via == "ulimit" {
				saved := prlimitPath
				prlimitPath = func() string { return "" }
				defer func() { prlimitPath = saved }()
			}
			out, iso, err := run(t, cfg, t.TempDir(), script)
			if err != nil {
				t.Fatalf("%v: %s", err, out)
			}
			if out != want {
				t.Errorf("limits:\n%s\nwant\n%s", out, want)
			}
			if iso.Limits != via {
				t.Errorf("Limits = %q, want %q", iso.Limits, via)
			}
			if !strings.Contains(iso.String(), "cpu 7 s, address space 512 MiB, 99 processes, file size 1 MiB, no core files") {
				t.Errorf("String() = %q", iso)
			}
		})
	}
}

// Inside bubblewrap the limits are set on the sandbox before the program runs, by the
// grader itself (no prlimit process): the program and everything it starts has them.
func TestBwrapLimits(t *testing.T) {
	if _, err := Bubblewrap(); err != nil {
		t.Skipf("no bubblewrap: %v", err)
	}
	cfg := Config{CPUSeconds: 7, MemoryBytes: 512 << 20, FileBytes: 1 << 20, Processes: 99}
	const script = `ulimit -t; ulimit -v; ulimit -f; ulimit -c; ulimit -p 2>/dev/null || ulimit -u; ulimit -H -t; sh -c 'ulimit -v'`
	const want = "7\n524288\n2048\n0\n99\n9\n524288"
	cmd := exec.Command("/bin/sh", "-c", script)
	out, iso, err := start(t, cfg, cmd, workDir(t))
	if err != nil || out != want {
		t.Fatalf("limits (%v):\n%s\nwant\n%s", err, out, want)
	}
	if !iso.Bwrap || iso.Limits != "prlimit" || filepath.Base(cmd.Args[0]) != "bwrap" {
		t.Errorf("isolation %s, command %q: want bubblewrap started directly", iso, cmd.Args)
	}
}

// When the limits cannot be set inside bubblewrap, the program does not run that way: the
// sandbox is killed before it starts anything, and the start is made again with the
// prlimit program, which later starts use too.
func TestBwrapLimitsFallBack(t *testing.T) {
	if _, err := Bubblewrap(); err != nil {
		t.Skipf("no bubblewrap: %v", err)
	}
	if prlimitLookup() == "" {
		t.Skip("no prlimit here")
	}
	saved := prlimit
	prlimit = func(int, int, *unix.Rlimit, *unix.Rlimit) error { return unix.EPERM }
	defer func() { prlimit = saved; gateOff.Store(false) }()
	dir := workDir(t)
	run := func() (string, []string) {
		cmd := exec.Command("/bin/sh", "-c", `echo ran >> runs; wc -l < runs; ulimit -t`)
		out, _, err := start(t, Config{CPUSeconds: 7}, cmd, dir)
		if err != nil {
			t.Fatalf("%v: %s", err, out)
		}
		return out, cmd.Args
	}
	if out, _ := run(); out != "1\n7" {
		t.Errorf("first start: %q, want the program run once, with its limits", out)
	}
	if !gateOff.Load() {
		t.Error("the gate is still on after it failed")
	}
	if out, args := run(); out != "2\n7" || filepath.Base(args[0]) != "prlimit" {
		t.Errorf("second start: %q by %q, want prlimit's", out, args)
	}
}

func TestApplyUnlimited(t *testing.T) {
	cfg := Config{NoBwrap: true, KeepRoot: true, CPUSeconds: -1, MemoryBytes: -1, FileBytes: -1, Processes: -1}
	out, _, err := run(t, cfg, t.TempDir(), `ulimit -c; echo ok`)
	if err != nil || out != "0\nok" {
		t.Errorf("out %q, err %v", out, err)
	}
}

func TestApplyBwrap(t *testing.T) {
	if _, err := Bubblewrap(); err != nil {
		t.Skipf("no bubblewrap: %v", err)
	}
	secret := filepath.Join(os.TempDir(), "optgrade-sandbox-secret")
	if err := os.WriteFile(secret, []byte("hidden"), 0o644); err != nil {
		t.Fatal(err)
	}
	defer os.Remove(secret)
	wd, _ := os.Getwd()
	tests := []struct {
		name, script, want string
	}{
		{"the working copy is writable", `echo hi > note.txt && cat note.txt`, "hi"},
		{"it is the working directory", `pwd`, "DIR"},
		{"system is read-only", `touch /usr/optgrade-x 2>/dev/null && echo writable || echo read-only`, "read-only"},
		{"etc is read-only", `test -w /etc/passwd && echo writable || echo read-only`, "read-only"},
		{"the grader's files are not there", `test -e ` + wd + ` && echo visible || echo absent`, "absent"},
		{"private /tmp", `test -e ` + secret + ` && echo visible || echo absent`, "absent"},
		{"no network but lo", `tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d ' '`, "lo"},
		{"own pid namespace", `ls /proc | grep -c '^[0-9]'`, "FEW"},
		{"secrets unreadable", `cat /etc/shadow >/dev/null 2>&1 && echo readable || echo denied`, "denied"},
		{"no capabilities", `grep CapEff /proc/self/status | tr -d '\t'`, "CapEff:0000000000000000"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := workDir(t)
			out, iso, err := run(t, Config{}, dir, tt.script)
			if err != nil {
				t.Fatalf("%v: %s", err, out)
			}
			if !iso.Bwrap {
				t.Fatalf("isolation %s, want bubblewrap", iso)
			}
			if tt.want == "FEW" {
				// bwrap's init, sh and its pipeline, not the machine's processes.
				if len(out) != 1 {
					t.Errorf("%s processes visible", out)
				}
				return
			}
			if want := strings.ReplaceAll(tt.want, "DIR", dir); out != want {
				t.Errorf("got %q, want %q", out, want)
			}
		})
	}
	// What the working copy gets written to is on the host.
	dir := workDir(t)
	if out, _, err := run(t, Config{}, dir, `echo result > out.txt`); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	if b, err := os.ReadFile(filepath.Join(dir, "out.txt")); err != nil || string(b) != "result\n" {
		t.Errorf("out.txt = %q, %v", b, err)
	}
}

func TestApplyNobody(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("not root")
	}
	for _, noBwrap := range []bool{false, true} {
		dir := workDir(t)
		out, iso, err := run(t, Config{NoBwrap: noBwrap}, dir, `id -u; touch x && echo wrote`)
		if err != nil {
			t.Fatalf("%v: %s", err, out)
		}
		if out != "65534\nwrote" || iso.User != "nobody" {
			t.Errorf("NoBwrap %v: out %q, isolation %s", noBwrap, out, iso)
		}
		out, iso, _ = run(t, Config{NoBwrap: noBwrap, KeepRoot: true}, dir, `id -u`)
		if out != "0" || iso.User != "" {
			t.Errorf("NoBwrap %v, KeepRoot: uid %q, isolation %s", noBwrap, out, iso)
		}
	}
	// A configured program nobody cannot reach runs as root, and the isolation says why.
	private := t.TempDir() // 0700
	prog := filepath.Join(private, "prog")
	if err := os.WriteFile(prog, []byte("#!/bin/sh\nid -u\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	dir := workDir(t)
	out, iso, err := start(t, Config{ReadOnly: []string{private}}, exec.Command(prog), dir)
	if err != nil || out != "0" || !strings.Contains(iso.String(), "runs as root: ") {
		t.Errorf("out %q (%v), isolation %s", out, err, iso)
	}
}

func TestApplyDisabled(t *testing.T) {
	cmd := exec.Command("/bin/sh", "-c", "ulimit -c")
	iso, _, err := Config{Disable: true}.apply(cmd, "relative/is/fine/here")
	if err != nil {
		t.Fatal(err)
	}
	if iso.String() != "own process group" || cmd.Path != "/bin/sh" || !cmd.SysProcAttr.Setsid {
		t.Errorf("isolation %q, path %q, attr %+v", iso, cmd.Path, cmd.SysProcAttr)
	}
	if got := (Config{Disable: true}).Describe(); got != "own process group" {
		t.Errorf("Describe() = %q", got)
	}
}

func TestApplyErrors(t *testing.T) {
	cmd := exec.Command("optgrade-no-such-program")
	if _, _, err := (Config{}).apply(cmd, t.TempDir()); err == nil {
		t.Error("apply accepted a command that was not found")
	}
	cmd = exec.Command("/bin/true")
	if _, _, err := (Config{}).apply(cmd, "relative"); err == nil {
		t.Error("apply accepted a relative working directory")
	}
}

func TestKillGroup(t *testing.T) {
	for _, pgid := range []int{-1, 0, 1} {
		if err := KillGroup(pgid); err == nil {
			t.Errorf("KillGroup(%d) = nil", pgid)
		}
	}
	cmd := exec.Command("/bin/sh", "-c", "sleep 100 & sleep 100")
	if _, _, err := (Config{Disable: true}).apply(cmd, "/"); err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	if err := KillGroup(cmd.Process.Pid); err != nil {
		t.Fatal(err)
	}
	err := cmd.Wait()
	if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); !ok || ws.Signal() != syscall.SIGKILL {
		t.Errorf("wait: %v", err)
	}
	if err := KillGroup(cmd.Process.Pid); err != nil {
		t.Errorf("KillGroup of a gone group: %v", err)
	}
}

func TestInstallDirs(t *testing.T) {
	home, _ := os.UserHomeDir()
	tests := []struct {
		path string
		want []string
	}{
		{"/usr/bin/python3", nil},
		{"python3", nil},
		{"/opt/conda/bin/python", []string{"/opt/conda"}},
		{"/opt/tools/python", []string{"/opt/tools"}},
		{"/bin2/python", []string{"/bin2"}},
		{"/x", nil},
		{filepath.Join(home, "bin/python"), []string{filepath.Join(home, "bin")}},
	}
	for _, tt := range tests {
		got := InstallDirs(tt.path)
		if strings.Join(got, ",") != strings.Join(tt.want, ",") {
			t.Errorf("InstallDirs(%q) = %v, want %v", tt.path, got, tt.want)
		}
	}
}

// Start, Kill and Wait: the whole group dies, and Wait says how the program ended.
func TestStartKillWait(t *testing.T) {
	for name, cfg := range map[string]Config{"default": {}, "nobwrap": {NoBwrap: true}, "disabled": {Disable: true}} {
		t.Run(name, func(t *testing.T) {
			dir := workDir(t)
			cmd := exec.Command("/bin/sh", "-c", "sleep 100 & echo started; exit 3")
			cmd.Env = []string{"PATH=/usr/bin:/bin"}
			out, w, err := os.Pipe()
			if err != nil {
				t.Fatal(err)
			}
			defer out.Close()
			cmd.Stdout = w
			p, err := cfg.Start(cmd, dir)
			w.Close()
			if err != nil {
				t.Fatal(err)
			}
			// The shell exits at once; its sleep is killed with the group, so stdout ends.
			if why := p.Wait(); why != "exited with status 3" {
				t.Errorf("Wait() = %q", why)
			}
			out.SetReadDeadline(time.Now().Add(5 * time.Second))
			if b, err := io.ReadAll(out); err != nil || string(b) != "started\n" {
				t.Errorf("stdout %q, %v: the background sleep survived the end of its group", b, err)
			}
			p.Kill() // after the end: harmless
		})
	}
	cmd := exec.Command("/bin/sleep", "100")
	p, err := Config{NoBwrap: true}.Start(cmd, workDir(t))
	if err != nil {
		t.Fatal(err)
	}
	p.Kill()
	if why := p.Wait(); why != "was killed by SIGKILL (out of memory?)" {
		t.Errorf("Wait() after Kill = %q", why)
	}
}

// The sandbox decides what is visible, never the submission: a program outside the system
// folders, the working copy and the configured folders is refused, not mounted with its
// folder (which held the hidden rubric in the attack).
func TestHiddenProgramRefused(t *testing.T) {
	if _, err := Bubblewrap(); err != nil {
		t.Skipf("no bubblewrap: %v", err)
	}
	course := t.TempDir()
	if err := os.MkdirAll(filepath.Join(course, "bin"), 0o755); err != nil {
		t.Fatal(err)
	}
	prog := filepath.Join(course, "bin", "sh")
	if err := os.Symlink("/bin/sh", prog); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(prog, "-c", "true")
	_, _, err := Config{}.apply(cmd, workDir(t))
	if err == nil || !strings.Contains(err.Error(), "is outside what the sandbox shows") {
		t.Errorf("apply = %v, want a refusal", err)
	}
	cmd = exec.Command(prog, "-c", "true")
	if _, _, err := (Config{ReadOnly: []string{course}}).apply(cmd, workDir(t)); err != nil {
		t.Errorf("a configured folder: %v", err)
	}
}

// A root grader gives the working copy to nobody; it never gives away a folder that is
// not a working copy of its own (the temporary folder, the home folder, /).
func TestChownRefusesSharedFolders(t *testing.T) {
	home, _ := os.UserHomeDir()
	wd, _ := os.Getwd()
	for _, dir := range []string{"/", os.TempDir(), home, wd, filepath.Dir(wd)} {
		if err := chownTree(dir, os.Getuid(), os.Getgid()); err == nil || !strings.Contains(err.Error(), "not a working copy") {
			t.Errorf("chownTree(%s) = %v, want a refusal", dir, err)
		}
	}
}
