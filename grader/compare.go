package grader

import (
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"

	"github.com/optgrade/optgrade/reference"
)

// Tol is the element-wise tolerance |got − want| ≤ Atol + Rtol·|want|.
type Tol struct {
	Atol, Rtol float64
	// SameNaN lets NaN match NaN. Grading never sets it (a NaN never passes); matching a
	// submission against a misconception that itself yields NaN (0/0) does.
	SameNaN bool
}

func (t Tol) String() string {
	return fmt.Sprintf("atol %s, rtol %s", fmtNum(t.Atol), fmtNum(t.Rtol))
}

// Close reports whether got is within t of want. NaN never is; an infinity only equals the
// same infinity.
func (t Tol) Close(got, want float64) bool {
	if math.IsNaN(got) || math.IsNaN(want) {
		return t.SameNaN && math.IsNaN(got) && math.IsNaN(want)
	}
	if math.IsInf(want, 0) || math.IsInf(got, 0) {
		return got == want
	}
	return math.Abs(got-want) <= t.Atol+t.Rtol*math.Abs(want)
}

// closeScaled is Close against atol + rtol·max(|want|, scale), for finite numbers.
func (t Tol) closeScaled(got, want, scale float64) bool {
	if math.IsNaN(got) || math.IsInf(got, 0) || math.IsNaN(want) || math.IsInf(want, 0) {
		return false
	}
	return math.Abs(got-want) <= t.Atol+t.Rtol*math.Max(math.Abs(want), scale)
}

// Mismatch says where and how a result differs from what was wanted.
type Mismatch struct {
	Path string // "w[3]", "loss[7]", "" for a scalar
	Got  string // the student's value there, formatted
	Want string
	// Why is set when the difference is not a number out of tolerance:
	// "wrong shape: 3 elements, want 4", "null where a number is wanted", …
	Why string

	gotV, wantV any // the values at Path, as compared (gotV nil when missing)
	gotMissing  bool
}

func (m Mismatch) String() string {
	where := m.Path
	if where == "" {
		where = "result"
	}
	if m.Why != "" {
		return where + ": " + m.Why
	}
	return fmt.Sprintf("%s = %s, want %s", where, m.Got, m.Want)
}

// Compare compares a result (as decoded from JSON, or as the reference's Go values) with
// what was wanted, element by element. It returns the first mismatch in reading order.
func Compare(got, want any, tol Tol) (Mismatch, bool) {
	return compareAt("", got, want, nil, tol)
}

// CompareScaled is Compare with each number judged against the larger of |want| and its
// element of scale (a value of want's shape, or nil): |got − want| ≤ atol + rtol·max(|want|,
// scale). The scale holds the size of the numbers the result was computed from, so that a
// result that nearly cancels (w − α·update with both terms ~1 and the result ~0.07) is
// judged by the rounding its terms allow.
func CompareScaled(got, want, scale any, tol Tol) (Mismatch, bool) {
	return compareAt("", got, want, scale, tol)
}

// scaleAt is the element of a scale at key or index k, or nil.
func scaleAt(scale any, k any) any {
	switch s := scale.(type) {
	case map[string]any:
		if key, ok := k.(string); ok {
			return s[key]
		}
	case []float64:
		if i, ok := k.(int); ok && i < len(s) {
			return s[i]
		}
	case [][]float64:
		if i, ok := k.(int); ok && i < len(s) {
			return s[i]
		}
	}
	return nil
}

func compareAt(path string, got, want, scale any, tol Tol) (Mismatch, bool) {
	switch w := want.(type) {
	case float64:
		g, ok := asNumber(got)
		if !ok {
			why := fmt.Sprintf("%s where a number is wanted (want %s)", describe(got), fmtNum(w))
			if l, isList := asList(got); isList && len(l) == 1 {
				why += " — a one-element list (a column vector?): return the number itself (numpy: .item(), or .ravel() on the whole array)"
			}
			return Mismatch{Path: path, Why: why + returnHint(path, got), gotV: got, wantV: want}, false
		}
		if !tol.Close(g, w) {
			if s, ok := scale.(float64); !ok || !tol.closeScaled(g, w, s) {
				return Mismatch{Path: path, Got: fmtNum(g), Want: fmtNum(w), gotV: g, wantV: w}, false
			}
		}
		return Mismatch{}, true
	case string:
		g, ok := got.(string)
		if !ok {
			return Mismatch{Path: path, Why: fmt.Sprintf("%s where the label %q is wanted", describe(got), w), gotV: got, wantV: want}, false
		}
		if g != w {
			return Mismatch{Path: path, Got: strconv.Quote(g), Want: strconv.Quote(w), gotV: g, wantV: w}, false
		}
		return Mismatch{}, true
	case map[string]any:
		g, ok := got.(map[string]any)
		if !ok {
			return Mismatch{Path: path, Why: fmt.Sprintf("%s where an object with keys %s is wanted", describe(got), strings.Join(sortedKeys(w), ", ")), gotV: got, wantV: want}, false
		}
		for _, k := range sortedKeys(w) {
			gv, present := g[k]
			if !present {
				return Mismatch{Path: joinPath(path, k), Why: "missing from the result object", wantV: w[k], gotMissing: true}, false
			}
			if m, ok := compareAt(joinPath(path, k), gv, w[k], scaleAt(scale, k), tol); !ok {
				return m, false
			}
		}
		return Mismatch{}, true
	}
	wl, ok := asList(want)
	if !ok {
		return Mismatch{Path: path, Why: fmt.Sprintf("cannot compare with a reference value of type %T", want), gotV: got}, false
	}
	gl, ok := asList(got)
	if !ok {
		return Mismatch{Path: path, Why: fmt.Sprintf("%s where an array of %d is wanted", describe(got), len(wl)) + returnHint(path, got), gotV: got, wantV: want}, false
	}
	if len(gl) != len(wl) {
		return Mismatch{Path: path, Why: fmt.Sprintf("wrong shape: %d elements, want %d", len(gl), len(wl)) + nestingHint(gl, wl), gotV: got, wantV: want}, false
	}
	for i := range wl {
		if m, ok := compareAt(fmt.Sprintf("%s[%d]", path, i), gl[i], wl[i], scaleAt(scale, i), tol); !ok {
			return m, false
		}
	}
	return Mismatch{}, true
}

