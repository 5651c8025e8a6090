package reference

import (
	"fmt"
	"slices"
	"strings"
)

// Train runs an optimizer on a problem from w0 for steps steps and records the trajectory
// (DESIGN.md §2, train): step k = 0 … steps−1 takes W[k] to W[k+1] with learning rate
// s.Rate(k), the mean gradient over the mini-batch batches[k] (all rows when batches is
// nil), and for Adam t = k + 1. The optimizer's state is reset (Init) first, so velocity and
// moments start at 0. Loss[k] is the full-data loss p.Func(W[k]); len(W) = len(Loss) =
// steps + 1. w0 is not modified.
//
// s must not be nil (use Constant{lr} for a fixed rate); batches, when not nil, must hold
// at least steps index lists. Non-finite values propagate: a diverging run is recorded,
// not stopped.
func Train(p Problem, o Optimizer, w0 []float64, steps int, batches [][]int, s Schedule) Trajectory {
	if batches != nil && len(batches) < steps {
		panic("reference: Train: fewer batches than steps")
	}
	d := len(w0)
	w := append([]float64(nil), w0...)
	g := make([]float64, d)
	o.Init(d)
	tr := Trajectory{
		W:    make([][]float64, 0, steps+1),
		Loss: make([]float64, 0, steps+1),
	}
	tr.W = append(tr.W, append([]float64(nil), w...))
	tr.Loss = append(tr.Loss, p.Func(w))
	for k := 0; k < steps; k++ {
		var batch []int
		if batches != nil {
			batch = batches[k]
		}
		p.BatchGrad(g, w, batch)
		o.Step(w, g, s.Rate(k), k)
		tr.W = append(tr.W, append([]float64(nil), w...))
		tr.Loss = append(tr.Loss, p.Func(w))
	}
	return tr
}

// trainPart is one of train's object arguments — problem, optimizer, schedule — whose kinds
// are the catalog rows that build it.
type trainPart struct {
	name   string          // the argument: "problem"
	builds func(Func) bool // whether a catalog row is one of its kinds
}

var (
	trainProblem   = trainPart{"problem", func(f Func) bool { return f.NewProblem != nil }}
	trainOptimizer = trainPart{"optimizer", func(f Func) bool { return f.NewOptimizer != nil }}
	trainSchedule  = trainPart{"schedule", func(f Func) bool { return f.NewSchedule != nil }}
)

// row returns the catalog row of the given kind.
func (p trainPart) row(kind string) (Func, error) {
	var kinds []string
	for _, f := range catalog {
		if f.TrainKind == kind && p.builds(f) {
			return f, nil
		}
		if p.builds(f) {
			kinds = append(kinds, f.TrainKind)
		}
	}
	return Func{}, argErrorf("kind", "unknown %s %q; want %s", p.name, kind, orList(kinds))
}

// read reads the object's kind and returns its catalog row.
func (p trainPart) read(r *ArgReader) (Func, error) {
	kind := r.String("kind")
	if err := r.Err(); err != nil {
		return Func{}, err
	}
	return p.row(kind)
}

// orList writes "a, b or c".
func orList(s []string) string {
	if len(s) < 2 {
		return strings.Join(s, "")
	}
	return strings.Join(s[:len(s)-1], ", ") + " or " + s[len(s)-1]
}

// NewProblem builds the Problem described by a train call's problem object: its kind names a
// catalog loss (TrainKind), {"kind": "quadratic", "a": […]} or {"kind": "logistic", "X":
// [[…], …], "y": […]} (labels in [0, 1], one per row). The result shares the object's
// slices when they are already []float64 and never modifies them. A bad key gives an
// *ArgError.
func NewProblem(obj Args) (Problem, error) {
	r := obj.Reader()
	f, err := trainProblem.read(r)
	if err != nil {
		return nil, err
	}
	return f.NewProblem(r)
}

// NewOptimizer builds the Optimizer described by a train call's optimizer object: its kind
// names a catalog step function (TrainKind), {"kind": "gd"|"momentum"|"normalized"|"adam",
// "lr": …} plus that step's hyper-parameters ("beta" for momentum; "beta1", "beta2", "eps"
// for Adam); keys a kind does not use are ignored. lr is checked (present and finite) but
// not kept: the learning rate is the schedule's (NewSchedule).
func NewOptimizer(obj Args) (Optimizer, error) {
	r := obj.Reader()
	kind := r.String("kind")
	lr := r.Float("lr")
	if err := catFirst(r.Err(), catFinite("lr", lr)); err != nil {
		return nil, err
	}
	f, err := trainOptimizer.row(kind)
	if err != nil {
		return nil, err
	}
	return f.NewOptimizer(r)
}

