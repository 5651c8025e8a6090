package rubric

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/optgrade/optgrade/reference"
	"gopkg.in/yaml.v3"
)

// This file decodes the values of a rubric: strings, numbers, integers in a range,
// booleans, choices, lists, durations, deadlines, tolerances and call arguments.

// str decodes a scalar as a string; numbers and booleans are taken as written.
func (d *decoder) str(n *yaml.Node, prefix string) (string, bool) {
	n = resolve(n)
	if n.Kind != yaml.ScalarNode || n.ShortTag() == "!!null" {
		d.errorf(n, prefix, "want a string, got %s", describe(n))
		return "", false
	}
	return n.Value, true
}

// num decodes a finite number.
func (d *decoder) num(n *yaml.Node, prefix string) (float64, bool) {
	n = resolve(n)
	if overflows(n) {
		d.errorf(n, prefix, "%s is out of the range of a float64 (about ±1.8e308)", n.Value)
		return 0, false
	}
	if n.Kind != yaml.ScalarNode || (n.ShortTag() != "!!int" && n.ShortTag() != "!!float") {
		d.errorf(n, prefix, "want a number, got %s", describe(n))
		return 0, false
	}
	var f float64
	if err := n.Decode(&f); err != nil {
		d.errorf(n, prefix, "want a number, got %s", describe(n))
		return 0, false
	}
	if math.IsNaN(f) || math.IsInf(f, 0) {
		d.errorf(n, prefix, "want a finite number, got %s", n.Value)
		return 0, false
	}
	return f, true
}

// overflows reports whether n is a plain scalar written as a number too large for a float64
// (1e400), which YAML takes for a string.
func overflows(n *yaml.Node) bool {
	if n.Kind != yaml.ScalarNode || n.Style != 0 || n.ShortTag() != "!!str" {
		return false
	}
	_, err := strconv.ParseFloat(n.Value, 64)
	return errors.Is(err, strconv.ErrRange)
}

// nonNeg decodes a finite number ≥ 0.
func (d *decoder) nonNeg(n *yaml.Node, prefix string) (float64, bool) {
	f, ok := d.num(n, prefix)
	if ok && f < 0 {
		d.errorf(resolve(n), prefix, "must not be negative, got %g", f)
		return 0, false
	}
	return f, ok
}

// integer decodes an integer (5, or an integral 5.0 or 1e3) in [lo, hi].
func (d *decoder) integer(n *yaml.Node, prefix string, lo, hi int64) (int64, bool) {
	n = resolve(n)
	f, ok := 0.0, false
	if n.Kind == yaml.ScalarNode && n.ShortTag() == "!!int" {
		var i int64
		if err := n.Decode(&i); err == nil {
			f, ok = float64(i), true
			if i < lo || i > hi {
				d.errorf(n, prefix, "%s", rangeMsg(n.Value, i < lo, lo, hi))
				return 0, false
			}
			return i, true
		}
	} else if n.Kind == yaml.ScalarNode && n.ShortTag() == "!!float" {
		ok = n.Decode(&f) == nil
	}
	if !ok || f != math.Trunc(f) || math.IsInf(f, 0) {
		d.errorf(n, prefix, "want an integer, got %s", describe(n))
		return 0, false
	}
	if f < float64(lo) || f > float64(hi) {
		d.errorf(n, prefix, "%s", rangeMsg(n.Value, f < float64(lo), lo, hi))
		return 0, false
	}
	return int64(f), true
}

// limited decodes an integer in [lo, max] where max is one of the rubric's limits: a value
// over it is refused with a message naming the limit (what says what it bounds).
func (d *decoder) limited(n *yaml.Node, prefix string, lo, max int64, what string) (int64, bool) {
	r := resolve(n)
	var f float64
	if r.Kind == yaml.ScalarNode && (r.ShortTag() == "!!int" || r.ShortTag() == "!!float") &&
		r.Decode(&f) == nil && f > float64(max) && (f == math.Trunc(f) || math.IsInf(f, 1)) {
		d.errorf(r, prefix, "%s is over the limit of %d %s", r.Value, max, what)
		return 0, false
	}
	return d.integer(n, prefix, lo, math.MaxInt64)
}

// rangeMsg says that v is out of [lo, hi] (below it when below is set); bounds of
// MaxInt32 or more and MinInt64 are left unsaid.
func rangeMsg(v string, below bool, lo, hi int64) string {
	switch {
	case below && hi >= math.MaxInt32 && lo == 0:
		return fmt.Sprintf("must not be negative, got %s", v)
	case below && hi >= math.MaxInt32:
		return fmt.Sprintf("must be at least %d, got %s", lo, v)
	case !below && lo == math.MinInt64:
		return fmt.Sprintf("must be at most %d, got %s", hi, v)
	case !below && hi >= math.MaxInt32:
		return fmt.Sprintf("is too large, got %s", v)
	}
	return fmt.Sprintf("must be from %d to %d, got %s", lo, hi, v)
}

// boolean decodes true or false.
func (d *decoder) boolean(n *yaml.Node, prefix string) (bool, bool) {
	n = resolve(n)
	var b bool
	if n.Kind != yaml.ScalarNode || n.ShortTag() != "!!bool" || n.Decode(&b) != nil {
		d.errorf(n, prefix, "want true or false, got %s", describe(n))
		return false, false
	}
	return b, true
}

// oneOf decodes a string that must be one of choices.
func oneOf[T ~string](d *decoder, n *yaml.Node, prefix string, choices []T) (T, bool) {
	s, ok := d.str(n, prefix)
	if !ok {
		return "", false
	}
	names := make([]string, len(choices))
	for i, c := range choices {
		names[i] = string(c)
	}
	if !contains(names, s) {
		d.errorf(resolve(n), prefix, "%q is not one of %s%s", s, strings.Join(names, ", "), suggest(s, names))
		return "", false
	}
	return T(s), true
}

