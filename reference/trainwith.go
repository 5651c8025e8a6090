package reference

// This file holds train written dynamically — every loss, gradient, rate and step called by
// name — so that each misconception of a function train uses yields a misconception of train.

import (
	"fmt"
	"math"
	"strings"
)

// variantTrainUses lists the catalog functions TrainWith calls.
var variantTrainUses = map[string]bool{
	"quadratic_loss": true, "quadratic_grad": true,
	"logistic_loss": true, "logistic_grad": true,
	"lr_linear": true, "lr_exponential": true,
	"gd_step": true, "momentum_step": true, "normalized_step": true, "adam_step": true,
}

// TrainWith computes the catalog's train (DESIGN.md §2) on a's problem, optimizer, w0, steps,
// batches and schedule, calling each loss, gradient, learning-rate schedule and optimizer
// step by its catalog name through call: quadratic_grad(w, a) or logistic_grad(w, X, y,
// batch), lr_linear(k, lr0, lr_tau, tau) or lr_exponential(k, lr0, tau), gd_step,
// momentum_step, normalized_step or adam_step (t = k + 1, state from the previous step),
// and quadratic_loss or logistic_loss on all rows. The result is
// {"w": [][]float64 (steps+1 vectors), "loss": []float64 (steps+1 values)}.
//
// With call = Call it equals Call("train", a) up to rounding; with a wrong function in
// place of one of those it is what a student's loop built on that function returns. Once
// the weights are not finite the functions are no longer called: that weight vector's loss
// is NaN (+Inf when no weight is NaN) and every later weight and loss is NaN, as NaN
// arithmetic would make them.
func TrainWith(a Args, call func(fn string, a Args) (any, error)) (any, error) {
	return variantTrainWith(a, call, variantTrainOpts{})
}

// variantTrainOpts selects the mistakes of the training loop itself.
type variantTrainOpts struct {
	skipInitial    bool // record w and loss after each step only
	ignoreSchedule bool // constant rate lr whatever the schedule
}

func variantTrainWith(a Args, call func(fn string, a Args) (any, error), o variantTrainOpts) (any, error) {
	r := a.Reader()
	prob, opt := r.Object("problem"), r.Object("optimizer")
	w0, steps := r.Vec("w0"), r.Int("steps")
	var batches [][]int
	if r.Has("batches") {
		batches = r.IntLists("batches")
	}
	var sched Args
	if r.Has("schedule") {
		sched = r.Object("schedule")
	}
	if err := r.Err(); err != nil {
		return nil, err
	}
	if steps < 0 {
		return nil, fmt.Errorf("argument %q: want an integer ≥ 0, got %d", "steps", steps)
	}
	if batches != nil && len(batches) != steps {
		return nil, fmt.Errorf("argument %q: %d index lists for %d steps", "batches", len(batches), steps)
	}

	// The problem: its loss and gradient calls differ only in their fixed arguments.
	pr := prob.Reader()
	kind := pr.String("kind")
	data := Args{}
	lossFn, gradFn := "", ""
	switch kind {
	case "quadratic":
		data["a"] = pr.Vec("a")
		lossFn, gradFn = "quadratic_loss", "quadratic_grad"
		if batches != nil {
			return nil, fmt.Errorf("argument %q: only a logistic problem takes mini-batches", "batches")
		}
	case "logistic":
		data["X"], data["y"] = pr.Mat("X"), pr.Vec("y")
		lossFn, gradFn = "logistic_loss", "logistic_grad"
	default:
		if pr.Err() == nil {
			return nil, fmt.Errorf("problem: argument %q: unknown problem %q", "kind", kind)
		}
	}
	if err := pr.Err(); err != nil {
		return nil, fmt.Errorf("problem: %w", err)
	}

	// The optimizer: its step function and the hyper-parameters every step passes.
	or := opt.Reader()
	okind, lr := or.String("kind"), or.Float("lr")
	hyper := Args{}
	stepFn := ""
	state := map[string]bool{}
	switch okind {
	case "gd":
		stepFn = "gd_step"
	case "normalized":
		stepFn = "normalized_step"
	case "momentum":
		stepFn = "momentum_step"
		hyper["beta"] = or.Float("beta")
		state["v"] = true
	case "adam":
		stepFn = "adam_step"
		hyper["beta1"], hyper["beta2"], hyper["eps"] = or.Float("beta1"), or.Float("beta2"), or.Float("eps")
		state["m"], state["v"] = true, true
	default:
		if or.Err() == nil {
			return nil, fmt.Errorf("optimizer: argument %q: unknown optimizer %q", "kind", okind)
		}
	}
	if err := or.Err(); err != nil {
		return nil, fmt.Errorf("optimizer: %w", err)
	}

	// The schedule: a function of k, or none.
	rateFn := ""
	rateArgs := Args{"lr0": lr}
	if sched != nil && !o.ignoreSchedule {
		sr := sched.Reader()
		switch skind := sr.String("kind"); skind {
		case "linear":
			rateFn = "lr_linear"
			rateArgs["lr_tau"], rateArgs["tau"] = sr.Float("lr_tau"), sr.Float("tau")
		case "exponential":
			rateFn = "lr_exponential"
			rateArgs["tau"] = sr.Float("tau")
		default:
			if sr.Err() == nil {
				return nil, fmt.Errorf("schedule: argument %q: unknown schedule %q", "kind", skind)
			}
		}
		if err := sr.Err(); err != nil {
			return nil, fmt.Errorf("schedule: %w", err)
		}
	}

	loss := func(w []float64) (float64, error) {
		if nan, inf := variantNonFinite(w); nan || inf {
			if nan {
				return math.NaN(), nil
			}
			return math.Inf(1), nil
		}
		b := data.Clone()
		b["w"] = append([]float64(nil), w...)
		res, err := call(lossFn, b)
		if err != nil {
			return 0, err
		}
		f, ok := toFloat(res)
		if !ok {
			return 0, fmt.Errorf("%s returned %T, want a number", lossFn, res)
		}
		return f, nil
	}

	d := len(w0)
	w := append([]float64(nil), w0...)
	st := map[string][]float64{}
	for name := range state {
		st[name] = make([]float64, d)
	}
	var ws [][]float64
	var ls []float64
	record := func() error {
		l, err := loss(w)
		if err != nil {
			return err
		}
		ws = append(ws, append([]float64(nil), w...))
		ls = append(ls, l)
		return nil
	}
	if !o.skipInitial {
		if err := record(); err != nil {
			return nil, err
		}
	}
	for k := 0; k < steps; k++ {
		if nan, inf := variantNonFinite(w); nan || inf {
			// A run gone non-finite stays so: NaN arithmetic would make every later
			// weight NaN, and the catalog's functions reject non-finite arguments.
			for i := range w {
				w[i] = math.NaN()
			}
			if err := record(); err != nil {
				return nil, err
			}
			continue
		}
		// The gradient on this step's mini-batch.
		ga := data.Clone()
		ga["w"] = append([]float64(nil), w...)
		if batches != nil {
			ga["batch"] = append([]int(nil), batches[k]...)
		}
		res, err := call(gradFn, ga)
		if err != nil {
			return nil, fmt.Errorf("step %d: %w", k, err)
		}
		g, ok := toVec(res)
		if !ok {
			return nil, fmt.Errorf("step %d: %s returned %T, want a vector", k, gradFn, res)
		}

		// This step's learning rate.
		rate := lr
		if rateFn != "" {
			ra := rateArgs.Clone()
			ra["k"] = k
			res, err := call(rateFn, ra)
			if err != nil {
				return nil, fmt.Errorf("step %d: %w", k, err)
			}
			if rate, ok = toFloat(res); !ok {
				return nil, fmt.Errorf("step %d: %s returned %T, want a number", k, rateFn, res)
			}
		}

		// The step.
		sa := hyper.Clone()
		sa["w"], sa["g"], sa["lr"] = append([]float64(nil), w...), g, rate
		for name, x := range st {
			sa[name] = append([]float64(nil), x...)
		}
		if stepFn == "adam_step" {
			sa["t"] = k + 1
		}
		res, err = call(stepFn, sa)
		if err != nil {
			return nil, fmt.Errorf("step %d: %w", k, err)
		}
		if err := variantTakeState(res, stepFn, w, st); err != nil {
			return nil, fmt.Errorf("step %d: %w", k, err)
		}
		if err := record(); err != nil {
			return nil, fmt.Errorf("step %d: %w", k, err)
		}
	}
	if ws == nil {
		ws, ls = [][]float64{}, []float64{}
	}
	return map[string]any{"w": ws, "loss": ls}, nil
}

