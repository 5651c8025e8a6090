package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"strconv"
	"strings"

	"github.com/urfave/cli/v3"
	"golang.org/x/term"

	"github.com/optgrade/optgrade/grader"
	"github.com/optgrade/optgrade/grader/report"
	"github.com/optgrade/optgrade/grader/runner"
)

// oneShotGC lets the heap of one check grow to 5× what survives a collection (GOGC=400)
// instead of 2×: a check allocates its few MB (rubric, plans, reports) once and exits,
// and the one to three collections it would make free little and cost CPU that the
// submission's start is waiting on. GOGC, when set, still decides. (grade keeps the
// default: a batch's heap is bounded by it.)
func oneShotGC() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(400)
	}
}

func checkCommand() *cli.Command {
	return &cli.Command{
		Name:      "check",
		Usage:     "run the rubric's visible checks on one submission (for students and CI)",
		ArgsUsage: "[DIR]",
		Description: `Runs the submission in DIR (default: the current folder) against the rubric's
visible checks and prints what passed, what failed, by how much and the likely mistake.
Exit code 0 when every check passed, 1 when some failed, 2 for a usage or rubric error,
3 when the submission could not be graded at all (it would not start).`,
		Flags: append(append(append(runFlags(), outputFlags()...),
			&cli.BoolFlag{Name: "all", Usage: "also run the hidden and after-due-date checks (needs the full rubric; for instructors proving a solution)"},
			&cli.StringFlag{Name: "case", Usage: "replay one case `ID` (task/check/case, as the report shows it): the request in full, both answers side by side, your output, and a command that sends the same request to your program"},
			&cli.StringFlag{Name: "task", Usage: "run only the checks of the task `ID`"},
			&cli.BoolFlag{Name: "html", Usage: "also write the report as one HTML page with your curves beside the reference's, and print its path"},
			&cli.StringFlag{Name: "html-out", Usage: "where --html writes the page (default: optgrade-report.html in the system's temporary folder)"},
		), ciFlags()...),
		Action: func(ctx context.Context, c *cli.Command) error {
			oneShotGC()
			if c.NArg() > 1 {
				return usagef("check takes one submission folder, got %d (use grade for several)", c.NArg())
			}
			dir := c.Args().First()
			if dir == "" {
				dir = "."
			}
			if err := submissionFolder(dir); err != nil {
				return err
			}
			s, err := readRunFlags(c)
			if err != nil {
				return err
			}
			format, opts, err := readOutputFlags(c)
			if err != nil {
				return err
			}
			reports, err := readReports(c)
			if err != nil {
				return err
			}
			// The submission starts now, while the rubric loads and its checks are
			// planned; a rubric error still comes first.
			sub, run, prepErr := s.prepare(dir)
			if prepErr == nil {
				early := startEarly(ctx, run)
				defer early.discard()
				run = early
			}
			rubric, err := loadRubric(c, dir)
			if err != nil {
				return err
			}
			sum, err := rubricSHA256(c, rubric)
			if err != nil {
				return err
			}
			g, err := grader.New(rubric, c.Bool("all"))
			if err != nil {
				return err
			}
			if prepErr != nil {
				return usagef("%v", prepErr)
			}
			s.warnIsolation(c.Root().ErrWriter)
			if id := c.String("case"); id != "" {
				return replayCase(ctx, c, g, run, sub, id, format)
			}
			if task := c.String("task"); task != "" {
				if err := g.Only(task); err != nil {
					return usagef("--task: %v", err)
				}
			}
			res := g.Grade(ctx, run, sub.Student, dir, s.submitted(sub, false))
			res.RubricSHA256 = sum
			explainStartError(res, s.python)
			if err := format.Write(c.Root().Writer, res, opts); err != nil {
				return err
			}
			if err := writeReports(reports, res, opts); err != nil {
				return err
			}
			if c.Bool("html") || c.String("html-out") != "" {
				path, err := writeHTMLReport(c.String("html-out"), res, opts)
				if err != nil {
					return err
				}
				fmt.Fprintln(c.Root().ErrWriter, "HTML report:", path)
			}
			switch {
			case res.Error != "":
				return fmt.Errorf("could not grade %s: %s", dir, firstLine(res.Error))
			case !res.Passed():
				return errChecksFailed
			}
			return nil
		},
	}
}

