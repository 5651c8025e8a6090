package report

import (
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/optgrade/optgrade/grader"
)

// ANSI escape sequences of the text format, used only when Options.Color is set.
const (
	ansiReset  = "\x1b[0m"
	ansiBold   = "\x1b[1m"
	ansiRed    = "\x1b[31m"
	ansiGreen  = "\x1b[32m"
	ansiYellow = "\x1b[33m"
)

// Text writes r as the terminal report: a line per task with its status and points; under
// each failed check its message, further failing cases (capped) and the likely mistake;
// checks not attempted in one line per task; then the student's own output (when a check
// failed, or with o.Verbose), the late penalty and the total score.
//
//	PART  adam      Adam (adam_step)   3.0/10.0
//	  FAIL adam / free-running: step 1: w[0] = 0.9990000, want 0.9900000 (rtol 1e-6)
//	       Your update matches Adam without bias correction: divide m and v by (1 − βᵗ).
//
// Colours (ANSI) are used only when o.Color is set.
func Text(w io.Writer, r *grader.Result, o Options) error {
	t := textWriter{color: o.Color, width: o.width()}
	t.header(r)
	t.tasks(r, o.Verbose)
	t.footer(r, o.Verbose)
	_, err := io.WriteString(w, t.b.String())
	return err
}

type textWriter struct {
	b        strings.Builder
	color    bool
	width    int
	replayID string // the first case shown in full, for the replay hint
}

// paint wraps s in an ANSI style when colour is on.
func (t *textWriter) paint(style, s string) string {
	if !t.color || s == "" {
		return s
	}
	return style + s + ansiReset
}

func (t *textWriter) line(format string, args ...any) {
	fmt.Fprintf(&t.b, format, args...)
	t.b.WriteByte('\n')
}

// block writes a possibly multi-line text from the submission or the rubric, made
// printable and painted in style (if any), the first line after prefix and the others
// after indent.
func (t *textWriter) block(prefix, indent, style, s string) {
	for i, l := range lines(printable(s)) {
		if style != "" {
			l = t.paint(style, l)
		}
		if i == 0 {
			t.line("%s%s", prefix, l)
		} else {
			t.line("%s%s", indent, l)
		}
	}
}

func (t *textWriter) statusWord(s string) string {
	switch s {
	case "PASS", "ok":
		return t.paint(ansiGreen, s)
	case "PART", "TODO":
		return t.paint(ansiYellow, s)
	default:
		return t.paint(ansiRed, s)
	}
}

func (t *textWriter) header(r *grader.Result) {
	if r.Assignment != "" {
		t.wrapped("", "  ", ansiBold, heading(r))
	}
	if r.Student != "" {
		t.line("Student: %s", printable(r.Student))
	}
	if r.Error != "" {
		for i, l := range lines(r.Error) {
			if i == 0 {
				t.wrapped(t.paint(ansiRed, "ERROR")+" could not grade: ", "      ", "", l)
			} else {
				t.wrapped("      ", "        ", "", l)
			}
		}
	}
	if t.b.Len() > 0 {
		t.line("")
	}
}

// taskLabel is "Title (function)", or whichever of the two is set.
func taskLabel(task *grader.TaskResult) string {
	switch {
	case task.Title != "" && task.Function != "":
		return task.Title + " (" + task.Function + ")"
	case task.Title != "":
		return task.Title
	default:
		return task.Function
	}
}

func pad(s string, n int) string {
	if k := utf8.RuneCountInString(s); k < n {
		return s + strings.Repeat(" ", n-k)
	}
	return s
}

func (t *textWriter) tasks(r *grader.Result, verbose bool) {
	idW, labelW, ptsW := 0, 0, 0
	for i := range r.Tasks {
		task := &r.Tasks[i]
		idW = max(idW, utf8.RuneCountInString(printable(task.ID)))
		labelW = max(labelW, utf8.RuneCountInString(printable(taskLabel(task))))
		ptsW = max(ptsW, len(points1(task.Score)+"/"+points1(task.MaxScore)))
	}
	// Titles are clipped so that a task's line fits the width.
	labelW = max(min(labelW, t.width-(4+2+idW+2+2+ptsW)), 10)
	for i := range r.Tasks {
		task := &r.Tasks[i]
		pts := points1(task.Score) + "/" + points1(task.MaxScore)
		t.line("%s  %s  %s  %s%s", t.statusWord(taskStatus(task)),
			pad(printable(task.ID), idW), pad(clipRunes(printable(taskLabel(task)), labelW), labelW),
			strings.Repeat(" ", ptsW-len(pts)), pts)
		if verbose {
			for j := range task.Checks {
				if c := &task.Checks[j]; c.Status == grader.Pass {
					t.line("  %s   %s%s", t.statusWord("ok"), printable(c.Name), caseCount(c))
				}
			}
		}
		fb := feedbackFor(task)
		if r.Error == "" { // else every check says the same: it could not run
			if where := whereDefined(task); where != "" {
				t.wrapped("  Where: ", "    ", "", where)
			}
			t.feedback(&fb)
		}
		switch {
		case len(fb.todo) == 0:
		case fb.todoNote != "":
			t.wrapped("  "+t.paint(ansiYellow, "not attempted")+": ", "    ", "", fb.todoNote)
		case len(fb.todo) == len(task.Checks):
			t.line("  %s", t.paint(ansiYellow, "not attempted"))
		default:
			t.wrapped("  "+t.paint(ansiYellow, "not attempted")+": ", "    ", "", strings.Join(fb.todo, ", "))
		}
		if fb.shown != nil && t.replayID == "" {
			t.replayID = fb.shown.id
		}
	}
	if float32Results(r) {
		t.wrapped("", "  ", "", float32Note)
	}
}

