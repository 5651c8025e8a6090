package grader

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/optgrade/optgrade/reference"
)

// This file says where a failing trajectory or training run leaves the reference: the first
// step and component, and which input of that step — w, m, v or the rate α_k — differs.

// locate adds to the first failing case of a trajectory check, and to every failing run
// of train, a note saying where the submission leaves the reference.
func (p *checkPlan) locate(outs []outcome) {
	switch {
	case p.start != nil:
		for i := range outs {
			if o := &outs[i]; !o.pass && o.valid && !o.skipped {
				if note := stepLocation(p.fn, p.stepRun(outs), p.tol, o.mis.Path); note != "" {
					o.addNote(" — ", note)
				}
				return
			}
		}
	case p.fn.Name == "train":
		for i := range outs {
			if o := &outs[i]; !o.pass && o.valid && !o.skipped {
				if note := trainLocation(o, p.tol, o.mis.Path); note != "" {
					o.addNote(" — ", note)
				}
			}
		}
	}
}

// stepLocation reads a step function's run: the first step at which each state part of
// the submission leaves the reference's; the earliest is the input that first differs for
// the steps after it.
//
// It says nothing when the failing case's own message says it all: the part it names
// (path) leads and no other part leaves later.
func stepLocation(fn reference.Func, run Run, tol Tol, path string) string {
	type left struct {
		part       string
		step, comp int
	}
	var ls []left
	for _, s := range run.Series {
		if k, i := seriesLeaves(s, tol); k >= 0 {
			ls = append(ls, left{s.Name, k, i})
		}
	}
	if len(ls) == 0 || len(fn.State) < 2 {
		return "" // one state part: the message already says where
	}
	first := ls[0].step
	for _, l := range ls {
		first = min(first, l.step)
	}
	var lead, later, follow []string
	for _, s := range fn.State {
		found := false
		for _, l := range ls {
			if l.part != s {
				continue
			}
			found = true
			if l.step == first {
				lead = append(lead, fmt.Sprintf("%s[%d]", l.part, l.comp))
			} else {
				later = append(later, fmt.Sprintf("%s at step %d", l.part, l.step))
			}
		}
		if !found {
			follow = append(follow, s)
		}
	}
	if len(lead) == 1 && len(later) == 0 && strings.HasPrefix(path, strings.SplitN(lead[0], "[", 2)[0]+"[") {
		return ""
	}
	note := fmt.Sprintf("%s is the first to leave the reference (step %d)", lead[0], first)
	if len(lead) > 1 {
		note = fmt.Sprintf("%s leave the reference together (step %d)", strings.Join(lead, " and "), first)
	}
	if len(later) > 0 {
		note += "; then " + strings.Join(later, ", ")
	}
	if len(follow) > 0 {
		note += "; " + strings.Join(follow, " and ") + " still follow it"
	}
	return note
}

// seriesLeaves is the first step and component at which the student's series is missing
// or out of tol of the reference's, or -1, -1.
func seriesLeaves(s Series, tol Tol) (step, comp int) {
	for k, want := range s.Reference {
		if k >= len(s.Student) {
			return -1, -1 // not run
		}
		got := s.Student[k]
		if got == nil || len(got) != len(want) {
			return k, 0
		}
		for i := range want {
			if !tol.Close(got[i], want[i]) {
				return k, i
			}
		}
	}
	return -1, -1
}

// inputCause is a claim about the input of a training step that differs: the loop run
// with call in place of the catalog's reproduces the submission's step.
type inputCause struct {
	input, sentence string
	call            func(fn string, a reference.Args) (any, error)
}

// inputCauses are tried in order at a run's first bad step.
var inputCauses = []inputCause{
	{"α_k", "your step k uses the rate of step k + 1, α_{k+1}", shiftRate(1)},
	{"α_k", "your step k uses the rate of step k − 1, α_{k−1}", shiftRate(-1)},
	{"α_k", "your step k uses lr: the schedule's α_k is not applied", func(fn string, a reference.Args) (any, error) {
		if f, _ := reference.Lookup(fn); f.NewSchedule != nil {
			return a["lr0"], nil
		}
		return reference.Call(fn, a)
	}},
	{"m and v", "your optimizer state (velocity or moments) starts from 0 at every step instead of carrying over", func(fn string, a reference.Args) (any, error) {
		f, _ := reference.Lookup(fn)
		if f.NewOptimizer != nil {
			for _, s := range f.State[1:] {
				if v, ok := a[s].([]float64); ok {
					a[s] = make([]float64, len(v))
				}
			}
		}
		return reference.Call(fn, a)
	}},
	{"t", "your step counter t stays at 1 instead of counting the steps", func(fn string, a reference.Args) (any, error) {
		if f, _ := reference.Lookup(fn); f.Counter != "" {
			a[f.Counter] = 1
		}
		return reference.Call(fn, a)
	}},
}

