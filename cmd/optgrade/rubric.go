package main

import (
	"context"
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/urfave/cli/v3"

	"github.com/optgrade/optgrade/grader"
	"github.com/optgrade/optgrade/grader/rubric"
)

func rubricCommand() *cli.Command {
	return &cli.Command{
		Name:        "rubric",
		Usage:       "check rubrics (for instructors)",
		Description: kindsHelp(),
		Commands: []*cli.Command{
			{
				Name:      "public",
				Usage:     "print the rubric without its hidden and after-due-date checks, to hand out with the assignment",
				ArgsUsage: "FILE",
				Action: func(ctx context.Context, c *cli.Command) error {
					if c.NArg() != 1 {
						return usagef("rubric public takes one rubric file")
					}
					r, err := rubric.Load(c.Args().First())
					if err != nil {
						return err
					}
					out, err := rubric.Marshal(r.Public())
					if err != nil {
						return err
					}
					_, err = c.Root().Writer.Write(out)
					return err
				},
			},
			{
				Name:      "lint",
				Usage:     "validate a rubric, prove the reference scores full marks, and list the misconceptions its checks would not catch",
				ArgsUsage: "FILE",
				Flags: []cli.Flag{
					&cli.BoolFlag{Name: "verbose", Aliases: []string{"v"}, Usage: "list every misconception with the points it loses (with --strength, every mutant)"},
					&cli.BoolFlag{Name: "strength", Usage: "also measure which generic mutants of each task's function (a constant factor, the sign, off by one, swapped arguments, the wrong axis, a missing term, a stale state, float16, an early return) the checks kill"},
					&cli.FloatFlag{Name: "min-strength", Usage: "with --strength: exit 1 when under this percentage of the non-equivalent mutants are killed", Value: 0},
				},
				Action: func(ctx context.Context, c *cli.Command) error {
					if c.NArg() != 1 {
						return usagef("rubric lint takes one rubric file")
					}
					r, err := rubric.Load(c.Args().First())
					if err != nil {
						return err
					}
					lint, err := grader.LintRubric(ctx, r)
					if err != nil {
						return err
					}
					w := c.Root().Writer
					if c.Bool("verbose") {
						tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
						fmt.Fprintf(tw, "task\tmisconception\tpoints lost\tfeedback names\n")
						for _, v := range lint.Variants {
							fmt.Fprintf(tw, "%s\t%s\t%g\t%s\n", v.Task, v.Variant, v.Lost, v.Named)
						}
						tw.Flush()
					}
					problems := lint.Problems()
					for _, p := range problems {
						fmt.Fprintf(w, "%s: %s\n", r.File, p)
					}
					for _, n := range lint.Notes() {
						fmt.Fprintf(w, "%s: note: %s\n", r.File, n)
					}
					caught := 0
					for _, v := range lint.Variants {
						if v.Caught {
							caught++
						}
					}
					fmt.Fprintf(w, "%s: reference %g/%g; %d of %d misconceptions caught; %d problems\n",
						r.File, lint.Reference.Score, lint.Reference.MaxScore, caught, len(lint.Variants), len(problems))
					weak := false
					if c.Bool("strength") {
						if weak, err = lintStrength(ctx, c, r); err != nil {
							return err
						}
					}
					if len(problems) > 0 || weak {
						return errChecksFailed
					}
					return nil
				},
			},
		},
	}
}

// kindsHelp lists the check kinds a rubric may use, from the rubric's table.
func kindsHelp() string {
	var b strings.Builder
	b.WriteString("Check kinds:\n")
	for _, k := range rubric.Kinds() {
		fmt.Fprintf(&b, "   %-15s %s\n", k.Kind, k.Doc)
	}
	return b.String()
}
