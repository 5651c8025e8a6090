package rubric

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"
	"time"
)

// TestRubricBombs loads every testdata/rubrics/bad/bomb_*.yaml — small files that once
// hung the grader or ended in Go's fatal out of memory — and checks that each is refused
// quickly, with little memory, by a message naming the limit and its value.
func TestRubricBombs(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join(testdataDir, "bad", "bomb_*.yaml"))
	if len(files) < 8 {
		t.Fatalf("found %d bombs, want at least 8", len(files))
	}
	limits := []string{fmt.Sprint(MaxNodes), fmt.Sprint(MaxCount), fmt.Sprint(MaxDim), fmt.Sprint(MaxCheckSize), fmt.Sprint(MaxRubricSize)}
	for _, file := range files {
		t.Run(filepath.Base(file), func(t *testing.T) {
			data, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			done := make(chan error, 1)
			start := time.Now()
			go func() {
				_, err := Parse(file, data)
				done <- err
			}()
			select {
			case err = <-done:
			case <-time.After(20 * time.Second):
				t.Fatal("still loading after 20 s")
			}
			runtime.ReadMemStats(&after)
			if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 100<<20 {
				t.Errorf("loading allocated %d MiB, want under 100 MiB", alloc>>20)
			}
			if elapsed := time.Since(start); elapsed > 5*time.Second {
				t.Errorf("loading took %v, want under 5 s", elapsed)
			}
			if !errors.Is(err, ErrInvalid) {
				t.Fatalf("err = %v, want a rubric error", err)
			}
			named := false
			for _, l := range limits {
				named = named || strings.Contains(err.Error(), "limit of "+l)
			}
			if !named {
				t.Errorf("%v\nnames no limit with its value", err)
			}
		})
	}
}

// TestRubricFileSize checks that a file over MaxFileSize is refused, by Parse and by Load
// (which reads no more than one byte past the limit), naming the limit.
func TestRubricFileSize(t *testing.T) {
	big := []byte(testHeader + "title: \"" + strings.Repeat("x", MaxFileSize) + "\"\n" + testTask)
	want := "x.yaml: the file is larger than 1048576 bytes (1 MiB), the limit for a rubric"
	if _, err := Parse("x.yaml", big); err == nil || err.Error() != want {
		t.Errorf("Parse: err = %v, want %q", err, want)
	}
	path := filepath.Join(t.TempDir(), "x.yaml")
	if err := os.WriteFile(path, big, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(path); err == nil || !strings.HasSuffix(err.Error(), "the limit for a rubric") {
		t.Errorf("Load: err = %v, want the file-size limit", err)
	}
	// Just under the limit loads (padding in a comment).
	ok := []byte(testHeader + testTask)
	ok = append(ok, '#')
	ok = append(ok, bytes.Repeat([]byte{' '}, MaxFileSize-len(ok)-1)...)
	ok = append(ok, '\n')
	if _, err := Parse("x.yaml", ok); err != nil {
		t.Errorf("a file of exactly %d bytes: %v", len(ok), err)
	}
}

// TestRubricLimitBoundaries checks each generate limit at its value and one past it.
func TestRubricLimitBoundaries(t *testing.T) {
	check := func(fn, body string) string {
		return testHeader + "tasks:\n  - id: t\n    function: " + fn + "\n    points: 1\n    checks:\n      - {kind: " + body + "}\n"
	}
	tests := []struct {
		name, yaml, wantErr string
	}{
		{"count at the limit", check("bernoulli_mle", fmt.Sprintf("value, points: 1, generate: {seed: 1, count: %d}", MaxCount)), ""},
		{"count past the limit", check("bernoulli_mle", fmt.Sprintf("value, points: 1, generate: {seed: 1, count: %d}", MaxCount+1)), "generate.count: 1001 is over the limit of 1000"},
		{"count as a huge float", check("bernoulli_mle", "value, points: 1, generate: {seed: 1, count: 1e30}"), "generate.count: 1e30 is over the limit of 1000"},
		{"dim at the limit", check("quadratic_loss", fmt.Sprintf("value, points: 1, generate: {seed: 1, count: 1, dim: %d}", MaxDim)), ""},
		{"dim past the limit", check("quadratic_loss", fmt.Sprintf("value, points: 1, generate: {seed: 1, count: 1, dim: %d}", MaxDim+1)), "generate.dim: 10001 is over the limit of 10000"},
		{"product at the limit", check("quadratic_loss", "value, points: 1, generate: {seed: 1, count: 10, dim: 10000}"), ""},
		{"product past the limit", check("quadratic_loss", "value, points: 1, generate: {seed: 1, count: 11, dim: 10000}"), "count × dim × steps = 11 × 10000 × 1 = 110000 is over the limit of 100000"},
		{"steps past the limit", check("gd_step", "trajectory, points: 1, steps: 10001"), "steps: must be from 1 to 10000, got 10001"},
		{"steps × dim past the limit", check("gd_step", "trajectory, points: 1, steps: 1000, generate: {seed: 1, dim: 101}"), "count × dim × steps = 1 × 101 × 1000 = 101000 is over the limit of 100000"},
		{"train steps past the limit", check("train", "convergence, points: 1, cases: [{args: {problem: {kind: quadratic, a: [0.1, 2]}, optimizer: {kind: gd, lr: 0.1}, w0: [1, 1], steps: 50001}}]"),
			"args.steps: 50001 steps × 2 weights make 100002 numbers"},
		{"a literal that overflows", check("quadratic_loss", "value, points: 1, cases: [{args: {w: [1, -1e999], a: [1, 1]}}]"), "args.w[1]: -1e999 is out of the range of a float64"},
		{"a result that overflows", check("quadratic_loss", "value, points: 1, cases: [{args: {w: [1e300], a: [1]}}]"), "the reference's result is not finite (result = +Inf)"},
		{"a first step that overflows", check("gd_step", "trajectory, points: 1, steps: 2, start: {w: [1e308, -1e308, 1e308, -1e308], lr: 1e308}, generate: {seed: 1, dim: 4}"), "start: the reference's first step is not finite"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			parseWant(t, tt.yaml, tt.wantErr)
		})
	}
}

// TestValidID: ids are what ^[a-z0-9_-]+$ matches.
func TestValidID(t *testing.T) {
	re := regexp.MustCompile(`^[a-z0-9_-]+$`)
	for _, s := range []string{"", "adam", "opt-a1", "nll_grad", "Adam", "a b", "é", "a\n", "-", "_", "a.b", "ü-1", "a/b", "0"} {
		if got, want := validID(s), re.MatchString(s); got != want {
			t.Errorf("validID(%q) = %v, want %v", s, got, want)
		}
	}
}
