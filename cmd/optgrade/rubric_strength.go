package main

import (
	"context"
	"fmt"
	"text/tabwriter"

	"github.com/urfave/cli/v3"

	"github.com/optgrade/optgrade/grader"
	"github.com/optgrade/optgrade/grader/rubric"
)

// lintStrength prints `rubric lint --strength`: per task, the generic mutants of its
// function that its checks kill, survive, are equivalent or invalid; every survivor with an
// input that would kill it; the rubric's score. weak reports a score under --min-strength.
func lintStrength(ctx context.Context, c *cli.Command, r *rubric.Rubric) (weak bool, err error) {
	threshold := c.Float("min-strength")
	if threshold < 0 || threshold > 100 {
		return false, usagef("--min-strength is a percentage, 0 to 100; got %g", threshold)
	}
	s, err := grader.MeasureStrength(ctx, r)
	if err != nil {
		return false, err
	}
	w := c.Root().Writer
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "task\tfunction\tkilled\tsurvived\tequivalent\tinvalid\tstrength\n")
	killed, all, equiv, invalid := 0, 0, 0, 0
	for _, t := range s.Tasks {
		fmt.Fprintf(tw, "%s\t%s\t%d\t%d\t%d\t%d\t%.0f%%\n", t.Task, t.Function, t.Killed, t.Survived, t.EquivalentN, t.Invalid, 100*t.Score())
		killed += t.Killed
		all += t.Killed + t.Survived
		equiv += t.EquivalentN
		invalid += t.Invalid
	}
	tw.Flush()
	if c.Bool("verbose") {
		tw = tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
		fmt.Fprintf(tw, "task\tmutant\tstatus\tpoints lost\twhat it does\n")
		for _, t := range s.Tasks {
			for _, m := range t.Mutants {
				fmt.Fprintf(tw, "%s\t%s\t%s\t%g\t%s\n", t.Task, m.Name, m.Status, m.Lost, m.Sentence)
			}
		}
		tw.Flush()
	}
	for _, line := range s.Survivors() {
		fmt.Fprintf(w, "%s: survivor: %s\n", r.File, line)
	}
	score := 100 * s.Score()
	fmt.Fprintf(w, "%s: strength %.1f%%: %d of %d non-equivalent mutants killed (%d equivalent, %d invalid)\n",
		r.File, score, killed, all, equiv, invalid)
	if score < threshold {
		fmt.Fprintf(w, "%s: strength %.1f%% is under --min-strength %g%%\n", r.File, score, threshold)
		return true, nil
	}
	return false, nil
}
