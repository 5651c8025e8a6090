package grader

import (
	"fmt"
	"math"

	"github.com/optgrade/optgrade/grader/runner"
	"github.com/optgrade/optgrade/reference"
)

// A mutationOp is one generic mutation operator. Applied to the reference implementation
// of a catalog function it makes wrong versions of it — mutants — that a rubric's checks
// should tell from the reference (`optgrade rubric lint --strength`). Unlike the registered
// misconceptions, no one wrote these mistakes down: they are the mistakes a rubric must
// catch without knowing them, the way mutation testing measures a test suite. Each
// operator works on the function from outside — on its arguments or its result — so it
// applies to every catalog function where it makes sense.
type mutationOp struct {
	Name string
	Doc  string
	// mutants returns the mutants of fn (none where the operator does not apply); each
	// Variant's Name is "<op>" or "<op>(<detail>)" and its Sentence says what it does.
	mutants func(fn reference.Func) []reference.Variant
}

// mutationOps is the table of mutation operators.
var mutationOps = []mutationOp{
	{Name: "factor", Doc: "the result times 2, times ½, or times N, the number of observations (a sum for a mean)", mutants: mutFactor},
	{Name: "sign", Doc: "the result with its sign flipped", mutants: mutSign},
	{Name: "off-by-one", Doc: "an integer argument (t, k, τ, steps) one more or one less", mutants: mutOffByOne},
	{Name: "swap", Doc: "two arguments of the same shape swapped", mutants: mutSwap},
	{Name: "axis", Doc: "the components of a vector argument, or of each row of a matrix argument, reversed: the wrong axis", mutants: mutAxis},
	{Name: "one-axis", Doc: "a matrix argument seen through one column only (its rows cut to their first, or their last, component): one axis of the weights", mutants: mutOneAxis},
	{Name: "missing-term", Doc: "a real-valued argument taken as 0: the term it weighs left out", mutants: mutMissingTerm},
	{Name: "stale", Doc: "one part of a step's new state returned as it came in; inside train, the gradient or the loss of the previous step's weights", mutants: both(mutStale, inside("stale"))},
	{Name: "float16", Doc: "the result rounded to float16 (11 significant bits)", mutants: mutFloat16},
	{Name: "early-return", Doc: "a step that returns its input state unchanged; a train that stops after its first step", mutants: mutEarlyReturn},
	// The operators below change a line inside the reference implementation
	// (reference.InsideMutants), or read a matrix in the wrong layout.
	{Name: "reduce-axis", Doc: "a reduction over the wrong axis: logistic_grad's mean over each row's columns, diagnose's steps between coordinates (np.diff along the last axis)", mutants: inside("reduce-axis")},
	{Name: "drop-axis", Doc: "a reduction over every axis at once: X·w summed over rows and columns, logistic_grad's mean over both, diagnose's steps summed over the coordinates", mutants: inside("drop-axis")},
	{Name: "transpose", Doc: "a matrix argument's numbers read in the transposed (column-major) order, shape kept: X.T.reshape(X.shape)", mutants: mutTranspose},
	{Name: "loop-bound", Doc: "a loop one short: a sum over the observations, rows or coordinates leaving out the last; train counting its steps from 1, or skipping the last partial batch; diagnose's count of rising steps", mutants: inside("loop-bound")},
}

// inside returns the mutants the operator op makes inside fn's reference implementation,
// their results JSON-shaped as a submission's would be.
func inside(op string) func(fn reference.Func) []reference.Variant {
	return func(fn reference.Func) []reference.Variant {
		ms := reference.InsideMutants(op, fn.Name)
		for i, m := range ms {
			call := m.Call
			ms[i].Call = func(a reference.Args) (any, error) {
				v, err := call(a)
				return runner.JSONShape(v), err
			}
		}
		return ms
	}
}

// both returns the mutants of f and then those of g.
func both(f, g func(reference.Func) []reference.Variant) func(reference.Func) []reference.Variant {
	return func(fn reference.Func) []reference.Variant { return append(f(fn), g(fn)...) }
}

// numeric reports whether fn's result is made of numbers (not diagnose's label).
func numeric(fn reference.Func) bool { return fn.Result != "label" }

// mutant makes a Variant of fn named name that calls fn on args changed by in (nil: as
// given) and changes the result with out (nil: as returned). Results are JSON-shaped
// (float64, []any, map[string]any) as a submission's would be.
func mutant(fn reference.Func, name, sentence string, in func(reference.Args) reference.Args, out func(reference.Args, any) any) reference.Variant {
	return reference.Variant{Name: name, Func: fn.Name, Sentence: sentence, Call: func(a reference.Args) (any, error) {
		// Generated arguments hold []float64 and int; literal ones []any and float64.
		for k, v := range a {
			a[k] = runner.JSONShape(v)
		}
		orig := a.Clone()
		if in != nil {
			a = in(a)
		}
		v, err := reference.Call(fn.Name, a)
		if err != nil {
			return nil, err
		}
		v = runner.JSONShape(v)
		if out != nil {
			v = out(orig, v)
		}
		return v, nil
	}}
}

