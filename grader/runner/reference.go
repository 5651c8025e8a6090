package runner

import (
	"context"

	"github.com/optgrade/optgrade/reference"
)

// ReferenceRunner is a Runner whose submission is the reference itself, answering in
// process, optionally with some catalog functions replaced by wrong variants. It proves a
// rubric (the reference must score full marks) and measures its strength (every variant
// should lose points), and it serves tests.
type ReferenceRunner struct {
	// Replace maps a catalog function to the variant answering in its place.
	Replace map[string]reference.Variant
	// Missing lists functions the submission does not implement.
	Missing map[string]bool
}

// Start returns a Conn answering from the reference.
func (r ReferenceRunner) Start(context.Context) (Conn, error) { return &refConn{r: r}, nil }

type refConn struct{ r ReferenceRunner }

func (c *refConn) Functions() []string {
	var names []string
	for _, f := range reference.Catalog() {
		if !c.r.Missing[f.Name] {
			names = append(names, f.Name)
		}
	}
	return names
}

func (c *refConn) Do(_ context.Context, calls []Call) []Reply {
	out := make([]Reply, len(calls))
	for i, call := range calls {
		var v any
		var err error
		switch variant, ok := c.r.Replace[call.Fn]; {
		case c.r.Missing[call.Fn]:
			out[i] = Reply{Err: "NotImplementedError: " + call.Fn}
			continue
		case ok:
			v, err = variant.Call(call.Args.Clone())
		default:
			v, err = reference.Call(call.Fn, call.Args.Clone())
		}
		if err != nil {
			out[i] = Reply{Err: "ValueError: " + err.Error()}
			continue
		}
		out[i] = Reply{Result: JSONShape(v)}
	}
	return out
}

func (c *refConn) Output() string { return "" }
func (c *refConn) Close() error   { return nil }

// JSONShape converts the reference's Go values ([]float64, [][]float64, maps of them) to
// the shapes the wire decoder produces (float64, []any, map[string]any), so that
// in-process answers take the same paths through the checks as a real submission's.
func JSONShape(v any) any {
	switch v := v.(type) {
	case float64:
		return v
	case int:
		return float64(v)
	case []float64:
		out := make([]any, len(v))
		for i, x := range v {
			out[i] = x
		}
		return out
	case [][]float64:
		out := make([]any, len(v))
		for i, x := range v {
			out[i] = JSONShape(x)
		}
		return out
	case map[string]any:
		out := make(map[string]any, len(v))
		for k, x := range v {
			out[k] = JSONShape(x)
		}
		return out
	case []any:
		out := make([]any, len(v))
		for i, x := range v {
			out[i] = JSONShape(x)
		}
		return out
	}
	return v
}
