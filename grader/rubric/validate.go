package rubric

import (
	"errors"
	"fmt"
	"math"
	"reflect"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/optgrade/optgrade/reference"
)

// This file checks a decoded rubric against the reference catalog: every task names a
// catalog function, its misconceptions are variants of that function, each check's kind fits
// the function, and every input the checks would send — literal cases, generated inputs,
// trajectory starts — is accepted by the reference itself (reference.Call, Generate,
// TrajectoryInputs), so that a rubric that loads can be graded.

// checkCatalog records every catalog problem of r; src holds the positions.
func (d *decoder) checkCatalog(r *Rubric, src *source) {
	for i := range r.Tasks {
		if i >= len(src.tasks) {
			break
		}
		d.checkTask(&r.Tasks[i], src.tasks[i])
	}
}

// catalogNames returns the names of the catalog functions for which keep holds.
func catalogNames(keep func(reference.Func) bool) []string {
	var names []string
	for _, f := range reference.Catalog() {
		if keep == nil || keep(f) {
			names = append(names, f.Name)
		}
	}
	return names
}

func (d *decoder) checkTask(t *Task, ts *taskSrc) {
	if t.Function == "" {
		return
	}
	fn, ok := reference.Lookup(t.Function)
	if !ok {
		names := catalogNames(nil)
		hint := suggest(t.Function, names)
		if hint == "" {
			hint = " (the catalog has " + strings.Join(names, ", ") + ")"
		}
		d.errorf(resolve(ts.m.at("function")), ts.ctx, "function: unknown function %q%s", t.Function, hint)
		return
	}

	var variants []string
	for _, v := range reference.VariantsOf(fn.Name) {
		variants = append(variants, v.Name)
	}
	for i, name := range t.Misconceptions {
		n := ts.misconceptions[i]
		if v, ok := reference.LookupVariant(name); ok {
			if v.Func != fn.Name {
				d.errorf(n, ts.ctx, "misconception %q is a variant of %s, not of %s", name, v.Func, fn.Name)
			}
			continue
		}
		switch hint := suggest(name, variants); {
		case len(variants) == 0:
			d.errorf(n, ts.ctx, "unknown misconception %q: %s has no registered variants", name, fn.Name)
		case hint != "":
			d.errorf(n, ts.ctx, "unknown misconception %q%s", name, hint)
		default:
			d.errorf(n, ts.ctx, "unknown misconception %q (%s's are %s)", name, fn.Name, strings.Join(variants, ", "))
		}
	}

	for j := range t.Checks {
		if j < len(ts.checks) {
			d.checkCheck(fn, &t.Checks[j], ts.checks[j])
		}
	}
}

// checkCheck checks that c's kind fits fn and that the reference accepts c's inputs.
func (d *decoder) checkCheck(fn reference.Func, c *Check, cs *checkSrc) {
	if c.Kind == "" {
		return
	}
	if why := kindFits(fn, c.Kind); why != "" {
		d.errorf(resolve(cs.m.at("kind")), cs.ctx, "kind: %s", why)
		return
	}
	if !cs.kindOK {
		return
	}

	var size float64
	for k := range c.Cases {
		if k >= len(cs.cases) || !cs.cases[k].ok {
			continue
		}
		steps, dim := callSize(fn, c.Cases[k].Args)
		at := resolve(cs.cases[k].args.at("steps"))
		if size += steps * dim; size > MaxCheckSize {
			d.errorf(at, cs.cases[k].ctx, "args.steps: %.0f steps × %.0f weights make %.0f numbers with the check's earlier cases, over the limit of %d a check may generate (count × dim × steps)", steps, dim, size, MaxCheckSize)
			return
		}
		if steps > 0 && !d.addSize(at, cs.cases[k].ctx, int64(steps*dim)) {
			return
		}
		d.checkCase(fn, c, k, cs.cases[k])
	}

	if k, ok := LookupKind(c.Kind); ok && cs.sizeOK {
		k.validate(d, fn, c, cs)
	}
}

