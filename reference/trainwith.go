package reference

// This file holds train written dynamically — every loss, gradient, rate and step called by
// name — so that each misconception of a function train uses yields a misconception of train.

import (
	"fmt"
	"math"
	"strings"
)

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
	skipInitial    bool        // record w and loss after each step only
	ignoreSchedule bool        // constant rate lr whatever the schedule
	along          [][]float64 // when set, step k starts from along[k] (see Variant.Along)

	// The mutation points of the loop (InsideMutants).
	kFrom1      bool // steps counted from 1: the rate's k and the counter one ahead
	skipPartial bool // a step whose batch is shorter than the first is skipped
	staleGrad   bool // the gradient at the previous step's weights
	staleLoss   bool // the loss recorded is that of the weights the step started from
}

func variantTrainWith(a Args, call func(fn string, a Args) (any, error), o variantTrainOpts) (any, error) {
	spec, err := parseTrain(a)
	if err != nil {
		return nil, err
	}
	if o.ignoreSchedule {
		spec.rate = Func{}
	}
	state := spec.step.State[1:]

	loss := func(w []float64) (float64, error) {
		if nan, inf := variantNonFinite(w); nan || inf {
			if nan {
				return math.NaN(), nil
			}
			return math.Inf(1), nil
		}
		b := spec.data.Clone()
		b["w"] = append([]float64(nil), w...)
		res, err := call(spec.loss.Name, b)
		if err != nil {
			return 0, err
		}
		f, ok := toFloat(res)
		if !ok {
			return 0, fmt.Errorf("%s returned %T, want a number", spec.loss.Name, res)
		}
		return f, nil
	}

	d := len(spec.w0)
	w := append([]float64(nil), spec.w0...)
	st := make([][]float64, len(state))
	for i := range st {
		st[i] = make([]float64, d)
	}
	var ws [][]float64
	var ls []float64
	prev := append([]float64(nil), w...) // the weights the last step started from
	record := func() error {
		lw := w
		if o.staleLoss {
			lw = prev
		}
		l, err := loss(lw)
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
	for k := 0; k < spec.steps; k++ {
		if k < len(o.along) && len(o.along[k]) == d {
			copy(w, o.along[k])
		}
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
		if o.skipPartial && spec.batches != nil && len(spec.batches[k]) < len(spec.batches[0]) {
			copy(prev, w)
			if err := record(); err != nil {
				return nil, err
			}
			continue
		}
		kk := k
		if o.kFrom1 {
			kk = k + 1
		}
		// The gradient on this step's mini-batch.
		ga := spec.data.Clone()
		ga["w"] = append([]float64(nil), w...)
		if o.staleGrad {
			ga["w"] = append([]float64(nil), prev...)
		}
		copy(prev, w)
		if spec.batches != nil {
			ga["batch"] = append([]int(nil), spec.batches[k]...)
		}
		res, err := call(spec.grad.Name, ga)
		if err != nil {
			return nil, fmt.Errorf("step %d: %w", k, err)
		}
		g, ok := toVec(res)
		if !ok {
			return nil, fmt.Errorf("step %d: %s returned %T, want a vector", k, spec.grad.Name, res)
		}

		// This step's learning rate.
		rate := spec.lr
		if spec.rate.Name != "" {
			ra := spec.rateArgs.Clone()
			ra["k"] = kk
			res, err := call(spec.rate.Name, ra)
			if err != nil {
				return nil, fmt.Errorf("step %d: %w", k, err)
			}
			if rate, ok = toFloat(res); !ok {
				return nil, fmt.Errorf("step %d: %s returned %T, want a number", k, spec.rate.Name, res)
			}
		}

		// The step, from the state of the previous one.
		sa := spec.hyper.Clone()
		sa["w"], sa["g"], sa["lr"] = append([]float64(nil), w...), g, rate
		for i, name := range state {
			sa[name] = append([]float64(nil), st[i]...)
		}
		if c := spec.step.Counter; c != "" {
			sa[c] = kk + 1
		}
		res, err = call(spec.step.Name, sa)
		if err != nil {
			return nil, fmt.Errorf("step %d: %w", k, err)
		}
		if err := variantTakeState(res, spec.step.Name, w, state, st); err != nil {
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

// variantTakeState copies a step function's result into w and the optimizer state st, whose
// names are state.
func variantTakeState(res any, fn string, w []float64, state []string, st [][]float64) error {
	obj, isObj := res.(map[string]any)
	if !isObj {
		if a, ok := res.(Args); ok {
			obj, isObj = map[string]any(a), true
		}
	}
	take := func(name string, v any, dst []float64) error {
		x, ok := toVec(v)
		if !ok || len(x) != len(w) {
			return fmt.Errorf("%s returned %s of %T, want a vector of %d numbers", fn, name, v, len(w))
		}
		copy(dst, x)
		return nil
	}
	if len(state) == 0 && !isObj {
		return take("w", res, w)
	}
	if !isObj {
		return fmt.Errorf("%s returned %T, want an object with keys w, %s", fn, res, strings.Join(state, ", "))
	}
	if err := take("w", obj["w"], w); err != nil {
		return err
	}
	for i, name := range state {
		if err := take(name, obj[name], st[i]); err != nil {
			return err
		}
	}
	return nil
}

// variantTrainDerived derives a misconception of train from every misconception of a function
// train uses: "train/"+v.Name, with v's sentence, is TrainWith with v in place of v.Func.
func variantTrainDerived(vs []Variant) []Variant {
	var out []Variant
	for _, v := range vs {
		if !trainUses(v.Func) {
			continue
		}
		call := func(fn string, b Args) (any, error) {
			if fn == v.Func {
				return v.Call(b)
			}
			return Call(fn, b)
		}
		out = append(out, variantTrain("train/"+v.Name, v.Sentence, call, variantTrainOpts{}))
	}
	return out
}

// variantTrain is the misconception of train that runs the loop with opts, calling call.
func variantTrain(name, sentence string, call func(string, Args) (any, error), opts variantTrainOpts) Variant {
	return Variant{
		Name:     name,
		Func:     "train",
		Sentence: sentence,
		Call:     func(a Args) (any, error) { return variantTrainWith(a, call, opts) },
		Along: func(a Args, ws [][]float64) (any, error) {
			o := opts
			o.along = ws
			if o.skipInitial && len(ws) > 0 {
				// Such a run's ws[k] is the weights after step k: step k starts from ws[k−1].
				o.along = append([][]float64{nil}, ws...)
			}
			return variantTrainWith(a, call, o)
		},
	}
}

// trainUses reports whether train calls the catalog function fn: a loss, step or rate of
// one of its kinds, or the gradient of such a loss.
func trainUses(fn string) bool {
	f, _ := Lookup(fn)
	if f.Loss != "" {
		f, _ = Lookup(f.Loss)
	}
	return f.TrainKind != ""
}

// variantNonFinite reports whether x holds a NaN, and whether it holds an infinity.
func variantNonFinite(x []float64) (nan, inf bool) {
	for _, xi := range x {
		nan = nan || math.IsNaN(xi)
		inf = inf || math.IsInf(xi, 0)
	}
	return nan, inf
}

// TrainAlong is TrainWith evaluated along the weights ws of a run (w₀ first, as train
// returns them): step k starts from ws[k] instead of its own previous result, with the
// optimizer's state (velocity, moments) carried on from its own steps. Its w[k+1] is what
// the loop makes of ws[k] — comparing it with ws[k+1] finds the first step of a run that
// is not the loop's step from its own weights, however far rounding has carried the run.
func TrainAlong(a Args, ws [][]float64, call func(fn string, a Args) (any, error)) (any, error) {
	return variantTrainWith(a, call, variantTrainOpts{along: ws})
}
