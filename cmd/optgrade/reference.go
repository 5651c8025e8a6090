package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"sort"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/urfave/cli/v3"

	"github.com/optgrade/optgrade/grader/runner"
	"github.com/optgrade/optgrade/reference"
)

func referenceCommand() *cli.Command {
	return &cli.Command{
		Name:  "reference",
		Usage: "list or call the reference functions and their known mistakes (for instructors and scripts)",
		Commands: []*cli.Command{
			{
				Name:  "list",
				Usage: "the catalog's functions, their arguments and formulas, and the misconceptions registered for each",
				Action: func(ctx context.Context, c *cli.Command) error {
					return writeCatalog(c.Root().Writer)
				},
			},
			{
				Name:      "call",
				Usage:     "call one reference function (or a misconception with --variant) and print the result as JSON",
				ArgsUsage: "FN",
				Description: `Example:
   optgrade reference call bernoulli_nll --args '{"lam":0.3,"y":[1,0,0,0,0,0,0,1,1,0],"base":10}'
prints 0.2652949955741215. Non-finite results print as NaN, Infinity, -Infinity (as Python's json does).`,
				Flags: []cli.Flag{
					&cli.StringFlag{Name: "args", Aliases: []string{"a"}, Value: "{}", Usage: "the arguments as a JSON object"},
					&cli.StringFlag{Name: "variant", Usage: "call this misconception instead of the correct function"},
				},
				Action: referenceCall,
			},
			plotCommand(),
		},
	}
}

func referenceCall(ctx context.Context, c *cli.Command) error {
	// Flags may also follow the function name, as in the documented example
	// (urfave/cli stops reading flags at the first argument).
	rest := c.Args().Slice()
	argsJSON, variant := c.String("args"), c.String("variant")
	var positional []string
	for i := 0; i < len(rest); i++ {
		name, value, hasValue := strings.Cut(strings.TrimLeft(rest[i], "-"), "=")
		if !strings.HasPrefix(rest[i], "-") || (name != "args" && name != "a" && name != "variant") {
			positional = append(positional, rest[i])
			continue
		}
		if !hasValue {
			if i+1 == len(rest) {
				return usagef("flag --%s needs a value", name)
			}
			i++
			value = rest[i]
		}
		if name == "variant" {
			variant = value
		} else {
			argsJSON = value
		}
	}
	if len(positional) != 1 {
		return usagef("reference call takes one function name, got %d arguments", len(positional))
	}
	fn := positional[0]
	if _, ok := reference.Lookup(fn); !ok {
		return usagef("unknown function %q (see optgrade reference list)", fn)
	}
	var args reference.Args
	dec := json.NewDecoder(strings.NewReader(argsJSON))
	if err := dec.Decode(&args); err != nil || args == nil {
		return usagef("--args must be a JSON object: %v", err)
	}
	call := func(a reference.Args) (any, error) { return reference.Call(fn, a) }
	if name := variant; name != "" {
		v, ok := reference.LookupVariant(name)
		if !ok || v.Func != fn {
			var names []string
			for _, v := range reference.VariantsOf(fn) {
				names = append(names, v.Name)
			}
			return usagef("%q is not a misconception of %s (those are: %s)", name, fn, strings.Join(names, ", "))
		}
		call = v.Call
	}
	v, err := call(args)
	if err != nil {
		return usagef("%s: %v", fn, err)
	}
	var b bytes.Buffer
	writeJSONValue(&b, v)
	b.WriteByte('\n')
	_, err = c.Root().Writer.Write(b.Bytes())
	return err
}

// writeJSONValue writes a reference result as JSON, with the shortest float64 forms that
// round-trip and Python's tokens for non-finite numbers.
func writeJSONValue(b *bytes.Buffer, v any) {
	switch v := runner.JSONShape(v).(type) {
	case float64:
		switch {
		case math.IsNaN(v):
			b.WriteString("NaN")
		case math.IsInf(v, 1):
			b.WriteString("Infinity")
		case math.IsInf(v, -1):
			b.WriteString("-Infinity")
		default:
			b.WriteString(strconv.FormatFloat(v, 'g', -1, 64))
		}
	case []any:
		b.WriteByte('[')
		for i, x := range v {
			if i > 0 {
				b.WriteString(", ")
			}
			writeJSONValue(b, x)
		}
		b.WriteByte(']')
	case map[string]any:
		keys := make([]string, 0, len(v))
		for k := range v {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		b.WriteByte('{')
		for i, k := range keys {
			if i > 0 {
				b.WriteString(", ")
			}
			fmt.Fprintf(b, "%q: ", k)
			writeJSONValue(b, v[k])
		}
		b.WriteByte('}')
	default:
		js, err := json.Marshal(v)
		if err != nil {
			fmt.Fprintf(b, "%q", fmt.Sprint(v))
			return
		}
		b.Write(js)
	}
}

func writeCatalog(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	for _, f := range reference.Catalog() {
		var params []string
		for _, p := range f.Params {
			name := p.Name
			if p.Optional {
				name += "?"
			}
			params = append(params, name)
		}
		fmt.Fprintf(tw, "%s(%s)\t→ %s\t%s\n", f.Name, strings.Join(params, ", "), f.Result, f.Formula)
		for _, v := range reference.VariantsOf(f.Name) {
			fmt.Fprintf(tw, "  ✗ %s\t\t%s\n", v.Name, v.Sentence)
		}
	}
	return tw.Flush()
}
