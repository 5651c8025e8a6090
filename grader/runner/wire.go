package runner

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"
	"sync"
	"unicode/utf8"
)

// This file is the wire protocol's decoding (DESIGN.md §1): response lines in (request.go
// writes the request lines out). The process session (session.go, output.go) does the I/O.

// response is a decoded response line.
type response struct {
	ID     int64
	Result any    // float64 (NaN, ±Inf included), string, bool, nil, []any, map[string]any
	Err    string // the submission's error string; "" when Result holds
	IsErr  bool
}

// Limits of one decoded response. A response over them is a fault that says which limit
// it broke (not a timeout, not a stray print).
const (
	MaxDepth  = 100     // nesting of arrays and objects
	MaxValues = 1 << 20 // values (numbers, strings, arrays, …; a string counts 1 per 32 bytes too)
)

// decoded is the outcome of decodeResponse.
type decoded int

const (
	notResponse decoded = iota // the student's own print (near may say why)
	isResponse
	badResponse // a response object the grader refuses to read (near says why): a fault
)

// decodeResponse decodes one line of the submission's stdout, spending at most budget
// values (see MaxValues) and returning how many it spent. A line is a response when it is
// a JSON object with a non-negative integer "id" and exactly one of "result" and "error"
// (a string). Any other line is the student's own print; near then says, for a JSON object
// with an "id" key, why it is not a response ("" otherwise), so that a timeout message can
// point at a malformed response. A response over the limits (MaxDepth, budget) or holding
// a number beyond float64 (1e400) is badResponse, with near saying what is wrong.
//
// The bare tokens NaN, Infinity and -Infinity (what Python's json writes) are accepted
// wherever a number may be, and, inside the result, the strings "NaN", "Infinity" and
// "-Infinity" decode as those numbers too; every other string stays a string.
func decodeResponse(line []byte, budget int) (resp response, kind decoded, near string, spent int) {
	stack := stacks.Get().(*[]any)
	d := decoder{b: line, budget: budget, stack: (*stack)[:0]}
	defer func() {
		if cap(d.stack) <= maxPooledStack { // a huge answer's stack is not kept for the next
			*stack = d.stack[:0]
			stacks.Put(stack)
		}
	}()
	d.space()
	if !d.peek('{') {
		return resp, notResponse, "", 0
	}
	var rawID []byte
	var result, errv any
	var hasID, hasRes, hasErr bool
	d.i++
	d.depth = 1
	d.space()
	if !d.peek('}') {
		for {
			d.space()
			key, ok := d.str()
			d.space()
			if !ok || !d.peek(':') {
				return resp, d.fail(), d.why(), d.spent
			}
			d.i++
			d.space()
			start := d.i
			v, ok := d.value(key == "result")
			if !ok {
				return resp, d.fail(), d.why(), d.spent
			}
			switch key {
			case "id":
				rawID, hasID = d.b[start:d.i], true
			case "result":
				result, hasRes = v, true
			case "error":
				errv, hasErr = v, true
			}
			d.space()
			if d.peek(',') {
				d.i++
				continue
			}
			if d.peek('}') {
				break
			}
			return resp, notResponse, "", d.spent
		}
	}
	d.i++
	d.space()
	if d.i != len(d.b) || !hasID {
		return resp, notResponse, "", d.spent
	}
	id, idOK := parseID(rawID)
	if !idOK {
		return resp, notResponse, fmt.Sprintf("its id %s is not a non-negative integer", clip(string(rawID), 40)), d.spent
	}
	resp.ID = id
	switch {
	case hasRes && hasErr:
		return resp, notResponse, `it has both "result" and "error" (a response has exactly one)`, d.spent
	case hasErr:
		s, ok := errv.(string)
		if !ok {
			return resp, notResponse, fmt.Sprintf(`its "error" is %s, not a string`, clip(showValue(errv), 40)), d.spent
		}
		if s == "" {
			s = "(an empty error message)"
		}
		resp.Err, resp.IsErr = s, true
	case hasRes:
		resp.Result = result
	default:
		return resp, notResponse, `it has neither "result" nor "error"`, d.spent
	}
	return resp, isResponse, "", d.spent
}

