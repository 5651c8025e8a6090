package report

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/optgrade/optgrade/grader"
)

// taskFeedback is what the text and Markdown reports say about a task that did not pass,
// in reading order: the likely mistake, one failing case in full, then a line per other
// failing check ("n more cases fail the same way"), then the checks not attempted.
type taskFeedback struct {
	hints []string // distinct hint sentences of the failing checks
	shown *shownCase
	more  []moreLine
	todo  []string // names of checks not attempted
	// todoNote says why the task is not attempted when that may be a slip (a function
	// named adam_update instead of adam_step).
	todoNote string
}

// shownCase is one failing case in full.
type shownCase struct {
	status grader.Status
	head   string   // "five steps from zero moments, step 1"
	id     string   // for --case
	call   string   // every argument: adam_step(w=[1, 2], …)
	lines  []string // where it differs (or the error), the check's notes, steps not run
	output []string // what the student's program printed during the call (capped)
	more   int      // lines of output left out
}

// maxCaseOutput is how many lines of a call's output feedback shows next to it.
const maxCaseOutput = 10

// moreLine is one line about a failing check other than the shown case.
type moreLine struct {
	status grader.Status
	text   string
}

// feedbackFor gathers a task's feedback. Hidden checks show no inputs or values.
func feedbackFor(task *grader.TaskResult) taskFeedback {
	var fb taskFeedback
	var shownCheck *grader.CheckResult
	shortest := 0 // the length of the shown case's arguments: the shortest is shown
	for j := range task.Checks {
		c := &task.Checks[j]
		switch c.Status {
		case grader.Pass:
			continue
		case grader.NotImplemented:
			fb.todo = append(fb.todo, c.Name)
			if fb.todoNote == "" && strings.Contains(c.Message, "did you mean") {
				fb.todoNote = c.Message
			}
			continue
		}
		if c.Hint != "" && !contains(fb.hints, c.Hint) {
			fb.hints = append(fb.hints, c.Hint)
		}
		if hiddenCheck(c) || len(c.Failures) == 0 {
			continue
		}
		for k := range c.Failures {
			f := &c.Failures[k]
			if fb.shown == nil || len(f.Args) < shortest {
				fb.shown, shownCheck, shortest = showCase(c, f), c, len(f.Args)
			}
		}
	}
	for j := range task.Checks {
		c := &task.Checks[j]
		if c.Status == grader.Pass || c.Status == grader.NotImplemented {
			continue
		}
		if line, ok := moreAbout(c, shownCheck, fb.shown); ok {
			fb.more = append(fb.more, moreLine{c.Status, line})
		}
	}
	return fb
}

// showCase lays out one failing case in full.
func showCase(c *grader.CheckResult, f *grader.CaseResult) *shownCase {
	s := &shownCase{status: c.Status, head: c.Name + ", " + f.Label, id: f.ID, call: callText(f)}
	switch {
	case f.Fault != "":
		s.lines = append(s.lines, "no answer: "+firstLine(f.Fault))
	case f.Error != "":
		s.lines = append(s.lines, "raised "+firstLine(f.Error))
	default:
		if l := mismatchLine(f); l != "" {
			s.lines = append(s.lines, l)
		}
	}
	s.lines = append(s.lines, f.Notes...)
	if c.NotRun > 0 {
		s.lines = append(s.lines, fmt.Sprintf("the %d steps after it were not run", c.NotRun))
	}
	s.output, s.more = capLines(lines(printable(f.Output)), maxCaseOutput)
	return s
}

// moreAbout is the line about check c's failing cases other than the shown one.
func moreAbout(c, shownCheck *grader.CheckResult, shown *shownCase) (string, bool) {
	switch {
	case hiddenCheck(c):
		return fmt.Sprintf("%s (hidden check): %d of %d cases fail", c.Name, c.Cases-c.Passed, c.Cases), true
	case len(c.Failures) == 0:
		msg := c.Message
		if msg == "" {
			msg = string(c.Status)
		}
		details, more := capLines(c.Details, maxDetails)
		for _, d := range details {
			msg += "\n" + d
		}
		if more > 0 {
			msg += fmt.Sprintf("\n… and %d more", more)
		}
		return c.Name + caseCount(c) + ": " + msg, true
	}
	var rest []*grader.CaseResult
	for k := range c.Failures {
		if shown == nil || c.Failures[k].ID != shown.id {
			rest = append(rest, &c.Failures[k])
		}
	}
	if len(rest) == 0 {
		return "", false
	}
	ids := rest[0].ID
	if len(rest) > 1 {
		ids += " … " + rest[len(rest)-1].ID
	}
	more, verb := fmt.Sprintf("%d more cases", len(rest)), "fail"
	if len(rest) == 1 {
		more, verb = "1 more case", "fails"
	}
	switch {
	case allFaults(rest):
		return fmt.Sprintf("%s: %s got no answer (%s): %s", c.Name, more, ids, firstLine(rest[0].Fault)), true
	case c.Misconception != "" && shownCheck != nil && c.Misconception == shownCheck.Misconception:
		return fmt.Sprintf("%s: %s %s the same way (%s)", c.Name, more, verb, ids), true
	case c == shownCheck:
		return fmt.Sprintf("%s: %s %s (%s)", c.Name, more, verb, ids), true
	}
	first := showCase(c, rest[0])
	line := fmt.Sprintf("%s%s: %s: %s [%s]", c.Name, caseCount(c), rest[0].Label, strings.Join(first.lines, "; "), rest[0].ID)
	if len(rest) > 1 {
		line += fmt.Sprintf(", and %s more", casesWord(len(rest)-1))
	}
	return line, true
}

func casesWord(n int) string {
	if n == 1 {
		return "1 case"
	}
	return fmt.Sprintf("%d cases", n)
}

func allFaults(cs []*grader.CaseResult) bool {
	for _, c := range cs {
		if c.Fault == "" {
			return false
		}
	}
	return true
}

// hiddenCheck reports whether a check's inputs must not be shown to the student.
func hiddenCheck(c *grader.CheckResult) bool {
	return c.Visibility != "" && c.Visibility != "visible"
}

// callText writes a call with every argument in full: adam_step(g=[0.1, -3], lr=0.01, …).
func callText(f *grader.CaseResult) string {
	var args map[string]json.RawMessage
	if json.Unmarshal(f.Args, &args) != nil {
		return f.Fn + "(" + string(f.Args) + ")"
	}
	keys := make([]string, 0, len(args))
	for k := range args {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = k + "=" + spaced(string(args[k]))
	}
	return f.Fn + "(" + strings.Join(parts, ", ") + ")"
}

func contains(l []string, s string) bool {
	for _, x := range l {
		if x == s {
			return true
		}
	}
	return false
}

// scoreLine is the score with what it covers: "Score: 36/50 on the public checks; the
// final grade adds hidden checks worth 50 points (out of 100)."
func scoreLine(r *grader.Result) string {
	s := "Score: " + points(r.Score, 2) + "/" + points(r.MaxScore, 2)
	if r.LatePenalty != 0 {
		s += " (" + points(r.RawScore, 2) + " before the late penalty)"
	}
	if r.Visibility != "visible" {
		return s
	}
	s += " on the public checks; the final grade adds hidden checks"
	if r.HiddenPoints > 0 {
		s += fmt.Sprintf(" worth %s points (out of %s)", points(r.HiddenPoints, 2), points(r.MaxScore+r.HiddenPoints, 2))
	} else {
		s += " with other inputs"
	}
	return s + "."
}
