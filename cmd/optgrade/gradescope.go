package main

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"

	"github.com/urfave/cli/v3"

	"github.com/optgrade/optgrade/grader"
	"github.com/optgrade/optgrade/grader/batch"
	"github.com/optgrade/optgrade/grader/lms"
	"github.com/optgrade/optgrade/grader/report"
	"github.com/optgrade/optgrade/grader/rubric"
)

func gradescopeCommand() *cli.Command {
	hidden := &cli.StringFlag{Name: "hidden", Value: "after_published", Usage: "Gradescope visibility of hidden checks: " + strings.Join(report.GradescopeVisibilities, ", ") + " (hidden hides the student's total)"}
	return &cli.Command{
		Name:  "gradescope",
		Usage: "the Gradescope autograder: package it, or run it (inside Gradescope)",
		Commands: []*cli.Command{
			{
				Name:      "package",
				Usage:     "write the autograder zip (setup.sh, run_autograder, a Linux optgrade, the rubric) to upload to Gradescope",
				ArgsUsage: " ",
				Flags: []cli.Flag{
					&cli.StringFlag{Name: "rubric", Aliases: []string{"r"}, Usage: "the full rubric `FILE` (hidden checks included) the autograder grades with"},
					&cli.StringFlag{Name: "out", Aliases: []string{"o"}, Value: "autograder.zip", Usage: "the zip `FILE` to write"},
					&cli.StringFlag{Name: "binary", Usage: "an optgrade executable for Linux amd64 (default: this one, when it is one)"},
					durationFlag("timeout", 0, "how long one call may take: seconds (2, 0.5) or a duration (500ms) (default: the grader's)"),
					hidden,
				},
				Action: gradescopePackage,
			},
			{
				Name:      "run",
				Usage:     "grade ROOT/submission with --rubric and write ROOT/results/results.json (what run_autograder does)",
				ArgsUsage: " ",
				Flags: append(runFlags(),
					&cli.StringFlag{Name: "root", Value: lms.GradescopeRoot, Usage: "the autograder's `DIR`"},
					hidden,
				),
				Action: gradescopeRun,
			},
		},
	}
}

func gradescopePackage(ctx context.Context, c *cli.Command) error {
	if c.String("rubric") == "" {
		return usagef("gradescope package needs --rubric FILE")
	}
	if !slices.Contains(report.GradescopeVisibilities, c.String("hidden")) {
		return usagef("--hidden must be one of %s", strings.Join(report.GradescopeVisibilities, ", "))
	}
	if _, err := rubric.Load(c.String("rubric")); err != nil {
		return err
	}
	bin := c.String("binary")
	if bin == "" {
		if runtime.GOOS != "linux" || runtime.GOARCH != "amd64" {
			return usagef("this optgrade runs on %s/%s; Gradescope needs linux/amd64: build one (GOOS=linux GOARCH=amd64 go build -o optgrade-linux ./cmd/optgrade) and pass --binary", runtime.GOOS, runtime.GOARCH)
		}
		exe, err := os.Executable()
		if err != nil {
			return err
		}
		bin = exe
	}
	out := c.String("out")
	err := batch.WriteFileAtomic(out, func(w io.Writer) error {
		return lms.WritePackage(w, lms.PackageOptions{Rubric: c.String("rubric"), Binary: bin, Hidden: c.String("hidden"), Timeout: durationOf(c, "timeout")})
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(c.Root().Writer, "wrote %s: upload it as the assignment's autograder (Gradescope: Configure Autograder → Zip file upload)\n", out)
	return nil
}

// gradescopeRun grades the submission the way run_autograder does. A submission that
// cannot be graded is still a results.json (score 0 and the reason), exit 0: Gradescope
// shows it to the student.
func gradescopeRun(ctx context.Context, c *cli.Command) error {
	if c.String("rubric") == "" {
		return usagef("gradescope run needs --rubric FILE (the package's rubric.yaml)")
	}
	if !slices.Contains(report.GradescopeVisibilities, c.String("hidden")) {
		return usagef("--hidden must be one of %s", strings.Join(report.GradescopeVisibilities, ", "))
	}
	s, err := readRunFlags(c)
	if err != nil {
		return err
	}
	r, err := rubric.Load(c.String("rubric"))
	if err != nil {
		return err
	}
	g, err := grader.New(r, true)
	if err != nil {
		return err
	}
	gs, err := lms.ReadGradescope(c.String("root"))
	if err != nil {
		return err
	}
	// Gradescope's submission time, never the submission's own submitted_at.
	when := grader.Submitted{At: &gs.SubmittedAt, Source: "gradescope"}
	student := strings.Join(gs.Students, ", ")
	var res *grader.Result
	sub, run, err := s.prepare(gs.Dir)
	if err != nil {
		res = g.Grade(ctx, batch.Unloadable(err), student, gs.Dir, when)
	} else {
		res = g.Grade(ctx, run, cmp.Or(student, sub.Student), gs.Dir, when)
		explainStartError(res, s.python)
	}
	if err := os.MkdirAll(filepath.Dir(gs.Results), 0o755); err != nil {
		return err
	}
	return batch.WriteFileAtomic(gs.Results, func(w io.Writer) error {
		return report.Gradescope(w, batch.StudentView(res), report.Options{Hidden: c.String("hidden")})
	})
}
