package grader

import "github.com/optgrade/optgrade/reference"

// This file decides what a task's failures are called: a registered misconception only when
// every piece of the task's evidence agrees with it.

// ranCheck is one check of a task that ran: its plan, its cases and its result's index in
// the TaskResult.
type ranCheck struct {
	plan   *checkPlan
	outs   []outcome
	result int
}

// nameMistakes names the mistake of a task on each of its checks that failed with a
// result. A registered misconception is named only when it agrees with the submission on
// every case that returned a result, of every check of the task that ran — passing cases
// included, and the steps a free-running check ran teacher-forced after its first bad step
// — so no check of the task contradicts the name.
func nameMistakes(tr *TaskResult, ran []ranCheck) {
	if len(ran) == 0 || !anyFailedResult(ran) {
		return
	}
	var found []reference.Variant
	for _, v := range ran[0].plan.variants {
		if agreesEverywhere(v, ran) {
			found = append(found, v)
		}
	}
	if len(found) == 0 {
		// No registered mistake agrees: describe it by its relation to the reference.
		if name, sentence := describeByRelation(ran); sentence != "" {
			for _, rc := range ran {
				if failedWithResult(rc.outs) {
					c := &tr.Checks[rc.result]
					c.Relation, c.Hint = name, sentence
				}
			}
		}
		return
	}
	var names []string
	for _, v := range found {
		names = append(names, v.Name)
	}
	for _, rc := range ran {
		if !failedWithResult(rc.outs) {
			continue
		}
		c := &tr.Checks[rc.result]
		c.Misconception, c.Hint, c.matching = found[0].Name, found[0].Sentence, names
	}
}

// anyFailedResult reports whether some check failed on a case that returned a result.
func anyFailedResult(ran []ranCheck) bool {
	for _, rc := range ran {
		if failedWithResult(rc.outs) {
			return true
		}
	}
	return false
}

// failedWithResult reports whether a case that counts returned a result out of tolerance.
func failedWithResult(outs []outcome) bool {
	for i := range outs {
		if o := &outs[i]; !o.pass && o.valid && !o.skipped {
			return true
		}
	}
	return false
}

// agreesEverywhere reports whether v's result matches the submission's on every case of
// every check that returned a result and calls v's function.
func agreesEverywhere(v reference.Variant, ran []ranCheck) bool {
	for _, rc := range ran {
		tol := rc.plan.matchTol()
		for i := range rc.outs {
			o := &rc.outs[i]
			if !o.valid || o.call.Fn != v.Func {
				continue
			}
			want, err := variantOn(rc.plan, o, v)
			if err != nil {
				return false
			}
			if _, ok := Compare(o.reply.Result, want, tol); !ok {
				return false
			}
		}
	}
	return true
}

// variantOn is v's result on the call of o: for a run of train, along the submission's own
// weights when v can be (Variant.Along), so that each step is judged on its own.
func variantOn(p *checkPlan, o *outcome, v reference.Variant) (any, error) {
	if v.Along != nil {
		if got, ok := o.reply.Result.(map[string]any); ok {
			if ws, ok := toMatrix(got["w"]); ok {
				return v.Along(o.call.Args.Clone(), ws)
			}
		}
	}
	return p.variantResult(o, v)
}

// toMatrix reads a decoded JSON array of arrays of numbers.
func toMatrix(v any) ([][]float64, bool) {
	l, ok := asList(v)
	if !ok {
		return nil, false
	}
	out := make([][]float64, len(l))
	for i, x := range l {
		if out[i], ok = toVector(x); !ok {
			return nil, false
		}
	}
	return out, true
}
