package report

import (
	"bytes"
	"encoding/json"
	"io"

	"github.com/optgrade/optgrade/grader"
)

// JSON writes r as optgrade's own JSON: the Result itself, indented, with "version" set to
// grader.ResultVersion and empty task and check lists written as [] rather than null.
// Nothing is cut: every failing case keeps its full arguments and results, and trajectory
// checks their runs. Arrays of numbers are written on one line. It decodes back into a
// grader.Result. Options are ignored.
//
// Version 1 fields added since the first release (readers of version 1 may ignore them):
// a check's "failures" (every failing case whole: id, label, fn, args, path, got, want,
// atol, rtol, result, expected, error, fault, message), "not_run" and "runs" (the student's
// and the reference's series per step: w, loss, m, v). Non-finite numbers in them are the
// strings "NaN", "Infinity" and "-Infinity".
func JSON(w io.Writer, r *grader.Result, _ Options) error {
	c := *r
	c.Version = grader.ResultVersion
	c.Tasks = make([]grader.TaskResult, len(r.Tasks))
	for i, t := range r.Tasks {
		if t.Checks == nil {
			t.Checks = []grader.CheckResult{}
		}
		c.Tasks[i] = t
	}
	var compact bytes.Buffer
	enc := json.NewEncoder(&compact)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(&c); err != nil {
		return err
	}
	_, err := w.Write(indentJSON(compact.Bytes()))
	return err
}

// indentJSON indents compact JSON by two spaces, as json.Indent does, except that an array
// holding only numbers (and the strings that stand for non-finite ones) stays on one line.
func indentJSON(src []byte) []byte {
	var out bytes.Buffer
	out.Grow(len(src) * 2)
	depth := 0
	newline := func() {
		out.WriteByte('\n')
		for range depth {
			out.WriteString("  ")
		}
	}
	for i := 0; i < len(src); i++ {
		c := src[i]
		switch c {
		case '"':
			j := stringEnd(src, i)
			out.Write(src[i:j])
			i = j - 1
		case '{', '[':
			if c == '[' {
				if j, ok := numberArrayEnd(src, i); ok {
					writeNumberArray(&out, src[i:j])
					i = j - 1
					continue
				}
			}
			close := byte('}')
			if c == '[' {
				close = ']'
			}
			if i+1 < len(src) && src[i+1] == close { // empty: {} or []
				out.WriteByte(c)
				out.WriteByte(close)
				i++
				continue
			}
			out.WriteByte(c)
			depth++
			newline()
		case '}', ']':
			depth--
			newline()
			out.WriteByte(c)
		case ',':
			out.WriteByte(',')
			newline()
		case ':':
			out.WriteString(": ")
		default:
			out.WriteByte(c)
		}
	}
	return out.Bytes()
}

// stringEnd returns the index just after the JSON string starting at src[i].
func stringEnd(src []byte, i int) int {
	for j := i + 1; j < len(src); j++ {
		switch src[j] {
		case '\\':
			j++
		case '"':
			return j + 1
		}
	}
	return len(src)
}

// numberArrayEnd reports whether the array starting at src[i] holds only numbers and the
// strings "NaN", "Infinity", "-Infinity" (at least one element), and where it ends.
func numberArrayEnd(src []byte, i int) (int, bool) {
	n := 0
	for j := i + 1; j < len(src); j++ {
		switch c := src[j]; {
		case c == ']':
			return j + 1, n > 0
		case c == ',':
		case c == '"':
			k := stringEnd(src, j)
			switch string(src[j:k]) {
			case `"NaN"`, `"Infinity"`, `"-Infinity"`:
			default:
				return 0, false
			}
			n++
			j = k - 1
		case c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E' || (c >= '0' && c <= '9'):
			n++
		default:
			return 0, false
		}
	}
	return 0, false
}

// writeNumberArray writes a compact array of numbers with a space after each comma.
func writeNumberArray(out *bytes.Buffer, arr []byte) {
	for _, c := range arr {
		out.WriteByte(c)
		if c == ',' {
			out.WriteByte(' ')
		}
	}
}
