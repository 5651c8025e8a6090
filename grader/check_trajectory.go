package grader

import (
	"context"
	"fmt"
	"maps"

	"github.com/optgrade/optgrade/grader/rubric"
	"github.com/optgrade/optgrade/reference"
)

// planTrajectory computes the reference trajectory of a step function: the first step's
// arguments and per-step gradients come from the rubric (start) or the generator, and
// each later step starts from the reference's previous result.
func planTrajectory(p *checkPlan) error {
	c := p.check
	seed, dim := int64(0), 0
	if c.Generate != nil {
		seed, dim = c.Generate.Seed, c.Generate.Dim
	}
	start, grads, err := reference.TrajectoryInputs(p.fn.Name, seed, c.Steps, dim)
	if err != nil {
		return fmt.Errorf("trajectory inputs: %w", err)
	}
	if c.Start != nil {
		for k, v := range c.Start {
			start[k] = v
		}
		r := start.Reader()
		w := r.Vec("w")
		if r.Err() != nil {
			return r.Err()
		}
		if len(grads) > 0 && len(grads[0]) != len(w) {
			// A literal start of another dimension: gradients of its dimension.
			if _, grads, err = reference.TrajectoryInputs(p.fn.Name, seed, c.Steps, len(w)); err != nil {
				return err
			}
		}
	}
	p.start, p.grads = start, grads
	state := start
	for k := 0; k < c.Steps; k++ {
		a := stepArgs(p.fn, state, start, grads, k)
		want, err := reference.Call(p.fn.Name, a) // Call never modifies a
		if err != nil {
			return fmt.Errorf("step %d: the reference rejects the arguments: %w", k+1, err)
		}
		p.calls = append(p.calls, Call{Fn: p.fn.Name, Args: a})
		p.wants = append(p.wants, want)
		p.labels = append(p.labels, fmt.Sprintf("step %d", k+1))
		state = nextState(p.fn, a, want)
	}
	return nil
}

// stepArgs builds step k's arguments: the hyper-parameters of start, the state from
// state, the step counter advanced by k, and gradient grads[k].
// The arguments' values are shared, never modified (as reference.Call never modifies them).
func stepArgs(fn reference.Func, state, start reference.Args, grads [][]float64, k int) reference.Args {
	a := maps.Clone(start)
	for _, name := range fn.State {
		a[name] = state[name]
	}
	if fn.Counter != "" {
		r := start.Reader()
		a[fn.Counter] = float64(r.Int(fn.Counter) + k)
	}
	a["g"] = grads[k]
	return a
}

// nextState takes the state arguments of the next step from a step's result.
func nextState(fn reference.Func, args reference.Args, result any) reference.Args {
	next := maps.Clone(args)
	if m, ok := result.(map[string]any); ok {
		for _, name := range fn.State {
			next[name] = m[name]
		}
	} else {
		next[fn.State[0]] = result
	}
	return next
}

// runTrajectory drives the submission's step function through the plan's steps.
func runTrajectory(ctx context.Context, p *checkPlan, conn Conn) []outcome {
	if p.check.Mode == rubric.FreeRunning {
		return runFreeRunning(ctx, p, conn)
	}
	// Teacher-forced: every step starts from the reference state, so the steps are
	// independent calls, sent in one pipelined batch; every bad step is reported.
	return runValue(ctx, p, conn)
}

// leadTrajectory: a teacher-forced trajectory sends every step at once; a free-running
// one its first step, then each next step from the answer before.
func leadTrajectory(p *checkPlan) ([]Call, bool) {
	if p.check.Mode != rubric.FreeRunning {
		return p.calls, false
	}
	return p.calls[:min(len(p.calls), 1)], len(p.calls) > 1
}

// runFreeRunning feeds each of the submission's results into its next step and stops at
// the first step out of tolerance, saying which part of the state went wrong.
func runFreeRunning(ctx context.Context, p *checkPlan, conn Conn) []outcome {
	outs := make([]outcome, len(p.calls))
	state := p.start
	for k := range p.calls {
		a := stepArgs(p.fn, state, p.start, p.grads, k)
		o := &outs[k]
		*o = outcome{label: p.labels[k], call: Call{Fn: p.fn.Name, Args: a}, fixed: -1}
		if k == 0 {
			o.fixed = 0
		}
		if k > 0 && k == len(p.calls)-1 {
			o.reply = doLast(ctx, conn, []Call{o.call})[0]
		} else {
			o.reply = conn.Do(ctx, []Call{o.call})[0]
		}
		p.judge(o, p.wants[k], p.tol)
		if !o.pass {
			if o.valid && k > 0 {
				o.addNote(" — ", "your earlier steps were within tolerance; this is the first one that is not")
			}
			for j := k + 1; j < len(outs); j++ {
				outs[j] = outcome{label: p.labels[j], call: p.calls[j], fixed: j, msg: "not run: an earlier step failed", skipped: true}
			}
			if o.valid {
				p.evidence(ctx, conn, outs[k+1:])
			}
			return outs
		}
		state = nextState(p.fn, a, o.reply.Result)
	}
	return outs
}

// evidence runs the steps a free-running trajectory did not run, teacher-forced (each from
// the reference's state, in one pipelined batch), so that naming the mistake can weigh
// them too. They stay skipped: they score nothing and are not reported.
func (p *checkPlan) evidence(ctx context.Context, conn Conn, outs []outcome) {
	if len(outs) == 0 {
		return
	}
	calls := make([]Call, len(outs))
	for i := range outs {
		calls[i] = outs[i].call
	}
	for i, r := range doLast(ctx, conn, calls) {
		o := &outs[i]
		o.reply, o.want = r, p.wants[o.fixed]
		o.valid = r.Fault == nil && r.Err == ""
	}
}
