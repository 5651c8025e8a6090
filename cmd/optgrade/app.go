package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/urfave/cli/v3"

	"github.com/optgrade/optgrade/grader"
	"github.com/optgrade/optgrade/grader/batch"
	"github.com/optgrade/optgrade/grader/sandbox"
)

// Exit codes.
const (
	exitPass     = 0
	exitFail     = 1
	exitUsage    = 2
	exitInternal = 3 // could not grade (a submission, or an internal error)
	// exitInterrupted: an interrupted batch (SIGINT, SIGTERM) keeps what it wrote; the same
	// command resumes it.
	exitInterrupted = 4
)

// errChecksFailed ends a command whose report is already written: some check failed.
var errChecksFailed = errors.New("some checks failed")

// errNotGraded ends a batch whose reports are written: some submission could not be graded.
var errNotGraded = errors.New("some submissions could not be graded at all (see gradebook.csv's error column)")

// usageError is a mistake on the command line.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func usagef(format string, a ...any) error { return usageError{fmt.Sprintf(format, a...)} }

// run runs the command line args, writing only to stdout and stderr, and returns the exit
// code; tests call it in-process.
func run(args []string, stdout, stderr io.Writer) int {
	// An interrupt cancels the context: a batch stops taking submissions, keeps what it
	// has written, and a second run resumes.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	// Whatever a submission left running outside its process group goes with the grader.
	defer sandbox.KillOrphans()
	app := newApp(stdout, stderr)
	usageErrors(app.Commands, "")
	args, err := classicArgs(app, flagsFirst(app, args))
	if err == nil {
		err = app.Run(ctx, args)
	}
	return exitCode(err, stderr)
}

func exitCode(err error, stderr io.Writer) int {
	var ue usageError
	switch {
	case err == nil:
		return exitPass
	case errors.Is(err, errChecksFailed):
		return exitFail
	case errors.Is(err, batch.ErrInterrupted):
		fmt.Fprintln(stderr, "optgrade:", err)
		return exitInterrupted
	case errors.Is(err, batch.ErrIdentity), errors.Is(err, batch.ErrRoster), errors.Is(err, batch.ErrMerge):
		fmt.Fprintln(stderr, "optgrade:", err)
		return exitUsage
	case errors.Is(err, grader.ErrRubric):
		fmt.Fprintln(stderr, err)
		return exitUsage
	case errors.As(err, &ue):
		fmt.Fprintln(stderr, "optgrade:", err)
		return exitUsage
	}
	fmt.Fprintln(stderr, "optgrade:", err)
	return exitInternal
}

func newApp(stdout, stderr io.Writer) *cli.Command {
	return &cli.Command{
		Name:      "optgrade",
		Usage:     "grade the Optimization assignment against its reference",
		Writer:    stdout,
		ErrWriter: stderr,
		// urfave/cli must never exit by itself: run maps errors to exit codes.
		ExitErrHandler:  func(context.Context, *cli.Command, error) {},
		HideHelpCommand: true,
		OnUsageError: func(_ context.Context, _ *cli.Command, err error, _ bool) error {
			return usageError{err.Error()}
		},
		Action: func(ctx context.Context, c *cli.Command) error {
			if c.Args().Present() {
				return usagef("unknown command %q (commands: check, grade, merge, ingest, gradescope, rubric, reference, kit)", c.Args().First())
			}
			return cli.ShowRootCommandHelp(c)
		},
		Commands: []*cli.Command{
			checkCommand(),
			gradeCommand(),
			mergeCommand(),
			gradescopeCommand(),
			ingestCommand(),
			rubricCommand(),
			referenceCommand(),
			kitCommand(),
		},
	}
}
