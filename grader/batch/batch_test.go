package batch_test

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/optgrade/optgrade/grader"
	"github.com/optgrade/optgrade/grader/batch"
	"github.com/optgrade/optgrade/grader/rubric"
	"github.com/optgrade/optgrade/grader/runner"
	"github.com/optgrade/optgrade/reference"
)

const courseRubric = "../../rubrics/assignment1.yaml"

func newGrader(t *testing.T) *grader.Grader {
	t.Helper()
	r, err := rubric.Load(courseRubric)
	if err != nil {
		t.Fatal(err)
	}
	g, err := grader.New(r, true)
	if err != nil {
		t.Fatal(err)
	}
	return g
}

// fakeCourse makes one folder per student under a temporary root; a folder holds a file
// "answer" that says how the fake submission answers: "right" (the reference), "wrong"
// (Adam without bias correction) or "broken" (it cannot be loaded).
func fakeCourse(t *testing.T, students map[string]string) string {
	t.Helper()
	root := t.TempDir()
	for name, answer := range students {
		dir := filepath.Join(root, name)
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "answer"), []byte(answer), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return root
}

// fakeLoad loads a fake submission: it answers from the reference, right or wrong.
func fakeLoad(dir string) (*batch.Submission, error) {
	data, err := os.ReadFile(filepath.Join(dir, "answer"))
	if err != nil {
		return nil, err
	}
	run := runner.ReferenceRunner{}
	switch strings.TrimSpace(string(data)) {
	case "wrong":
		v, ok := reference.LookupVariant("adam-no-bias-correction")
		if !ok {
			return nil, errors.New("no variant adam-no-bias-correction")
		}
		run.Replace = map[string]reference.Variant{"adam_step": v}
	case "broken":
		return nil, errors.New("nothing to run")
	}
	return &batch.Submission{Student: filepath.Base(dir), Runner: run, Submitted: grader.Submitted{Source: "none"}}, nil
}

func isFake(dir string) bool {
	_, err := os.Stat(filepath.Join(dir, "answer"))
	return err == nil
}

func TestRunStoresAndResumes(t *testing.T) {
	root := fakeCourse(t, map[string]string{"alice": "right", "bob": "wrong", "carol": "broken"})
	dirs, err := batch.Discover([]string{root}, isFake)
	if err != nil || len(dirs) != 3 {
		t.Fatalf("Discover: %v %v", dirs, err)
	}
	out := t.TempDir()
	cfg := batch.Config{Grader: newGrader(t), Out: out, Parallel: 2, Load: fakeLoad}
	first, err := batch.Run(context.Background(), dirs, cfg)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]*grader.Result{}
	for _, r := range first.Results {
		got[r.Student] = r
	}
	if r := got["alice"]; r == nil || r.Score != r.MaxScore {
		t.Errorf("alice (the reference) should have full marks: %+v", r)
	}
	if r := got["bob"]; r == nil || r.Score >= r.MaxScore || r.Error != "" {
		t.Errorf("bob (Adam without bias correction) should lose points: %+v", r)
	}
	if r := got["carol"]; r == nil || r.Score != 0 || !strings.Contains(r.Error, "nothing to run") {
		t.Errorf("carol (cannot load) should be a result with the reason: %+v", r)
	}
	for _, name := range []string{"alice", "bob", "carol"} {
		for _, f := range []string{batch.ResultFile, batch.FeedbackFile} {
			if _, err := os.Stat(filepath.Join(out, name, f)); err != nil {
				t.Errorf("%s: %v", name, err)
			}
		}
	}

	again, err := batch.Run(context.Background(), dirs, cfg)
	if err != nil || again.Kept != 3 {
		t.Errorf("a second run should keep all 3 results, kept %d (%v)", again.Kept, err)
	}
	cfg.Regrade = true
	regraded, err := batch.Run(context.Background(), dirs, cfg)
	if err != nil || regraded.Kept != 0 {
		t.Errorf("--regrade should keep nothing, kept %d (%v)", regraded.Kept, err)
	}
}

func TestRunInterrupted(t *testing.T) {
	root := fakeCourse(t, map[string]string{"alice": "right", "bob": "right"})
	dirs, _ := batch.Discover([]string{root}, isFake)
	out := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := batch.Run(ctx, dirs, batch.Config{Grader: newGrader(t), Out: out, Parallel: 1, Load: fakeLoad})
	if !errors.Is(err, batch.ErrInterrupted) {
		t.Fatalf("a cancelled batch returned %v, want ErrInterrupted", err)
	}
	// Nothing half-written: every file in the store is whole (no temporary file left).
	filepath.WalkDir(out, func(p string, d os.DirEntry, err error) error {
		if err == nil && strings.HasPrefix(d.Name(), ".tmp-") {
			t.Errorf("temporary file left: %s", p)
		}
		return nil
	})
}

func TestWriteFileAtomicKeepsOldOnFailure(t *testing.T) {
	path := filepath.Join(t.TempDir(), "gradebook.csv")
	if err := batch.WriteFileAtomic(path, func(w io.Writer) error { _, err := w.Write([]byte("old\n")); return err }); err != nil {
		t.Fatal(err)
	}
	boom := errors.New("disk full")
	err := batch.WriteFileAtomic(path, func(w io.Writer) error {
		w.Write([]byte("half a ro"))
		return boom
	})
	if !errors.Is(err, boom) {
		t.Errorf("the write's error was lost: %v", err)
	}
	if data, _ := os.ReadFile(path); string(data) != "old\n" {
		t.Errorf("a failed write changed the file: %q", data)
	}
	entries, _ := os.ReadDir(filepath.Dir(path))
	if len(entries) != 1 {
		t.Errorf("temporary files left: %v", entries)
	}
}
