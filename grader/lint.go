package grader

import (
	"context"
	"fmt"
	"sort"

	"github.com/optgrade/optgrade/grader/rubric"
	"github.com/optgrade/optgrade/grader/runner"
	"github.com/optgrade/optgrade/reference"
)

// Lint is what `optgrade rubric lint` learns by running a valid rubric against the
// reference and its registered misconceptions.
type Lint struct {
	// Reference is the reference solution's own result: it must score full marks.
	Reference *Result
	// Variants has one row per (task, misconception) pair, in rubric order.
	Variants []LintVariant
}

// LintVariant says whether a task's checks catch one misconception and whether the
// feedback then names it.
type LintVariant struct {
	Task, Variant string
	Caught        bool   // some check of the task fails
	Named         string // the misconception the failing checks name ("" if none)
	Lost          float64
}

// Problems lists, one per line, what an instructor should fix: reference points lost,
// misconceptions no check catches, and caught ones the feedback names wrongly.
func (l *Lint) Problems() []string {
	var out []string
	for _, t := range l.Reference.Tasks {
		for _, c := range t.Checks {
			if c.Status != Pass {
				out = append(out, fmt.Sprintf("task %q, check %q: the reference solution fails: %s", t.ID, c.Name, c.Message))
			}
		}
	}
	for _, v := range l.Variants {
		switch {
		case !v.Caught:
			out = append(out, fmt.Sprintf("task %q: no check catches the misconception %q", v.Task, v.Variant))
		case v.Named != v.Variant:
			named := "no misconception"
			if v.Named != "" {
				named = fmt.Sprintf("%q", v.Named)
			}
			out = append(out, fmt.Sprintf("task %q: the misconception %q is caught, but the feedback names %s", v.Task, v.Variant, named))
		}
	}
	return out
}

// LintRubric grades the reference against every check of r, then each registered
// misconception of each task's function in the reference's place.
func LintRubric(ctx context.Context, r *rubric.Rubric) (*Lint, error) {
	g, err := New(r, true)
	if err != nil {
		return nil, err
	}
	l := &Lint{Reference: g.Grade(ctx, runner.ReferenceRunner{}, "reference", "", Submitted{})}
	for i := range r.Tasks {
		t := &r.Tasks[i]
		for _, v := range variantsFor(t) {
			conn, _ := runner.ReferenceRunner{Replace: map[string]reference.Variant{t.Function: v}}.Start(ctx)
			tr := g.gradeTask(ctx, i, conn, "")
			lv := LintVariant{Task: t.ID, Variant: v.Name, Lost: roundPoints(tr.MaxScore - tr.Score)}
			names := map[string]bool{}
			explained := false
			for _, c := range tr.Checks {
				if c.Status != Pass {
					lv.Caught = true
					if c.Misconception != "" {
						names[c.Misconception] = true
					}
					for _, m := range c.matching {
						explained = explained || m == v.Name
					}
				}
			}
			if explained {
				lv.Named = v.Name
			} else if len(names) > 0 {
				var list []string
				for n := range names {
					list = append(list, n)
				}
				sort.Strings(list)
				lv.Named = list[0]
			}
			l.Variants = append(l.Variants, lv)
		}
	}
	return l, nil
}
