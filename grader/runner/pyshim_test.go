package runner

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// TestShimKept: a shim's answer is kept on disk, so the next check (a new process) does
// not run the version manager again, until something that decides it changes.
func TestShimKept(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("shell scripts")
	}
	real := "/usr/bin/python3"
	if _, err := os.Stat(real); err != nil {
		t.Skip("no /usr/bin/python3")
	}
	dir := t.TempDir()
	t.Setenv("OPTGRADE_CACHE", filepath.Join(dir, "cache"))
	t.Setenv("PYENV_VERSION", "3.x")
	runs := filepath.Join(dir, "runs")
	shim := filepath.Join(dir, "shims", "python3")
	os.MkdirAll(filepath.Dir(shim), 0o755)
	write := func(extra string) {
		script := "#!/bin/sh\necho run >> " + runs + "\n" + extra + "exec " + real + " \"$@\"\n"
		if err := os.WriteFile(shim, []byte(script), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	write("")
	resolve := func(wantRuns int) {
		t.Helper()
		shims.Clear() // as in a new process
		if got := realPython(shim); got != real {
			t.Errorf("realPython = %q, want %q", got, real)
		}
		b, _ := os.ReadFile(runs)
		if n := strings.Count(string(b), "run"); n != wantRuns {
			t.Errorf("the shim ran %d times, want %d", n, wantRuns)
		}
	}
	resolve(1)
	resolve(1) // kept
	t.Setenv("PYENV_VERSION", "3.y")
	resolve(2) // another version asked for
	resolve(2)
	write("# rehashed\n")
	resolve(3) // the shim changed
	os.WriteFile(filepath.Join(dir, "shims", ".python-version"), []byte("3.z\n"), 0o644)
	resolve(4) // a shims folder entry came
}
