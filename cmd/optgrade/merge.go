package main

import (
	"fmt"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/optgrade/optgrade/grader/batch"
)

func mergeCommand() *cli.Command {
	return &cli.Command{
		Name:      "merge",
		Usage:     "gather the outputs of a sharded batch into one (for TAs)",
		ArgsUsage: "OUT...",
		Description: `Copies every result of the output folders OUT... (one per shard of a batch run with
--shard k/n) into --out and writes its gradebooks and summaries, byte for byte those one
run over the whole course would have written. Refuses results graded with different
rubrics, a student graded differently in two folders, and different rosters (exit 2).`,
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "out", Aliases: []string{"o"}, Usage: "the merged output `DIR` (required)"},
		},
		Action: func(c *cli.Context) error {
			if c.NArg() == 0 {
				return usagef("merge needs the output folders of the shards")
			}
			if c.String("out") == "" {
				return usagef("merge needs --out DIR for the merged results")
			}
			book, err := batch.Merge(c.String("out"), c.Args().Slice(), nil)
			if book == nil {
				return err
			}
			warnStore(c.App.ErrWriter, book)
			fmt.Fprintf(c.App.ErrWriter, "wrote %s: %s\n", c.String("out"), strings.Join(book.Written, ", "))
			if err != nil {
				return err
			}
			return book.WriteSummaryText(c.App.Writer)
		},
	}
}
