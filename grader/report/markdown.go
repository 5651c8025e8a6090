package report

import (
	"fmt"
	"io"
	"strings"

	"github.com/optgrade/optgrade/grader"
)

// Markdown writes r as GitHub-flavoured Markdown, for feedback.md and a GitHub Actions step
// summary: the score, a table of tasks with their points, a section per check that did not
// pass (its message and further failing cases in a code block, the likely mistake as a
// quote), the checks not attempted, and the student's own output in a collapsed <details>
// (when a check failed, or with o.Verbose). Text from the rubric and the submission is
// escaped, so `|`, backticks and HTML in it show as written.
func Markdown(w io.Writer, r *grader.Result, o Options) error {
	var b strings.Builder
	m := mdWriter{&b}
	m.write(r, o)
	_, err := io.WriteString(w, b.String())
	return err
}

type mdWriter struct{ b *strings.Builder }

func (m mdWriter) p(format string, args ...any) {
	fmt.Fprintf(m.b, format, args...)
	m.b.WriteByte('\n')
}

var mdStatus = map[string]string{
	"PASS":  "✅ PASS",
	"PART":  "🟡 PART",
	"FAIL":  "❌ FAIL",
	"ERROR": "💥 ERROR",
	"ok":    "✅ ok",
}

func (m mdWriter) write(r *grader.Result, o Options) {
	title := "optgrade report"
	if r.Assignment != "" {
		title = mdText(heading(r))
	}
	if r.Student != "" {
		title += " — " + mdText(r.Student)
	}
	m.p("## %s", title)
	m.p("")
	m.p("**%s**", mdText(scoreLine(r)))
	m.p("")
	if r.Error != "" {
		m.p("> **Could not grade this submission:**")
		m.p(">")
		m.quoteCode(r.Error)
		m.p("")
	}
	if l := lateLine(r); l != "" {
		m.p("%s", mdText(l))
		m.p("")
	}
	if float32Results(r) {
		m.p("%s", mdText(float32Note))
		m.p("")
	}
	if o.Verbose {
		m.p("Graded in %.1f s.", r.Elapsed)
		m.p("")
	}
	if r.RubricSHA256 != "" {
		m.p("Rubric SHA-256: %s", mdCode(r.RubricSHA256))
		m.p("")
	}

	if len(r.Tasks) > 0 {
		m.p("| Status | Task | Function | Points |")
		m.p("|---|---|---|--:|")
		for i := range r.Tasks {
			t := &r.Tasks[i]
			task := "**" + mdText(t.ID) + "**"
			if t.Title != "" {
				task += " " + mdText(t.Title)
			}
			fn := ""
			if t.Function != "" {
				fn = mdCode(t.Function)
				if w := whereDefined(t); w != "" {
					fn += " in " + mdText(t.Location)
				}
			}
			m.p("| %s | %s | %s | %s/%s |", mdStatus[taskStatus(t)], mdCell(task), mdCell(fn),
				points1(t.Score), points1(t.MaxScore))
		}
		m.p("")
	}

	var todo, passed []string
	for i := range r.Tasks {
		t := &r.Tasks[i]
		for j := range t.Checks {
			if c := &t.Checks[j]; c.Status == grader.Pass {
				passed = append(passed, mdText(checkName(t, c))+mdText(caseCount(c)))
			}
		}
		fb := feedbackFor(t)
		m.task(t, &fb)
		if len(fb.todo) > 0 {
			names := make([]string, len(fb.todo))
			for k, n := range fb.todo {
				names[k] = mdText(n)
			}
			where := ""
			if whereDefined(t) != "" {
				where = " (" + mdText(t.Location) + ", " + mdCode(t.Function) + ")"
			}
			todo = append(todo, "**"+mdText(t.ID)+"**"+where+": "+strings.Join(names, ", "))
		}
	}
	if len(todo) > 0 {
		m.p("### Not attempted")
		m.p("")
		for _, s := range todo {
			m.p("- %s", s)
		}
		m.p("")
	}
	if o.Verbose && len(passed) > 0 {
		m.p("### Passed")
		m.p("")
		for _, s := range passed {
			m.p("- %s", s)
		}
		m.p("")
	}

	if r.Output != "" && (o.Verbose || !r.Passed()) {
		ls := lines(printable(r.Output))
		kept, more := capLines(ls, maxOutputLines)
		if more > 0 {
			kept = append(kept, fmt.Sprintf("… and %d more lines", more))
		}
		n := "1 line"
		if len(ls) != 1 {
			n = fmt.Sprintf("%d lines", len(ls))
		}
		m.p("<details>")
		m.p("<summary>Your program's output (%s)</summary>", n)
		m.p("")
		m.fence(strings.Join(kept, "\n"))
		m.p("")
		m.p("</details>")
		m.p("")
	}
}