// argMutant makes a Variant of fn named name that calls fn with its argument param (when
// given) changed by f.
func argMutant(fn reference.Func, param, name, sentence string, f func(any) any) reference.Variant {
	return mutant(fn, name, sentence, func(a reference.Args) reference.Args {
		if v, ok := a[param]; ok {
			a[param] = f(v)
		}
		return a
	}, nil)
}

// mapNumbers returns a copy of a JSON-shaped value with f applied to every number.
func mapNumbers(v any, f func(float64) float64) any {
	switch v := v.(type) {
	case float64:
		return f(v)
	case []any:
		out := make([]any, len(v))
		for i, e := range v {
			out[i] = mapNumbers(e, f)
		}
		return out
	case map[string]any:
		out := make(map[string]any, len(v))
		for k, e := range v {
			out[k] = mapNumbers(e, f)
		}
		return out
	}
	return v
}

func mutFactor(fn reference.Func) []reference.Variant {
	if !numeric(fn) {
		return nil
	}
	scale := func(c float64) func(reference.Args, any) any {
		return func(_ reference.Args, v any) any { return mapNumbers(v, func(x float64) float64 { return c * x }) }
	}
	out := []reference.Variant{
		mutant(fn, "factor(2)", "the result times 2", nil, scale(2)),
		mutant(fn, "factor(0.5)", "the result times ½", nil, scale(0.5)),
	}
	// N: the rows of the batch, else the observations.
	for _, name := range []string{"batch", "y"} {
		if _, ok := fn.Param(name); !ok {
			continue
		}
		out = append(out, mutant(fn, "factor(N)", "the result times N = len("+name+"), a sum for a mean", nil, func(a reference.Args, v any) any {
			n, ok := a[name].([]any)
			if !ok || len(n) < 2 {
				return v
			}
			return mapNumbers(v, func(x float64) float64 { return float64(len(n)) * x })
		}))
		break
	}
	return out
}

func mutSign(fn reference.Func) []reference.Variant {
	if !numeric(fn) {
		return nil
	}
	return []reference.Variant{mutant(fn, "sign", "the result with its sign flipped", nil, func(_ reference.Args, v any) any {
		return mapNumbers(v, func(x float64) float64 { return -x })
	})}
}

func mutOffByOne(fn reference.Func) []reference.Variant {
	var out []reference.Variant
	for _, p := range fn.Params {
		if p.Kind != reference.Integer {
			continue
		}
		for _, d := range []float64{1, -1} {
			name := fmt.Sprintf("off-by-one(%s%+g)", p.Name, d)
			out = append(out, mutant(fn, name, fmt.Sprintf("%s taken as %s%+g", p.Name, p.Name, d), func(a reference.Args) reference.Args {
				if x, ok := a[p.Name].(float64); ok {
					a[p.Name] = x + d
				}
				return a
			}, nil))
		}
	}
	return out
}

func mutSwap(fn reference.Func) []reference.Variant {
	var out []reference.Variant
	for i, p := range fn.Params {
		for _, q := range fn.Params[i+1:] {
			if p.Kind != q.Kind || p.Kind == reference.Object || p.Optional || q.Optional {
				continue
			}
			out = append(out, mutant(fn, "swap("+p.Name+","+q.Name+")", p.Name+" and "+q.Name+" swapped", func(a reference.Args) reference.Args {
				a[p.Name], a[q.Name] = a[q.Name], a[p.Name]
				return a
			}, nil))
		}
	}
	return out
}

// reversed returns a vector with its components reversed, or a matrix (a list of vectors)
// with each row's components reversed.
func reversed(v any) any {
	l, ok := v.([]any)
	if !ok {
		return v
	}
	out := make([]any, len(l))
	for i, e := range l {
		if row, isRow := e.([]any); isRow {
			out[i] = reversed(row)
		} else {
			out[len(l)-1-i] = e
		}
	}
	return out
}

func mutAxis(fn reference.Func) []reference.Variant {
	var out []reference.Variant
	for _, p := range fn.Params {
		if p.Kind != reference.Vector && p.Kind != reference.Matrix {
			continue
		}
		out = append(out, mutant(fn, "axis("+p.Name+")", p.Name+"'s components taken in reverse order", func(a reference.Args) reference.Args {
			a[p.Name] = reversed(a[p.Name])
			return a
		}, nil))
	}
	return out
}

// column returns a matrix (a list of vectors) with each row cut to its component i (−1: the
// last); anything else as given.
func column(v any, i int) any {
	l, ok := v.([]any)
	if !ok {
		return v
	}
	out := make([]any, len(l))
	for k, e := range l {
		row, isRow := e.([]any)
		if !isRow || len(row) == 0 {
			return v
		}
		j := i
		if j < 0 {
			j = len(row) - 1
		}
		out[k] = []any{row[j]}
	}
	return out
}