// parseID parses a JSON id: a non-negative integer (1.0 and 1e3 are integers too).
func parseID(raw []byte) (int64, bool) {
	s := string(raw)
	if id, err := strconv.ParseInt(s, 10, 64); err == nil {
		return id, id >= 0
	}
	if len(s) == 0 || (s[0] != '-' && (s[0] < '0' || s[0] > '9')) {
		return 0, false // a string, null, an object, a non-finite token …
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || f < 0 || f != math.Trunc(f) || f > 1<<53 {
		return 0, false
	}
	return int64(f), true
}

// stacks holds the decoders' element stacks (see decoder.array), reused across lines.
var stacks = sync.Pool{New: func() any { s := make([]any, 0, 64); return &s }}

// maxPooledStack bounds the stacks kept in the pool: one answer of a million numbers
// (within the decode limits) would otherwise keep 16 MB of stack alive between lines.
const maxPooledStack = 1 << 12

// decoder reads one JSON value at a time from b, in place, within limits. After a
// failure, limit says which limit was broken ("" for a syntax error).
type decoder struct {
	b             []byte
	i             int
	depth         int
	budget, spent int
	limit         string
	stack         []any // the elements of the arrays being read
	slab          []any // room for the arrays still to come (see elems)
}

// elems copies the elements of an array that was read into a slice of their exact
// length. The arrays of a response share allocations, each sized by the commas and
// brackets that follow in the line (an upper bound on the elements still to come) within
// maxSlab: one allocation per response, not per array, for the usual answers.
func (d *decoder) elems(xs []any) []any {
	n := len(xs)
	if n > cap(d.slab)-len(d.slab) {
		rest := d.b[d.i:min(len(d.b), d.i+4*maxSlab)] // each element takes 2 bytes or more
		room := min(bytes.Count(rest, []byte(","))+bytes.Count(rest, []byte("[")), maxSlab)
		if n >= room {
			return append([]any(nil), xs...)
		}
		d.slab = make([]any, 0, n+room)
	}
	k := len(d.slab)
	d.slab = append(d.slab, xs...)
	return d.slab[k : k+n : k+n]
}

// maxSlab bounds the room made for the arrays of a response beyond the one being read.
const maxSlab = 1 << 10

func (d *decoder) peek(c byte) bool { return d.i < len(d.b) && d.b[d.i] == c }

func (d *decoder) space() {
	for d.i < len(d.b) {
		switch d.b[d.i] {
		case ' ', '\t', '\n', '\r':
			d.i++
		default:
			return
		}
	}
}

// fail classifies a failed decode: over a limit is a bad response, a syntax error is a print.
func (d *decoder) fail() decoded {
	if d.limit != "" {
		return badResponse
	}
	return notResponse
}

func (d *decoder) why() string { return d.limit }

// spend counts n values against the budget.
func (d *decoder) spend(n int) bool {
	d.spent += n
	if d.spent > d.budget {
		d.limit = fmt.Sprintf("it holds more than %d values (the limit of one answer)", d.budget)
		return false
	}
	return true
}

// value reads any JSON value, or a bare NaN, Infinity or -Infinity. With nonFinite, the
// strings "NaN", "Infinity" and "-Infinity" read as numbers too.
func (d *decoder) value(nonFinite bool) (any, bool) {
	if d.i >= len(d.b) || !d.spend(1) {
		return nil, false
	}
	switch c := d.b[d.i]; {
	case c == '{':
		return d.object(nonFinite)
	case c == '[':
		return d.array(nonFinite)
	case c == '"':
		s, ok := d.str()
		if ok && nonFinite {
			if x, is := NonFinite(s); is {
				return x, true
			}
		}
		return s, ok
	case c == '-' || c >= '0' && c <= '9':
		return d.number()
	}
	for _, w := range [...]struct {
		tok string
		v   any
	}{{"true", true}, {"false", false}, {"null", nil}, {"NaN", math.NaN()}, {"Infinity", math.Inf(1)}} {
		if bytes.HasPrefix(d.b[d.i:], []byte(w.tok)) {
			d.i += len(w.tok)
			return w.v, true
		}
	}
	return nil, false
}

func (d *decoder) nest() bool {
	if d.depth++; d.depth > MaxDepth {
		d.limit = fmt.Sprintf("it is nested deeper than %d levels (the limit of one answer)", MaxDepth)
		return false
	}
	return true
}

func (d *decoder) array(nonFinite bool) (any, bool) {
	if !d.nest() {
		return nil, false
	}
	d.i++ // [
	d.space()
	if d.peek(']') {
		d.i++
		d.depth--
		return []any{}, true
	}
	// The elements are collected on a stack shared by the nested arrays, then copied into
	// a slice of their exact length: one allocation per array.
	base := len(d.stack)
	defer func() { clear(d.stack[base:]); d.stack = d.stack[:base] }()
	for {
		d.space()
		v, ok := d.value(nonFinite)
		if !ok {
			return nil, false
		}
		d.stack = append(d.stack, v)
		d.space()
		switch {
		case d.peek(','):
			d.i++
		case d.peek(']'):
			d.i++
			d.depth--
			return d.elems(d.stack[base:]), true
		default:
			return nil, false
		}
	}
}

func (d *decoder) object(nonFinite bool) (any, bool) {
	if !d.nest() {
		return nil, false
	}
	d.i++ // {
	out := map[string]any{}
	d.space()
	if d.peek('}') {
		d.i++
		d.depth--
		return out, true
	}
	for {
		d.space()
		k, ok := d.str()
		d.space()
		if !ok || !d.peek(':') {
			return nil, false
		}
		d.i++
		d.space()
		v, ok := d.value(nonFinite)
		if !ok {
			return nil, false
		}
		out[k] = v
		d.space()
		switch {
		case d.peek(','):
			d.i++
		case d.peek('}'):
			d.i++
			d.depth--
			return out, true
		default:
			return nil, false
		}
	}
}

// str reads a JSON string. Strings without escapes and with valid UTF-8 are sliced; the
// rest go through encoding/json (which also replaces invalid UTF-8, as before).
func (d *decoder) str() (string, bool) {
	if !d.peek('"') {
		return "", false
	}
	start := d.i
	plain := true
	for j := d.i + 1; j < len(d.b); j++ {
		switch c := d.b[j]; {
		case c == '\\':
			plain = false
			j++
		case c < 0x20:
			return "", false
		case c >= 0x80:
			plain = false
		case c == '"':
			d.i = j + 1
			if !d.spend((j - start) / 32) {
				return "", false
			}
			if plain {
				return intern(d.b[start+1 : j]), true
			}
			var s string
			if json.Unmarshal(d.b[start:d.i], &s) != nil {
				return "", false
			}
			return s, true
		}
	}
	return "", false
}

// intern returns the protocol's common keys without allocating a string for them.
func intern(b []byte) string {
	switch string(b) {
	case "id":
		return "id"
	case "result":
		return "result"
	case "error":
		return "error"
	case "w":
		return "w"
	case "m":
		return "m"
	case "v":
		return "v"
	case "loss":
		return "loss"
	}
	return string(b)
}

// number reads a JSON number (or -Infinity). A number beyond float64 is refused by name.
func (d *decoder) number() (any, bool) {
	start := d.i
	if d.peek('-') {
		d.i++
		if bytes.HasPrefix(d.b[d.i:], []byte("Infinity")) {
			d.i += len("Infinity")
			return math.Inf(-1), true
		}
	}
	digits := func() int {
		n := 0
		for d.i < len(d.b) && d.b[d.i] >= '0' && d.b[d.i] <= '9' {
			d.i++
			n++
		}
		return n
	}
	switch {
	case d.peek('0'):
		d.i++
	case digits() == 0:
		return nil, false
	}
	if d.peek('.') {
		d.i++
		if digits() == 0 {
			return nil, false
		}
	}
	if d.peek('e') || d.peek('E') {
		d.i++
		if d.peek('+') || d.peek('-') {
			d.i++
		}
		if digits() == 0 {
			return nil, false
		}
	}
	text := d.b[start:d.i]
	f, err := strconv.ParseFloat(string(text), 64)
	if err != nil && math.IsInf(f, 0) {
		d.limit = fmt.Sprintf("it holds the number %s, beyond the range of a float64", clip(string(text), 40))
		return nil, false
	}
	return f, err == nil || errors.Is(err, strconv.ErrRange)
}

// clip shortens s to at most n bytes (plus "…") for a message.
// NonFinite reads the strings that stand for non-finite numbers in results: "NaN",
// "Infinity", "-Infinity".
func NonFinite(s string) (float64, bool) {
	switch s {
	case "NaN":
		return math.NaN(), true
	case "Infinity":
		return math.Inf(1), true
	case "-Infinity":
		return math.Inf(-1), true
	}
	return 0, false
}

func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}
