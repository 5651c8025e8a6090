package runner

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"

	"github.com/optgrade/optgrade/reference"
)

// Protocol is the version of the wire protocol this grader speaks.
const Protocol = 1

// request is one request line; the field order is the line's key order.
type request struct {
	ID   int64          `json:"id"`
	Fn   string         `json:"fn"`
	Args reference.Args `json:"args"`
}

// appendRequest appends the request line of call id (with its newline) to buf: the bytes
// encoding/json writes (without HTML escaping). Args never hold non-finite numbers; if they
// do, encoding fails and buf is returned unchanged.
func appendRequest(buf []byte, id int64, fn string, args reference.Args) ([]byte, error) {
	if args == nil {
		args = reference.Args{}
	}
	// The usual arguments (numbers, vectors, matrices, plain strings) are written directly;
	// anything else goes through encoding/json.
	n := len(buf)
	buf = append(buf, `{"id":`...)
	buf = strconv.AppendInt(buf, id, 10)
	buf = append(buf, `,"fn":`...)
	if b, ok := appendString(buf, fn); ok {
		buf = append(b, `,"args":`...)
		if b, ok := appendValue(buf, map[string]any(args), 0); ok {
			return append(b, "}\n"...), nil
		}
	}
	buf = buf[:n]
	e := encoders.Get().(*encoder)
	defer encoders.Put(e)
	e.buf.Reset()
	if err := e.enc.Encode(request{ID: id, Fn: fn, Args: args}); err != nil {
		return buf, fmt.Errorf("encode request %s: %w", fn, err)
	}
	return append(buf, e.buf.Bytes()...), nil // Encode ends the line with '\n'
}

// encoder is a JSON encoder with its buffer, reused across calls (no encoder or buffer
// is made per request).
type encoder struct {
	buf bytes.Buffer
	enc *json.Encoder
}

var encoders = sync.Pool{New: func() any {
	e := &encoder{}
	e.enc = json.NewEncoder(&e.buf)
	e.enc.SetEscapeHTML(false)
	return e
}}

// appendValue appends v as encoding/json writes it, for the types the reference's
// generators build and JSON decodes into; ok is false for anything else (other types,
// non-finite numbers, strings that need escaping, nesting deeper than MaxDepth), which
// encoding/json then writes, or refuses.
func appendValue(buf []byte, v any, depth int) (_ []byte, ok bool) {
	if depth > MaxDepth {
		return buf, false
	}
	switch v := v.(type) {
	case nil:
		return append(buf, "null"...), true
	case bool:
		return strconv.AppendBool(buf, v), true
	case string:
		return appendString(buf, v)
	case float64:
		return appendFloat(buf, v)
	case int:
		return strconv.AppendInt(buf, int64(v), 10), true
	case int64:
		return strconv.AppendInt(buf, v, 10), true
	case []float64:
		return appendList(buf, v, v == nil, appendFloat)
	case []int:
		return appendList(buf, v, v == nil, func(b []byte, x int) ([]byte, bool) { return strconv.AppendInt(b, int64(x), 10), true })
	case [][]float64:
		return appendList(buf, v, v == nil, func(b []byte, x []float64) ([]byte, bool) { return appendValue(b, x, depth+1) })
	case [][]int:
		return appendList(buf, v, v == nil, func(b []byte, x []int) ([]byte, bool) { return appendValue(b, x, depth+1) })
	case []any:
		return appendList(buf, v, v == nil, func(b []byte, x any) ([]byte, bool) { return appendValue(b, x, depth+1) })
	case reference.Args:
		return appendValue(buf, map[string]any(v), depth)
	case map[string]any:
		if v == nil {
			return append(buf, "null"...), true
		}
		// The calls of a check send the same keys again and again: their sorted order is
		// remembered (see sortedKeys).
		start := len(buf)
		if keys := knownKeys(len(v)); keys != nil {
			if b, ok, same := appendObject(buf, v, keys, depth); same {
				return b, ok
			}
			buf = buf[:start]
		}
		keys := make([]string, 0, len(v))
		for k := range v {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		rememberKeys(keys)
		buf, ok, _ = appendObject(buf, v, keys, depth)
		return buf, ok
	}
	return buf, false
}

// appendObject appends the object v with its keys in the order of keys, which must be
// v's keys if same is to be true; same is false (and buf half written) when a key of
// keys is not in v.
func appendObject(buf []byte, v map[string]any, keys []string, depth int) (_ []byte, ok, same bool) {
	buf = append(buf, '{')
	for i, k := range keys {
		x, in := v[k]
		if !in {
			return buf, false, false
		}
		if i > 0 {
			buf = append(buf, ',')
		}
		if buf, ok = appendString(buf, k); !ok {
			return buf, false, true
		}
		buf = append(buf, ':')
		if buf, ok = appendValue(buf, x, depth+1); !ok {
			return buf, false, true
		}
	}
	return append(buf, '}'), true, true
}

// sortedKeys remembers the sorted key lists of the objects encoded last, one per number
// of keys up to len(sortedKeys)-1. A list of n distinct keys all present in a map of n
// keys is that map's keys, so a remembered list is checked as it is used.
var sortedKeys [16]atomic.Pointer[[]string]

func knownKeys(n int) []string {
	if n >= len(sortedKeys) {
		return nil
	}
	if p := sortedKeys[n].Load(); p != nil {
		return *p
	}
	return nil
}

func rememberKeys(keys []string) {
	if len(keys) < len(sortedKeys) {
		sortedKeys[len(keys)].Store(&keys)
	}
}

// appendList appends a JSON array of xs (null for a nil slice, as encoding/json does).
func appendList[T any](buf []byte, xs []T, isNil bool, elem func([]byte, T) ([]byte, bool)) (_ []byte, ok bool) {
	if isNil {
		return append(buf, "null"...), true
	}
	buf = append(buf, '[')
	for i, x := range xs {
		if i > 0 {
			buf = append(buf, ',')
		}
		if buf, ok = elem(buf, x); !ok {
			return buf, false
		}
	}
	return append(buf, ']'), true
}

// appendFloat writes a finite float64 as encoding/json does: %f between 1e-6 and 1e21,
// otherwise %e with a two-digit exponent cleaned to one digit (1e-07 → 1e-7).
func appendFloat(buf []byte, f float64) ([]byte, bool) {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return buf, false
	}
	format := byte('f')
	if abs := math.Abs(f); abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		format = 'e'
	}
	buf = strconv.AppendFloat(buf, f, format, -1, 64)
	if format == 'e' {
		if n := len(buf); n >= 4 && buf[n-4] == 'e' && buf[n-3] == '-' && buf[n-2] == '0' {
			buf[n-2] = buf[n-1]
			buf = buf[:n-1]
		}
	}
	return buf, true
}

// appendString writes s quoted when it needs no escaping (printable ASCII without '"'
// and '\'); ok is false otherwise.
func appendString(buf []byte, s string) ([]byte, bool) {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x80 || c == '"' || c == '\\' {
			return buf, false
		}
	}
	buf = append(buf, '"')
	buf = append(buf, s...)
	return append(buf, '"'), true
}
