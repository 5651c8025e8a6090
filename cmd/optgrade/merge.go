package main

import (
	"context"
	"fmt"
	"strings"

	"github.com/urfave/cli/v3"

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
rubrics, a student graded differently in two folders, different rosters, and a result
whose MAC none of the keys verifies (exit 2): grade every shard with the same --key FILE
and merge with it, or give merge each shard machine's key (repeat --key). The merged
results are signed with the first key (without --key: your own, as grade uses).`,
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "out", Aliases: []string{"o"}, Usage: "the merged output `DIR` (required)"},
			&cli.StringSliceFlag{Name: "key", Usage: "a key `FILE` the shards were signed with (repeat for several; default: yours, or $" + batch.KeyEnv + ")"},
		},
		Action: func(ctx context.Context, c *cli.Command) error {
			if c.NArg() == 0 {
				return usagef("merge needs the output folders of the shards")
			}
			if c.String("out") == "" {
				return usagef("merge needs --out DIR for the merged results")
			}
			paths := c.StringSlice("key")
			if len(paths) == 0 {
				paths = []string{""}
			}
			var keys [][]byte
			for _, p := range paths {
				key, err := loadKey(c.Root().ErrWriter, p, c.String("out"))
				if err != nil {
					return err
				}
				keys = append(keys, key.Secret)
			}
			book, err := batch.Merge(c.String("out"), c.Args().Slice(), keys, nil)
			if book == nil {
				return err
			}
			warnStore(c.Root().ErrWriter, book)
			fmt.Fprintf(c.Root().ErrWriter, "wrote %s: %s\n", c.String("out"), strings.Join(book.Written, ", "))
			if err != nil {
				return err
			}
			return book.WriteSummaryText(c.Root().Writer)
		},
	}
}
