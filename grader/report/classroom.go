package report

import (
	"encoding/json"
	"io"
	"strings"

	"github.com/optgrade/optgrade/grader"
)

// classroomResult is the result a GitHub Classroom autograding runner hands to
// autograding-grading-reporter (base64 of this JSON in the runner's output "result").
type classroomResult struct {
	Version  int             `json:"version"`
	Status   string          `json:"status"` // pass, fail or error
	MaxScore float64         `json:"max_score"`
	Tests    []classroomTest `json:"tests"`
}

type classroomTest struct {
	Name     string  `json:"name"`
	Status   string  `json:"status"`
	Score    float64 `json:"score"`
	Message  string  `json:"message"`
	TestCode string  `json:"test_code"`
	Filename string  `json:"filename"`
	LineNo   int     `json:"line_no"`
	Duration int     `json:"duration"`
}

// Classroom writes r for GitHub Classroom's autograding reporter: one test per task, its
// score the task's points (partial credit included: the reporter sums the scores), pass
// only when every check of the task passed; max_score the result's. Options are ignored.
func Classroom(w io.Writer, r *grader.Result, _ Options) error {
	out := classroomResult{Version: 1, Status: "pass", MaxScore: r.MaxScore, Tests: []classroomTest{}}
	if r.Error != "" {
		out.Status = "error"
	}
	for i := range r.Tasks {
		t := &r.Tasks[i]
		ct := classroomTest{Name: t.ID, Status: "pass", Score: t.Score, TestCode: "optgrade check --task " + t.ID}
		if t.Title != "" {
			ct.Name += " — " + t.Title
		}
		if taskStatus(t) != "PASS" {
			ct.Status = "fail"
			if out.Status == "pass" {
				out.Status = "fail"
			}
			ct.Message = classroomMessage(t, r.Error)
		}
		out.Tests = append(out.Tests, ct)
	}
	b, err := json.Marshal(out)
	if err != nil {
		return err
	}
	_, err = w.Write(indentJSON(append(b, '\n')))
	return err
}

// classroomMessage says in a few lines why a task lost points: its likely mistake and the
// first line about each failing check.
func classroomMessage(t *grader.TaskResult, notGraded string) string {
	if notGraded != "" {
		return "could not grade: " + firstLine(notGraded)
	}
	fb := feedbackFor(t)
	var ls []string
	if w := whereDefined(t); w != "" {
		ls = append(ls, "Where: "+w)
	}
	for _, h := range fb.hints {
		ls = append(ls, "Likely mistake: "+h)
	}
	if s := fb.shown; s != nil {
		ls = append(ls, s.id+": "+s.head)
		ls = append(ls, s.lines...)
	}
	for _, m := range fb.more {
		ls = append(ls, firstLine(m.text))
	}
	if len(fb.todo) > 0 {
		ls = append(ls, "not attempted: "+strings.Join(fb.todo, ", "))
	}
	return printable(strings.Join(ls, "\n"))
}
