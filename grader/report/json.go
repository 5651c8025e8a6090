package report

import (
	"bytes"
	"encoding/json"
	"io"
	"slices"
	"sync"

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
	b := buffers.Get().(*jsonBuffers)
	defer b.put()
	b.compact.Reset()
	enc := json.NewEncoder(&b.compact)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(&c); err != nil {
		return err
	}
	b.out = appendIndentJSON(b.out[:0], b.compact.Bytes())
	_, err := w.Write(b.out)
	return err
}

// jsonBuffers are the compact and the indented text of a result, kept for the next one: a
// batch writes a result.json per submission, each a few hundred kilobytes.
type jsonBuffers struct {
	compact bytes.Buffer
	out     []byte
}

var buffers = sync.Pool{New: func() any { return new(jsonBuffers) }}

// maxKeptBuffer bounds what the pool keeps, so one huge result does not stay in memory.
const maxKeptBuffer = 8 << 20

func (b *jsonBuffers) put() {
	if b.compact.Cap() <= maxKeptBuffer && cap(b.out) <= maxKeptBuffer {
		buffers.Put(b)
	}
}

// indentJSON indents compact JSON by two spaces, as json.Indent does, except that an array
// holding only numbers (and the strings that stand for non-finite ones) stays on one line.
// It appends to one slice sized up front and copies strings and number runs whole: it runs
// on every result a batch writes.
func indentJSON(src []byte) []byte {
	return appendIndentJSON(nil, src)
}

// appendIndentJSON appends src indented, as indentJSON does, to out.
func appendIndentJSON(out, src []byte) []byte {
	out = slices.Grow(out, 2*len(src))
	depth := 0
	for i := 0; i < len(src); i++ {
		c := src[i]
		switch c {
		case '"':
			j := stringEnd(src, i)
			out = append(out, src[i:j]...)
			i = j - 1
		case '{', '[':
			if c == '[' {
				if j, ok := numberArrayEnd(src, i); ok {
					out = appendNumberArray(out, src[i:j])
					i = j - 1
					continue
				}
			}
			close := byte('}')
			if c == '[' {
				close = ']'
			}
			if i+1 < len(src) && src[i+1] == close { // empty: {} or []
				out = append(out, c, close)
				i++
				continue
			}
			depth++
			out = newline(append(out, c), depth)
		case '}', ']':
			depth--
			out = append(newline(out, depth), c)
		case ',':
			out = newline(append(out, ','), depth)
		case ':':
			out = append(out, ':', ' ')
		default:
			out = append(out, c)
		}
	}
	return out
}

// indentUnit is the indentation of sixteen levels; deeper ones repeat it.
const indentUnit = "                                "

// newline appends a line break and the indentation of depth levels.
func newline(out []byte, depth int) []byte {
	out = append(out, '\n')
	for n := 2 * depth; n > 0; n -= len(indentUnit) {
		out = append(out, indentUnit[:min(n, len(indentUnit))]...)
	}
	return out
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

// numberByte marks the bytes of a JSON number.
var numberByte = [256]bool{'-': true, '+': true, '.': true, 'e': true, 'E': true,
	'0': true, '1': true, '2': true, '3': true, '4': true, '5': true, '6': true, '7': true, '8': true, '9': true}

// numberArrayEnd reports whether the array starting at src[i] holds only numbers and the
// strings "NaN", "Infinity", "-Infinity" (at least one element), and where it ends.
func numberArrayEnd(src []byte, i int) (int, bool) {
	n := 0
	for j := i + 1; j < len(src); j++ {
		switch c := src[j]; {
		case numberByte[c]:
			n++
			for j+1 < len(src) && numberByte[src[j+1]] {
				j++
			}
		case c == ',':
		case c == ']':
			return j + 1, n > 0
		case c == '"':
			k := stringEnd(src, j)
			switch string(src[j:k]) {
			case `"NaN"`, `"Infinity"`, `"-Infinity"`:
			default:
				return 0, false
			}
			n++
			j = k - 1
		default:
			return 0, false
		}
	}
	return 0, false
}

// appendNumberArray appends a compact array of numbers with a space after each comma.
func appendNumberArray(out, arr []byte) []byte {
	for {
		k := bytes.IndexByte(arr, ',')
		if k < 0 {
			return append(out, arr...)
		}
		out = append(out, arr[:k+1]...)
		out = append(out, ' ')
		arr = arr[k+1:]
	}
}
