package grader

import (
	"context"
	"fmt"
	"math"
	"strconv"
	"strings"

	"gonum.org/v1/gonum/diff/fd"

	"github.com/optgrade/optgrade/reference"
)

// fdTol is how closely a gradient must agree with central finite differences of its own
// loss to count as "the derivative of that loss". Central differences with step fdStep
// are accurate to about 1e-9 on the assignment's losses.
var fdTol = Tol{Atol: 1e-5, Rtol: 1e-4}

const fdStep = 1e-5

// runGradient runs a value check on a gradient function and, for the cases that fail,
// tells a wrong gradient from a wrong loss: it differentiates the submission's own loss
// by central finite differences (gonum's diff/fd) and compares.
func runGradient(ctx context.Context, p *checkPlan, conn Conn) []outcome {
	outs := runValue(ctx, p, conn)
	var failing []int
	for i := range outs {
		// Only a result of the right shape can be set against finite differences.
		if !outs[i].pass && outs[i].valid && outs[i].mis.Why == "" {
			failing = append(failing, i)
		}
	}
	if len(failing) == 0 {
		return outs
	}
	// One pipelined batch: for each failing case, the submission's loss at the point and
	// at every finite-difference stencil point.
	type probe struct {
		lossArgs reference.Args
		x        []float64 // the point, as a vector (a scalar wrt is a 1-vector)
		points   [][]float64
		first    int // index of the loss at x in calls; stencil points follow
	}
	var calls []Call
	probes := make([]probe, len(failing))
	for j, i := range failing {
		la, x := lossArgs(p.fn, outs[i].call.Args)
		pr := probe{lossArgs: la, x: x, first: len(calls)}
		calls = append(calls, lossCall(p.fn, la, x))
		fd.Gradient(make([]float64, len(x)), func(pt []float64) float64 {
			pr.points = append(pr.points, append([]float64(nil), pt...))
			calls = append(calls, lossCall(p.fn, la, pt))
			return 0
		}, x, &fd.Settings{Formula: fd.Central, Step: fdStep})
		probes[j] = pr
	}
	replies := doLast(ctx, conn, calls)
	for j, i := range failing {
		pr := probes[j]
		o := &outs[i]
		at := replies[pr.first]
		if note := replyProblem(at); note != "" {
			o.addNote(" — ", fmt.Sprintf("and your %s %s, so it could not be checked against your gradient.", p.fn.Loss, note))
			continue
		}
		loss, ok := asNumber(at.Result)
		if !ok {
			o.addNote(" — ", fmt.Sprintf("and your %s returned %s, not a number.", p.fn.Loss, describe(at.Result)))
			continue
		}
		values := map[string]float64{}
		bad := ""
		for k, pt := range pr.points {
			r := replies[pr.first+1+k]
			v, ok := asNumber(r.Result)
			if note := replyProblem(r); note != "" || !ok {
				bad = note
				break
			}
			values[pointKey(pt)] = v
		}
		if bad != "" {
			o.addNote(" — ", fmt.Sprintf("and your %s %s near the point, so it could not be differentiated.", p.fn.Loss, bad))
			continue
		}
		num := make([]float64, len(pr.x))
		fd.Gradient(num, func(pt []float64) float64 { return values[pointKey(pt)] }, pr.x, &fd.Settings{Formula: fd.Central, Step: fdStep})
		refLoss, err := reference.Call(p.fn.Loss, pr.lossArgs)
		lossRight := err == nil && fdTol.Close(loss, mustNumber(refLoss))
		var numeric any = num
		if _, scalar := o.call.Args[p.fn.WRT].(float64); scalar {
			numeric = num[0]
		}
		m, consistent := Compare(o.reply.Result, numeric, fdTol)
		switch {
		case consistent && !lossRight:
			o.addNote(". ", fmt.Sprintf("Your gradient is the derivative of your own %s (central finite differences agree), but that loss is wrong too (%s = %s, want %s): fix the loss first.",
				p.fn.Loss, p.fn.Loss, fmtNum(loss), fmtNum(mustNumber(refLoss))))
		case !consistent && lossRight:
			fdValue := m.Want
			if m.Path != "" {
				fdValue += " at " + m.Path
			}
			o.addNote(". ", fmt.Sprintf("Your %s is right, but your gradient is not its derivative (central finite differences of your loss: %s): the gradient formula is wrong.",
				p.fn.Loss, fdValue))
		case !consistent:
			o.addNote(". ", fmt.Sprintf("Your %s is wrong too, and your gradient is not its derivative either.", p.fn.Loss))
		default:
			o.addNote(". ", fmt.Sprintf("Your gradient agrees with finite differences of your %s only roughly.", p.fn.Loss))
		}
	}
	return outs
}

// leadGradient: every case, then finite differences for those that fail.
func leadGradient(p *checkPlan) ([]Call, bool) { return p.calls, true }

// lossArgs derives the arguments of a gradient function's loss from the gradient's own:
// the same arguments, restricted to the rows in batch when there is one.
func lossArgs(fn reference.Func, grad reference.Args) (reference.Args, []float64) {
	la := grad.Clone()
	if batch, ok := la["batch"]; ok && batch != nil {
		r := grad.Reader()
		rows := r.Ints("batch")
		X, y := r.Mat("X"), r.Vec("y")
		if r.Err() == nil {
			sx := make([][]float64, 0, len(rows))
			sy := make([]float64, 0, len(rows))
			for _, i := range rows {
				if i >= 0 && i < len(X) && i < len(y) {
					sx, sy = append(sx, X[i]), append(sy, y[i])
				}
			}
			la["X"], la["y"] = sx, sy
		}
		delete(la, "batch")
	}
	r := la.Reader()
	var x []float64
	if _, scalar := la[fn.WRT].(float64); scalar {
		x = []float64{r.Float(fn.WRT)}
	} else {
		x = r.Vec(fn.WRT)
	}
	return la, x
}

// lossCall is a call of fn's loss with the differentiated argument set to x.
func lossCall(fn reference.Func, la reference.Args, x []float64) Call {
	a := make(reference.Args, len(la))
	for k, v := range la {
		a[k] = v
	}
	if _, scalar := la[fn.WRT].(float64); scalar {
		a[fn.WRT] = x[0]
	} else {
		a[fn.WRT] = append([]float64(nil), x...)
	}
	return Call{Fn: fn.Loss, Args: a}
}

func pointKey(x []float64) string {
	var b strings.Builder
	for _, v := range x {
		b.WriteString(strconv.FormatUint(math.Float64bits(v), 16))
		b.WriteByte(',')
	}
	return b.String()
}

// replyProblem describes a reply that is not a result, or "" when it is one.
func replyProblem(r Reply) string {
	switch {
	case r.Fault != nil:
		return "failed (" + r.Fault.Error() + ")"
	case r.NotImplemented():
		return "is not implemented"
	case r.Err != "":
		return "raised " + clip(r.Err, 120)
	}
	return ""
}

func mustNumber(v any) float64 {
	f, ok := asNumber(v)
	if !ok {
		return math.NaN()
	}
	return f
}