// callSize is what a literal call makes the reference compute, counted as count × dim ×
// steps is: its steps argument (train's) and the length of its longest vector; 0 steps for
// a call without steps.
func callSize(fn reference.Func, args reference.Args) (steps, dim float64) {
	if _, ok := param(fn, "steps"); !ok {
		return 0, 1
	}
	steps, ok := args["steps"].(float64)
	if !ok || steps < 1 {
		return 0, 1
	}
	dim = 1
	var walk func(v any)
	walk = func(v any) {
		switch v := v.(type) {
		case []any:
			dim = max(dim, float64(len(v)))
		case map[string]any:
			for _, e := range v {
				walk(e)
			}
		}
	}
	for _, v := range args {
		walk(v)
	}
	return steps, dim
}

// kindFits returns why kind does not fit fn, or "".
func kindFits(fn reference.Func, kind Kind) string {
	k, ok := LookupKind(kind)
	if !ok || k.Fits(fn) {
		return ""
	}
	want := k.Needs
	if names := catalogNames(k.Fits); len(names) > 1 {
		want += " (" + strings.Join(names, ", ") + ")"
	}
	return fmt.Sprintf("a %s check needs %s, not %s; use kind value", kind, want, fn.Name)
}

// checkCase checks literal case k: names, kinds, then the reference itself, whose result
// it keeps for planning.
func (d *decoder) checkCase(fn reference.Func, c *Check, k int, cs *caseSrc) {
	args := c.Cases[k].Args
	if !d.checkArgs(fn, args, cs.args, cs.ctx, "args", true) {
		return
	}
	want, err := reference.Call(fn.Name, args)
	if err != nil {
		d.errorf(d.errorNode(err, cs.args, cs.m.node), cs.ctx, "the reference rejects these arguments: %v", err)
		return
	}
	if path, v, bad := nonFinite(want, ""); bad {
		d.errorf(cs.m.node, cs.ctx, "the reference's result is not finite (%s = %v): a submission could not be told apart from any other that overflows; choose arguments whose result is a finite number", "result"+path, v)
		return
	}
	if kind, _ := LookupKind(c.Kind); kind.callsLoss && fn.Loss != "" {
		// The check also calls the student's loss with the same arguments.
		if loss, ok := reference.Lookup(fn.Loss); ok {
			la := reference.Args{}
			for _, p := range loss.Params {
				if v, ok := args[p.Name]; ok {
					la[p.Name] = v
				}
			}
			if _, err := reference.Call(loss.Name, la); err != nil {
				d.errorf(d.errorNode(err, cs.args, cs.m.node), cs.ctx, "the reference loss rejects these arguments: %v", err)
				return
			}
		}
	}
	c.keepResult(fn.Name, k, args, want)
}

// errorNode returns the node of the argument err names (a *reference.ArgError; the object
// holding it for a key of problem, optimizer or schedule), else def.
func (d *decoder) errorNode(err error, args *nodeMap, def *yaml.Node) *yaml.Node {
	var ae *reference.ArgError
	if !errors.As(err, &ae) || args == nil {
		return def
	}
	name := ae.Arg
	if ae.Object != "" {
		name = ae.Object
	}
	if v, ok := args.vals[name]; ok {
		return resolve(v)
	}
	return def
}

// checkArgs checks argument names and kinds against fn's parameters (and, when required
// is set, that every required parameter is present). It reports whether all is well.
func (d *decoder) checkArgs(fn reference.Func, args reference.Args, m *nodeMap, ctx, path string, required bool) bool {
	ok := true
	var names []string
	for _, p := range fn.Params {
		names = append(names, p.Name)
	}
	for _, name := range m.order {
		p, found := param(fn, name)
		if !found {
			hint := suggest(name, names)
			if hint == "" {
				hint = " (" + fn.Name + " takes " + signature(fn) + ")"
			}
			d.errorf(m.keys[name], ctx, "%s: unknown argument %q%s", path, name, hint)
			ok = false
			continue
		}
		if why := argMismatch(args[name], p.Kind); why != "" {
			d.errorf(resolve(m.vals[name]), ctx, "%s.%s: want %s, got %s", path, name, kindWords(p.Kind), why)
			ok = false
		}
	}
	if required {
		var missing []string
		for _, p := range fn.Params {
			if _, has := args[p.Name]; !has && !p.Optional {
				missing = append(missing, fmt.Sprintf("%q", p.Name))
			}
		}
		if len(missing) > 0 {
			s := ""
			if len(missing) > 1 {
				s = "s"
			}
			d.errorf(m.node, ctx, "%s: missing argument%s %s (%s takes %s)", path, s, strings.Join(missing, ", "), fn.Name, signature(fn))
			ok = false
		}
	}
	return ok
}

