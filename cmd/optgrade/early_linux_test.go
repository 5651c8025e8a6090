package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// check starts the submission while it loads the rubric; a rubric error still comes
// first, and the started submission is ended at once — even one that never answers
// hello — leaving no working copy behind.
func TestCheckRubricErrorEndsTheEarlyStart(t *testing.T) {
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	sub := t.TempDir()
	if err := os.WriteFile(filepath.Join(sub, "optgrade.yaml"), []byte("student: s1\nrun: [sleep, \"100\"]\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	begin := time.Now()
	_, errOut, code := optgrade(t, "check", "--rubric", "../../testdata/rubrics/bad/unknown_key.yaml", sub)
	if code != exitUsage || !strings.Contains(errOut, "unknown_key.yaml:") {
		t.Errorf("exit %d, stderr %q; want the rubric error (exit 2)", code, errOut)
	}
	if d := time.Since(begin); d > 10*time.Second {
		t.Errorf("check took %s: it waited for a start nobody needed", d)
	}
	if left := workCopies(t, tmp); len(left) > 0 {
		t.Errorf("working copies left in TMPDIR: %v", left)
	}
}
