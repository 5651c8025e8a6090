package main

import (
	"bytes"
	"io/fs"
	"os"
	"os/exec"
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

// TestPythonKitReadsLinesInChunks: the Python kit reads stdin a chunk at a time; every
// way of cutting the input into chunks gives back the same lines (empty ones, one longer
// than a chunk, a last line without its newline).
func TestPythonKitReadsLinesInChunks(t *testing.T) {
	py := needPython(t)
	script := `
import sys
sys.path.insert(0, "../../submissions/kit/python")
import optgrade_kit as k
class Raw:
    def __init__(s, data, n): s.data, s.n = data, n
    def read1(s, m):
        c, s.data = s.data[:s.n], s.data[s.n:]
        return c
class Stdin:
    def __init__(s, raw): s.buffer = raw
cases = ([b"a" * 100, b"", b"b" * 7, b"c" * 70000, b"last-without-newline"], [b"x", b"y", b""], [b""], [b"", b""])
for lines in cases:
    data = b"\n".join(lines)
    want = [] if not data else (lines[:-1] if data.endswith(b"\n") else lines)
    for n in (1, 2, 3, 7, 64, 1 << 16):
        inp = k._Input(Stdin(Raw(data, n)))
        got = []
        while True:
            line = inp.line()
            if line is None:
                break
            got.append(line)
        if got != want:
            sys.exit("chunks of %d: %r, want %r" % (n, [g[:10] for g in got], [w[:10] for w in want]))
`
	out, err := exec.Command(py, "-c", script).CombinedOutput()
	if err != nil {
		t.Fatalf("%v: %s", err, out)
	}
}
