package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"runtime"
	"strings"

	"github.com/urfave/cli/v3"

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
		Description: `Each DIR is a submission folder, or a folder searched at any depth for submission
folders (files and folders that hold no submission are listed as skipped). Writes
OUT/<student>/result.json and feedback.md as each submission finishes, then rebuilds
OUT/gradebook.csv, brightspace.csv, canvas.csv, summary.md, summary.json and summary.txt
from every result in OUT.
A resumed batch grades again exactly the submissions whose content, time, rubric or
grader changed. Exit code 0 when every submission passed every check, 1 when some did
not, 2 for a usage, rubric or student-id error, 3 when some submission could not be
graded at all, 4 when interrupted (run the same command again to resume).`,
		Flags: append(runFlags(),
			&cli.StringFlag{Name: "out", Aliases: []string{"o"}, Usage: "the output `DIR` (required)"},
			&cli.IntFlag{Name: "parallel", Aliases: []string{"j"}, Value: runtime.NumCPU(), Usage: "submissions graded at once"},
			&cli.BoolFlag{Name: "regrade", Usage: "grade the selected submissions again, even those whose result is up to date"},
			&cli.StringSliceFlag{Name: "only", Usage: "grade only these students (`ID`s or roster usernames; repeat or separate by commas); every other result in OUT stays"},
			&cli.StringFlag{Name: "shard", Sources: cli.EnvVars("OPTGRADE_SHARD"), Usage: "grade only part `k/n` of the course (split by student id), or auto (Kubernetes Indexed Job, Slurm job array); then optgrade merge"},
			&cli.StringFlag{Name: "roster", Usage: "the course roster `CSV` (id, username, name[, section]): every student gets a row, unknown ids are errors"},
			&cli.StringFlag{Name: "column", Aliases: []string{"brightspace-column"}, Value: "Assignment 1", Usage: "the grade item name in brightspace.csv and canvas.csv"},
			&cli.StringFlag{Name: "brightspace-key", Value: "OrgDefinedId", Usage: "key brightspace.csv by OrgDefinedId or Username (needs --roster)"},
			&cli.StringFlag{Name: "formats", Value: "markdown", Usage: "per-student files besides result.json, comma-separated: " + strings.Join(report.Names(), ", ") + " (markdown is feedback.md, junit junit.xml, gradescope gradescope.json)"},
			&cli.StringFlag{Name: "feedback", Value: "student", Usage: "what the per-student files show of hidden checks: student (name, pass/fail, points only) or full (inputs, expected values, hints: not for students)"},
			&cli.StringFlag{Name: "key", Sources: cli.EnvVars(batch.KeyEnv), Usage: "the `FILE` of the secret that signs each result in OUT (created 0600 when missing; default optgrade/result-key in your configuration folder): give every shard's machine the same one"},
			&cli.BoolFlag{Name: "canvas-id", Usage: "the student ids are Canvas user ids (as from a Canvas zip): write them to canvas.csv's ID column, not SIS User ID"},
		),
		Action: gradeAction,
	}
}

