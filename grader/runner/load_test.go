package runner

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/optgrade/optgrade/grader/sandbox"
)

// testSubDir makes a submission folder named name holding files (name → content).
func testSubDir(t *testing.T, name string, files map[string]string) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), name)
	for f, content := range files {
		p := filepath.Join(dir, f)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestLoadSubmission(t *testing.T) {
	py := testPython(t)
	at := time.Date(2026, 12, 1, 23, 59, 0, 0, time.FixedZone("", 3600))
	tests := []struct {
		name    string
		files   map[string]string
		opt     Options
		student string
		argv    []string
		lang    string
		at      *time.Time
		err     string // substring of the error
	}{
		{name: "solution.py", files: map[string]string{"solution.py": ""}, student: "s1", argv: []string{py, "solution.py"}, lang: "python"},
		{name: "main.py", files: map[string]string{"main.py": "", "util.py": ""}, student: "s1", argv: []string{py, "main.py"}, lang: "python"},
		{name: "solution.py first", files: map[string]string{"main.py": "", "solution.py": ""}, student: "s1", argv: []string{py, "solution.py"}, lang: "python"},
		{name: "configured python", files: map[string]string{"solution.py": ""}, opt: Options{Python: "/bin/sh"}, student: "s1", argv: []string{"/bin/sh", "solution.py"}, lang: "python"},
		{name: "manifest", files: map[string]string{ManifestFile: "student: alice\nrun: [./run.sh, --fast]\nsubmitted_at: 2026-12-01T23:59:00+01:00\n"},
			student: "alice", argv: []string{"./run.sh", "--fast"}, lang: "command", at: &at},
		{name: "manifest python3 maps to the interpreter", files: map[string]string{ManifestFile: "run: [python3, solution.py]\n", "solution.py": ""},
			student: "s1", argv: []string{py, "solution.py"}, lang: "python"},
		{name: "manifest python too", files: map[string]string{ManifestFile: "run:\n  - python\n  - -u\n  - main.py\n"},
			opt: Options{Python: "/bin/sh"}, student: "s1", argv: []string{"/bin/sh", "-u", "main.py"}, lang: "command"},
		{name: "manifest student only", files: map[string]string{ManifestFile: "student: bob\n", "main.py": ""}, student: "bob", argv: []string{py, "main.py"}, lang: "python"},
		{name: "empty manifest", files: map[string]string{ManifestFile: "", "main.py": ""}, student: "s1", argv: []string{py, "main.py"}, lang: "python"},

		{name: "unknown key", files: map[string]string{ManifestFile: "student: x\nrn: [a]\n"}, err: ManifestFile + ":2:1: unknown key \"rn\" (want student, run, submitted_at, notebook)"},
		{name: "run not a list", files: map[string]string{ManifestFile: "run: python3 solution.py\n"}, err: ":1:6: run: want a list of words"},
		{name: "empty run", files: map[string]string{ManifestFile: "run: []\n"}, err: "run: empty command"},
		{name: "bad time", files: map[string]string{ManifestFile: "submitted_at: yesterday\n"}, err: ":1:15: submitted_at: want an RFC 3339 time"},
		{name: "not a mapping", files: map[string]string{ManifestFile: "- a\n"}, err: ":1:1: want a mapping"},
		{name: "bad yaml", files: map[string]string{ManifestFile: "run: [a\n"}, err: ManifestFile + ": yaml:"},
		{name: "go module", files: map[string]string{"go.mod": "module x\n"}, student: "s1", lang: "go"},
		{name: "go files", files: map[string]string{"solution.go": "package main\n"}, student: "s1", lang: "go"},
		{name: "go plugin", files: map[string]string{"solution.so": ""}, student: "s1", lang: "go-plugin"},
		{name: "notebook", files: map[string]string{"a.ipynb": "{}"}, student: "s1", lang: "python", argv: []string{py, "-c", notebookBootstrap(), "a.ipynb", "--run", "defs"}},
		{name: "notebook run all", files: map[string]string{ManifestFile: "notebook: {file: b.ipynb, run: all}\n", "a.ipynb": "{}", "b.ipynb": "{}"},
			student: "s1", lang: "python", argv: []string{py, "-c", notebookBootstrap(), "b.ipynb", "--run", "all"}},
		{name: "two notebooks", files: map[string]string{"a.ipynb": "{}", "b.ipynb": "{}"}, err: "2 notebooks (a.ipynb, b.ipynb): name the one to grade"},
		{name: "missing notebook", files: map[string]string{ManifestFile: "notebook: c.ipynb\n"}, err: `notebook "c.ipynb" is not a file in the folder`},
		{name: "notebook outside", files: map[string]string{ManifestFile: "notebook: ../x.ipynb\n"}, err: `notebook "../x.ipynb" is not a file in the folder`},
		{name: "bad notebook run", files: map[string]string{ManifestFile: "notebook: {run: some}\n"}, err: ":1:17: notebook: run: want defs"},
		{name: "two go plugins", files: map[string]string{"a.so": "", "b.so": ""}, err: "2 plugins (a.so, b.so): hand in one"},
		{name: "nothing", files: map[string]string{"README.md": ""}, err: "nothing to run"},
		{name: "missing python", files: map[string]string{"solution.py": ""}, opt: Options{Python: "optgrade-no-python"}, err: `python interpreter "optgrade-no-python" not found`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := testSubDir(t, "s1", tt.files)
			s, err := Load(dir, tt.opt)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("error %v, want %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if s.Dir != dir || s.Student != tt.student || strings.Join(s.Argv, " ") != strings.Join(tt.argv, " ") || s.Language != tt.lang {
				t.Errorf("got %+v\nwant student %q argv %q language %q", s, tt.student, tt.argv, tt.lang)
			}
			if (s.SubmittedAt == nil) != (tt.at == nil) || (s.SubmittedAt != nil && !s.SubmittedAt.Equal(*tt.at)) {
				t.Errorf("SubmittedAt %v, want %v", s.SubmittedAt, tt.at)
			}
		})
	}
	if _, err := Load(filepath.Join(t.TempDir(), "missing"), Options{}); err == nil {
		t.Error("no error for a missing folder")
	}
}

