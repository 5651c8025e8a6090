package main

import (
	"os"
	"runtime"

	"github.com/urfave/cli/v2"

	"github.com/optgrade/optgrade/grader"
	"github.com/optgrade/optgrade/grader/batch"
	"github.com/optgrade/optgrade/grader/report"
	"github.com/optgrade/optgrade/grader/runner"
)

func gradeCommand() *cli.Command {
	return &cli.Command{
		Name:      "grade",
		Usage:     "run every check (hidden ones too) on many submissions (for TAs)",
		ArgsUsage: "DIR...",
		Description: `Each DIR is a submission folder, or a folder whose subfolders are submissions.
Writes OUT/<student>/result.json and OUT/<student>/feedback.md as each submission
finishes, then OUT/gradebook.csv, OUT/brightspace.csv and OUT/summary.txt. A batch
that is interrupted resumes where it stopped: a student whose result.json exists is
not graded again (unless --regrade). Exit code 0 when every submission passed every
check, 1 when some did not, 2 for a usage or rubric error.`,
		Flags: append(runFlags(),
			&cli.StringFlag{Name: "out", Aliases: []string{"o"}, Usage: "the output `DIR` (required)"},
			&cli.IntFlag{Name: "parallel", Aliases: []string{"j"}, Value: runtime.NumCPU(), Usage: "submissions graded at once"},
			&cli.BoolFlag{Name: "regrade", Usage: "grade every submission again, even those with a result.json"},
			&cli.StringFlag{Name: "brightspace-column", Value: "Assignment 1", Usage: "the grade item name in brightspace.csv"},
		),
		Action: gradeAction,
	}
}

func gradeAction(c *cli.Context) error {
	if c.NArg() == 0 {
		return usagef("grade needs at least one submission folder")
	}
	s, err := readRunFlags(c)
	if err != nil {
		return err
	}
	if c.String("rubric") == "" {
		return usagef("grade needs --rubric FILE")
	}
	out := c.String("out")
	if out == "" {
		return usagef("grade needs --out DIR for the results")
	}
	if c.Int("parallel") < 1 {
		return usagef("--parallel must be at least 1")
	}
	rubric, err := loadRubric(c, "")
	if err != nil {
		return err
	}
	g, err := grader.New(rubric, true)
	if err != nil {
		return err
	}
	dirs, err := batch.Discover(c.Args().Slice(), s.isSubmission)
	if err != nil {
		return usagef("%v", err)
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		return err
	}
	res, err := batch.Run(c.Context, dirs, batch.Config{
		Grader:   g,
		Out:      out,
		Parallel: c.Int("parallel"),
		Regrade:  c.Bool("regrade"),
		Load:     s.loadForBatch,
		Explain:  func(r *grader.Result) { explainStartError(r, s.python) },
		Progress: c.App.ErrWriter,
	})
	if err != nil {
		return err
	}
	if err := batch.WriteBooks(out, res.Results, c.String("brightspace-column")); err != nil {
		return err
	}
	report.WriteSummary(c.App.Writer, report.Summary(res.Results))
	for _, r := range res.Results {
		if !r.Passed() {
			return errChecksFailed
		}
	}
	return nil
}

// loadForBatch loads a submission folder for a batch: the late penalty may come from the
// newest file's time.
func (s runSettings) loadForBatch(dir string) (*batch.Submission, error) {
	sub, err := runner.Load(dir, runner.Options{Python: s.python})
	if err != nil {
		return nil, err
	}
	return &batch.Submission{Student: sub.Student, Runner: s.runner(sub), Submitted: s.submitted(sub, true)}, nil
}

// isSubmission reports whether dir is a submission folder: one that a row of the table of
// submission kinds recognises, even if it then cannot run it.
func (s runSettings) isSubmission(dir string) bool {
	_, ok := runner.Detect(dir)
	return ok
}