// task writes the section of a task that did not pass: the likely mistake, one failing
// case in full (with the command that replays it), and a line per other failing check.
func (m mdWriter) task(t *grader.TaskResult, fb *taskFeedback) {
	if len(fb.hints) == 0 && fb.shown == nil && len(fb.more) == 0 {
		return
	}
	title := mdText(t.ID)
	if t.Title != "" {
		title += " — " + mdText(t.Title)
	}
	m.p("### %s: %s", mdStatus[taskStatus(t)], title)
	m.p("")
	if whereDefined(t) != "" {
		m.p("Where: %s, %s", mdText(t.Location), mdCode(t.Function))
		m.p("")
	}
	for _, h := range fb.hints {
		for i, l := range lines(h) {
			if i == 0 {
				l = "Likely mistake: " + l
			}
			m.p("> 💡 %s", mdText(l))
		}
		m.p("")
	}
	if s := fb.shown; s != nil {
		m.p("**%s**: %s — replay it with %s", mdStatus[checkWord(s.status)], mdText(s.head), mdCode("optgrade check --case "+s.id))
		m.p("")
		body := wrap(s.call, DefaultWidth, "", "  ")
		body = append(body, s.lines...)
		if len(s.output) > 0 {
			body = append(body, "your program printed during this call:")
			for _, l := range s.output {
				body = append(body, "│ "+l)
			}
			if s.more > 0 {
				body = append(body, fmt.Sprintf("│ … and %d more lines", s.more))
			}
		}
		m.fence(printable(strings.Join(body, "\n")))
		m.p("")
	}
	for _, l := range fb.more {
		first, rest, _ := strings.Cut(l.text, "\n")
		m.p("- **%s** %s", mdStatus[checkWord(l.status)], mdText(first))
		if rest != "" {
			m.p("")
			m.p("  ```text")
			for _, x := range lines(printable(rest)) {
				m.p("  %s", x)
			}
			m.p("  ```")
		}
	}
	if len(fb.more) > 0 {
		m.p("")
	}
}

// fence writes s as a fenced code block whose fence is longer than any backtick run in s.
func (m mdWriter) fence(s string) {
	f := strings.Repeat("`", max(3, longestRun(s, '`')+1))
	m.p("%stext", f)
	m.p("%s", s)
	m.p("%s", f)
}

// quoteCode writes s as a fenced code block inside a blockquote.
func (m mdWriter) quoteCode(s string) {
	s = printable(s)
	f := strings.Repeat("`", max(3, longestRun(s, '`')+1))
	m.p("> %s", f)
	for _, l := range lines(s) {
		m.p("> %s", l)
	}
	m.p("> %s", f)
}

// longestRun returns the length of the longest run of c in s.
func longestRun(s string, c byte) int {
	best, n := 0, 0
	for i := 0; i < len(s); i++ {
		if s[i] == c {
			n++
			best = max(best, n)
		} else {
			n = 0
		}
	}
	return best
}

// mdText escapes s for Markdown inline text: characters that would start emphasis, code,
// links, HTML, tables or strikethrough are backslash-escaped, and & is written as an entity.
func mdText(s string) string {
	s = printable(s)
	var b strings.Builder
	for _, r := range s {
		switch r {
		case '\\', '`', '*', '_', '[', ']', '<', '>', '|', '~', '#':
			b.WriteByte('\\')
			b.WriteRune(r)
		case '&':
			b.WriteString("&amp;")
		case '\n':
			b.WriteByte(' ')
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// mdCode writes s as an inline code span, with a delimiter longer than any backtick run in s.
func mdCode(s string) string {
	s = strings.ReplaceAll(printable(s), "\n", " ")
	d := strings.Repeat("`", longestRun(s, '`')+1)
	if strings.HasPrefix(s, "`") || strings.HasSuffix(s, "`") {
		s = " " + s + " "
	}
	return d + s + d
}

// mdCell makes inline Markdown safe in a table cell: GitHub splits cells on every
// unescaped |, even inside code spans.
func mdCell(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '|' && (i == 0 || s[i-1] != '\\') {
			b.WriteByte('\\')
		}
		b.WriteByte(s[i])
	}
	return b.String()
}
