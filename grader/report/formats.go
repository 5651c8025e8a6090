package report

import (
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/optgrade/optgrade/grader"
)

// Options tune how a single result is written. The zero value is plain, concise output.
type Options struct {
	// Color adds ANSI colours to the text format (set it only when writing to a terminal).
	// Other formats ignore it.
	Color bool
	// Verbose also lists passing checks, always shows the student's output and the time
	// spent grading (text and markdown; the other formats ignore it).
	Verbose bool
	// Width is the line width the text format wraps to (0: DefaultWidth); set it to the
	// terminal's width.
	Width int
	// Hidden is the Gradescope visibility of hidden checks (gradescope format only):
	// "after_published" when empty; "hidden" hides the student's total on Gradescope.
	Hidden string
}

// A Format writes one grading result in one output format.
type Format struct {
	Name  string // what users type, e.g. "junit"
	Doc   string // one line for help text
	Write func(w io.Writer, r *grader.Result, o Options) error
}

// formats is the table of output formats: one row per file of this package. Help text,
// validation and documentation read it, so adding a format never touches cmd/.
var formats = []Format{
	{Name: "text", Doc: "terminal report: tasks, failed checks with hints, score", Write: Text},
	{Name: "json", Doc: "optgrade's own versioned JSON (the full result)", Write: JSON},
	{Name: "markdown", Doc: "Markdown feedback (feedback.md, GitHub Actions step summary)", Write: Markdown},
	{Name: "junit", Doc: "JUnit XML for CI test reporters: a testsuite per task, a testcase per check", Write: JUnit},
	{Name: "gradescope", Doc: "Gradescope autograder results.json", Write: Gradescope},
	{Name: "classroom", Doc: "GitHub Classroom autograding reporter result: a test per task with its points", Write: Classroom},
	{Name: "html", Doc: "one self-contained HTML page: every check, failing cases in full, your curves beside the reference's", Write: HTML},
}

// Formats returns the output formats for single results, in table order.
func Formats() []Format {
	return append([]Format(nil), formats...)
}

// Lookup returns the format with the given name (case does not matter).
func Lookup(name string) (Format, bool) {
	for _, f := range formats {
		if strings.EqualFold(f.Name, name) {
			return f, true
		}
	}
	return Format{}, false
}

// Names returns the format names, in table order.
func Names() []string {
	names := make([]string, len(formats))
	for i, f := range formats {
		names[i] = f.Name
	}
	return names
}

// Helpers shared by the formats.

// points formats a score with at most prec decimals and no trailing zeros: 87.5, 100, 3.33.
func points(x float64, prec int) string {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return strconv.FormatFloat(x, 'f', -1, 64)
	}
	s := strconv.FormatFloat(x, 'f', prec, 64)
	if strings.Contains(s, ".") {
		s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	}
	if s == "-0" {
		s = "0"
	}
	return s
}

// points1 formats a score with exactly one decimal, as in task lines: 5.0/5.0.
func points1(x float64) string {
	s := strconv.FormatFloat(x, 'f', 1, 64)
	if s == "-0.0" {
		s = "0.0"
	}
	return s
}

// taskStatus is the word for a task: PASS when every check passed and the task has all its
// points, PART when some points were earned, FAIL otherwise (a task without checks, as when
// the submission could not be graded, is judged by its points alone).
func taskStatus(t *grader.TaskResult) string {
	all := t.Score >= t.MaxScore-1e-9
	for _, c := range t.Checks {
		if c.Status != grader.Pass {
			all = false
			break
		}
	}
	switch {
	case all:
		return "PASS"
	case t.Score > 0:
		return "PART"
	default:
		return "FAIL"
	}
}

// whereDefined is where the submission defines a task's function — "cell 10,
// `adam_step`" for a notebook — when the task lost points and the submission said where;
// "" otherwise. Every report shows it with the task's feedback.
func whereDefined(t *grader.TaskResult) string {
	if t.Location == "" || t.Function == "" || taskStatus(t) == "PASS" {
		return ""
	}
	return printable(t.Location) + ", `" + printable(t.Function) + "`"
}

