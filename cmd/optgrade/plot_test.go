package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestReferencePlot(t *testing.T) {
	out, _, code := optgrade(t, "reference", "plot")
	if code != 0 {
		t.Fatalf("reference plot: exit %d", code)
	}
	for _, name := range []string{"lr-diagnostics", "momentum", "adam", "schedules"} {
		if !strings.Contains(out, name) {
			t.Errorf("the list of pictures has no %s:\n%s", name, out)
		}
	}

	dir := t.TempDir()
	for _, file := range []string{"lr.svg", "lr.png", "lr.pdf"} {
		path := filepath.Join(dir, file)
		out, errOut, code := optgrade(t, "reference", "plot", "lr-diagnostics", "--out", path)
		if code != 0 || strings.TrimSpace(out) != path {
			t.Fatalf("plot --out %s: exit %d, stdout %q, stderr %q", file, code, out, errOut)
		}
		if st, err := os.Stat(path); err != nil || st.Size() < 1000 {
			t.Errorf("%s: %v, %v", file, st, err)
		}
	}

	for _, args := range [][]string{
		{"reference", "plot", "nope"},
		{"reference", "plot", "lr-diagnostics", "--out", filepath.Join(dir, "lr.gif")},
		{"reference", "plot", "lr-diagnostics", "--out"},
		{"reference", "plot", "adam", "momentum"},
	} {
		if _, errOut, code := optgrade(t, args...); code != 2 || errOut == "" {
			t.Errorf("%v: exit %d, stderr %q; want a usage error", args, code, errOut)
		}
	}
}
