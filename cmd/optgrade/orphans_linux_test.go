package main

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// A submission that starts a process in a session of its own (setsid: out of its process
// group) leaves nothing running once check returns, under --sandbox none.
func TestSetsidSleeperGoneAfterCheck(t *testing.T) {
	py := needPython(t)
	shared := nobodyDir(t)
	marker := filepath.Join(shared, "marker")
	t.Cleanup(func() { killMatching(t, marker) }) // were the fix to fail: kill by pid what the test started
	sub := referenceWithPrelude(t, "escape", "import subprocess as _sp\n"+
		"_sp.Popen(['/bin/sh', '-c', 'while :; do echo alive > "+marker+"; sleep 0.05; done'], start_new_session=True,\n"+
		"          stdin=_sp.DEVNULL, stdout=_sp.DEVNULL, stderr=_sp.DEVNULL)\n")
	_, stderr, code := optgrade(t, "check", "--sandbox", "none", "--python", py, "-r", courseRubric, sub)
	if code != 0 {
		t.Fatalf("check: exit %d\n%s", code, stderr)
	}
	if _, err := os.Stat(marker); err != nil {
		t.Fatalf("the setsid process never ran: %v", err)
	}
	os.Remove(marker)
	time.Sleep(time.Second)
	if _, err := os.Stat(marker); err == nil {
		t.Error("a setsid process of the submission outlived check: it wrote its marker again")
	}
}

// nobodyDir is a temporary folder that nobody may write: a submission runs as nobody when
// the tests run as root.
func nobodyDir(t *testing.T) string {
	t.Helper()
	dir, err := os.MkdirTemp("", "optgrade-shared-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	if err := os.Chmod(dir, 0o777); err != nil {
		t.Fatal(err)
	}
	return dir
}

// referenceWithPrelude is a copy of the Python reference submission, named name, whose
// solution.py first runs the Python code prelude.
func referenceWithPrelude(t *testing.T, name, prelude string) string {
	t.Helper()
	sub := filepath.Join(t.TempDir(), name)
	if err := os.CopyFS(sub, os.DirFS("../../testdata/submissions/python-reference")); err != nil {
		t.Fatal(err)
	}
	solution, err := os.ReadFile(filepath.Join(sub, "solution.py"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(sub, "solution.py"), append([]byte(prelude), solution...), 0o644); err != nil {
		t.Fatal(err)
	}
	return sub
}

// killMatching kills, by pid, the processes whose command line holds s.
func killMatching(t *testing.T, s string) {
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		if cmdline, err := os.ReadFile("/proc/" + e.Name() + "/cmdline"); err == nil && strings.Contains(string(cmdline), s) {
			t.Logf("killing leftover %d: %s", pid, strings.ReplaceAll(string(cmdline), "\x00", " "))
			_ = syscall.Kill(pid, syscall.SIGKILL)
		}
	}
}
