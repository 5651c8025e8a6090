package grader

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"strconv"

	"github.com/optgrade/optgrade/grader/runner"
	"github.com/optgrade/optgrade/reference"
)

// CaseResult is one failing case of a check, kept whole: what was called (every argument,
// nothing cut), what came back, what was wanted, where they first differ and within which
// tolerance. Reports render it; `optgrade check --case ID` replays it.
//
// Values are JSON as the wire protocol writes it, except that non-finite numbers are the
// strings "NaN", "Infinity" and "-Infinity" (which the wire decoder reads back as numbers).
type CaseResult struct {
	// ID names the case for replay, short and stable for a given rubric:
	// "<task id>/<check number>/<case number>", numbers counted from 1 in the rubric
	// (hidden checks included), e.g. "adam-step/2/3". A trajectory's case number is its step.
	ID    string `json:"id"`
	Label string `json:"label"` // "case 2 (generated)", "step 3", "curve 1 (slow)"
	// Fn and Args are the request sent.
	Fn   string `json:"fn"`
	Args Value  `json:"args"`
	// Path is where the result first differs from the reference's: "w[0]", "loss[1]",
	// "" for the whole result; Got and Want are the values there (absent when the
	// student's value is missing), Why says how they differ when it is not a number out
	// of tolerance ("wrong shape: 3 elements, want 4").
	Path string  `json:"path"`
	Got  Value   `json:"got,omitempty"`
	Want Value   `json:"want,omitempty"`
	Why  string  `json:"why,omitempty"`
	Atol float64 `json:"atol"`
	Rtol float64 `json:"rtol"`
	// Result is the student's whole result (absent on an error or a fault), Expected the
	// reference's.
	Result   Value `json:"result,omitempty"`
	Expected Value `json:"expected,omitempty"`
	// Error is the error string the student's program answered with; Fault why no usable
	// answer came (a timeout, a crash, a malformed line).
	Error string `json:"error,omitempty"`
	Fault string `json:"fault,omitempty"`
	// Notes are what the check found beyond the first difference: whether the gradient is
	// the derivative of the student's own loss, where a trajectory leaves the reference's.
	Notes []string `json:"notes,omitempty"`
	// Output is what the submission printed while answering this case (kits that mark
	// their calls; the Python kit does).
	Output string `json:"output,omitempty"`
	// Message is the case in one line, as the text report shows it.
	Message string `json:"message"`
}

// Run is a trajectory of both sides: the steps of a trajectory check, or the training run
// of one case of train.
type Run struct {
	Case  string `json:"case"` // the ID of the case (for a trajectory, of its first step)
	Label string `json:"label"`
	// Series holds each quantity along the run: "w" and "loss" for train; the state
	// ("w", and "m", "v" for Adam; "w", "v" for momentum) for a step function.
	Series []Series `json:"series"`
	// Leaves is the first step at which the student's values are out of the check's
	// tolerance of the reference's, or -1 when they never are.
	Leaves int `json:"leaves"`
}

// Series is one quantity along a run. Student[k] and Reference[k] are its value at step k
// (k = 0 is the start); a scalar, like the loss, is a vector of one. The student's series is
// shorter when the run stopped early, and null at a step where no vector came back.
type Series struct {
	Name      string `json:"name"`
	Student   []Vec  `json:"student"`
	Reference []Vec  `json:"reference"`
}

// Vec is a vector of a Series. In JSON its non-finite elements are the strings "NaN",
// "Infinity" and "-Infinity".
type Vec []float64

// MarshalJSON writes v, with non-finite elements as strings.
func (v Vec) MarshalJSON() ([]byte, error) {
	if v == nil {
		return []byte("null"), nil
	}
	// 24 bytes hold any float64 strconv writes ("-2.2250738585072014e-308"): one allocation.
	b := append(make([]byte, 0, 2+25*len(v)), '[')
	for i, x := range v {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendNumber(b, x)
	}
	return append(b, ']'), nil
}

