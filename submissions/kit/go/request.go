package kit

import (
	"bytes"
	"encoding/json"
)

// parseRequest reads a request line like json.Unmarshal into a request would, without
// decoding it into values: the raw id and args are slices of line. It reads the usual
// line, an object whose keys are exactly "id", "fn" and "args" with a plain string fn;
// for anything else (or invalid JSON) ok is false and json.Unmarshal decides.
func parseRequest(line []byte) (req request, ok bool) {
	if !json.Valid(line) {
		return req, false
	}
	i := skipSpace(line, 0)
	if i >= len(line) || line[i] != '{' {
		return req, false
	}
	i = skipSpace(line, i+1)
	if i < len(line) && line[i] == '}' {
		return req, true
	}
	for i < len(line) {
		keyEnd := skipValue(line, i) // valid JSON: a key is a string
		key := line[i:keyEnd]
		i = skipSpace(line, keyEnd)
		i = skipSpace(line, i+1) // ':'
		end := skipValue(line, i)
		v := line[i:end]
		switch string(key) {
		case `"id"`:
			req.ID = v
		case `"args"`:
			req.Args = v
		case `"fn"`:
			if len(v) < 2 || v[0] != '"' || bytes.IndexByte(v, '\\') >= 0 {
				return req, false // not a string, or one with escapes
			}
			req.Fn = fnName(v[1 : len(v)-1])
		default:
			return req, false // encoding/json matches other spellings of the keys too
		}
		i = skipSpace(line, end)
		if line[i] == '}' {
			return req, true
		}
		i = skipSpace(line, i+1) // ','
	}
	return req, false
}

func skipSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r') {
		i++
	}
	return i
}

// skipValue returns the end of the valid JSON value that starts at b[i].
func skipValue(b []byte, i int) int {
	depth := 0
	for ; i < len(b); i++ {
		switch b[i] {
		case '"':
			for i++; i < len(b) && b[i] != '"'; i++ {
				if b[i] == '\\' {
					i++
				}
			}
			if depth == 0 {
				return i + 1
			}
		case '{', '[':
			depth++
		case '}', ']':
			depth--
			if depth == 0 {
				return i + 1
			}
			if depth < 0 {
				return i
			}
		case ',', ' ', '\t', '\n', '\r':
			if depth == 0 {
				return i
			}
		}
	}
	return i
}

// fnName returns the name fn as a string: the catalog's own for a catalog function.
func fnName(fn []byte) *string {
	for i := range catalog {
		if catalog[i].name == string(fn) {
			return &catalog[i].name
		}
	}
	name := string(fn)
	return &name
}
