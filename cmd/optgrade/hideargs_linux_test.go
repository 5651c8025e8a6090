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
	bin := buildOptgrade(t)
	shared := nobodyDir(t)
	sub := referenceWithPrelude(t, "snoop", "import os as _os\n"+
		"open("+pyQuote(filepath.Join(shared, "cmdline"))+", 'wb').write(open('/proc/%d/cmdline' % _os.getppid(), 'rb').read())\n")
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

// buildOptgrade builds the optgrade binary: what main does before run matters.
func buildOptgrade(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "optgrade")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	return bin
}

func pyQuote(s string) string {
	return "'" + strings.ReplaceAll(strings.ReplaceAll(s, `\`, `\\`), "'", `\'`) + "'"
}
