package grader

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"gopkg.in/yaml.v3"
)

// ManifestFile is the optional file of a submission folder that says who and how to run:
//
//	student: s1234567
//	run: [python3, solution.py]
//	submitted_at: 2026-12-01T23:59:00+01:00   # optional, RFC 3339
const ManifestFile = "optgrade.yaml"

// Submission is a submission folder and how to run it.
type Submission struct {
	Dir     string   // the folder, as given
	Student string   // from the manifest, else the folder's base name
	Argv    []string // the command, run in (a copy of) Dir
	// Language is "python" when the command runs the Python interpreter, else "command".
	Language string
	// SubmittedAt is the manifest's submitted_at, if any.
	SubmittedAt *time.Time
}

// SubmissionOptions says how LoadSubmission runs what it detects.
type SubmissionOptions struct {
	// Python is the interpreter for Python submissions: a path, or a name looked up in
	// PATH. Empty means the first that exists of $OPTGRADE_PYTHON, /usr/bin/python3 and
	// python3 in PATH.
	Python string
}

// LoadSubmission finds how to run the submission in dir. With an optgrade.yaml, its `run`
// is the command; a run whose first word is python3 or python runs the configured
// interpreter instead (so `run: [python3, solution.py]` works where the python3 first in
// PATH lacks numpy). Without one, solution.py or main.py is run with the interpreter; a Go
// module or a *.so plugin is detected but not supported yet.
//
// A pyenv-style shim (a script standing for an interpreter) is replaced by the interpreter
// it runs, so that the sandbox can make that interpreter visible.
func LoadSubmission(dir string, opt SubmissionOptions) (*Submission, error) {
	fi, err := os.Stat(dir)
	if err != nil {
		return nil, fmt.Errorf("submission: %w", err)
	}
	if !fi.IsDir() {
		return nil, fmt.Errorf("submission %s: not a folder", dir)
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("submission %s: %w", dir, err)
	}
	s := &Submission{Dir: dir, Student: filepath.Base(abs)}
	manifest := filepath.Join(dir, ManifestFile)
	m, err := subReadManifest(manifest)
	switch {
	case errors.Is(err, os.ErrNotExist):
	case err != nil:
		return nil, err
	default:
		if m.student != "" {
			s.Student = m.student
		}
		s.SubmittedAt = m.submittedAt
		if len(m.run) > 0 {
			s.Argv = m.run
			s.Language = "command"
			if s.Argv[0] == "python3" || s.Argv[0] == "python" {
				py, err := subPython(opt.Python)
				if err != nil {
					return nil, fmt.Errorf("%s: run: %w", manifest, err)
				}
				s.Argv[0] = py
			}
			if subIsPython(s.Argv[0]) {
				s.Language = "python"
			}
			return s, nil
		}
	}
	for _, name := range []string{"solution.py", "main.py"} {
		if subFileExists(filepath.Join(dir, name)) {
			py, err := subPython(opt.Python)
			if err != nil {
				return nil, fmt.Errorf("submission %s: %w", dir, err)
			}
			s.Argv, s.Language = []string{py, name}, "python"
			return s, nil
		}
	}
	if subFileExists(filepath.Join(dir, "go.mod")) {
		return nil, fmt.Errorf("submission %s: Go submissions are not supported yet (add an %s with a run command)", dir, ManifestFile)
	}
	if so, _ := filepath.Glob(filepath.Join(dir, "*.so")); len(so) > 0 {
		return nil, fmt.Errorf("submission %s: Go plugin submissions are not supported yet (add an %s with a run command)", dir, ManifestFile)
	}
	return nil, fmt.Errorf("submission %s: nothing to run: no %s, solution.py, main.py, go.mod or *.so", dir, ManifestFile)
}

// Runner returns a process runner for the submission with default settings.
func (s *Submission) Runner() *ProcessRunner {
	return &ProcessRunner{Dir: s.Dir, Argv: append([]string(nil), s.Argv...)}
}

func subFileExists(path string) bool {
	fi, err := os.Stat(path)
	return err == nil && fi.Mode().IsRegular()
}

func subIsPython(path string) bool {
	return strings.HasPrefix(filepath.Base(path), "python")
}

// subManifest is a decoded optgrade.yaml.
type subManifest struct {
	student     string
	run         []string
	submittedAt *time.Time
}

