package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestLintStrength runs rubric lint --strength on the course rubric: a table per task and
// the rubric's score; a --min-strength above it exits 1.
func TestLintStrength(t *testing.T) {
	out, errOut, code := optgrade(t, "rubric", "lint", "--strength", courseRubric)
	if code != 0 {
		t.Fatalf("exit %d\n%s%s", code, out, errOut)
	}
	for _, want := range []string{"task  ", "killed", "adam-step", "strength 100.0%: "} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	// One case whose w and a read the same both ways cannot tell w reversed from w.
	weak := filepath.Join(t.TempDir(), "weak.yaml")
	os.WriteFile(weak, []byte("optgrade: 1\nassignment: t\npoints: 1\ntasks:\n  - id: q\n    function: quadratic_loss\n    points: 1\n"+
		"    checks: [{kind: value, points: 1, cases: [{args: {w: [1, 2, 1], a: [3, 1, 3]}}]}]\n"), 0o644)
	out, _, code = optgrade(t, "rubric", "lint", "--strength", "--min-strength", "95", weak)
	if code != 1 || !strings.Contains(out, "survivor: task \"q\": the mutant axis(w)") || !strings.Contains(out, "is under --min-strength 95%") {
		t.Errorf("exit %d, want 1 with the survivor and the threshold:\n%s", code, out)
	}
	if _, _, code = optgrade(t, "rubric", "lint", "--strength", "--min-strength", "120", weak); code != 2 {
		t.Errorf("--min-strength 120: exit %d, want 2", code)
	}
}
