package runner

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/optgrade/optgrade/grader/sandbox"
)

// Kind is one way a submission folder runs: a row of the table Kinds. Loading, `grade`'s
// discovery of submission folders and the messages about folders with nothing to run all
// read the table, so a new kind of submission is one row (and its Load) here.
type Kind struct {
	Name string // "python", "command", …
	// Marks says, for people, what in a folder makes it this kind: "solution.py or main.py".
	Marks string
	// Detect reports whether the folder dir is of this kind. m is its manifest, nil when
	// it has none.
	Detect func(dir string, m *manifest) bool
	// Load fills in how to start s (Dir, Student and SubmittedAt are set): Argv and, for a
	// kind with a build step, Prepare.
	Load func(s *Submission, m *manifest, opt Options) error
}

// kinds is the table, in the order detection tries it: an explicit `run` wins.
var kinds = []Kind{
	{
		Name:   "command",
		Marks:  ManifestFile + " with run: [program, args…]",
		Detect: func(_ string, m *manifest) bool { return m != nil && len(m.run) > 0 },
		Load:   loadCommand,
	},
	notebookKind,
	{
		Name:   "python",
		Marks:  "solution.py or main.py",
		Detect: func(dir string, _ *manifest) bool { return pythonMain(dir) != "" },
		Load:   loadPython,
	},
	goSourceKind,
	goPluginKind,
}

// Kinds returns the table of submission kinds, in detection order.
func Kinds() []Kind { return append([]Kind(nil), kinds...) }

// Detect returns the kind of the submission folder dir, or false when dir is not a
// submission. A folder with an optgrade.yaml is a submission even when nothing in it runs
// (Load then says why).
func Detect(dir string) (Kind, bool) {
	m, err := readManifest(filepath.Join(dir, ManifestFile))
	hasManifest := err == nil || !os.IsNotExist(err)
	if err != nil {
		m = nil
	}
	if k := detect(dir, m); k != nil {
		return *k, true
	}
	if hasManifest {
		return Kind{Name: "unknown", Marks: ManifestFile}, true
	}
	return Kind{}, false
}

func detect(dir string, m *manifest) *Kind {
	for i := range kinds {
		if kinds[i].Detect(dir, m) {
			return &kinds[i]
		}
	}
	return nil
}

// Marks lists what makes a folder a submission, for messages:
// "optgrade.yaml, solution.py or main.py, go.mod or a *.so Go plugin".
func Marks() string {
	marks := []string{ManifestFile}
	for _, k := range kinds[1:] {
		marks = append(marks, k.Marks)
	}
	return strings.Join(marks, ", ")
}

func nothingToRun() string {
	return "no " + Marks()
}

// loadCommand runs the manifest's run. A run whose first word is python3 or python runs
// the configured interpreter instead (so `run: [python3, solution.py]` works where the
// python3 first in PATH lacks numpy).
func loadCommand(s *Submission, m *manifest, opt Options) error {
	s.Argv = append([]string(nil), m.run...)
	s.Language = "command"
	if s.Argv[0] == "python3" || s.Argv[0] == "python" {
		py, err := findPython(opt.Python)
		if err != nil {
			return fmt.Errorf("%s: run: %w", filepath.Join(s.Dir, ManifestFile), err)
		}
		s.Argv[0] = py
		s.ReadOnly = sandbox.InstallDirs(py)
	}
	if isPython(s.Argv[0]) {
		s.Language = "python"
	}
	return nil
}

// loadPython runs solution.py (or else main.py) with the configured interpreter. A
// pyenv-style shim is replaced by the interpreter it runs, so that the sandbox can make
// that interpreter visible.
func loadPython(s *Submission, _ *manifest, opt Options) error {
	py, err := findPython(opt.Python)
	if err != nil {
		return fmt.Errorf("submission %s: %w", s.Dir, err)
	}
	s.Argv, s.Language = []string{py, pythonMain(s.Dir)}, "python"
	s.ReadOnly = sandbox.InstallDirs(py)
	return nil
}

func pythonMain(dir string) string {
	for _, name := range []string{"solution.py", "main.py"} {
		if fileExists(filepath.Join(dir, name)) {
			return name
		}
	}
	return ""
}
