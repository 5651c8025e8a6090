package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"

	"github.com/urfave/cli/v3"

	"github.com/optgrade/optgrade/grader/report/figure"
)

// plotCommand is `optgrade reference plot`: the lecture's pictures, drawn from the reference.
func plotCommand() *cli.Command {
	return &cli.Command{
		Name:      "plot",
		Usage:     "draw one of the lecture's pictures from the reference (without a name: list them)",
		ArgsUsage: "[NAME]",
		Description: `Example:
   optgrade reference plot lr-diagnostics --out lr.svg
draws gradient descent on L = 0.1·w₁² + 2·w₂² at α = 0.01, 0.48 and 0.51: the paths over the
loss's contours and the loss per step. The file's extension picks the format: .svg, .png or .pdf.`,
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "out", Aliases: []string{"o"}, Usage: "the file to write, .svg, .png or .pdf (default: NAME.svg)"},
		},
		Action: referencePlot,
	}
}

func referencePlot(ctx context.Context, c *cli.Command) error {
	out, names := c.String("out"), c.Args().Slice()
	if len(names) == 0 {
		tw := tabwriter.NewWriter(c.Root().Writer, 0, 4, 2, ' ', 0)
		for _, l := range figure.Lectures() {
			fmt.Fprintf(tw, "%s\t%s\n", l.Name, l.Doc)
		}
		return tw.Flush()
	}
	if len(names) > 1 {
		return usagef("reference plot takes one picture name, got %d arguments", len(names))
	}
	l, ok := figure.LookupLecture(names[0])
	if !ok {
		var known []string
		for _, l := range figure.Lectures() {
			known = append(known, l.Name)
		}
		return usagef("unknown picture %q (pictures: %s)", names[0], strings.Join(known, ", "))
	}
	if out == "" {
		out = l.Name + ".svg"
	}
	format := strings.TrimPrefix(strings.ToLower(filepath.Ext(out)), ".")
	known := false
	for _, f := range figure.Formats {
		known = known || f == format
	}
	if !known {
		return usagef("--out %s: the extension must be .svg, .png or .pdf", out)
	}
	f, err := os.Create(out)
	if err != nil {
		return err
	}
	if err := l.Make().Render(f, format); err != nil {
		f.Close()
		return fmt.Errorf("draw %s: %w", l.Name, err)
	}
	if err := f.Close(); err != nil {
		return err
	}
	fmt.Fprintln(c.Root().Writer, out)
	return nil
}