// NewSchedule builds the Schedule described by a train call's schedule object, with initial
// rate lr0 (the optimizer's lr): its kind names a catalog rate function (TrainKind),
// {"kind": "linear", "lr_tau": …, "tau": …} is Linear{lr0, lr_tau, tau}, {"kind":
// "exponential", "tau": …} is Exponential{lr0, tau}, and a nil object (no schedule) is
// Constant{lr0}. τ must be > 0.
func NewSchedule(obj Args, lr0 float64) (Schedule, error) {
	if err := catFinite("lr", lr0); err != nil {
		return nil, err
	}
	if obj == nil {
		return Constant{LR: lr0}, nil
	}
	r := obj.Reader()
	f, err := trainSchedule.read(r)
	if err != nil {
		return nil, err
	}
	return f.NewSchedule(r, lr0)
}

// trainSpec is a train call's arguments, checked, both typed (for Train) and as the catalog
// functions they name with the arguments each call of them takes (for TrainWith).
type trainSpec struct {
	w0      []float64
	steps   int
	batches [][]int // nil: all rows

	problem   Problem
	optimizer Optimizer
	schedule  Schedule // Constant{lr} without a schedule object

	loss, grad, step Func
	rate             Func // Name "" without a schedule object
	lr               float64
	// The fixed arguments of each call: the loss's and gradient's but w (a; X, y), the
	// step's hyper-parameters, the rate's but k (lr0 and the schedule's).
	data, hyper, rateArgs Args
}

// parseTrain reads and checks train's arguments a.
func parseTrain(a Args) (*trainSpec, error) {
	r := a.Reader()
	probObj, optObj := r.Object("problem"), r.Object("optimizer")
	s := &trainSpec{w0: r.Vec("w0"), steps: r.Int("steps")}
	var schedObj Args
	if r.Has("schedule") {
		schedObj = r.Object("schedule")
	}
	if r.Has("batches") {
		s.batches = r.IntLists("batches")
	}
	if err := catFirst(r.Err(), catNonEmpty("w0", s.w0), catFiniteVec("w0", s.w0), catMin("steps", s.steps, 0)); err != nil {
		return nil, err
	}
	if float64(s.steps+1)*float64(len(s.w0)) > catMaxTrajectory {
		return nil, argErrorf("steps", "%d steps of %d weights make too long a trajectory (limit %g numbers)",
			s.steps, len(s.w0), float64(catMaxTrajectory))
	}

	var err error
	if s.problem, err = NewProblem(probObj); err != nil {
		return nil, inObject("problem", err)
	}
	if err := s.problem.(interface{ checkWeights(int) error }).checkWeights(len(s.w0)); err != nil {
		return nil, err
	}
	s.loss, _ = trainProblem.row(probObj["kind"].(string))
	s.grad = trainGradOf(s.loss.Name)
	if s.batches != nil {
		batched, ok := s.problem.(interface{ rows() int })
		if !ok {
			var kinds []string
			for _, f := range catalog {
				if _, ok := trainGradOf(f.Name).Param("batch"); ok && f.NewProblem != nil {
					kinds = append(kinds, f.TrainKind)
				}
			}
			return nil, argErrorf("batches", "only a %s problem takes mini-batches", orList(kinds))
		}
		if len(s.batches) != s.steps {
			return nil, argErrorf("batches", "%d index lists for %d steps; want exactly one per step", len(s.batches), s.steps)
		}
		for k, b := range s.batches {
			if err := catBatch(fmt.Sprintf("batches[%d]", k), b, batched.rows()); err != nil {
				return nil, err
			}
		}
	}

	if s.optimizer, err = NewOptimizer(optObj); err != nil {
		return nil, inObject("optimizer", err)
	}
	s.step, _ = trainOptimizer.row(optObj["kind"].(string))
	s.lr = optObj.Reader().Float("lr")
	if s.schedule, err = NewSchedule(schedObj, s.lr); err != nil {
		return nil, inObject("schedule", err)
	}
	if schedObj != nil {
		s.rate, _ = trainSchedule.row(schedObj["kind"].(string))
	}

	// The fixed arguments of each call, by the parameter names of the catalog rows.
	s.data = trainArgs(probObj, s.loss, "w")
	skip := append([]string{"w", "g", "lr", s.step.Counter}, s.step.State...)
	s.hyper = trainArgs(optObj, s.step, skip...)
	s.rateArgs = trainArgs(schedObj, s.rate, "k", "lr0")
	s.rateArgs["lr0"] = s.lr
	return s, nil
}

// trainGradOf returns the catalog gradient of the loss named loss.
func trainGradOf(loss string) Func {
	for _, f := range catalog {
		if f.Loss == loss {
			return f
		}
	}
	return Func{}
}

// trainArgs copies from obj the arguments of f but those named in skip.
func trainArgs(obj Args, f Func, skip ...string) Args {
	out := Args{}
	for _, p := range f.Params {
		if v, ok := obj[p.Name]; ok && !slices.Contains(skip, p.Name) {
			out[p.Name] = cloneValue(v)
		}
	}
	return out
}
