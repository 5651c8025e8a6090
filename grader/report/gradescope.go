package report

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/optgrade/optgrade/grader"
)

// gradescopeResults is Gradescope's autograder results.json (its "Autograder
// Specifications": top-level score, output, visibility, stdout_visibility, tests).
type gradescopeResults struct {
	Score            float64          `json:"score"`
	Output           string           `json:"output,omitempty"`
	OutputFormat     string           `json:"output_format"`
	Visibility       string           `json:"visibility"`
	StdoutVisibility string           `json:"stdout_visibility"`
	Tests            []gradescopeTest `json:"tests"`
}

type gradescopeTest struct {
	Name       string  `json:"name"`
	Number     string  `json:"number,omitempty"`
	Score      float64 `json:"score"`
	MaxScore   float64 `json:"max_score"`
	Status     string  `json:"status"`
	Output     string  `json:"output,omitempty"`
	Visibility string  `json:"visibility"`
}

// gradescopeVisibility maps a check's visibility to Gradescope's words (the rubric already
// uses them); anything else is shown. A hidden check becomes hidden (Options.Hidden, by
// default "after_published"): Gradescope hides a student's total while any test that
// carries points is "hidden", so hidden checks are shown — name, status, points — once the
// grades are published.
func gradescopeVisibility(v string, o Options) string {
	switch v {
	case "hidden":
		if o.Hidden != "" {
			return o.Hidden
		}
		return "after_published"
	case "visible", "after_due_date", "after_published":
		return v
	default:
		return "visible"
	}
}

// GradescopeVisibilities are Gradescope's visibility words, for Options.Hidden.
var GradescopeVisibilities = []string{"visible", "hidden", "after_due_date", "after_published"}

// Gradescope writes r as Gradescope's autograder results.json. Each check is a test named
// "task / check" and numbered "task.check" (1-based), with its score and max_score, status
// "passed" only when the check passed, the check's feedback as output, and the check's
// visibility (visible, after_due_date; hidden checks as Options.Hidden); a task without checks (the submission could
// not be graded) is one test with the task's points. A late penalty is one more test, "Late
// penalty", with a negative score and max_score 0, so the tests' scores sum to the
// top-level score, which is r.Score (Gradescope takes a top-level score over the tests'
// sum). The top-level output says why a submission could not be graded and holds the
// student's own output; it is plain text (output_format "text"). Top-level visibility is
// "visible" (tests set their own), and stdout_visibility "hidden": the grader's stdout is
// for instructors. Of the Options only Hidden is read.
func Gradescope(w io.Writer, r *grader.Result, o Options) error {
	res := gradescopeResults{
		Score:            r.Score,
		OutputFormat:     "text",
		Visibility:       "visible",
		StdoutVisibility: "hidden",
		Tests:            []gradescopeTest{},
	}
	var out []string
	if r.Error != "" {
		out = append(out, "Could not grade this submission: "+r.Error)
	}
	if float32Results(r) {
		out = append(out, float32Note)
	}
	if r.Output != "" {
		ls := lines(r.Output)
		kept, more := capLines(ls, maxOutputLines)
		if more > 0 {
			kept = append(kept, fmt.Sprintf("… and %d more lines", more))
		}
		out = append(out, "Your program's output:\n"+strings.Join(kept, "\n"))
	}
	res.Output = printable(strings.Join(out, "\n\n"))

	for i := range r.Tasks {
		t := &r.Tasks[i]
		if len(t.Checks) == 0 {
			// No checks ran (the submission could not be graded): the task is one test, so
			// the points it lost still show.
			status, output := "failed", "not graded"
			if t.Score >= t.MaxScore {
				status, output = "passed", "passed"
			}
			res.Tests = append(res.Tests, gradescopeTest{
				Name: t.ID, Number: fmt.Sprintf("%d", i+1), Score: t.Score, MaxScore: t.MaxScore,
				Status: status, Output: output, Visibility: "visible",
			})
		}
		for j := range t.Checks {
			c := &t.Checks[j]
			status := "failed"
			if c.Status == grader.Pass {
				status = "passed"
			}
			res.Tests = append(res.Tests, gradescopeTest{
				Name:       checkName(t, c),
				Number:     fmt.Sprintf("%d.%d", i+1, j+1),
				Score:      c.Score,
				MaxScore:   c.MaxScore,
				Status:     status,
				Output:     printable(gradescopeOutput(t, c)),
				Visibility: gradescopeVisibility(c.Visibility, o),
			})
		}
	}
	if r.LatePenalty != 0 {
		res.Tests = append(res.Tests, gradescopeTest{
			Name:       "Late penalty",
			Score:      -r.LatePenalty,
			MaxScore:   0,
			Status:     "failed",
			Output:     lateLine(r),
			Visibility: "visible",
		})
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(&res); err != nil {
		return fmt.Errorf("gradescope: %w", err)
	}
	return nil
}

// gradescopeOutput is a check's feedback for the student: where its function is defined
// (a notebook's cell), the message, the further failing cases (capped), the likely mistake.
func gradescopeOutput(t *grader.TaskResult, c *grader.CheckResult) string {
	var b strings.Builder
	if c.Status != grader.Pass {
		b.WriteString(whereLine(t))
	}
	switch c.Status {
	case grader.Pass:
		b.WriteString("passed")
		if c.Cases > 1 {
			fmt.Fprintf(&b, " (%d/%d cases)", c.Passed, c.Cases)
		}
		return b.String()
	case grader.NotImplemented:
		b.WriteString("not attempted")
		return b.String()
	}
	if c.Status == grader.Partial {
		fmt.Fprintf(&b, "%d/%d cases passed.\n", c.Passed, c.Cases)
	}
	b.WriteString(c.Message)
	details, more := capLines(c.Details, maxDetails)
	for _, d := range details {
		b.WriteString("\n  " + d)
	}
	if more > 0 {
		fmt.Fprintf(&b, "\n  … and %d more", more)
	}
	if c.Hint != "" {
		b.WriteString("\n\n" + c.Hint)
	}
	return b.String()
}
