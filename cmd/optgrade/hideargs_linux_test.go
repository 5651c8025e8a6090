package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// Under --sandbox none a root grader's submission runs as nobody; reading the grader's
// /proc/<pid>/cmdline it finds the program and its command, not the rubric's path.
func TestSubmissionCannotReadGraderArgs(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	if os.Geteuid() != 0 {
		t.Skip("only a root grader hides its arguments: otherwise the submission runs as the grader's own user")
	}
	py := needPython(t)
	bin := filepath.Join(t.TempDir(), "optgrade")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	shared, err := os.MkdirTemp("", "optgrade-cmdline-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(shared) })
	if err := os.Chmod(shared, 0o777); err != nil {
		t.Fatal(err)
	}
	sub := filepath.Join(t.TempDir(), "snoop")
	if err := os.CopyFS(sub, os.DirFS("../../testdata/submissions/python-reference")); err != nil {
		t.Fatal(err)
	}
	solution, err := os.ReadFile(filepath.Join(sub, "solution.py"))
	if err != nil {
		t.Fatal(err)
	}
	snoop := "import os as _os\n" +
		"open(" + pyQuote(filepath.Join(shared, "cmdline")) + ", 'wb').write(open('/proc/%d/cmdline' % _os.getppid(), 'rb').read())\n"
	if err := os.WriteFile(filepath.Join(sub, "solution.py"), append([]byte(snoop), solution...), 0o644); err != nil {
		t.Fatal(err)
	}
	rubric, err := filepath.Abs(courseRubric)
	if err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(bin, "check", "--sandbox", "none", "--python", py, "-r", rubric, sub).CombinedOutput()
	if err != nil {
		t.Fatalf("check: %v\n%s", err, out)
	}
	seen, err := os.ReadFile(filepath.Join(shared, "cmdline"))
	if err != nil {
		t.Fatalf("the submission could not read the grader's command line at all: %v\n%s", err, out)
	}
	if got := strings.TrimRight(string(seen), "\x00"); got != "optgrade\x00check" {
		t.Errorf("the submission read the grader's command line %q, want only %q", got, "optgrade\x00check")
	}
}

func pyQuote(s string) string {
	return "'" + strings.ReplaceAll(strings.ReplaceAll(s, `\`, `\\`), "'", `\'`) + "'"
}
