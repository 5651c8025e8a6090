package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"sort"
	"sync"

	"github.com/urfave/cli/v2"

	"github.com/optgrade/optgrade/grader"
	"github.com/optgrade/optgrade/grader/report"
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
	if c.String("out") == "" {
		return usagef("grade needs --out DIR for the results")
	}
	rubric, err := loadRubric(c, "")
	if err != nil {
		return err
	}
	g, err := grader.New(rubric, true)
	if err != nil {
		return err
	}
	dirs, err := submissionDirs(c.Args().Slice())
	if err != nil {
		return usagef("%v", err)
	}
	out := c.String("out")
	if err := os.MkdirAll(out, 0o755); err != nil {
		return err
	}
	parallel := c.Int("parallel")
	if parallel < 1 {
		return usagef("--parallel must be at least 1")
	}
	batch := loadBatch(dirs, s)

	results := make([]*grader.Result, len(batch))
	var mu sync.Mutex
	work := make(chan int)
	var wg sync.WaitGroup
	var firstErr error
	for w := 0; w < parallel; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range work {
				res, resumed, err := gradeOne(c.Context, g, s, batch[i], out, c.Bool("regrade"))
				mu.Lock()
				if err != nil && firstErr == nil {
					firstErr = err
				}
				results[i] = res
				if res != nil {
					note := ""
					if resumed {
						note = " (kept from an earlier run)"
					}
					fmt.Fprintf(c.App.ErrWriter, "%-24s %6.2f/%g%s\n", batch[i].key, res.Score, res.MaxScore, note)
				}
				mu.Unlock()
			}
		}()
	}
feed:
	for i := range batch {
		select {
		case work <- i:
		case <-c.Context.Done():
			break feed
		}
	}
	close(work)
	wg.Wait()
	if firstErr != nil {
		return firstErr
	}
	if err := c.Context.Err(); err != nil {
		return fmt.Errorf("interrupted: the results written so far are kept; run the same command again to resume")
	}
	if err := writeBatchFiles(out, results, c.String("brightspace-column")); err != nil {
		return err
	}
	stats := report.Summary(results)
	report.WriteSummary(c.App.Writer, stats)
	for _, r := range results {
		if !r.Passed() {
			return errChecksFailed
		}
	}
	return nil
}

// gradeOne grades one submission folder, or reuses its earlier result, and writes its
// result.json and feedback.md. A folder that cannot be loaded is a result with Error set.
func gradeOne(ctx context.Context, g *grader.Grader, s runSettings, e batchEntry, out string, regrade bool) (*grader.Result, bool, error) {
	studentDir := filepath.Join(out, e.key)
	resultPath := filepath.Join(studentDir, "result.json")
	if !regrade {
		if res, ok := readResult(resultPath, g.Rubric().Assignment); ok {
			return res, true, nil
		}
	}
	var res *grader.Result
	if e.err != nil {
		res = g.Grade(ctx, failingRunner{e.err}, e.key, e.dir, grader.Submitted{Source: "none"})
	} else {
		res = g.Grade(ctx, s.runner(e.sub), e.sub.Student, e.dir, s.submitted(e.sub, true))
		explainStartError(res, s.python)
	}
	if ctx.Err() != nil {
		return nil, false, nil // interrupted mid-grade: not written, graded again on resume
	}
	if err := os.MkdirAll(studentDir, 0o755); err != nil {
		return res, false, err
	}
	js, _ := report.Lookup("json")
	md, _ := report.Lookup("markdown")
	if err := writeFileAtomic(filepath.Join(studentDir, "feedback.md"), func(f *os.File) error { return md.Write(f, res, report.Options{}) }); err != nil {
		return res, false, err
	}
	// result.json last: its presence marks the student as done.
	if err := writeFileAtomic(resultPath, func(f *os.File) error { return js.Write(f, res, report.Options{}) }); err != nil {
		return res, false, err
	}
	return res, false, nil
}

// failingRunner is a Runner for a submission folder that could not even be loaded.
type failingRunner struct{ err error }

func (f failingRunner) Start(context.Context) (grader.Conn, error) { return nil, f.err }

