package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// check --html writes the HTML report of a failing student, with its plots and mistake,
// and says where.
func TestCheckHTML(t *testing.T) {
	t.Setenv("OPTGRADE_PYTHON", needPython(t))
	path := filepath.Join(t.TempDir(), "report.html")
	out, errOut, code := optgrade(t, "check", "--rubric", courseRubric, "--html-out", path, "../../testdata/submissions/broken-adam-no-bias")
	if code != 1 {
		t.Fatalf("exit %d, want 1 (a check failed)\n%s%s", code, out, errOut)
	}
	if !strings.Contains(errOut, "HTML report: "+path) {
		t.Errorf("stderr does not give the page's path:\n%s", errOut)
	}
	if !strings.Contains(out, "Score:") {
		t.Errorf("the text report is missing from stdout:\n%s", out)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	page := string(b)
	for _, want := range []string{"<!DOCTYPE html>", "adam-step", "Adam without bias correction", "<svg", "leaves the reference at step 1", "optgrade check --case adam-step/"} {
		if !strings.Contains(page, want) {
			t.Errorf("the page has no %q", want)
		}
	}
}
