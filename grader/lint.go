package grader

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"

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
	// Twins are the other registered misconceptions of the task that agree with this one
	// on every case of the task's checks: the rubric cannot tell them apart. Equivalent
	// lists those of them that no generated input tells apart either (they compute the same
	// function, as two momentum forms do inside train): no rubric could.
	Twins, Equivalent []string
}

// Notes lists, one per line, what an instructor may want to know but cannot fix: pairs
// of misconceptions that give the same results on every input.
func (l *Lint) Notes() []string {
	var out []string
	for _, v := range l.Variants {
		if len(v.Equivalent) > 0 {
			out = append(out, fmt.Sprintf("task %q: the misconception %q gives the same results as %s on every generated input: no rubric can tell them apart", v.Task, v.Variant, quoteList(v.Equivalent)))
		}
	}
	return out
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
		case len(v.Twins) > len(v.Equivalent):
			out = append(out, fmt.Sprintf("task %q: no check tells the misconception %q from %s: they agree on every case of the task", v.Task, v.Variant, quoteList(slices.DeleteFunc(slices.Clone(v.Twins), func(n string) bool { return slices.Contains(v.Equivalent, n) }))))
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
						if m != v.Name && !slices.Contains(lv.Twins, m) {
							lv.Twins = append(lv.Twins, m)
						}
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
			for _, twin := range lv.Twins {
				if tv, ok := reference.LookupVariant(twin); ok && equivalent(t.Function, v, tv) {
					lv.Equivalent = append(lv.Equivalent, twin)
				}
			}
			l.Variants = append(l.Variants, lv)
		}
	}
	return l, nil
}

// quoteList writes "a", "b" and "c".
func quoteList(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = fmt.Sprintf("%q", n)
	}
	if len(q) == 1 {
		return q[0]
	}
	return strings.Join(q[:len(q)-1], ", ") + " and " + q[len(q)-1]
}

// equivalent reports whether two misconceptions of fn give the same results (within 1e-9,
// relative) on every input fn's generator makes over several seeds and dimensions.
func equivalent(fn string, a, b reference.Variant) bool {
	_, differ := firstDifference(fn, a, b)
	return !differ
}

// firstDifference returns the first input fn's generator makes (over several seeds and
// dimensions) on which a and b give different results (beyond 1e-9, relative) or only one
// of them an error; differ is also set, with no input, when the generator fails.
func firstDifference(fn string, a, b reference.Variant) (in reference.Args, differ bool) {
	tol := Tol{Atol: 1e-12, Rtol: 1e-9, SameNaN: true}
	for seed := int64(1); seed <= 4; seed++ {
		for _, dim := range []int{1, 3} {
			cases, err := reference.Generate(fn, 7919*seed, 16, dim)
			if err != nil {
				return nil, true
			}
			for _, c := range cases {
				ra, errA := a.Call(c.Clone())
				rb, errB := b.Call(c.Clone())
				if (errA == nil) != (errB == nil) {
					return c, true
				}
				if errA == nil {
					if _, ok := Compare(runner.JSONShape(ra), runner.JSONShape(rb), tol); !ok {
						return c, true
					}
				}
			}
		}
	}
	return nil, false
}