func readResult(path, assignment string) (*grader.Result, bool) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, false
	}
	var res grader.Result
	if json.Unmarshal(data, &res) != nil || res.Version != grader.ResultVersion || res.Assignment != assignment {
		return nil, false
	}
	return &res, true
}

// writeFileAtomic writes a file through a temporary file renamed into place, so that an
// interrupted batch never leaves half a result.
func writeFileAtomic(path string, write func(*os.File) error) error {
	f, err := os.CreateTemp(filepath.Dir(path), ".tmp-"+filepath.Base(path)+"-*")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name())
	if err := write(f); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(f.Name(), path)
}

func writeBatchFiles(out string, results []*grader.Result, column string) error {
	files := []struct {
		name  string
		write func(*os.File) error
	}{
		{"gradebook.csv", func(f *os.File) error { return report.WriteGradebook(f, results) }},
		{"brightspace.csv", func(f *os.File) error { return report.WriteBrightspace(f, results, column) }},
		{"summary.txt", func(f *os.File) error { report.WriteSummary(f, report.Summary(results)); return nil }},
	}
	for _, fl := range files {
		if err := writeFileAtomic(filepath.Join(out, fl.name), fl.write); err != nil {
			return fmt.Errorf("write %s: %w", fl.name, err)
		}
	}
	return nil
}

// submissionDirs expands the arguments: a submission folder stands for itself, any other
// folder for its subfolders that are submissions.
func submissionDirs(args []string) ([]string, error) {
	var dirs []string
	for _, a := range args {
		st, err := os.Stat(a)
		if err != nil {
			return nil, err
		}
		if !st.IsDir() {
			return nil, fmt.Errorf("%s is not a folder", a)
		}
		if isSubmission(a) {
			dirs = append(dirs, a)
			continue
		}
		entries, err := os.ReadDir(a)
		if err != nil {
			return nil, err
		}
		n := 0
		for _, e := range entries {
			if p := filepath.Join(a, e.Name()); e.IsDir() && isSubmission(p) {
				dirs = append(dirs, p)
				n++
			}
		}
		if n == 0 {
			return nil, fmt.Errorf("%s is neither a submission (optgrade.yaml, solution.py, main.py, go.mod or a .so) nor a folder of submissions", a)
		}
	}
	return dirs, nil
}

func isSubmission(dir string) bool {
	for _, name := range []string{"optgrade.yaml", "solution.py", "main.py", "go.mod"} {
		if fileExists(filepath.Join(dir, name)) {
			return true
		}
	}
	so, _ := filepath.Glob(filepath.Join(dir, "*.so"))
	return len(so) > 0
}

var unsafeKey = regexp.MustCompile(`[^A-Za-z0-9._-]+`)

// batchEntry is one submission folder of a batch, loaded once: its output folder's name
// (key) and its submission, or why it could not be loaded.
type batchEntry struct {
	dir, key string
	sub      *grader.Submission
	err      error
}

// loadBatch loads every folder and names its output folder after its student, made safe
// for a file name and unique (a second "alice" becomes "alice-2", in folder order).
func loadBatch(dirs []string, s runSettings) []batchEntry {
	batch := make([]batchEntry, len(dirs))
	order := make([]int, len(dirs))
	for i, d := range dirs {
		order[i] = i
		batch[i].dir = d
		batch[i].sub, batch[i].err = grader.LoadSubmission(d, grader.SubmissionOptions{Python: s.python})
	}
	sort.SliceStable(order, func(a, b int) bool { return dirs[order[a]] < dirs[order[b]] })
	seen := map[string]int{}
	for _, i := range order {
		name := filepath.Base(filepath.Clean(dirs[i]))
		if e := batch[i]; e.err == nil && e.sub.Student != "" {
			name = e.sub.Student
		}
		key := unsafeKey.ReplaceAllString(name, "_")
		if key == "" || key == "." || key == ".." {
			key = "student"
		}
		seen[key]++
		if n := seen[key]; n > 1 {
			key = fmt.Sprintf("%s-%d", key, n)
		}
		batch[i].key = key
	}
	return batch
}