func param(fn reference.Func, name string) (reference.Param, bool) {
	for _, p := range fn.Params {
		if p.Name == name {
			return p, true
		}
	}
	return reference.Param{}, false
}

// signature writes fn's parameters as DESIGN.md does: "lam, y, base?".
func signature(fn reference.Func) string {
	parts := make([]string, len(fn.Params))
	for i, p := range fn.Params {
		parts[i] = p.Name
		if p.Optional {
			parts[i] += "?"
		}
	}
	return strings.Join(parts, ", ")
}

func kindWords(k reference.Kind) string {
	switch k {
	case reference.Scalar:
		return "a number"
	case reference.Integer:
		return "an integer"
	case reference.Vector:
		return "a vector (a list of numbers)"
	case reference.Matrix:
		return "a matrix (a list of rows of numbers, all of one length)"
	case reference.IndexList:
		return "an index list (a list of 0-based row numbers)"
	case reference.IndexLists:
		return "a list of index lists"
	case reference.Object:
		return "a mapping"
	}
	return k.String()
}

// argMismatch returns what v is when it is not of kind k (for "want …, got …"), or "".
func argMismatch(v any, k reference.Kind) string {
	isNum := func(v any) bool { _, ok := v.(float64); return ok }
	isIndex := func(v any) bool { f, ok := v.(float64); return ok && f >= 0 && f == math.Trunc(f) }
	listOf := func(v any, elem func(any) bool) bool {
		l, ok := v.([]any)
		if !ok {
			return false
		}
		for _, e := range l {
			if !elem(e) {
				return false
			}
		}
		return true
	}
	var ok bool
	switch k {
	case reference.Scalar:
		ok = isNum(v)
	case reference.Integer:
		ok = isNum(v) && v.(float64) == math.Trunc(v.(float64))
	case reference.Vector:
		ok = listOf(v, isNum)
	case reference.Matrix:
		ok = listOf(v, func(e any) bool { return listOf(e, isNum) })
		if ok {
			rows := v.([]any)
			for i, row := range rows {
				if len(row.([]any)) != len(rows[0].([]any)) {
					return fmt.Sprintf("rows of different lengths (row %d has %d numbers, row 0 has %d)", i, len(row.([]any)), len(rows[0].([]any)))
				}
			}
		}
	case reference.IndexList:
		ok = listOf(v, isIndex)
	case reference.IndexLists:
		ok = listOf(v, func(e any) bool { return listOf(e, isIndex) })
	case reference.Object:
		_, ok = v.(map[string]any)
	default:
		ok = true
	}
	if ok {
		return ""
	}
	return describeValue(v)
}

// describeValue says what a decoded argument value is.
func describeValue(v any) string {
	switch v := v.(type) {
	case float64:
		return fmt.Sprintf("the number %g", v)
	case string:
		return fmt.Sprintf("%q", v)
	case bool:
		return fmt.Sprint(v)
	case []any:
		if len(v) == 0 {
			return "an empty list"
		}
		for _, e := range v {
			if _, ok := e.(float64); !ok {
				return "a list"
			}
		}
		if len(v) == 1 {
			return "a list of 1 number"
		}
		return fmt.Sprintf("a list of %d numbers", len(v))
	case map[string]any:
		return "a mapping"
	}
	return fmt.Sprintf("%T", v)
}