// seq decodes a list and returns its items.
func (d *decoder) seq(n *yaml.Node, prefix string) ([]*yaml.Node, bool) {
	n = resolve(n)
	if n.Kind != yaml.SequenceNode {
		d.errorf(n, prefix, "want a list, got %s", describe(n))
		return nil, false
	}
	return n.Content, true
}

// duration decodes a Go duration ("15m", "2h", "1h30m", "36h").
func (d *decoder) duration(n *yaml.Node, prefix string) (Duration, bool) {
	n = resolve(n)
	if n.Kind != yaml.ScalarNode || n.ShortTag() == "!!null" {
		d.errorf(n, prefix, "want a duration like \"15m\", \"2h\" or \"1h30m\", got %s", describe(n))
		return Duration{}, false
	}
	v, err := time.ParseDuration(n.Value)
	if err != nil {
		d.errorf(n, prefix, "%q is not a duration: write it like \"15m\", \"2h\", \"1h30m\" or \"36h\"", n.Value)
		return Duration{}, false
	}
	return Duration{v}, true
}

// Time layouts of a deadline: with a zone (accepted) and without (ambiguous, refused).
var (
	zonedLayouts = []string{time.RFC3339Nano, "2006-01-02 15:04:05.999999999Z07:00", "2006-01-02 15:04:05.999999999 Z07:00"}
	localLayouts = []string{"2006-01-02T15:04:05.999999999", "2006-01-02 15:04:05.999999999", "2006-01-02T15:04", "2006-01-02 15:04", "2006-01-02"}
)

// deadline decodes an RFC 3339 time with a zone.
func (d *decoder) deadline(n *yaml.Node, prefix string) (*time.Time, bool) {
	n = resolve(n)
	if n.Kind != yaml.ScalarNode || n.ShortTag() == "!!null" {
		d.errorf(n, prefix, "want an RFC 3339 time like 2026-12-02T15:30:00+01:00, got %s", describe(n))
		return nil, false
	}
	for _, layout := range zonedLayouts {
		if t, err := time.Parse(layout, n.Value); err == nil {
			return &t, true
		}
	}
	for _, layout := range localLayouts {
		if _, err := time.Parse(layout, n.Value); err == nil {
			d.errorf(n, prefix, "%q has no time zone, so it is ambiguous: add an offset, like 2026-12-02T15:30:00+01:00 (or Z for UTC)", n.Value)
			return nil, false
		}
	}
	d.errorf(n, prefix, "%q is not an RFC 3339 time: write it like 2026-12-02T15:30:00+01:00", n.Value)
	return nil, false
}

// tolerance decodes a {atol, rtol} mapping; both must be finite and ≥ 0.
func (d *decoder) tolerance(n *yaml.Node, ctx string) Tolerance {
	var tol Tolerance
	if rn := resolve(n); rn.Kind != yaml.MappingNode {
		d.errorf(rn, joinCtx(ctx, "tolerance"), "want a mapping like {atol: 1e-9, rtol: 1e-6}, got %s", describe(rn))
		return tol
	}
	m := d.mapping(n, ctx, "tolerance", tolKeys)
	for _, key := range tolKeys {
		if !m.has(key) {
			continue
		}
		if f, ok := d.nonNeg(m.vals[key], joinCtx(ctx, "tolerance."+key)); ok {
			if key == "atol" {
				tol.Atol = &f
			} else {
				tol.Rtol = &f
			}
		}
	}
	return tol
}

// args decodes a mapping of arguments into JSON-shaped values (see argValue).
func (d *decoder) args(n *yaml.Node, ctx, path string) (*nodeMap, reference.Args, bool) {
	m := d.mapping(n, ctx, path, nil)
	if m.node.Kind != yaml.MappingNode {
		return m, nil, false
	}
	a := reference.Args{}
	ok := true
	for _, name := range m.order {
		v, vok := d.argValue(m.vals[name], joinCtx(ctx, keyPath(path, name)))
		ok = ok && vok
		a[name] = v
	}
	return m, a, ok
}

// argValue decodes a YAML value into what encoding/json would decode the same JSON into:
// float64 for every number, string, bool, []any, map[string]any. Empty values and
// non-finite numbers are refused (requests never contain them).
func (d *decoder) argValue(n *yaml.Node, prefix string) (any, bool) {
	n = resolve(n)
	switch n.Kind {
	case yaml.ScalarNode:
		switch n.ShortTag() {
		case "!!int", "!!float":
			return d.num(n, prefix)
		case "!!bool":
			return d.boolean(n, prefix)
		case "!!null":
			d.errorf(n, prefix, "empty value: give a value, or leave the argument out")
			return nil, false
		}
		if overflows(n) {
			return d.num(n, prefix)
		}
		return n.Value, true
	case yaml.SequenceNode:
		out := make([]any, len(n.Content))
		ok := true
		for i, e := range n.Content {
			v, eok := d.argValue(e, fmt.Sprintf("%s[%d]", prefix, i))
			out[i], ok = v, ok && eok
		}
		return out, ok
	case yaml.MappingNode:
		m := d.mapping(n, prefix, "", nil)
		out := make(map[string]any, len(m.order))
		ok := true
		for _, name := range m.order {
			v, vok := d.argValue(m.vals[name], prefix+"."+name)
			out[name], ok = v, ok && vok
		}
		return out, ok
	}
	d.errorf(n, prefix, "want a value, got %s", describe(n))
	return nil, false
}
