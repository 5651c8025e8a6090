package grader

import (
	"fmt"
	"slices"
	"strings"

	"github.com/optgrade/optgrade/grader/runner"
	"github.com/optgrade/optgrade/reference"
)

// This file holds the relations about the structure of a result: a trajectory shifted by
// one step, another argument order, the right numbers in another shape (relations.go has
// the table).

// ---- a trajectory shifted by one step -----------------------------------------------------

func shiftHypotheses(fn reference.Func, ev []*evidence) []hypothesis {
	if fn.Name != "train" {
		return nil
	}
	var hs []hypothesis
	for _, parts := range [][]string{{"loss"}, {"w", "loss"}, {"w"}} {
		for _, d := range []int{1, -1} {
			parts, d := parts, d
			s := fmt.Sprintf("Your %s is shifted by one step: your %s[k] is the reference's %s[k + 1].", strings.Join(parts, " and "), parts[0], parts[0])
			if d < 0 {
				s = fmt.Sprintf("Your %s lags by one step: your %s[k + 1] is the reference's %s[k].", strings.Join(parts, " and "), parts[0], parts[0])
			}
			hs = append(hs, predicting(s, func(e *evidence) (any, bool) { return shifted(e, parts, d) }))
		}
	}
	return hs
}

// shifted predicts a train result whose series parts are the reference's shifted by d.
func shifted(e *evidence, parts []string, d int) (any, bool) {
	want, ok := e.want.(map[string]any)
	if !ok {
		return nil, false
	}
	longer := want
	if d > 0 { // the reference one step further, for the last entry
		steps, ok := asNumber(runner.JSONShape(e.args["steps"]))
		if !ok || e.args["batches"] != nil {
			return nil, false
		}
		v, ok := refOn(e, func(a reference.Args) { a["steps"] = steps + 1 })
		if !ok {
			return nil, false
		}
		longer = runner.JSONShape(v).(map[string]any)
	}
	out := map[string]any{}
	for k, v := range want {
		out[k] = v
	}
	for _, p := range parts {
		l, ok1 := asList(longer[p])
		w, ok2 := asList(want[p])
		if !ok1 || !ok2 || len(w) == 0 {
			return nil, false
		}
		if d > 0 {
			out[p] = l[1 : len(w)+1]
		} else {
			out[p] = append([]any{w[0]}, w[:len(w)-1]...)
		}
	}
	return out, true
}

// ---- another argument order -------------------------------------------------------------

func argOrderHypotheses(fn reference.Func, ev []*evidence) []hypothesis {
	var hs []hypothesis
	for i, p := range fn.Params {
		for _, q := range fn.Params[i+1:] {
			if p.Kind != q.Kind || p.Kind == reference.Object || p.Kind == reference.IndexList || p.Kind == reference.IndexLists {
				continue
			}
			p, q := p.Name, q.Name
			s := fmt.Sprintf("Your results are the reference's with %s and %s swapped: check the order in which you use your arguments.", p, q)
			hs = append(hs, predicting(s, func(e *evidence) (any, bool) {
				if e.args[p] == nil || e.args[q] == nil {
					return nil, false
				}
				return refOn(e, func(a reference.Args) { a[p], a[q] = a[q], a[p] })
			}))
		}
	}
	return hs
}

// ---- the right numbers in another shape ---------------------------------------------------

func shapeHypotheses(fn reference.Func, ev []*evidence) []hypothesis {
	orders := [][]string{nil, fn.State, {"w", "loss"}} // keys sorted; w, m, v; train's
	var hs []hypothesis
	for _, order := range orders {
		for _, transpose := range []bool{false, true} {
			order, transpose := order, transpose
			hs = append(hs, hypothesis{
				sentence: "Your results hold the right numbers in another shape or nesting: return " + shapeWords(fn) + ".",
				fits: func(e *evidence) (bool, bool) {
					g, w := numbersOf(e.got), numbersOf(flatten(e.want, order, transpose))
					if len(g) == 0 || len(g) != len(w) {
						return false, true
					}
					for i := range g {
						if !e.tol.Close(g[i], w[i]) {
							return false, true
						}
					}
					return true, true
				},
			})
		}
	}
	return hs
}

// shapeWords says what shape fn returns.
func shapeWords(fn reference.Func) string {
	switch {
	case fn.Result == "scalar":
		return "a single number"
	case fn.Result == "vector":
		return "one flat list of numbers"
	case strings.HasPrefix(fn.Result, "{"):
		return "an object with keys " + strings.Trim(fn.Result, "{}")
	}
	return fn.Result
}

// flatten lists a value's numbers: object keys in order (sorted when nil; the rest
// after), matrices row by row or, transposed, column by column.
func flatten(v any, order []string, transpose bool) any {
	switch v := v.(type) {
	case map[string]any:
		keys := append([]string(nil), order...)
		for _, k := range sortedKeys(v) {
			if !slices.Contains(keys, k) {
				keys = append(keys, k)
			}
		}
		var out []any
		for _, k := range keys {
			if x, ok := v[k]; ok {
				out = append(out, flatten(x, order, transpose))
			}
		}
		return out
	}
	l, ok := asList(v)
	if !ok {
		return v
	}
	if transpose && len(l) > 0 {
		if first, ok := asList(l[0]); ok {
			var out []any
			for j := range first {
				for _, row := range l {
					r, ok := asList(row)
					if !ok || j >= len(r) {
						return v
					}
					out = append(out, r[j])
				}
			}
			return out
		}
	}
	return v
}

// numbersOf lists a value's numbers in reading order.
func numbersOf(v any) []float64 {
	var out []float64
	walkNumbersOrdered(v, func(x float64) { out = append(out, x) })
	return out
}

// walkNumbersOrdered visits numbers in reading order, object keys sorted.
func walkNumbersOrdered(v any, f func(float64)) {
	switch v := v.(type) {
	case float64:
		f(v)
		return
	case map[string]any:
		for _, k := range sortedKeys(v) {
			walkNumbersOrdered(v[k], f)
		}
		return
	}
	if l, ok := asList(v); ok {
		for _, x := range l {
			walkNumbersOrdered(x, f)
		}
	}
}