// variantTakeState copies a step function's result into w and the optimizer state st.
func variantTakeState(res any, fn string, w []float64, st map[string][]float64) error {
	obj, isObj := res.(map[string]any)
	if !isObj {
		if a, ok := res.(Args); ok {
			obj, isObj = map[string]any(a), true
		}
	}
	want := func(name string, v any) error {
		x, ok := toVec(v)
		if !ok || len(x) != len(w) {
			return fmt.Errorf("%s returned %s of %T, want a vector of %d numbers", fn, name, v, len(w))
		}
		if name == "w" {
			copy(w, x)
		} else {
			copy(st[name], x)
		}
		return nil
	}
	if len(st) == 0 && !isObj {
		return want("w", res)
	}
	if !isObj {
		return fmt.Errorf("%s returned %T, want an object with keys w, %s", fn, res, strings.Join(variantStateNames(st), ", "))
	}
	if err := want("w", obj["w"]); err != nil {
		return err
	}
	for _, name := range variantStateNames(st) {
		if err := want(name, obj[name]); err != nil {
			return err
		}
	}
	return nil
}

// variantStateNames lists the optimizer state's names in result order (m before v).
func variantStateNames(st map[string][]float64) []string {
	var names []string
	for _, n := range []string{"m", "v"} {
		if _, ok := st[n]; ok {
			names = append(names, n)
		}
	}
	return names
}

// variantTrainDerived derives a misconception of train from every misconception of a function
// train uses: "train/"+v.Name, with v's sentence, is TrainWith with v in place of v.Func.
func variantTrainDerived(vs []Variant) []Variant {
	var out []Variant
	for _, v := range vs {
		if !variantTrainUses[v.Func] {
			continue
		}
		out = append(out, Variant{
			Name:     "train/" + v.Name,
			Func:     "train",
			Sentence: v.Sentence,
			Call: func(a Args) (any, error) {
				return TrainWith(a, func(fn string, b Args) (any, error) {
					if fn == v.Func {
						return v.Call(b)
					}
					return Call(fn, b)
				})
			},
		})
	}
	return out
}

// variantNonFinite reports whether x holds a NaN, and whether it holds an infinity.
func variantNonFinite(x []float64) (nan, inf bool) {
	for _, xi := range x {
		nan = nan || math.IsNaN(xi)
		inf = inf || math.IsInf(xi, 0)
	}
	return nan, inf
}
