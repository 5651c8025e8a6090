package runner

import (
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

// TestFindPythonEnvironments: an active virtualenv or conda environment is the student's
// interpreter, unless --python or OPTGRADE_PYTHON says otherwise.
func TestFindPythonEnvironments(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("bin/python3 layout")
	}
	real := "/usr/bin/python3"
	if _, err := os.Stat(real); err != nil {
		t.Skip("no /usr/bin/python3 to link to")
	}
	env := func(name string) string {
		dir := filepath.Join(t.TempDir(), name)
		os.MkdirAll(filepath.Join(dir, "bin"), 0o755)
		if err := os.Symlink(real, filepath.Join(dir, "bin", "python3")); err != nil {
			t.Fatal(err)
		}
		return dir
	}
	venv, conda := env("venv"), env("conda")
	t.Setenv("OPTGRADE_PYTHON", "")
	t.Setenv("VIRTUAL_ENV", venv)
	t.Setenv("CONDA_PREFIX", conda)
	if got, err := findPython(""); err != nil || got != filepath.Join(venv, "bin", "python3") {
		t.Errorf("with a virtualenv: %q, %v; want the virtualenv's python, not resolved", got, err)
	}
	t.Setenv("VIRTUAL_ENV", "")
	if got, _ := findPython(""); got != filepath.Join(conda, "bin", "python3") {
		t.Errorf("with conda: %q", got)
	}
	t.Setenv("OPTGRADE_PYTHON", real)
	if got, _ := findPython(""); got != real {
		t.Errorf("OPTGRADE_PYTHON: %q", got)
	}
	if got, _ := findPython(real); got != real {
		t.Errorf("--python: %q", got)
	}
}
