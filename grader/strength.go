package grader

import (
	"context"
	"fmt"

	"github.com/optgrade/optgrade/grader/rubric"
	"github.com/optgrade/optgrade/grader/runner"
	"github.com/optgrade/optgrade/reference"
)

// MutantStatus is what a rubric makes of one mutant of a task's function.
type MutantStatus string

const (
	// Killed: some check of the task fails; the mutant loses points.
	Killed MutantStatus = "killed"
	// Survived: every check passes, yet some input the generators make, or some probe,
	// tells the mutant from the reference.
	Survived MutantStatus = "survived"
	// Equivalent: the mutant gives the reference's results on every input the generators
	// make and on every probe beyond them (probeInputs: other seeds and dimensions, edge
	// values, the boundaries of a function's rules); it does not count against the rubric.
	Equivalent MutantStatus = "equivalent"
	// Invalid: the reference rejects the mutated call on every generated input (swapping a
	// negative m into Adam's v, say): the mutant is no mistake code could make, and does
	// not count.
	Invalid MutantStatus = "invalid"
)

// MutantResult is one mutant of a task's function and what the task's checks made of it.
type MutantResult struct {
	Name     string // "axis(w)", "off-by-one(t+1)"
	Operator string // the row of mutationOps that made it
	Sentence string // what it does: "w's components taken in reverse order"
	Status   MutantStatus
	Lost     float64 // points the task lost to it
	// Witness is, for a survivor, an input the generators make on which the mutant differs
	// from the reference: a case that would kill it.
	Witness string
}

// TaskStrength is how many mutants of one task's function its checks kill.
type TaskStrength struct {
	Task, Function                         string
	Mutants                                []MutantResult
	Killed, Survived, EquivalentN, Invalid int
}

// Score is the fraction of the non-equivalent, valid mutants killed (1 when there are none).
func (t TaskStrength) Score() float64 {
	if t.Killed+t.Survived == 0 {
		return 1
	}
	return float64(t.Killed) / float64(t.Killed+t.Survived)
}

// Strength is what `optgrade rubric lint --strength` measures: for every task, the generic
// mutants of its function (mutationOps) that its checks kill.
type Strength struct {
	Tasks []TaskStrength
}

// Score is the fraction of all the rubric's non-equivalent, valid mutants killed.
func (s *Strength) Score() float64 {
	killed, all := 0, 0
	for _, t := range s.Tasks {
		killed += t.Killed
		all += t.Killed + t.Survived
	}
	if all == 0 {
		return 1
	}
	return float64(killed) / float64(all)
}

// MeasureStrength grades each task of r with each generic mutant of its function in the
// reference's place, and sorts the mutants into killed, survived (with an input that would
// kill them), equivalent and invalid. Every check runs, hidden ones included.
func MeasureStrength(ctx context.Context, r *rubric.Rubric) (*Strength, error) {
	g, err := New(r, true)
	if err != nil {
		return nil, err
	}
	s := &Strength{}
	for i := range r.Tasks {
		t := &r.Tasks[i]
		fn, ok := reference.Lookup(t.Function)
		if !ok {
			continue
		}
		ts := TaskStrength{Task: t.ID, Function: fn.Name}
		ref := referenceVariant(fn.Name)
		mutants, ops := mutantsOf(fn)
		for j, m := range mutants {
			mr := MutantResult{Name: m.Name, Operator: ops[j], Sentence: m.Sentence}
			switch {
			case invalidMutant(fn.Name, m):
				mr.Status = Invalid
				ts.Invalid++
			default:
				conn, _ := runner.ReferenceRunner{Replace: map[string]reference.Variant{fn.Name: m}}.Start(ctx)
				tr := g.gradeTask(ctx, i, conn, "")
				mr.Lost = roundPoints(tr.MaxScore - tr.Score)
				killed := false
				for _, c := range tr.Checks {
					killed = killed || c.Status != Pass
				}
				if killed {
					mr.Status = Killed
					ts.Killed++
					break
				}
				in, differ := firstDifference(fn.Name, m, ref)
				if !differ {
					in, differ = probeDifference(fn, m, ref)
				}
				if differ {
					mr.Status = Survived
					ts.Survived++
					if in != nil {
						mr.Witness = callLine(Call{Fn: fn.Name, Args: in})
					}
				} else {
					mr.Status = Equivalent
					ts.EquivalentN++
				}
			}
			ts.Mutants = append(ts.Mutants, mr)
		}
		s.Tasks = append(s.Tasks, ts)
	}
	return s, nil
}

// invalidMutant reports whether the reference rejects m's calls on every input fn's
// generator makes (and there are some).
func invalidMutant(fn string, m reference.Variant) bool {
	cases, err := reference.Generate(fn, 7919, 16, 3)
	if err != nil || len(cases) == 0 {
		return false
	}
	for _, c := range cases {
		if _, err := m.Call(c.Clone()); err == nil {
			return false
		}
	}
	return true
}

// Survivors lists, one per line, the mutants a rubric lets through with an input that
// would kill each.
func (s *Strength) Survivors() []string {
	var out []string
	for _, t := range s.Tasks {
		for _, m := range t.Mutants {
			if m.Status != Survived {
				continue
			}
			line := fmt.Sprintf("task %q: the mutant %s (%s) passes every check", t.Task, m.Name, m.Sentence)
			if m.Witness != "" {
				line += "; it differs on " + m.Witness
			}
			out = append(out, line)
		}
	}
	return out
}

// referenceVariant is the reference's fn as a Variant.
func referenceVariant(fn string) reference.Variant {
	return reference.Variant{Name: "reference", Func: fn, Call: func(a reference.Args) (any, error) { return reference.Call(fn, a) }}
}