// subReadManifest reads and strictly decodes a manifest: every problem names file:line.
func subReadManifest(path string) (*subManifest, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	m := &subManifest{}
	if len(doc.Content) == 0 {
		return m, nil // empty file
	}
	root := doc.Content[0]
	at := func(n *yaml.Node, format string, args ...any) error {
		return fmt.Errorf("%s:%d:%d: %s", path, n.Line, n.Column, fmt.Sprintf(format, args...))
	}
	if root.Kind != yaml.MappingNode {
		return nil, at(root, "want a mapping with student, run and submitted_at")
	}
	for i := 0; i+1 < len(root.Content); i += 2 {
		k, v := root.Content[i], root.Content[i+1]
		switch k.Value {
		case "student":
			if v.Kind != yaml.ScalarNode || v.Value == "" {
				return nil, at(v, "student: want a name or id")
			}
			m.student = v.Value
		case "run":
			if v.Kind != yaml.SequenceNode {
				return nil, at(v, "run: want a list of words, e.g. [python3, solution.py]")
			}
			if len(v.Content) == 0 {
				return nil, at(v, "run: empty command")
			}
			for _, w := range v.Content {
				if w.Kind != yaml.ScalarNode {
					return nil, at(w, "run: want words (strings)")
				}
				m.run = append(m.run, w.Value)
			}
		case "submitted_at":
			t, err := time.Parse(time.RFC3339, v.Value)
			if v.Kind != yaml.ScalarNode || err != nil {
				return nil, at(v, "submitted_at: want an RFC 3339 time, e.g. 2026-12-01T23:59:00+01:00")
			}
			m.submittedAt = &t
		default:
			return nil, at(k, "unknown key %q (want student, run, submitted_at)", k.Value)
		}
	}
	return m, nil
}

// subPython resolves the interpreter for Python submissions (see SubmissionOptions.Python)
// to an absolute path.
func subPython(configured string) (string, error) {
	var candidates []string
	if configured != "" {
		candidates = []string{configured}
	} else {
		if env := os.Getenv("OPTGRADE_PYTHON"); env != "" {
			candidates = append(candidates, env)
		}
		candidates = append(candidates, "/usr/bin/python3", "python3")
	}
	for _, c := range candidates {
		if p, err := exec.LookPath(c); err == nil {
			if abs, err := filepath.Abs(p); err == nil {
				p = abs
			}
			return subRealPython(p), nil
		}
	}
	if configured != "" {
		return "", fmt.Errorf("python interpreter %q not found", configured)
	}
	return "", errors.New("no python interpreter found (tried $OPTGRADE_PYTHON, /usr/bin/python3, python3 in PATH); set --python or OPTGRADE_PYTHON")
}

var subShims sync.Map // script path → interpreter path

// subIsShim reports whether path looks like a pyenv (or asdf) shim of a Python interpreter.
func subIsShim(path string) bool {
	return filepath.Base(filepath.Dir(path)) == "shims" && subIsPython(path)
}

// subRealPython returns the interpreter a shim script (pyenv's shims/python3) runs, as
// sys.executable tells; any other path is returned as is.
func subRealPython(path string) string {
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
	if v, ok := subShims.Load(path); ok {
		return v.(string)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, path, "-c", "import sys; print(sys.executable)").Output()
	real := strings.TrimSpace(string(out))
	if err != nil || !filepath.IsAbs(real) {
		real = path
	}
	subShims.Store(path, real)
	return real
}

var subNumpy sync.Map // interpreter → error (nil when numpy imports)

// CheckPython reports whether interp (a path or a name in PATH) can import numpy, which the
// course's sample solutions need. It runs the interpreter once per path and remembers the
// answer. The error says how to fix it.
func CheckPython(interp string) error {
	if v, ok := subNumpy.Load(interp); ok {
		err, _ := v.(error)
		return err
	}
	err := subCheckNumpy(interp)
	subNumpy.Store(interp, err)
	return err
}

func subCheckNumpy(interp string) error {
	const fix = "install numpy for it (apt-get install python3-numpy for /usr/bin/python3, or pip install numpy), or choose another interpreter with --python or OPTGRADE_PYTHON"
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	var stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, interp, "-c", "import numpy")
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		why := err.Error()
		if last := subLastLine(stderr.String()); last != "" {
			why = last
		}
		return fmt.Errorf("python interpreter %s cannot import numpy (%s): %s", interp, why, fix)
	}
	return nil
}

func subLastLine(s string) string {
	var last string
	sc := bufio.NewScanner(strings.NewReader(s))
	for sc.Scan() {
		if t := strings.TrimSpace(sc.Text()); t != "" {
			last = t
		}
	}
	return last
}