// shiftRate calls every schedule with k + d (k − 1 < 0 stays at 0).
func shiftRate(d int) func(string, reference.Args) (any, error) {
	return func(fn string, a reference.Args) (any, error) {
		if f, _ := reference.Lookup(fn); f.NewSchedule != nil {
			if k, ok := a["k"].(int); ok {
				a["k"] = max(k+d, 0)
			}
		}
		return reference.Call(fn, a)
	}
}

// trainLocation judges a run of train step by step along the submission's own weights:
// the first step k whose w_{k+1} is not the reference loop's step from the submission's
// w_k (its state carried along), the component, and which input of that step differs when
// one of inputCauses explains it. It says nothing when the failing case's message (path)
// already points at that step and no cause is found.
func trainLocation(o *outcome, tol Tol, path string) string {
	got, ok := o.reply.Result.(map[string]any)
	if !ok {
		return ""
	}
	ws, ok := toMatrix(got["w"])
	if !ok || len(ws) < 2 {
		return ""
	}
	ref, err := reference.TrainAlong(o.call.Args.Clone(), ws, reference.Call)
	if err != nil {
		return ""
	}
	pred := ref.(map[string]any)["w"].([][]float64)
	if len(pred) != len(ws) {
		return ""
	}
	k, i := -1, -1
	for s := 1; s < len(ws) && k < 0; s++ {
		for j := range pred[s] {
			if j >= len(ws[s]) || !tol.Close(ws[s][j], pred[s][j]) {
				k, i = s-1, j
				break
			}
		}
	}
	if k < 0 {
		return "every step of your run is the reference's step from your own previous weights; the difference is in what you record (w₀, the loss) or in rounding that grew along the run"
	}
	note := fmt.Sprintf("your step %d is the first that is not the reference's step from your own w_%d: w_%d[%d] = %s, the reference's step gives %s",
		k, k, k+1, i, fmtNum(ws[k+1][i]), fmtNum(pred[k+1][i]))
	for _, c := range inputCauses {
		alt, err := reference.TrainAlong(o.call.Args.Clone(), ws, c.call)
		if err != nil {
			continue
		}
		aw := alt.(map[string]any)["w"].([][]float64)
		if len(aw) > k+1 && vecClose(ws[k+1], aw[k+1], tol) && !vecClose(aw[k+1], pred[k+1], tol) {
			return note + fmt.Sprintf(". The input that differs is %s: %s", c.input, c.sentence)
		}
	}
	if alpha, rate, ok := impliedRate(o.call.Args, ws[k], ws[k+1], pred[k+1], k); ok {
		return note + fmt.Sprintf(". The input that differs is α_%d: your step moves as with α = %s, the reference's α_%d is %s", k, fmtNum(alpha), k, fmtNum(rate))
	}
	if pathStep(path) == k+1 {
		return ""
	}
	return note
}

// pathStep is the step a path into train's result names ("loss[7]", "w[3][1]": 7, 3), or -1.
func pathStep(path string) int {
	i := strings.IndexByte(path, '[')
	j := strings.IndexByte(path, ']')
	if i < 0 || j < i {
		return -1
	}
	n, err := strconv.Atoi(path[i+1 : j])
	if err != nil {
		return -1
	}
	return n
}

// impliedRate: the change of w in a step is proportional to its rate, the state given, so
// when the submission's change is the reference's times one ratio in every component, the
// submission used that ratio times the reference's α_k.
func impliedRate(a reference.Args, w, got, want []float64, k int) (alpha, rate float64, ok bool) {
	ratio := math.NaN()
	for j := range w {
		ds, dr := got[j]-w[j], want[j]-w[j]
		if math.Abs(dr) <= 1e-12*math.Max(1, math.Abs(w[j])) {
			if math.Abs(ds) > 1e-9*math.Max(1, math.Abs(w[j])) {
				return 0, 0, false
			}
			continue
		}
		r := ds / dr
		if math.IsNaN(ratio) {
			ratio = r
		} else if math.Abs(r-ratio) > 1e-6*math.Abs(ratio) {
			return 0, 0, false
		}
	}
	if math.IsNaN(ratio) || math.Abs(ratio-1) < 1e-6 || ratio <= 0 {
		return 0, 0, false
	}
	r := a.Reader()
	opt := r.Object("optimizer")
	var sched reference.Args
	if r.Has("schedule") {
		sched = r.Object("schedule")
	}
	s, err := reference.NewSchedule(sched, opt.Reader().Float("lr"))
	if r.Err() != nil || err != nil {
		return 0, 0, false
	}
	rate = s.Rate(k)
	return ratio * rate, rate, true
}