func TestSubmissionOptgradePython(t *testing.T) {
	t.Setenv("OPTGRADE_PYTHON", "/bin/sh")
	dir := testSubDir(t, "s2", map[string]string{"solution.py": ""})
	s, err := Load(dir, Options{})
	if err != nil || s.Argv[0] != "/bin/sh" {
		t.Errorf("argv %v, err %v; want $OPTGRADE_PYTHON first", s.Argv, err)
	}
}

// A loaded submission runs: the manifest's run, through the runner, in a fresh copy.
func TestSubmissionRuns(t *testing.T) {
	server, err := os.ReadFile(filepath.Join(testDir, "server.py"))
	if err != nil {
		t.Fatal(err)
	}
	dir := testSubDir(t, "s3", map[string]string{
		"lib/server.py": string(server),
		ManifestFile:    "student: carol\nrun: [python3, lib/server.py, chatty]\n",
	})
	s, err := Load(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	c, err := s.Runner(Settings{}).StartProcess(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if rep := c.Do(context.Background(), []Call{testCall("add", "a", 1, "b", 2)}); rep[0].Result != 3.0 {
		t.Errorf("reply %+v", rep[0])
	}
	if _, err := os.Stat(filepath.Join(dir, "__pycache__")); err == nil {
		t.Error("the submission folder was written to")
	}
}

func TestCheckPython(t *testing.T) {
	err := CheckPython("/bin/false")
	if err == nil || !strings.Contains(err.Error(), "python interpreter /bin/false cannot import numpy") ||
		!strings.Contains(err.Error(), "OPTGRADE_PYTHON") {
		t.Errorf("CheckPython(/bin/false) = %v", err)
	}
	if err := CheckPython("optgrade-no-python"); err == nil {
		t.Error("no error for a missing interpreter")
	}
	if err := CheckPython("/usr/bin/python3"); err != nil {
		t.Logf("/usr/bin/python3 has no numpy here: %v", err)
	}
	py := testPython(t)
	t.Logf("CheckPython(%s) = %v", py, CheckPython(py))
}

// Detect (what `grade` uses to find submission folders) agrees with Load on every kind.
func TestDetect(t *testing.T) {
	tests := []struct {
		name  string
		files map[string]string
		kind  string // "" = not a submission
	}{
		{"python", map[string]string{"main.py": ""}, "python"},
		{"run wins", map[string]string{ManifestFile: "run: [./x]\n", "solution.py": ""}, "command"},
		{"manifest without run", map[string]string{ManifestFile: "student: a\n", "solution.py": ""}, "python"},
		{"manifest only", map[string]string{ManifestFile: "student: a\n"}, "unknown"},
		{"broken manifest", map[string]string{ManifestFile: "run: [\n"}, "unknown"},
		{"go module", map[string]string{"go.mod": "module x\n"}, "go"},
		{"go files", map[string]string{"main.go": "package main\n"}, "go"},
		{"notebook", map[string]string{"assignment.ipynb": "{}"}, "notebook"},
		{"percent script", map[string]string{"assignment.py": "# %%\nimport numpy\n"}, "notebook"},
		{"plain script is not a notebook", map[string]string{"helpers.py": "import numpy\n"}, ""},
		{"solution.py before a notebook", map[string]string{"solution.py": "", "scratch.ipynb": "{}"}, "python"},
		{"manifest names the notebook", map[string]string{ManifestFile: "notebook: scratch.ipynb\n", "solution.py": ""}, "notebook"},
		{"go source and its plugin", map[string]string{"main.go": "package main\n", "solution.so": ""}, "go"},
		{"go plugin", map[string]string{"a.so": ""}, "go-plugin"},
		{"nothing", map[string]string{"README.md": ""}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			k, ok := Detect(testSubDir(t, "s", tt.files))
			if ok != (tt.kind != "") || k.Name != tt.kind {
				t.Errorf("Detect = %q, %v; want %q", k.Name, ok, tt.kind)
			}
		})
	}
	if m := Marks(); !strings.Contains(m, ManifestFile) || !strings.Contains(m, "solution.py") || !strings.Contains(m, "go.mod") {
		t.Errorf("Marks() = %q: want every kind's marks", m)
	}
	for _, k := range Kinds() {
		if k.Name == "" || k.Marks == "" || k.Detect == nil || k.Load == nil {
			t.Errorf("kind %+v: every row needs a name, marks, Detect and Load", k.Name)
		}
	}
}

// "submitted_at: unknown" (what ingest writes when an LMS download has no time) says no
// time is known, so that a batch never guesses one from file times.
func TestSubmittedAtUnknown(t *testing.T) {
	dir := testSubDir(t, "s3", map[string]string{ManifestFile: "student: s3\nsubmitted_at: unknown\n", "solution.py": ""})
	s, err := Load(dir, Options{Python: "/bin/sh"})
	if err != nil || !s.TimeUnknown || s.SubmittedAt != nil {
		t.Errorf("got %+v, %v; want TimeUnknown and no time", s, err)
	}
}

// A hostile optgrade.yaml costs a clear message, never the grader's memory: a link (to
// /dev/zero, which never ends, or to another student's file) and an oversized file are
// refused before they are read.
func TestManifestBounded(t *testing.T) {
	big := testSubDir(t, "big", map[string]string{ManifestFile: "student: s\n#" + strings.Repeat("x", maxManifest), "solution.py": ""})
	if _, err := Load(big, Options{Python: "/bin/sh"}); err == nil || !strings.Contains(err.Error(), "over the manifest limit of 65536 bytes") {
		t.Errorf("oversized manifest: err %v; want the limit named", err)
	}
	link := testSubDir(t, "link", map[string]string{"solution.py": ""})
	if err := os.Symlink("/dev/zero", filepath.Join(link, ManifestFile)); err != nil {
		t.Skip("no symlinks here:", err)
	}
	if _, err := Load(link, Options{Python: "/bin/sh"}); err == nil || !strings.Contains(err.Error(), "not a regular file") {
		t.Errorf("manifest linked to /dev/zero: err %v; want it refused", err)
	}
	if _, ok := Detect(link); !ok {
		t.Errorf("a folder with a linked manifest must still be detected, so the batch says why it cannot be graded")
	}
}

// The escape of issue 12: a run naming a program in a folder that also holds the hidden
// rubric got that folder mounted, and the submission printed the rubric. Now the sandbox
// refuses the program with a plain message, and nothing of the folder reaches the output.
func TestRunCannotExposeItsProgramsFolder(t *testing.T) {
	if _, err := sandbox.Bubblewrap(); err != nil {
		t.Skipf("no bubblewrap: %v", err)
	}
	course := t.TempDir()
	if err := os.Chmod(course, 0o755); err != nil {
		t.Fatal(err)
	}
	rubric := filepath.Join(course, "rubric.yaml")
	if err := os.WriteFile(rubric, []byte("seed: SECRET-SEED-4711\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(course, "bin"), 0o755); err != nil {
		t.Fatal(err)
	}
	py := filepath.Join(course, "bin", "python3")
	if err := os.Symlink(testPython(t), py); err != nil {
		t.Fatal(err)
	}
	const thief = `import sys, json
try:
    print(open(sys.argv[1]).read(), file=sys.stderr)
except Exception as e:
    print("could not read:", e, file=sys.stderr)
for line in sys.stdin:
    r = json.loads(line)
    print(json.dumps({"id": r["id"], "result": {"protocol": 1, "functions": ["quadratic_loss"]}}), flush=True)
`
	dir := testSubDir(t, "thief", map[string]string{
		"thief.py":   thief,
		ManifestFile: fmt.Sprintf("run: [%s, thief.py, %s]\n", py, rubric),
	})
	s, err := Load(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	c, err := s.Runner(Settings{StartTimeout: time.Minute}).StartProcess(context.Background())
	if err == nil {
		out := c.Output()
		c.Close()
		out += c.Output()
		if strings.Contains(out, "SECRET-SEED") {
			t.Fatalf("the submission read the hidden rubric:\n%s", out)
		}
		t.Fatalf("started a program outside the sandbox's folders; output:\n%s", out)
	}
	if strings.Contains(err.Error(), "SECRET-SEED") || !strings.Contains(err.Error(), "is outside what the sandbox shows") {
		t.Errorf("error %v, want a plain refusal", err)
	}
}
