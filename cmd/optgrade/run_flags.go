package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/urfave/cli/v3"

	"github.com/optgrade/optgrade/grader"
	"github.com/optgrade/optgrade/grader/rubric"
	"github.com/optgrade/optgrade/grader/runner"
	"github.com/optgrade/optgrade/grader/sandbox"
)

// runFlags are the flags of the commands that run submissions (check, grade).
func runFlags() []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: "rubric", Aliases: []string{"r"}, Usage: "the rubric `FILE` (default: $OPTGRADE_RUBRIC, else rubric.yaml in the submission folder)", Sources: cli.EnvVars("OPTGRADE_RUBRIC")},
		&cli.StringFlag{Name: "python", Usage: "the Python interpreter for Python submissions (default: $OPTGRADE_PYTHON, else the active virtualenv or conda environment's, else python3 on PATH, else /usr/bin/python3)", Sources: cli.EnvVars("OPTGRADE_PYTHON")},
		durationFlag("timeout", 10*time.Second, "how long one call may take before the submission is killed and restarted: seconds (2, 0.5) or a duration (500ms)"),
		&cli.StringFlag{Name: "submitted-at", Usage: "the submission time (RFC 3339) for the late penalty; default: the manifest's submitted_at, else the newest file's time (grade only)"},
		durationFlag("budget", 0, "the wall time one submission may take in all, across its calls and restarts: seconds or a duration (default: 60 × --timeout, 10 minutes)"),
		&cli.StringFlag{Name: "sandbox", Value: "auto", Usage: "isolation: auto (bubblewrap where it works; grade refuses to run without it), bwrap (bubblewrap or stop), none (no bubblewrap: own process group, resource limits and, for a root grader, the user nobody still apply)"},
		&cli.BoolFlag{Name: "no-sandbox", Usage: "the same as --sandbox none"},
	}
}

// runSettings are the decoded run flags.
type runSettings struct {
	python      string
	timeout     time.Duration
	budget      time.Duration
	submittedAt *time.Time
	mode        string // --sandbox: auto, bwrap or none
	sandbox     sandbox.Config
}

func readRunFlags(c *cli.Command) (runSettings, error) {
	s := runSettings{python: c.String("python"), timeout: durationOf(c, "timeout")}
	if s.timeout <= 0 {
		return s, usagef("--timeout must be positive, got %s", s.timeout)
	}
	if v := c.String("submitted-at"); v != "" {
		t, err := time.Parse(time.RFC3339, v)
		if err != nil {
			return s, usagef("--submitted-at %q: want an RFC 3339 time such as 2026-12-02T15:30:00+01:00", v)
		}
		s.submittedAt = &t
	}
	if s.budget = durationOf(c, "budget"); s.budget < 0 {
		return s, usagef("--budget must be positive, got %s", s.budget)
	}
	s.mode = c.String("sandbox")
	if c.Bool("no-sandbox") {
		s.mode = "none"
	}
	switch s.mode {
	case "auto":
	case "bwrap":
		if _, err := sandbox.Bubblewrap(); err != nil {
			return s, usagef("--sandbox bwrap: %v", err)
		}
	case "none":
		s.sandbox.NoBwrap = true
	default:
		return s, usagef("--sandbox must be auto, bwrap or none, got %q", s.mode)
	}
	return s, nil
}

// requireBwrap stops a batch that would run untrusted code without bubblewrap, unless
// --sandbox none asked for it.
func (s runSettings) requireBwrap() error {
	if s.mode == "none" {
		return nil
	}
	if _, err := sandbox.Bubblewrap(); err != nil {
		return usagef("grade runs submissions inside bubblewrap, and %v; fix that, or pass --sandbox none to grade with only a process group, resource limits and the user nobody (other submissions and the rubric are then readable by a submission)", err)
	}
	return nil
}

// warnIsolation says on w when submissions run without bubblewrap.
func (s runSettings) warnIsolation(w io.Writer) {
	if iso := s.sandbox.Describe(); !strings.HasPrefix(iso, "bubblewrap") {
		fmt.Fprintf(w, "optgrade: isolation: %s\n", iso)
	}
}

// loadRubric reads the --rubric file, or finds the rubric next to the submission.
func loadRubric(c *cli.Command, dir string) (*rubric.Rubric, error) {
	path := c.String("rubric")
	if path == "" {
		for _, name := range []string{"rubric.yaml", "optgrade-rubric.yaml"} {
			if p := filepath.Join(dir, name); fileExists(p) {
				path = p
				break
			}
		}
	}
	if path == "" {
		return nil, usagef("no rubric: pass --rubric FILE (or set OPTGRADE_RUBRIC, or put rubric.yaml in %s)", dir)
	}
	return rubric.Load(path)
}

func fileExists(p string) bool {
	st, err := os.Stat(p)
	return err == nil && !st.IsDir()
}

// prepare loads a submission folder and the runner that starts it.
func (s runSettings) prepare(dir string) (*runner.Submission, grader.Runner, error) {
	sub, err := runner.Load(dir, runner.Options{Python: s.python})
	if err != nil {
		return nil, nil, err
	}
	return sub, s.runner(sub), nil
}

// runner starts a loaded submission with the run flags' timeout and sandbox.
func (s runSettings) runner(sub *runner.Submission) grader.Runner {
	return sub.Runner(runner.Settings{CallTimeout: s.timeout, Budget: s.budget, Sandbox: s.sandbox})
}

// submitted decides the submission time and says where it came from.
func (s runSettings) submitted(sub *runner.Submission, fallbackMtime bool) grader.Submitted {
	switch {
	case s.submittedAt != nil:
		return grader.Submitted{At: s.submittedAt, Source: "flag"}
	case sub.SubmittedAt != nil:
		return grader.Submitted{At: sub.SubmittedAt, Source: "manifest"}
	case fallbackMtime && !sub.TimeUnknown:
		if t, ok := newestFile(sub.Dir); ok {
			return grader.Submitted{At: &t, Source: "mtime"}
		}
	}
	return grader.Submitted{Source: "none"}
}

// newestFile is the modification time of the newest regular file under dir.
func newestFile(dir string) (time.Time, bool) {
	var newest time.Time
	filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return nil
		}
		if d.IsDir() && (d.Name() == "__pycache__" || d.Name() == ".git") {
			return filepath.SkipDir
		}
		if info, err := d.Info(); err == nil && info.Mode().IsRegular() && info.ModTime().After(newest) {
			newest = info.ModTime()
		}
		return nil
	})
	return newest, !newest.IsZero()
}
