package rubrics_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/optgrade/optgrade/grader"
	"github.com/optgrade/optgrade/grader/rubric"
)

func TestRubricsLintClean(t *testing.T) {
	files, err := filepath.Glob("*.yaml")
	if err != nil || len(files) == 0 {
		t.Fatalf("no rubrics found: %v", err)
	}
	for _, f := range files {
		t.Run(f, func(t *testing.T) {
			r, err := rubric.Load(f)
			if err != nil {
				t.Fatal(err)
			}
			l, err := grader.LintRubric(context.Background(), r)
			if err != nil {
				t.Fatal(err)
			}
			if l.Reference.Score != r.Points || l.Reference.MaxScore != r.Points {
				t.Errorf("reference scores %g/%g, want %g", l.Reference.Score, l.Reference.MaxScore, r.Points)
			}
			for _, p := range l.Problems() {
				t.Error(p)
			}
			if len(l.Variants) == 0 {
				t.Error("no misconception was tried")
			}
		})
	}
}

// TestHiddenChecksUseOtherSeeds keeps a hidden check from being guessed from a visible
// one: no hidden check of a task reuses a visible check's seed.
func TestHiddenChecksUseOtherSeeds(t *testing.T) {
	r, err := rubric.Load("assignment1.yaml")
	if err != nil {
		t.Fatal(err)
	}
	for _, task := range r.Tasks {
		visible := map[int64]bool{}
		for _, c := range task.Checks {
			if c.Generate != nil && c.Visibility == rubric.Visible {
				visible[c.Generate.Seed] = true
			}
		}
		for _, c := range task.Checks {
			if c.Generate != nil && c.Visibility != rubric.Visible && visible[c.Generate.Seed] {
				t.Errorf("task %q: hidden check %q reuses a visible seed %d", task.ID, c.Name, c.Generate.Seed)
			}
		}
	}
}

// TestKitRubricIsPublic keeps the rubric handed out with the student kit in step with the
// course rubric: it is exactly `optgrade rubric public assignment1.yaml`.
func TestKitRubricIsPublic(t *testing.T) {
	r, err := rubric.Load("assignment1.yaml")
	if err != nil {
		t.Fatal(err)
	}
	want, err := rubric.Marshal(r.Public())
	if err != nil {
		t.Fatal(err)
	}
	for _, kit := range []string{"python/rubric.yaml", "go/starter/rubric.yaml", "notebook/rubric.yaml"} {
		got, err := os.ReadFile("../submissions/kit/" + kit)
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != string(want) {
			t.Errorf("submissions/kit/%s is stale: run optgrade rubric public rubrics/assignment1.yaml > submissions/kit/%s", kit, kit)
		}
		if _, err := rubric.Parse("kit", got); err != nil {
			t.Errorf("the kit's rubric %s does not load: %v", kit, err)
		}
	}
}