// float32Note is the report's sentence when some results were judged as float32.
const float32Note = "Your numbers are float32 (single precision): they were judged with a float32 tolerance."

// float32Results reports whether some check judged the submission's results as float32.
func float32Results(r *grader.Result) bool {
	for i := range r.Tasks {
		if float32Task(&r.Tasks[i]) {
			return true
		}
	}
	return false
}

// float32Task reports whether some check of t judged the submission's results as float32.
func float32Task(t *grader.TaskResult) bool {
	for _, c := range t.Checks {
		if c.Float32 {
			return true
		}
	}
	return false
}

// feedback writes a task's likely mistake, its one failing case in full, and a line per
// other failing check.
func (t *textWriter) feedback(fb *taskFeedback) {
	const indent = "       "
	for _, h := range fb.hints {
		t.wrapped("  Likely mistake: ", "    ", ansiYellow, h)
	}
	if s := fb.shown; s != nil {
		t.wrapped("  "+t.statusWord(checkWord(s.status))+" ", "    ", "", s.id+": "+s.head)
		t.wrapped(indent, indent+"  ", "", s.call)
		for _, l := range s.lines {
			t.wrapped(indent, indent+"  ", "", l)
		}
		if len(s.output) > 0 {
			t.line("%syour program printed during this call:", indent)
			for _, l := range s.output {
				t.line("%s", clipRunes(indent+"│ "+l, t.width))
			}
			if s.more > 0 {
				t.line("%s│ … and %d more lines", indent, s.more)
			}
		}
	}
	for _, m := range fb.more {
		for i, l := range lines(m.text) {
			if i == 0 {
				t.wrapped("  "+t.statusWord(checkWord(m.status))+" ", "    ", "", l)
			} else {
				t.wrapped(indent, indent+"  ", "", l)
			}
		}
	}
}

// wrapped writes s made printable, wrapped to the width: the first line after first, the
// others after indent (first's width is counted without its ANSI styles).
func (t *textWriter) wrapped(first, indent, style, s string) {
	pad := strings.Repeat(" ", visibleWidth(first))
	for i, l := range wrap(printable(s), t.width, pad, indent) {
		prefix, text := indent, strings.TrimPrefix(l, indent)
		if i == 0 {
			prefix, text = first, strings.TrimPrefix(l, pad)
		}
		if style != "" {
			text = t.paint(style, text)
		}
		t.line("%s%s", prefix, text)
	}
}

// visibleWidth counts the runes of s outside ANSI escape sequences.
func visibleWidth(s string) int {
	n, esc := 0, false
	for _, r := range s {
		switch {
		case r == '\x1b':
			esc = true
		case esc && r == 'm':
			esc = false
		case !esc:
			n++
		}
	}
	return n
}

// clipRunes cuts s to n runes, ending it with "…" when cut.
func clipRunes(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

// caseCount is " (7/10)" for a check of several cases, "" otherwise.
func caseCount(c *grader.CheckResult) string {
	if c.Cases <= 1 {
		return ""
	}
	return fmt.Sprintf(" (%d/%d)", c.Passed, c.Cases)
}

func (t *textWriter) footer(r *grader.Result, verbose bool) {
	if r.Output != "" && (verbose || !r.Passed()) {
		ls := lines(printable(r.Output))
		kept, more := capLines(ls, maxOutputLines)
		t.line("")
		if len(ls) == 1 {
			t.line("Your program's output (1 line):")
		} else {
			t.line("Your program's output (%d lines):", len(ls))
		}
		for _, l := range kept {
			t.line("    %s", l)
		}
		if more > 0 {
			t.line("    … and %d more lines", more)
		}
	}
	t.line("")
	if t.replayID != "" {
		t.wrapped("", "  ", "", "Replay a case in full: optgrade check --case "+t.replayID)
	}
	if l := lateLine(r); l != "" {
		t.wrapped("", "  ", ansiYellow, l)
	}
	if verbose {
		t.line("Graded in %.1f s.", r.Elapsed)
		if r.Isolation != "" {
			t.wrapped("", "  ", "", "Isolation: "+r.Isolation)
		}
	}
	if sum := printable(r.RubricSHA256); sum != "" {
		if len("Rubric SHA-256: "+sum) <= t.width {
			t.line("Rubric SHA-256: %s", sum)
		} else {
			t.line("Rubric SHA-256:\n  %s", sum)
		}
	}
	t.wrapped("", "  ", ansiBold, scoreLine(r))
}
