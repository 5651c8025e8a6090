package reference

import (
	"math"
	"sort"
)

// Args holds the named arguments of one catalog call. Values are what encoding/json
// decodes into an any (float64, []any, map[string]any) or the Go types the generators
// build (float64, int, []float64, [][]float64, []int, [][]int, Args). Args encodes to the
// wire protocol's argument object with encoding/json.
type Args map[string]any

// Clone returns a deep copy of a, so that a caller may change the copy's vectors.
func (a Args) Clone() Args {
	c := make(Args, len(a))
	for k, v := range a {
		c[k] = cloneValue(v)
	}
	return c
}

func cloneValue(v any) any {
	switch v := v.(type) {
	case []float64:
		return append([]float64(nil), v...)
	case [][]float64:
		out := make([][]float64, len(v))
		for i := range v {
			out[i] = append([]float64(nil), v[i]...)
		}
		return out
	case []int:
		return append([]int(nil), v...)
	case [][]int:
		out := make([][]int, len(v))
		for i := range v {
			out[i] = append([]int(nil), v[i]...)
		}
		return out
	case []any:
		out := make([]any, len(v))
		for i := range v {
			out[i] = cloneValue(v[i])
		}
		return out
	case map[string]any:
		return map[string]any(Args(v).Clone())
	case Args:
		return v.Clone()
	}
	return v
}

// Keys returns the argument names, sorted.
func (a Args) Keys() []string {
	keys := make([]string, 0, len(a))
	for k := range a {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// ArgReader reads typed arguments out of Args, remembering the first problem so that a
// function can read all its arguments and check once:
//
//	r := a.Reader()
//	lam, y := r.Float("lam"), r.Vec("y")
//	if err := r.Err(); err != nil { … }
type ArgReader struct {
	a   Args
	err error
}

// Reader returns an ArgReader over a.
func (a Args) Reader() *ArgReader { return &ArgReader{a: a} }

// Err returns the first problem met, or nil.
func (r *ArgReader) Err() error { return r.err }

// Has reports whether the argument is present (and not null).
func (r *ArgReader) Has(name string) bool { return r.a[name] != nil }

func (r *ArgReader) fail(name, format string, v ...any) {
	if r.err == nil {
		r.err = argErrorf(name, format, v...)
	}
}

func (r *ArgReader) get(name string) (any, bool) {
	v, ok := r.a[name]
	if !ok || v == nil {
		r.fail(name, "missing")
		return nil, false
	}
	return v, true
}

// Float reads a required finite number.
func (r *ArgReader) Float(name string) float64 {
	v, ok := r.get(name)
	if !ok {
		return math.NaN()
	}
	f, ok := toFloat(v)
	if !ok {
		r.fail(name, "want a number, got %T", v)
		return math.NaN()
	}
	return f
}

// OptFloat reads an optional number, def when absent.
func (r *ArgReader) OptFloat(name string, def float64) float64 {
	if !r.Has(name) {
		return def
	}
	return r.Float(name)
}

// Int reads a required integer-valued number.
func (r *ArgReader) Int(name string) int {
	v, ok := r.get(name)
	if !ok {
		return 0
	}
	f, ok := toFloat(v)
	if !ok || f != math.Trunc(f) || math.Abs(f) > 1<<53 {
		r.fail(name, "want an integer, got %v", v)
		return 0
	}
	return int(f)
}

// Vec reads a required vector.
func (r *ArgReader) Vec(name string) []float64 {
	v, ok := r.get(name)
	if !ok {
		return nil
	}
	x, ok := toVec(v)
	if !ok {
		r.fail(name, "want an array of numbers, got %T", v)
	}
	return x
}

// Mat reads a required matrix given as an array of rows of equal length.
func (r *ArgReader) Mat(name string) [][]float64 {
	v, ok := r.get(name)
	if !ok {
		return nil
	}
	m, ok := toMat(v)
	if !ok {
		r.fail(name, "want an array of equal-length rows of numbers, got %T", v)
	}
	return m
}

// Ints reads a required array of integers.
func (r *ArgReader) Ints(name string) []int {
	v, ok := r.get(name)
	if !ok {
		return nil
	}
	x, ok := toInts(v)
	if !ok {
		r.fail(name, "want an array of integers, got %T", v)
	}
	return x
}

// IntLists reads a required array of arrays of integers.
func (r *ArgReader) IntLists(name string) [][]int {
	v, ok := r.get(name)
	if !ok {
		return nil
	}
	var out [][]int
	switch v := v.(type) {
	case [][]int:
		return v
	case []any:
		for _, e := range v {
			x, ok := toInts(e)
			if !ok {
				r.fail(name, "want an array of arrays of integers")
				return nil
			}
			out = append(out, x)
		}
		return out
	}
	r.fail(name, "want an array of arrays of integers, got %T", v)
	return nil
}

// Object reads a required JSON object argument.
func (r *ArgReader) Object(name string) Args {
	v, ok := r.get(name)
	if !ok {
		return nil
	}
	switch v := v.(type) {
	case Args:
		return v
	case map[string]any:
		return Args(v)
	}
	r.fail(name, "want an object, got %T", v)
	return nil
}

// String reads a required string argument.
func (r *ArgReader) String(name string) string {
	v, ok := r.get(name)
	if !ok {
		return ""
	}
	s, ok := v.(string)
	if !ok {
		r.fail(name, "want a string, got %T", v)
	}
	return s
}

func toFloat(v any) (float64, bool) {
	switch v := v.(type) {
	case float64:
		return v, true
	case int:
		return float64(v), true
	case int64:
		return float64(v), true
	}
	return 0, false
}

func toVec(v any) ([]float64, bool) {
	switch v := v.(type) {
	case []float64:
		return v, true
	case []int:
		out := make([]float64, len(v))
		for i, x := range v {
			out[i] = float64(x)
		}
		return out, true
	case []any:
		out := make([]float64, len(v))
		for i, e := range v {
			f, ok := toFloat(e)
			if !ok {
				return nil, false
			}
			out[i] = f
		}
		return out, true
	}
	return nil, false
}

func toMat(v any) ([][]float64, bool) {
	var m [][]float64
	switch v := v.(type) {
	case [][]float64:
		m = v
	case []any:
		m = make([][]float64, len(v))
		for i, e := range v {
			row, ok := toVec(e)
			if !ok {
				return nil, false
			}
			m[i] = row
		}
	default:
		return nil, false
	}
	for _, row := range m {
		if len(row) != len(m[0]) {
			return nil, false
		}
	}
	return m, true
}

func toInts(v any) ([]int, bool) {
	switch v := v.(type) {
	case []int:
		return v, true
	case []any:
		out := make([]int, len(v))
		for i, e := range v {
			f, ok := toFloat(e)
			if !ok || f != math.Trunc(f) {
				return nil, false
			}
			out[i] = int(f)
		}
		return out, true
	}
	return nil, false
}
