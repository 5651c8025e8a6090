package main

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// readTree returns the files under dir by slash path.
func readTree(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		if strings.Contains(p, "__pycache__") {
			return nil
		}
		rel, _ := filepath.Rel(dir, p)
		out[filepath.ToSlash(rel)], err = os.ReadFile(p)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestKitPythonIsTheKit(t *testing.T) {
	dir := t.TempDir()
	_, stderr, code := optgrade(t, "kit", "python", dir)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	got, want := readTree(t, dir), readTree(t, "../../submissions/kit/python")
	if len(got) != len(want) {
		t.Errorf("wrote %d files, the kit has %d", len(got), len(want))
	}
	for name, data := range want {
		if !bytes.Equal(got[name], data) {
			t.Errorf("%s differs from submissions/kit/python/%s", name, name)
		}
	}
}

func TestKitGo(t *testing.T) {
	dir := t.TempDir()
	if _, stderr, code := optgrade(t, "kit", "go", dir); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	got := readTree(t, dir)
	for _, name := range []string{"solution.go", "rubric.yaml", "README.md", "go.mod", "optgradekit/go.mod", "optgradekit/serve.go", "optgradekit/types.go"} {
		if got[name] == nil {
			t.Errorf("the Go kit lacks %s", name)
		}
	}
	for name := range got {
		if strings.HasSuffix(name, "_test.go") || strings.HasPrefix(name, "optgradekit/pluginhost") || strings.HasPrefix(name, "optgradekit/starter") {
			t.Errorf("the Go kit hands out %s", name)
		}
	}
	starter, _ := os.ReadFile("../../submissions/kit/go/starter/solution.go")
	if !bytes.Equal(got["solution.go"], starter) {
		t.Error("solution.go is not submissions/kit/go/starter/solution.go")
	}
	if !bytes.Equal(got["rubric.yaml"], readTree(t, "../../submissions/kit/python")["rubric.yaml"]) {
		t.Error("the Go kit's rubric.yaml differs from the Python kit's")
	}
	// A second kit into the same folder refuses, naming what is there.
	_, stderr, code := optgrade(t, "kit", "go", dir)
	if code != exitUsage || !strings.Contains(stderr, "already holds") || !strings.Contains(stderr, "solution.go") {
		t.Errorf("second kit: exit %d, %q", code, stderr)
	}
	if _, stderr, code := optgrade(t, "kit", "rust", t.TempDir()); code != exitUsage || !strings.Contains(stderr, "kits: go, notebook, python") {
		t.Errorf("unknown kit: exit %d, %q", code, stderr)
	}
}
