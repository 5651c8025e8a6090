package runner

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"time"
)

// findPython resolves the interpreter for Python submissions (see Options.Python)
// to an absolute path: the configured one, else $OPTGRADE_PYTHON, else the active
// virtualenv's ($VIRTUAL_ENV) or conda environment's ($CONDA_PREFIX) python, else python3
// (or python) on PATH, else /usr/bin/python3. A virtualenv's python is kept as is, not
// resolved through its symbolic link: the link is what makes it the environment's.
func findPython(configured string) (string, error) {
	var candidates []string
	if configured != "" {
		candidates = []string{configured}
	} else {
		if env := os.Getenv("OPTGRADE_PYTHON"); env != "" {
			candidates = append(candidates, env)
		}
		candidates = append(candidates, envPythons()...)
		candidates = append(candidates, "python3", "python", "/usr/bin/python3")
	}
	for _, c := range candidates {
		if p, err := exec.LookPath(c); err == nil {
			if abs, err := filepath.Abs(p); err == nil {
				p = abs
			}
			return realPython(p), nil
		}
	}
	if configured != "" {
		return "", fmt.Errorf("python interpreter %q not found", configured)
	}
	return "", errors.New("no python interpreter found (tried $OPTGRADE_PYTHON, the active virtualenv or conda environment, python3 and python on PATH, /usr/bin/python3); set --python or OPTGRADE_PYTHON")
}

// envPythons lists the interpreters of the active virtualenv and conda environment.
func envPythons() []string {
	var out []string
	for _, prefix := range []string{os.Getenv("VIRTUAL_ENV"), os.Getenv("CONDA_PREFIX")} {
		if prefix == "" {
			continue
		}
		if runtime.GOOS == "windows" {
			out = append(out, filepath.Join(prefix, "Scripts", "python.exe"), filepath.Join(prefix, "python.exe"))
		} else {
			out = append(out, filepath.Join(prefix, "bin", "python3"), filepath.Join(prefix, "bin", "python"))
		}
	}
	return out
}

var shims sync.Map // script path → interpreter path

// isShim reports whether path looks like a pyenv (or asdf) shim of a Python interpreter.
func isShim(path string) bool {
	return filepath.Base(filepath.Dir(path)) == "shims" && isPython(path)
}

// realPython returns the interpreter a shim script (pyenv's shims/python3) runs, as
// sys.executable tells; any other path is returned as is.
func realPython(path string) string {
	f, err := os.Open(path)
	if err != nil {
		return path
	}
	head := make([]byte, 2)
	_, err = f.Read(head)
	f.Close()
	if err != nil || string(head) != "#!" {
		return path // a binary (or a link to one)
	}
	if v, ok := shims.Load(path); ok {
		return v.(string)
	}
	// Running a shim costs the version manager's scripts and a Python start (on this
	// project's test machine pyenv's took over a second): its answer is kept on disk for as
	// long as everything that decides it is unchanged (see shimKey).
	cached := ""
	if key, dir := shimKey(path), shimCacheDir(); key != "" && dir != "" {
		cached = filepath.Join(dir, key)
		if b, err := os.ReadFile(cached); err == nil {
			if real := string(b); filepath.IsAbs(real) && isExecutable(real) {
				shims.Store(path, real)
				return real
			}
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, path, "-c", "import sys; print(sys.executable)").Output()
	real := strings.TrimSpace(string(out))
	if err != nil || !filepath.IsAbs(real) {
		real = path
	} else if cached != "" {
		writeShimCache(cached, real)
	}
	shims.Store(path, real)
	return real
}

var numpyChecks sync.Map // interpreter → error (nil when numpy imports)

// CheckPython reports whether interp (a path or a name in PATH) can import numpy, which the
// course's sample solutions need. It runs the interpreter once per path and remembers the
// answer. The error says how to fix it.
func CheckPython(interp string) error {
	if v, ok := numpyChecks.Load(interp); ok {
		err, _ := v.(error)
		return err
	}
	err := checkNumpy(interp)
	numpyChecks.Store(interp, err)
	return err
}

func checkNumpy(interp string) error {
	const fix = "install numpy for it — " +
		"with pip: python3 -m pip install numpy (inside your virtualenv: activate it, then pip install numpy; " +
		"or make one: python3 -m venv .venv && . .venv/bin/activate && pip install numpy); " +
		"with conda: conda install numpy in the active environment; " +
		"on Debian/Ubuntu for the system Python: sudo apt-get install python3-numpy — " +
		"or choose another interpreter with --python or OPTGRADE_PYTHON"
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	var stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, interp, "-c", "import numpy")
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		why := err.Error()
		if last := lastLine(stderr.String()); last != "" {
			why = last
		}
		return fmt.Errorf("python interpreter %s cannot import numpy (%s): %s", interp, why, fix)
	}
	return nil
}

func lastLine(s string) string {
	var last string
	sc := bufio.NewScanner(strings.NewReader(s))
	for sc.Scan() {
		if t := strings.TrimSpace(sc.Text()); t != "" {
			last = t
		}
	}
	return last
}