// whereLine is "Where: cell 10, `adam_step`" followed by a line break, or "" (see
// whereDefined), to lead a task's or a check's feedback.
func whereLine(t *grader.TaskResult) string {
	if w := whereDefined(t); w != "" {
		return "Where: " + w + "\n"
	}
	return ""
}

// checkWord is the word for a check's status in feedback.
func checkWord(s grader.Status) string {
	switch s {
	case grader.Pass:
		return "ok"
	case grader.Partial:
		return "PART"
	case grader.Error:
		return "ERROR"
	case grader.NotImplemented:
		return "TODO"
	default:
		return "FAIL"
	}
}

// checkName names a check as feedback does: "adam / free-running".
func checkName(t *grader.TaskResult, c *grader.CheckResult) string {
	return t.ID + " / " + c.Name
}

// lateLine describes the late penalty, or returns "" when there is none.
func lateLine(r *grader.Result) string {
	if r.LatePenalty == 0 {
		return ""
	}
	var b strings.Builder
	fmt.Fprintf(&b, "Late penalty: -%s points", points(r.LatePenalty, 2))
	var why []string
	switch r.LateDays {
	case 0:
	case 1:
		why = append(why, "1 day late")
	default:
		why = append(why, fmt.Sprintf("%d days late", r.LateDays))
	}
	switch {
	case r.SubmittedAt != nil:
		src := ""
		if r.SubmittedAtSource != "" {
			src = ", time from " + r.SubmittedAtSource
		}
		why = append(why, "submitted "+r.SubmittedAt.UTC().Format("2006-01-02 15:04:05 UTC")+src)
	case r.SubmittedAtSource != "":
		why = append(why, "submission time: "+r.SubmittedAtSource)
	}
	if len(why) > 0 {
		b.WriteString(" (" + strings.Join(why, "; ") + ")")
	}
	return b.String()
}

// printable replaces control characters other than newline and tab (terminal escape
// sequences among them) with visible \xNN escapes, and invalid UTF-8 with U+FFFD, so that a
// submission's output cannot rewrite the reader's terminal or page.
func printable(s string) string {
	clean := true
	for _, r := range s {
		if r == utf8.RuneError || hidden(r) {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	var b strings.Builder
	for i, w := 0, 0; i < len(s); i += w {
		r, size := utf8.DecodeRuneInString(s[i:])
		w = size
		switch {
		case r == utf8.RuneError && size == 1:
			b.WriteRune(utf8.RuneError)
		case r == '\r':
			// Windows line ends: drop the CR of CRLF, keep a lone one visible.
			if i+1 < len(s) && s[i+1] == '\n' {
				continue
			}
			b.WriteString(`\r`)
		case hidden(r):
			if r < 0x100 {
				fmt.Fprintf(&b, `\x%02x`, r)
			} else {
				fmt.Fprintf(&b, `\u%04x`, r)
			}
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// hidden reports whether r would act on a terminal or page instead of showing: control
// characters other than newline and tab, and bidirectional overrides.
func hidden(r rune) bool {
	return (unicode.IsControl(r) && r != '\n' && r != '\t') || unicode.Is(unicode.Bidi_Control, r)
}

// lines splits text into lines without the trailing empty one.
func lines(s string) []string {
	s = strings.TrimRight(s, "\n")
	if s == "" {
		return nil
	}
	return strings.Split(s, "\n")
}

// capLines keeps the first n lines and says how many were left out.
func capLines(ls []string, n int) (kept []string, more int) {
	if len(ls) <= n {
		return ls, 0
	}
	return ls[:n], len(ls) - n
}

const (
	maxDetails     = 5  // further failing cases shown under a check
	maxOutputLines = 40 // lines of the student's output shown
)

// heading names the assignment: its title with its id, or whichever is set.
func heading(r *grader.Result) string {
	switch {
	case r.Title == "":
		return r.Assignment
	case r.Assignment == "":
		return r.Title
	}
	return r.Title + " (" + r.Assignment + ")"
}
