package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/urfave/cli/v3"

	"github.com/optgrade/optgrade/grader"
	"github.com/optgrade/optgrade/grader/report"
	"github.com/optgrade/optgrade/grader/rubric"
)

// This file holds what check adds for CI on assignment repositories: several reports from
// one run, and the rubric pinned by its SHA-256.

// ciFlags are check's flags for CI.
func ciFlags() []cli.Flag {
	return []cli.Flag{
		&cli.StringSliceFlag{Name: "report", Usage: "also write a report: `FORMAT=FILE` (repeatable), e.g. --report junit=junit.xml --report markdown=summary.md; formats: " + strings.Join(report.Names(), ", ")},
		&cli.StringFlag{Name: "rubric-sha256", Usage: "the SHA-256 the rubric must have (`HEX`): an edited rubric is refused (exit 2)"},
	}
}

// reportFile is one --report FORMAT=FILE.
type reportFile struct {
	format report.Format
	path   string
}

// readReports checks every --report before grading.
func readReports(c *cli.Command) ([]reportFile, error) {
	var out []reportFile
	for _, spec := range c.StringSlice("report") {
		name, path, ok := strings.Cut(spec, "=")
		f, known := report.Lookup(name)
		switch {
		case !ok || path == "":
			return nil, usagef("--report %q: want FORMAT=FILE, e.g. junit=junit.xml", spec)
		case !known:
			return nil, usagef("--report %q: unknown format %q (formats: %s)", spec, name, strings.Join(report.Names(), ", "))
		}
		out = append(out, reportFile{f, path})
	}
	return out, nil
}

// writeReports writes each report file (its folder is created).
func writeReports(files []reportFile, res *grader.Result, opts report.Options) error {
	opts.Color = false
	for _, rf := range files {
		if dir := filepath.Dir(rf.path); dir != "." {
			if err := os.MkdirAll(dir, 0o755); err != nil {
				return err
			}
		}
		f, err := os.Create(rf.path)
		if err != nil {
			return err
		}
		err = rf.format.Write(f, res, opts)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return fmt.Errorf("--report %s=%s: %w", rf.format.Name, rf.path, err)
		}
	}
	return nil
}

// rubricSHA256 is the SHA-256 of the rubric file as it was read and graded with; with
// --rubric-sha256 it refuses one that differs.
func rubricSHA256(c *cli.Command, r *rubric.Rubric) (string, error) {
	got, path := r.SHA256, r.File
	if want := strings.ToLower(strings.TrimSpace(c.String("rubric-sha256"))); want != "" && want != got {
		return got, usagef("the rubric %s was edited: its SHA-256 is %s, the assignment's is %s; restore it (git checkout -- %s) and keep your changes to your solution", path, got, want, filepath.Base(path))
	}
	return got, nil
}
