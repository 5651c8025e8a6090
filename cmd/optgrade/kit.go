package main

import (
	"context"
	"fmt"
	"strings"

	"github.com/urfave/cli/v3"

	kits "github.com/optgrade/optgrade/submissions/kit"
)

func kitCommand() *cli.Command {
	return &cli.Command{
		Name:      "kit",
		Usage:     "write a student's starting folder: " + strings.Join(kits.Names(), " or ") + " kit",
		ArgsUsage: "KIT DIR",
		Description: `Writes the kit (every function stubbed with its formula, the kit's glue code and the
public rubric) into DIR, which must not hold files of the same names. Examples:
   optgrade kit python assignment1
   optgrade kit go assignment1`,
		Action: func(ctx context.Context, c *cli.Command) error {
			if c.NArg() != 2 {
				return usagef("kit: want KIT DIR (kits: %s)", strings.Join(kits.Names(), ", "))
			}
			name, dir := c.Args().Get(0), c.Args().Get(1)
			if err := kits.Write(name, dir); err != nil {
				return usagef("kit: %v", err)
			}
			fmt.Fprintf(c.Root().Writer, "wrote the %s kit to %s: fill in the functions, then run optgrade check there\n", name, dir)
			return nil
		},
	}
}
