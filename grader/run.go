package grader

import "github.com/optgrade/optgrade/reference"

// runs returns the trajectories of both sides that a check's outcomes hold: one run for a
// trajectory check (its steps), one per case for a check of train; none otherwise.
func (p *checkPlan) runs(outs []outcome) []Run {
	switch {
	case p.start != nil && len(outs) > 0:
		return []Run{p.stepRun(outs)}
	case p.fn.Name == "train":
		var runs []Run
		for i := range min(len(outs), len(p.wants)) {
			if w, ok := p.wants[i].(map[string]any); ok {
				runs = append(runs, p.trainRun(i, &outs[i], w))
			}
		}
		return runs
	}
	return nil
}

// stepRun is a trajectory check's run: the reference's states from the start, and the
// student's — the start, then each step's result (teacher-forced, each step starts from the
// reference's state; free-running, from the student's own, up to the first bad step).
func (p *checkPlan) stepRun(outs []outcome) Run {
	run := Run{Case: p.caseID(0), Label: p.check.Name, Leaves: -1}
	for _, name := range p.fn.State {
		s := Series{Name: name, Reference: []Vec{vecOf(p.start[name])}, Student: []Vec{vecOf(p.start[name])}}
		for k := range p.wants {
			s.Reference = append(s.Reference, vecOf(stateOf(p.fn, p.wants[k], name)))
		}
		for k := range outs {
			o := &outs[k]
			if o.skipped {
				break
			}
			var v Vec
			if o.valid {
				v = vecOf(stateOf(p.fn, o.reply.Result, name))
			}
			s.Student = append(s.Student, v)
		}
		run.Series = append(run.Series, s)
	}
	run.Leaves = leaves(run.Series, p.tol)
	return run
}

// stateOf is the state part name of a step function's result.
func stateOf(fn reference.Func, result any, name string) any {
	if m, ok := result.(map[string]any); ok {
		return m[name]
	}
	if len(fn.State) > 0 && fn.State[0] == name {
		return result
	}
	return nil
}

// trainRun is the run of case i of a check of train: w and loss per step, both sides.
func (p *checkPlan) trainRun(i int, o *outcome, want map[string]any) Run {
	run := Run{Case: p.caseID(i), Label: o.label, Leaves: -1}
	got, _ := o.reply.Result.(map[string]any)
	if !o.valid {
		got = nil
	}
	for _, name := range []string{"w", "loss"} {
		s := Series{Name: name}
		s.Reference = vecsOf(want[name])
		s.Student = vecsOf(got[name])
		run.Series = append(run.Series, s)
	}
	tol := p.tol
	if p.optLoss != nil { // convergence: loose on the final loss, but "follows" means closely
		tol = p.matchTol()
		tol.SameNaN = false
	}
	run.Leaves = leaves(run.Series, tol)
	return run
}

// leaves is the first step at which some series of the student's is missing or out of tol
// of the reference's, or -1.
func leaves(series []Series, tol Tol) int {
	first := -1
	for _, s := range series {
		for k, want := range s.Reference {
			if first >= 0 && k >= first {
				break
			}
			if k >= len(s.Student) || !vecClose(s.Student[k], want, tol) {
				first = k
				break
			}
		}
	}
	return first
}

func vecClose(got, want Vec, tol Tol) bool {
	if got == nil || len(got) != len(want) {
		return false
	}
	for i := range want {
		if !tol.Close(got[i], want[i]) {
			return false
		}
	}
	return true
}

// vecsOf reads a list of numbers or of vectors (a train run's losses or weights), one Vec
// per element as vecOf reads it, or returns nil (also for an empty list). The reference's
// typed lists are read directly: a run of 300 steps no longer boxes every number into an
// interface first.
func vecsOf(v any) []Vec {
	switch v := v.(type) {
	case [][]float64:
		return vecsFrom(v, func(x []float64) Vec { return vecOf(x) })
	case []float64:
		return vecsFrom(v, func(x float64) Vec { return Vec{x} })
	}
	l, _ := asList(v)
	return vecsFrom(l, vecOf)
}

// vecsFrom makes one Vec of each element of xs with vec; nil for an empty list.
func vecsFrom[T any](xs []T, vec func(T) Vec) []Vec {
	if len(xs) == 0 {
		return nil
	}
	out := make([]Vec, len(xs))
	for i, x := range xs {
		out[i] = vec(x)
	}
	return out
}

// vecOf reads a number or a vector of numbers, or returns nil.
func vecOf(v any) Vec {
	if x, ok := asNumber(v); ok {
		return Vec{x}
	}
	if x, ok := v.([]float64); ok { // the reference's: copied as they are
		return append(make(Vec, 0, len(x)), x...)
	}
	l, ok := asList(v)
	if !ok {
		return nil
	}
	out := make(Vec, len(l))
	for i, x := range l {
		f, ok := asNumber(x)
		if !ok {
			return nil
		}
		out[i] = f
	}
	return out
}