// UnmarshalJSON reads numbers and the strings "NaN", "Infinity" and "-Infinity".
func (v *Vec) UnmarshalJSON(b []byte) error {
	if bytes.Equal(bytes.TrimSpace(b), []byte("null")) {
		*v = nil
		return nil
	}
	var raw []any
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	out := make(Vec, len(raw))
	for i, x := range raw {
		f, ok := NonFinite(x)
		if n, isNum := x.(float64); isNum {
			f, ok = n, true
		}
		if !ok {
			return fmt.Errorf("vector element %d is %s, not a number", i, describe(x))
		}
		out[i] = f
	}
	*v = out
	return nil
}

// NonFinite reads the strings that stand for non-finite numbers: "NaN", "Infinity",
// "-Infinity".
func NonFinite(x any) (float64, bool) {
	s, ok := x.(string)
	if !ok {
		return 0, false
	}
	return runner.NonFinite(s)
}

func appendNumber(b []byte, x float64) []byte {
	switch {
	case math.IsNaN(x):
		return append(b, `"NaN"`...)
	case math.IsInf(x, 1):
		return append(b, `"Infinity"`...)
	case math.IsInf(x, -1):
		return append(b, `"-Infinity"`...)
	}
	return strconv.AppendFloat(b, x, 'g', -1, 64)
}

// JSONValue encodes a request argument or a result as a case's JSON value: maps with
// sorted keys, non-finite numbers as strings, nothing cut. Values come from the wire
// decoder or the reference, both bounded; a value of another type is written with %v as a
// string.
func JSONValue(v any) Value {
	return Value(appendValue(nil, v, 0))
}

// Value is a JSON value kept as compact text.
type Value []byte

// MarshalJSON writes v as it is (null when empty).
func (v Value) MarshalJSON() ([]byte, error) {
	if len(v) == 0 {
		return []byte("null"), nil
	}
	return v, nil
}

// UnmarshalJSON keeps the value, compacted.
func (v *Value) UnmarshalJSON(b []byte) error {
	var buf bytes.Buffer
	if err := json.Compact(&buf, b); err != nil {
		return err
	}
	*v = buf.Bytes()
	return nil
}

// String returns the JSON text.
func (v Value) String() string { return string(v) }

// maxValueDepth bounds the recursion of appendValue (the wire decoder bounds depth well
// below it).
const maxValueDepth = 256

func appendValue(b []byte, v any, depth int) []byte {
	if depth > maxValueDepth {
		return append(b, `"…"`...)
	}
	switch v := v.(type) {
	case nil:
		return append(b, "null"...)
	case float64:
		return appendNumber(b, v)
	case int:
		return strconv.AppendInt(b, int64(v), 10)
	case int64:
		return strconv.AppendInt(b, v, 10)
	case bool:
		return strconv.AppendBool(b, v)
	case string:
		s, _ := json.Marshal(v)
		return append(b, s...)
	case reference.Args:
		return appendValue(b, map[string]any(v), depth)
	case map[string]any:
		b = append(b, '{')
		for i, k := range sortedKeys(v) {
			if i > 0 {
				b = append(b, ',')
			}
			key, _ := json.Marshal(k)
			b = append(append(b, key...), ':')
			b = appendValue(b, v[k], depth+1)
		}
		return append(b, '}')
	case []int:
		return appendArray(b, len(v), func(b []byte, i int) []byte { return strconv.AppendInt(b, int64(v[i]), 10) })
	case [][]int:
		return appendArray(b, len(v), func(b []byte, i int) []byte { return appendValue(b, v[i], depth+1) })
	}
	if l, ok := asList(v); ok {
		return appendArray(b, len(l), func(b []byte, i int) []byte { return appendValue(b, l[i], depth+1) })
	}
	return appendValue(b, fmt.Sprint(v), depth)
}

// appendArray appends a JSON array of n elements, each appended by elem.
func appendArray(b []byte, n int, elem func(b []byte, i int) []byte) []byte {
	b = append(b, '[')
	for i := range n {
		if i > 0 {
			b = append(b, ',')
		}
		b = elem(b, i)
	}
	return append(b, ']')
}