// checkTrajectory checks that the reference can make the trajectory's inputs and that the
// literal start, if any, fits the function and is accepted by the reference.
func (d *decoder) checkTrajectory(fn reference.Func, c *Check, cs *checkSrc) {
	if !cs.stepsOK || c.Generate == nil {
		return
	}
	startOK := cs.start != nil && cs.startOK
	if startOK {
		startOK = d.checkArgs(fn, c.Start, cs.start, cs.ctx, "start", false)
		if k, ok := cs.start.keys["g"]; ok {
			d.errorf(k, cs.ctx, "start.g: a trajectory's gradients come from the reference (generate.seed, generate.dim); remove g")
			startOK = false
		}
	}
	seed, dim := c.Generate.Seed, c.Generate.Dim
	start, grads, err := reference.TrajectoryInputs(fn.Name, seed, c.Steps, dim)
	if err != nil {
		d.errorf(resolve(cs.m.at("generate")), cs.ctx, "the reference cannot generate this trajectory's inputs: %v", err)
		return
	}
	if !startOK {
		return
	}
	// As the grader does: the literal start replaces the generated arguments it names, and
	// the gradients follow the dimension of a literal w.
	a := start.Clone()
	for k, v := range c.Start {
		a[k] = v
	}
	hint := ""
	if w, ok := c.Start["w"].([]any); ok && len(grads) > 0 && len(w) != len(grads[0]) {
		hint = fmt.Sprintf(" (start.w has dimension %d, the generated state %d: set generate.dim: %d or give the whole state)", len(w), len(grads[0]), len(w))
		if _, g2, err := reference.TrajectoryInputs(fn.Name, seed, c.Steps, len(w)); err == nil {
			grads = g2
		}
	}
	if _, has := param(fn, "g"); has && len(grads) > 0 {
		a["g"] = grads[0]
	}
	want, err := reference.Call(fn.Name, a)
	if err != nil {
		d.errorf(d.errorNode(err, cs.start, cs.start.node), cs.ctx, "start: the reference rejects the first step: %v%s", err, hint)
	} else if path, v, bad := nonFinite(want, ""); bad {
		d.errorf(cs.start.node, cs.ctx, "start: the reference's first step is not finite (%s = %v): choose a start whose steps are finite numbers", "result"+path, v)
	}
}

// nonFinite finds the first NaN or ±Inf in a result of the reference and returns its path
// below path ("[2]", ".Loss[3]").
func nonFinite(v any, path string) (string, float64, bool) {
	return nonFiniteValue(reflect.ValueOf(v), path)
}

// NonFinite finds the first NaN or ±Inf in a value the reference computed (numbers and
// slices, maps and structs of them) and returns its path ("", "[2]", ".w[0]"). A rubric
// whose expected value is not finite is refused: any overflowing answer would match it.
func NonFinite(v any) (path string, x float64, found bool) { return nonFinite(v, "") }

func nonFiniteValue(v reflect.Value, path string) (string, float64, bool) {
	// The path is built only for the value found: the common case, every value finite,
	// allocates nothing (planning checks every reference value of a rubric).
	if p, f, bad := nonFiniteIn(v); bad {
		return path + p, f, true
	}
	return "", 0, false
}

var float64s = reflect.TypeFor[[]float64]()

// nonFiniteIn is nonFiniteValue returning the path below v.
func nonFiniteIn(v reflect.Value) (string, float64, bool) {
	switch v.Kind() {
	case reflect.Float32, reflect.Float64:
		if f := v.Float(); math.IsNaN(f) || math.IsInf(f, 0) {
			return "", f, true
		}
	case reflect.Interface, reflect.Pointer:
		if !v.IsNil() {
			return nonFiniteIn(v.Elem())
		}
	case reflect.Slice, reflect.Array:
		if v.Type() == float64s && v.CanInterface() {
			for i, f := range v.Interface().([]float64) {
				if math.IsNaN(f) || math.IsInf(f, 0) {
					return fmt.Sprintf("[%d]", i), f, true
				}
			}
			return "", 0, false
		}
		for i := 0; i < v.Len(); i++ {
			if p, f, bad := nonFiniteIn(v.Index(i)); bad {
				return fmt.Sprintf("[%d]", i) + p, f, true
			}
		}
	case reflect.Map:
		var bad []reflect.Value // the keys of non-finite values; the first in key order is named
		for it := v.MapRange(); it.Next(); {
			if _, _, b := nonFiniteIn(it.Value()); b {
				bad = append(bad, it.Key())
			}
		}
		if len(bad) > 0 {
			sort.Slice(bad, func(i, j int) bool { return fmt.Sprint(bad[i]) < fmt.Sprint(bad[j]) })
			p, f, _ := nonFiniteIn(v.MapIndex(bad[0]))
			return fmt.Sprintf(".%v", bad[0]) + p, f, true
		}
	case reflect.Struct:
		for i := 0; i < v.NumField(); i++ {
			if !v.Type().Field(i).IsExported() {
				continue
			}
			if p, f, bad := nonFiniteIn(v.Field(i)); bad {
				return "." + v.Type().Field(i).Name + p, f, true
			}
		}
	}
	return "", 0, false
}
