package report

import (
	"bytes"
	"encoding/json"
	"sort"
	"strings"

	"github.com/optgrade/optgrade/grader"
)

// prettyJSON lays a case's JSON value out for reading, still as valid JSON: an object one
// key per line, a vector on one line, a matrix one row per line. A value that does not
// decode is shown as it is.
func prettyJSON(v grader.Value) string {
	if len(v) == 0 {
		return ""
	}
	dec := json.NewDecoder(bytes.NewReader(v))
	dec.UseNumber()
	var x any
	if err := dec.Decode(&x); err != nil {
		return printable(string(v))
	}
	var b strings.Builder
	writePretty(&b, x, "")
	return printable(b.String())
}

func writePretty(b *strings.Builder, x any, indent string) {
	switch x := x.(type) {
	case map[string]any:
		if len(x) == 0 {
			b.WriteString("{}")
			return
		}
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		b.WriteString("{\n")
		for i, k := range keys {
			b.WriteString(indent + "  ")
			writeFlat(b, k)
			b.WriteString(": ")
			writePretty(b, x[k], indent+"  ")
			if i < len(keys)-1 {
				b.WriteByte(',')
			}
			b.WriteByte('\n')
		}
		b.WriteString(indent + "}")
	case []any:
		nested := false
		for _, e := range x {
			switch e.(type) {
			case []any, map[string]any:
				nested = true
			}
		}
		if !nested {
			writeFlat(b, x)
			return
		}
		b.WriteString("[\n")
		for i, e := range x {
			b.WriteString(indent + "  ")
			writePretty(b, e, indent+"  ")
			if i < len(x)-1 {
				b.WriteByte(',')
			}
			b.WriteByte('\n')
		}
		b.WriteString(indent + "]")
	default:
		writeFlat(b, x)
	}
}

// writeFlat writes x as compact JSON with a space after each comma.
func writeFlat(b *strings.Builder, x any) {
	if a, ok := x.([]any); ok {
		b.WriteByte('[')
		for i, e := range a {
			if i > 0 {
				b.WriteString(", ")
			}
			writeFlat(b, e)
		}
		b.WriteByte(']')
		return
	}
	js, err := json.Marshal(x)
	if err != nil {
		b.WriteString("?")
		return
	}
	b.Write(js)
}

// compactJSON is v on one line, for a command line.
func compactJSON(v grader.Value) string {
	var buf bytes.Buffer
	if err := json.Compact(&buf, v); err != nil {
		return string(v)
	}
	return buf.String()
}