// returnHint suggests a missing return when the whole result is null.
func returnHint(path string, got any) string {
	if path != "" || got != nil {
		return ""
	}
	return " — your function returned nothing (None): is its return statement missing?"
}

// nestingHint names a result nested one level too deep ([[1, 2]] for [1, 2]) or too
// shallow (a flat list for a matrix).
func nestingHint(got, want []any) string {
	if len(got) == 1 {
		if inner, ok := asList(got[0]); ok && len(inner) == len(want) {
			return " — your result is wrapped in an extra list ([[…]] where […] is wanted): return the vector itself (numpy: .ravel())"
		}
	}
	if len(want) > 0 {
		if row, ok := asList(want[0]); ok && len(got) == len(want)*len(row) {
			if _, flat := asNumber(got[0]); flat {
				return " — your result is flat where a matrix (a list of rows) is wanted"
			}
		}
	}
	return ""
}

func joinPath(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// asNumber accepts a float64 (what the wire decoder and the reference produce).
func asNumber(v any) (float64, bool) {
	switch v := v.(type) {
	case float64:
		return v, true
	case int:
		return float64(v), true
	}
	return 0, false
}

// asList views the array shapes of decoded JSON and of the reference's Go values alike.
func asList(v any) ([]any, bool) {
	switch v := v.(type) {
	case []any:
		return v, true
	case []float64:
		out := make([]any, len(v))
		for i, x := range v {
			out[i] = x
		}
		return out, true
	case [][]float64:
		out := make([]any, len(v))
		for i, x := range v {
			out[i] = x
		}
		return out, true
	case []string:
		out := make([]any, len(v))
		for i, x := range v {
			out[i] = x
		}
		return out, true
	case []int:
		out := make([]any, len(v))
		for i, x := range v {
			out[i] = float64(x)
		}
		return out, true
	}
	return nil, false
}

// describe names a value's kind for messages.
func describe(v any) string {
	switch v := v.(type) {
	case nil:
		return "null"
	case float64:
		return "the number " + fmtNum(v)
	case string:
		return "the string " + strconv.Quote(clip(v, 40))
	case bool:
		return fmt.Sprintf("the boolean %v", v)
	case map[string]any:
		return "an object with keys " + strings.Join(sortedKeys(v), ", ")
	}
	if l, ok := asList(v); ok {
		return fmt.Sprintf("an array of %d", len(l))
	}
	return fmt.Sprintf("a %T", v)
}

// fmtNum formats a number compactly but with enough digits to see a difference.
func fmtNum(x float64) string {
	switch {
	case math.IsNaN(x):
		return "NaN"
	case math.IsInf(x, 1):
		return "Infinity"
	case math.IsInf(x, -1):
		return "-Infinity"
	}
	return strconv.FormatFloat(x, 'g', 10, 64)
}

func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}

// shortValue formats an argument or result value for one line of feedback: arrays show
// their first elements and their length.
func shortValue(v any) string {
	switch v := v.(type) {
	case float64:
		return fmtNum(v)
	case int:
		return strconv.Itoa(v)
	case string:
		return strconv.Quote(clip(v, 30))
	case nil:
		return "null"
	case reference.Args:
		return shortValue(map[string]any(v))
	case map[string]any:
		var parts []string
		for _, k := range sortedKeys(v) {
			parts = append(parts, k+": "+shortValue(v[k]))
		}
		return "{" + strings.Join(parts, ", ") + "}"
	case []int:
		l := make([]any, len(v))
		for i, x := range v {
			l[i] = x
		}
		return shortList(l)
	case [][]int:
		l := make([]any, len(v))
		for i, x := range v {
			l[i] = x
		}
		return shortList(l)
	}
	if l, ok := asList(v); ok {
		return shortList(l)
	}
	return fmt.Sprint(v)
}

func shortList(l []any) string {
	const show = 3
	var parts []string
	for i, x := range l {
		if i == show {
			parts = append(parts, fmt.Sprintf("… (%d)", len(l)))
			break
		}
		parts = append(parts, shortValue(x))
	}
	return "[" + strings.Join(parts, ", ") + "]"
}
