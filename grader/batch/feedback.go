package batch

import (
	"fmt"
	"io"
	"strings"

	"github.com/optgrade/optgrade/grader"
	"github.com/optgrade/optgrade/grader/report"
)

// StudentFile is one per-student file of a batch, written in the student's folder of the
// store next to result.json.
type StudentFile struct {
	Name  string // the file name, e.g. feedback.md
	Write func(w io.Writer, r *grader.Result) error
}

// fileNames are the per-student file names of the report formats; a format not listed
// here is written to feedback.<format>.
var fileNames = map[string]string{
	"markdown":   "feedback.md",
	"text":       "feedback.txt",
	"junit":      "junit.xml",
	"gradescope": "gradescope.json",
	"html":       "feedback.html",
}

// StudentFiles returns the per-student files for the named report formats. "json" is
// result.json, always written (the TA's full record) and so needs no file of its own.
// Every other format is feedback for the student: unless full, hidden checks show only
// their name, status and points there (see StudentView).
func StudentFiles(formats []string, full bool) ([]StudentFile, error) {
	var files []StudentFile
	seen := map[string]bool{}
	for _, name := range formats {
		name = strings.ToLower(strings.TrimSpace(name))
		if name == "" || name == "json" || seen[name] {
			continue
		}
		seen[name] = true
		f, ok := report.Lookup(name)
		if !ok {
			return nil, fmt.Errorf("unknown format %q (formats: %s)", name, strings.Join(report.Names(), ", "))
		}
		file := fileNames[f.Name]
		if file == "" {
			file = "feedback." + f.Name
		}
		files = append(files, StudentFile{Name: file, Write: func(w io.Writer, r *grader.Result) error {
			if !full {
				r = StudentView(r)
			}
			return f.Write(w, r, report.Options{})
		}})
	}
	return files, nil
}

// StudentView returns the result as a student may see it: a hidden check keeps only its
// name, kind, visibility, status, points and how many cases passed; its inputs, what came
// back, what was wanted and the named mistake (all of which could reveal the hidden
// cases) are dropped. Other checks are kept whole. When hidden checks ran, the program's
// own output is dropped too: a program that prints its arguments would print the hidden
// inputs. r is not changed.
func StudentView(r *grader.Result) *grader.Result {
	c := *r
	c.Tasks = make([]grader.TaskResult, len(r.Tasks))
	hidden := false
	for i, t := range r.Tasks {
		t.Checks = append([]grader.CheckResult(nil), t.Checks...)
		for j, ch := range t.Checks {
			if ch.Visibility != "hidden" {
				continue
			}
			hidden = true
			t.Checks[j] = bareCheck(ch)
		}
		c.Tasks[i] = t
	}
	if hidden && c.Output != "" {
		c.Output = "(not shown: the grader ran hidden checks, and a program's prints could reveal their inputs)"
	}
	return &c
}

// bareCheck keeps of a check its name, kind, visibility, status, points and how many
// cases passed: nothing of its cases.
func bareCheck(ch grader.CheckResult) grader.CheckResult {
	return grader.CheckResult{
		Name: ch.Name, Kind: ch.Kind, Visibility: ch.Visibility, Status: ch.Status,
		Score: ch.Score, MaxScore: ch.MaxScore, Cases: ch.Cases, Passed: ch.Passed,
	}
}
