package runner

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"unicode/utf8"

	"github.com/optgrade/optgrade/reference"
)

// This file is the wire protocol's encoding (DESIGN.md §1): request lines out, response
// lines in. The process session (session.go, output.go) does the I/O.

// Protocol is the version of the wire protocol this grader speaks.
const Protocol = 1

// request is one request line; the field order is the line's key order.
type request struct {
	ID   int64          `json:"id"`
	Fn   string         `json:"fn"`
	Args reference.Args `json:"args"`
}

// appendRequest appends the request line of call id (with its newline) to buf. Args
// never hold non-finite numbers; if they do, encoding fails and buf is returned unchanged.
func appendRequest(buf []byte, id int64, fn string, args reference.Args) ([]byte, error) {
	if args == nil {
		args = reference.Args{}
	}
	w := bytes.NewBuffer(buf)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(request{ID: id, Fn: fn, Args: args}); err != nil {
		return buf, fmt.Errorf("encode request %s: %w", fn, err)
	}
	return w.Bytes(), nil // Encode ends the line with '\n'
}

// response is a decoded response line.
type response struct {
	ID     int64
	Result any    // float64 (NaN, ±Inf included), string, bool, nil, []any, map[string]any
	Err    string // the submission's error string; "" when Result holds
	IsErr  bool
}

// decodeResponse decodes one line of the submission's stdout. ok is false when the line
// is not a response — not a JSON object with a non-negative integer id and exactly one of
// result and error (a string) — and is therefore the student's own print; near then says,
// for a JSON object with an "id" key, why it is not a response ("" otherwise), so that a
// timeout message can point at a malformed response.
//
// The bare tokens NaN, Infinity and -Infinity (what Python's json writes) are accepted
// wherever a number may be, and, inside the result, the strings "NaN", "Infinity" and
// "-Infinity" decode as those numbers too; every other string stays a string.
func decodeResponse(line []byte) (resp response, ok bool, near string) {
	line = bytes.TrimSpace(line)
	if len(line) < 2 || line[0] != '{' || line[len(line)-1] != '}' {
		return resp, false, ""
	}
	line = quoteNonFinite(line)
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(line, &obj); err != nil {
		return resp, false, ""
	}
	rawID, hasID := obj["id"]
	if !hasID {
		return resp, false, ""
	}
	id, idOK := parseID(rawID)
	if !idOK {
		return resp, false, fmt.Sprintf("its id %s is not a non-negative integer", clip(string(rawID), 40))
	}
	resp.ID = id
	rawRes, hasRes := obj["result"]
	rawErr, hasErr := obj["error"]
	switch {
	case hasRes && hasErr:
		return resp, false, `it has both "result" and "error" (a response has exactly one)`
	case hasErr:
		var s string
		if err := json.Unmarshal(rawErr, &s); err != nil {
			return resp, false, fmt.Sprintf(`its "error" is %s, not a string`, clip(string(rawErr), 40))
		}
		if s == "" {
			s = "(an empty error message)"
		}
		resp.Err, resp.IsErr = s, true
	case hasRes:
		var v any
		if err := json.Unmarshal(rawRes, &v); err != nil {
			return resp, false, "" // cannot happen: obj decoded
		}
		resp.Result = nonFinite(v)
	default:
		return resp, false, `it has neither "result" nor "error"`
	}
	return resp, true, ""
}

// parseID parses a JSON id: a non-negative integer (1.0 and 1e3 are integers too).
func parseID(raw json.RawMessage) (int64, bool) {
	s := string(bytes.TrimSpace(raw))
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

// nonFinite replaces, in a decoded result, the strings "NaN", "Infinity" and
// "-Infinity" by the float64 values they name, in place where it can.
func nonFinite(v any) any {
	switch v := v.(type) {
	case string:
		switch v {
		case "NaN":
			return math.NaN()
		case "Infinity":
			return math.Inf(1)
		case "-Infinity":
			return math.Inf(-1)
		}
	case []any:
		for i, e := range v {
			v[i] = nonFinite(e)
		}
	case map[string]any:
		for k, e := range v {
			v[k] = nonFinite(e)
		}
	}
	return v
}

// quoteNonFinite returns line with each bare NaN, Infinity and -Infinity outside
// strings turned into the string of the same name, so that encoding/json accepts it (the
// strings then decode as numbers in the result). It returns line itself when there is
// nothing to replace. It never fails: a line that is not JSON stays not JSON.
func quoteNonFinite(line []byte) []byte {
	if bytes.IndexByte(line, 'N') < 0 && bytes.IndexByte(line, 'I') < 0 {
		return line // fast path: no token can occur
	}
	var out []byte // nil until the first replacement
	last := 0      // line[last:i] is not yet copied to out
	inString, escaped := false, false
	for i := 0; i < len(line); i++ {
		c := line[i]
		if inString {
			switch {
			case escaped:
				escaped = false
			case c == '\\':
				escaped = true
			case c == '"':
				inString = false
			}
			continue
		}
		var tok string
		switch c {
		case '"':
			inString = true
			continue
		case 'N':
			tok = "NaN"
		case 'I':
			tok = "Infinity"
		case '-':
			tok = "-Infinity"
		default:
			continue
		}
		if !bytes.HasPrefix(line[i:], []byte(tok)) {
			continue
		}
		if out == nil {
			out = make([]byte, 0, len(line)+16)
		}
		out = append(out, line[last:i]...)
		out = append(out, '"')
		out = append(out, tok...)
		out = append(out, '"')
		i += len(tok) - 1
		last = i + 1
	}
	if out == nil {
		return line
	}
	return append(out, line[last:]...)
}

// clip shortens s to at most n bytes (plus "…") for a message.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}