func gradeAction(ctx context.Context, c *cli.Command) error {
	if c.NArg() == 0 {
		return usagef("grade needs at least one submission folder")
	}
	s, err := readRunFlags(c)
	if err != nil {
		return err
	}
	if err := s.requireBwrap(); err != nil {
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
	books := batch.BookOptions{Column: c.String("column"), CanvasID: c.Bool("canvas-id")}
	switch strings.ToLower(c.String("brightspace-key")) {
	case "orgdefinedid":
	case "username":
		books.BrightspaceUsername = true
	default:
		return usagef("--brightspace-key must be OrgDefinedId or Username, got %q", c.String("brightspace-key"))
	}
	var full bool
	switch c.String("feedback") {
	case "student":
	case "full":
		full = true
	default:
		return usagef("--feedback must be student or full, got %q", c.String("feedback"))
	}
	files, err := batch.StudentFiles(splitList([]string{c.String("formats")}), full)
	if err != nil {
		return usagef("--formats: %v", err)
	}
	shard, err := batch.ParseShard(c.String("shard"), os.Getenv)
	if err != nil {
		return usagef("%v", err)
	}
	books.Shard = shard
	var roster *batch.Roster
	if path := c.String("roster"); path != "" {
		if roster, err = batch.ReadRoster(path); err != nil {
			return usagef("%v", err)
		}
	}
	books.Roster = roster
	rubric, err := loadRubric(c, "")
	if err != nil {
		return err
	}
	g, err := grader.New(rubric, true)
	if err != nil {
		return err
	}
	books.RubricDigest = rubric.SHA256
	found, err := batch.Discover(c.Args().Slice(), s.isSubmission, out)
	for _, sk := range found.Skipped {
		fmt.Fprintf(c.Root().ErrWriter, "skipped %s\n", sk)
	}
	if err != nil {
		return usagef("%v", err)
	}
	fmt.Fprintf(c.Root().ErrWriter, "isolation: %s\n", s.sandbox.Describe())
	key, err := loadKey(c.Root().ErrWriter, c.String("key"), out)
	if err != nil {
		return err
	}
	books.Key = key.Secret
	res, err := batch.Run(ctx, found.Dirs, batch.Config{
		Grader:       g,
		Out:          out,
		RubricDigest: books.RubricDigest,
		Settings:     s.fingerprint(),
		Parallel:     c.Int("parallel"),
		Regrade:      c.Bool("regrade"),
		Only:         splitList(c.StringSlice("only")),
		Roster:       roster,
		Shard:        shard,
		Load:         s.loadForBatch,
		Explain:      func(r *grader.Result) { explainStartError(r, s.python) },
		Files:        files,
		Progress:     batch.NewProgress(c.Root().ErrWriter, isTerminal(c.Root().ErrWriter)),
		Key:          key.Secret,
	})
	if res != nil {
		warnUnsigned(c.Root().ErrWriter, res.Unsigned)
	}
	if err != nil {
		return err
	}
	book, err := batch.WriteBooks(out, books)
	if book == nil {
		return err
	}
	warnBook(c.Root().ErrWriter, res, book)
	fmt.Fprintf(c.Root().ErrWriter, "wrote %s: %s\n", out, strings.Join(book.Written, ", "))
	if err != nil {
		return err
	}
	if err := book.WriteSummaryText(c.Root().Writer); err != nil {
		return err
	}
	return batchExit(res.Results)
}

// warnBook tells the TA what makes the gradebook less than certain.
func warnBook(w io.Writer, res *batch.Outcome, book *batch.Book) {
	if n := len(res.IDFromFolder); n > 0 {
		fmt.Fprintf(w, "note: %d submission(s) name no student in optgrade.yaml; graded under the folder name: %s\n", n, strings.Join(res.IDFromFolder, ", "))
	}
	warnStore(w, book)
}

// warnStore tells what of the store's gradebooks needs a look.
func warnStore(w io.Writer, book *batch.Book) {
	if n := len(book.Missing); n > 0 {
		var ids []string
		for _, s := range book.Missing {
			ids = append(ids, s.ID)
		}
		fmt.Fprintf(w, "missing: %d roster student(s) without a submission (blank in the LMS files): %s\n", n, strings.Join(ids, ", "))
	}
	if n := len(book.NotOnRoster); n > 0 {
		fmt.Fprintf(w, "warning: %d result(s) in the output folder are of students not on the roster: %s\n", n, strings.Join(book.NotOnRoster, ", "))
	}
	if n := len(book.Unsigned); n > 0 {
		fmt.Fprintf(w, "warning: %d folder(s) in the output folder hold a result this grader did not write (its MAC is missing or wrong), left out of the gradebooks: %s\n", n, strings.Join(book.Unsigned, ", "))
	}
	if n := len(book.Stale); n > 0 {
		fmt.Fprintf(w, "warning: %d result(s) in the output folder were graded with another rubric; run the batch without --only to regrade them: %s\n", n, strings.Join(book.Stale, ", "))
	}
	if late := batch.LateFromFileTimes(book.Results); len(late) > 0 {
		fmt.Fprintf(w, "WARNING: %d late penalt(ies) come from file modification times, which copying or unzipping changes: %s\n"+
			"         give the real submission times (optgrade ingest records them; or submitted_at: in optgrade.yaml, or --submitted-at) or check these by hand.\n",
			len(late), strings.Join(late, ", "))
	}
}

// loadKey reads (or creates) the key that signs the results in out, and warns when it has
// to be kept in out itself.
func loadKey(w io.Writer, path, out string) (*batch.Key, error) {
	key, err := batch.LoadKey(path, out)
	if err != nil {
		return nil, usagef("%v", err)
	}
	if key.InStore {
		fmt.Fprintf(w, "warning: no configuration folder ($HOME is not set): the key that signs the results is kept in %s, where whoever can replace files in %s can replace it; pass --key FILE to keep it elsewhere\n", key.Path, out)
	}
	return key, nil
}

// warnUnsigned says which stored results were graded again because their MAC did not verify.
func warnUnsigned(w io.Writer, unsigned []string) {
	for _, u := range unsigned {
		fmt.Fprintf(w, "regraded %s: its stored result was not written by this grader (its MAC is missing or wrong)\n", u)
	}
	if n := len(unsigned); n > 0 {
		fmt.Fprintf(w, "warning: %d stored result(s) were not written by this grader and were graded again\n", n)
	}
}

// batchExit is the exit status of a batch: could not grade (3) over some check failed (1).
func batchExit(results []*grader.Result) error {
	failed := false
	for _, r := range results {
		if r.Error != "" {
			return errNotGraded
		}
		failed = failed || !r.Passed()
	}
	if failed {
		return errChecksFailed
	}
	return nil
}

// splitList splits repeated, comma-separated flag values.
func splitList(vals []string) []string {
	var out []string
	for _, v := range vals {
		for _, f := range strings.Split(v, ",") {
			if f = strings.TrimSpace(f); f != "" {
				out = append(out, f)
			}
		}
	}
	return out
}

// loadForBatch loads a submission folder for a batch: the late penalty may come from the
// newest file's time.
func (s runSettings) loadForBatch(dir string) (*batch.Submission, error) {
	sub, err := runner.Load(dir, runner.Options{Python: s.python})
	if err != nil {
		return nil, err
	}
	student := sub.Student
	if !sub.Named {
		student = ""
	}
	return &batch.Submission{Student: student, Runner: s.runner(sub), Submitted: s.submitted(sub, true)}, nil
}

// isSubmission reports whether dir is a submission folder: one that a row of the table of
// submission kinds recognises, even if it then cannot run it.
func (s runSettings) isSubmission(dir string) bool {
	_, ok := runner.Detect(dir)
	return ok
}

// fingerprint is the settings that change results, for the batch's digests.
func (s runSettings) fingerprint() string {
	return fmt.Sprintf("timeout=%s budget=%s python=%s sandbox=%s", s.timeout, s.budget, s.python, s.mode)
}