// replayCase runs one case alone and prints it (JSON with --format json, else text).
func replayCase(ctx context.Context, c *cli.Command, g *grader.Grader, run grader.Runner, sub *runner.Submission, id string, format report.Format) error {
	rp, err := g.Replay(ctx, run, id)
	if err != nil {
		return usagef("--case: %v", err)
	}
	command := report.ReplayCommand(sub.Dir, sub.Argv, rp.Request)
	if format.Name == "json" {
		err = report.ReplayJSON(c.Root().Writer, rp, command)
	} else {
		_, opts, _ := readOutputFlags(c)
		err = report.ReplayText(c.Root().Writer, rp, command, opts)
	}
	switch {
	case err != nil:
		return err
	case rp.Error != "":
		return fmt.Errorf("could not run case %s: %s", id, firstLine(rp.Error))
	case !rp.Pass:
		return errChecksFailed
	}
	return nil
}

// outputFlags select the report format.
func outputFlags() []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: "format", Aliases: []string{"f"}, Value: "text", Usage: "report format: " + strings.Join(report.Names(), ", ")},
		&cli.StringFlag{Name: "color", Value: "auto", Usage: "colour the text report: auto (on a terminal, unless NO_COLOR is set), always, never"},
		&cli.BoolFlag{Name: "verbose", Aliases: []string{"v"}, Usage: "show passing checks' details, the student's output and timings"},
	}
}

func readOutputFlags(c *cli.Command) (report.Format, report.Options, error) {
	name := c.String("format")
	f, ok := report.Lookup(name)
	if !ok {
		return f, report.Options{}, usagef("unknown --format %q (formats: %s)", name, strings.Join(report.Names(), ", "))
	}
	opts := report.Options{Verbose: c.Bool("verbose"), Width: terminalWidth(c.Root().Writer)}
	switch c.String("color") {
	case "always":
		opts.Color = true
	case "never":
	case "auto":
		opts.Color = isTerminal(c.Root().Writer) && os.Getenv("NO_COLOR") == ""
	default:
		return f, opts, usagef("--color must be auto, always or never, got %q", c.String("color"))
	}
	return f, opts, nil
}

// terminalWidth is the width of the terminal w writes to, else $COLUMNS, else 0 (the
// report's default).
func terminalWidth(w io.Writer) int {
	if f, ok := w.(*os.File); ok && isTerminal(w) {
		if width, _, err := term.GetSize(int(f.Fd())); err == nil && width > 0 {
			return width
		}
	}
	if n, err := strconv.Atoi(os.Getenv("COLUMNS")); err == nil && n > 0 {
		return n
	}
	return 0
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// explainStartError adds what to do when a Python submission failed for want of numpy.
func explainStartError(res *grader.Result, python string) {
	if !strings.Contains(res.Error, "No module named 'numpy'") && !strings.Contains(res.Output, "No module named 'numpy'") {
		return
	}
	hint := "numpy is missing from the Python interpreter that ran the submission"
	if python != "" {
		hint += " (" + python + ")"
	}
	hint += ": install it — with pip: python3 -m pip install numpy (in a virtualenv: activate it first; " +
		"or make one: python3 -m venv .venv && . .venv/bin/activate && pip install numpy); " +
		"with conda: conda install numpy; on Debian/Ubuntu for the system Python: sudo apt-get install python3-numpy — " +
		"or choose another interpreter with --python or OPTGRADE_PYTHON (optgrade uses the active virtualenv or conda environment, else python3 on PATH)."
	if res.Error != "" {
		res.Error += "\n" + hint
	} else {
		res.Output += "\n[optgrade] " + hint
	}
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}

// earlyRunner starts the submission at once, in the background, so that its start (the
// sandbox, the interpreter, a cached Go build) overlaps loading the rubric and planning
// its checks. The first Start returns that start's connection; a later one starts
// afresh. A start nobody took is canceled and closed by discard.
type earlyRunner struct {
	grader.Runner
	cancel context.CancelFunc
	done   chan struct{}
	conn   grader.Conn
	err    error
	taken  bool
}

func startEarly(ctx context.Context, run grader.Runner) *earlyRunner {
	ctx, cancel := context.WithCancel(ctx)
	e := &earlyRunner{Runner: run, cancel: cancel, done: make(chan struct{})}
	go func() {
		defer close(e.done)
		e.conn, e.err = run.Start(ctx)
	}()
	return e
}

func (e *earlyRunner) Start(ctx context.Context) (grader.Conn, error) {
	if e.taken {
		return e.Runner.Start(ctx)
	}
	e.taken = true
	<-e.done
	return e.conn, e.err
}

// Isolation is the runner's (see grader.Grade).
func (e *earlyRunner) Isolation() string {
	if i, ok := e.Runner.(interface{ Isolation() string }); ok {
		return i.Isolation()
	}
	return ""
}

// discard ends a start nobody took (a rubric error came first).
func (e *earlyRunner) discard() {
	if !e.taken {
		e.taken = true
		e.cancel()
		<-e.done
		if e.conn != nil {
			e.conn.Close()
		}
	}
	e.cancel()
}
