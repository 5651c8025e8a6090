package grader

import (
	"context"
	"fmt"
	"math"

	"github.com/optgrade/optgrade/reference"
)

// planConvergence computes, for each case of train's arguments, the reference trajectory
// and the optimum of the problem (gonum's LBFGS, started from w0).
func planConvergence(p *checkPlan) error {
	if err := planValue(p); err != nil {
		return err
	}
	for i, c := range p.calls {
		r := c.Args.Reader()
		prob, err := reference.NewProblem(r.Object("problem"))
		if err != nil {
			return fmt.Errorf("%s: %w", p.labels[i], err)
		}
		w0 := r.Vec("w0")
		if err := r.Err(); err != nil {
			return fmt.Errorf("%s: %w", p.labels[i], err)
		}
		_, loss, err := reference.Optimum(prob, w0)
		if err != nil {
			return fmt.Errorf("%s: reference optimum: %w", p.labels[i], err)
		}
		p.problems = append(p.problems, prob)
		p.optLoss = append(p.optLoss, loss)
	}
	return nil
}

// runConvergence runs the submission's train loop on every case. A case passes when the
// loss at the submission's final weights, computed by the reference, is within the
// check's tolerance of the reference optimum's loss. Its message also says how closely
// the run followed the reference trajectory.
func runConvergence(ctx context.Context, p *checkPlan, conn Conn) []outcome {
	replies := conn.Do(ctx, p.calls)
	outs := make([]outcome, len(p.calls))
	for i := range p.calls {
		o := &outs[i]
		*o = outcome{label: p.labels[i], call: p.calls[i], reply: replies[i], fixed: i}
		if problem := replyProblem(o.reply); problem != "" {
			p.judge(o, p.wants[i], p.tol) // for the message and status
			continue
		}
		o.want, o.tol = p.wants[i], p.tol
		want := p.wants[i].(map[string]any)
		wantW := want["w"].([][]float64)
		steps := len(wantW) - 1
		got, ok := o.reply.Result.(map[string]any)
		var ws []any
		if ok {
			ws, ok = asList(got["w"])
		}
		if !ok || len(ws) != steps+1 {
			o.valid = true
			o.mis = Mismatch{Path: "w", Why: fmt.Sprintf("want {w: %d weight vectors w₀ … w_%d, loss: %d values}, got %s", steps+1, steps, steps+1, describe(o.reply.Result)), gotV: o.reply.Result, wantV: p.wants[i]}
			o.msg = fmt.Sprintf("%s: %s", p.callString(o.call), o.mis.Why)
			continue
		}
		o.valid = true
		final, ok := toVector(ws[steps])
		if !ok || len(final) != len(wantW[steps]) {
			o.mis = Mismatch{Path: fmt.Sprintf("w[%d]", steps), Why: fmt.Sprintf("%s, want a vector of %d", describe(ws[steps]), len(wantW[steps])), gotV: ws[steps], wantV: wantW[steps]}
			o.msg = fmt.Sprintf("%s: w[%d] is %s", p.callString(o.call), steps, o.mis.Why)
			continue
		}
		loss := p.problems[i].Func(final)
		opt := p.optLoss[i]
		closeness := trajectoryCloseness(ws, wantW, p.matchTol())
		gap := loss - opt
		if math.IsNaN(loss) || gap > p.tol.Atol+p.tol.Rtol*math.Abs(opt) {
			// The path is the final weights; got and want are the loss there and the optimum.
			o.mis = Mismatch{Path: fmt.Sprintf("w[%d]", steps), gotV: loss, wantV: opt,
				Why: fmt.Sprintf("after %d steps the loss at your final weights is %s, the optimum is %s (gap %s > %s)", steps, fmtNum(loss), fmtNum(opt), fmtNum(gap), p.tol)}
			o.msg = fmt.Sprintf("%s: %s", p.callString(o.call), o.mis.Why)
			o.addNote("; ", closeness)
			continue
		}
		o.pass = true
	}
	return outs
}

// trajectoryCloseness says where a submitted trajectory first leaves the reference's.
func trajectoryCloseness(got []any, want [][]float64, tol Tol) string {
	for k := range want {
		if m, ok := Compare(got[k], want[k], tol); !ok {
			return fmt.Sprintf("your trajectory leaves the reference's at step %d (w_%d%s)", k, k, m.String())
		}
	}
	return "your trajectory follows the reference's"
}

// toVector reads a decoded JSON array of numbers.
func toVector(v any) ([]float64, bool) {
	r := reference.Args{"w": v}.Reader()
	x := r.Vec("w")
	return x, r.Err() == nil
}