// mutOneAxis looks at one column of a matrix argument only — diagnose judging the swing
// of the weights on the first (or the last) coordinate, a logistic model on the first
// feature. Where the column does not fit the other arguments the reference rejects the
// call, and the mutant is invalid.
func mutOneAxis(fn reference.Func) []reference.Variant {
	var out []reference.Variant
	for _, p := range fn.Params {
		if p.Kind != reference.Matrix {
			continue
		}
		for _, c := range []struct {
			name string
			i    int
		}{{"first", 0}, {"last", -1}} {
			out = append(out, argMutant(fn, p.Name, "one-axis("+p.Name+","+c.name+")", p.Name+" seen through its "+c.name+" column only",
				func(v any) any { return column(v, c.i) }))
		}
	}
	return out
}

// transposed returns a matrix (a list of rows of equal length) whose numbers are the
// given matrix's in column-major order, in the same shape: numpy's X.T.reshape(X.shape), a
// reshape in the wrong order. Anything else as given.
func transposed(v any) any {
	l, ok := v.([]any)
	if !ok || len(l) == 0 {
		return v
	}
	var flat []any
	cols := -1
	for j := 0; cols < 0 || j < cols; j++ {
		for _, e := range l {
			row, isRow := e.([]any)
			if !isRow || (cols >= 0 && len(row) != cols) || len(row) == 0 {
				return v
			}
			cols = len(row)
			flat = append(flat, row[j])
		}
	}
	out := make([]any, len(l))
	for i := range out {
		out[i] = flat[i*cols : (i+1)*cols]
	}
	return out
}

func mutTranspose(fn reference.Func) []reference.Variant {
	var out []reference.Variant
	for _, p := range fn.Params {
		if p.Kind != reference.Matrix {
			continue
		}
		out = append(out, argMutant(fn, p.Name, "transpose("+p.Name+")", p.Name+"'s numbers read in transposed order, shape kept", transposed))
	}
	return out
}

func mutMissingTerm(fn reference.Func) []reference.Variant {
	var out []reference.Variant
	for _, p := range fn.Params {
		if p.Kind != reference.Scalar {
			continue
		}
		out = append(out, mutant(fn, "missing-term("+p.Name+")", p.Name+" taken as 0", func(a reference.Args) reference.Args {
			if _, ok := a[p.Name]; ok {
				a[p.Name] = 0.0
			}
			return a
		}, nil))
	}
	return out
}

// stateMap returns a step's result object when it holds the state part name.
func stateMap(v any, name string) (map[string]any, bool) {
	m, ok := v.(map[string]any)
	if !ok {
		return nil, false
	}
	_, has := m[name]
	return m, has
}

func mutStale(fn reference.Func) []reference.Variant {
	if len(fn.State) < 2 {
		return nil // one state part: returning it unchanged is early-return
	}
	var out []reference.Variant
	for _, s := range fn.State {
		out = append(out, mutant(fn, "stale("+s+")", "the new "+s+" returned as it came in", nil, func(a reference.Args, v any) any {
			if m, ok := stateMap(v, s); ok {
				m[s] = a[s]
			}
			return v
		}))
	}
	return out
}

// float16 rounds x to the nearest number with 11 significant bits (float16's precision;
// its range is left alone, so that the mutant differs only in rounding).
func float16(x float64) float64 {
	if x == 0 || math.IsInf(x, 0) || math.IsNaN(x) {
		return x
	}
	frac, exp := math.Frexp(x)
	return math.Ldexp(math.Round(frac*2048)/2048, exp)
}

func mutFloat16(fn reference.Func) []reference.Variant {
	if !numeric(fn) {
		return nil
	}
	return []reference.Variant{mutant(fn, "float16", "the result rounded to float16", nil, func(_ reference.Args, v any) any {
		return mapNumbers(v, float16)
	})}
}

func mutEarlyReturn(fn reference.Func) []reference.Variant {
	switch {
	case len(fn.State) > 0:
		return []reference.Variant{mutant(fn, "early-return", "the step returns its input state unchanged", nil, func(a reference.Args, v any) any {
			if m, ok := v.(map[string]any); ok {
				for k := range m {
					if x, ok := a[k]; ok {
						m[k] = x
					}
				}
				return m
			}
			return a[fn.State[0]]
		})}
	case fn.Name == "train":
		return []reference.Variant{mutant(fn, "early-return", "train stops after its first step (the weights and loss stay put)", nil, func(_ reference.Args, v any) any {
			m, ok := v.(map[string]any)
			if !ok {
				return v
			}
			for _, k := range []string{"w", "loss"} {
				if l, ok := m[k].([]any); ok && len(l) > 2 {
					for i := 2; i < len(l); i++ {
						l[i] = l[1]
					}
				}
			}
			return m
		})}
	}
	return nil
}

// mutantsOf returns every mutant of fn, operator by operator, with the operator's name.
func mutantsOf(fn reference.Func) (mutants []reference.Variant, ops []string) {
	for _, op := range mutationOps {
		for _, m := range op.mutants(fn) {
			mutants = append(mutants, m)
			ops = append(ops, op.Name)
		}
	}
	return mutants, ops
}
