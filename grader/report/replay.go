package report

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/optgrade/optgrade/grader"
)

// ReplayText writes one replayed case (`optgrade check --case ID`) for a terminal: the case
// and its verdict, every argument in full, the reference's and the student's answers side
// by side (✗ where they differ beyond the tolerance), the likely mistake, what the
// submission printed, and command — a shell line that sends the same request to the
// student's program.
func ReplayText(w io.Writer, rp *grader.Replay, command string, o Options) error {
	t := textWriter{color: o.Color}
	width := o.width()
	c := &rp.Case
	verdict := t.statusWord("FAIL")
	if rp.Pass {
		verdict = t.statusWord("PASS")
	}
	t.line("%s %s", verdict, t.paint(ansiBold, printable(c.ID)))
	t.line("  %s", printable(rp.Task+" / "+rp.Check+", "+c.Label))
	if rp.Steps > 1 {
		t.line("  (a free-running step: steps 1 to %d ran, each from your previous answer)", rp.Steps)
	}
	t.line("")
	t.line("Request: %s(", printable(c.Fn))
	var args map[string]json.RawMessage
	_ = json.Unmarshal(c.Args, &args)
	keys := make([]string, 0, len(args))
	for k := range args {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		for _, l := range wrap(spaced(string(args[k]))+",", width, "    "+printable(k)+" = ", "        ") {
			t.line("%s", printable(l))
		}
	}
	t.line("  )")
	t.line("")
	switch {
	case rp.Error != "":
		t.block("Could not run: ", "  ", "", rp.Error)
	case c.Fault != "":
		t.block("Your program gave no answer: ", "  ", "", c.Fault)
	case c.Error != "":
		t.block("Your program answered with an error: ", "  ", "", c.Error)
	}
	t.sideBySide(c, width)
	if line := mismatchLine(c); line != "" && !rp.Pass {
		t.line("")
		for _, l := range wrap(line, width, "First difference: ", "  ") {
			t.line("%s", printable(l))
		}
	}
	if rp.Hint != "" {
		t.line("")
		for _, l := range wrap(rp.Hint, width, "Likely mistake: ", "  ") {
			t.line("%s", t.paint(ansiYellow, printable(l)))
		}
	}
	t.line("")
	output, during := rp.Output, "this run"
	if c.Output != "" {
		output, during = c.Output, "this call"
	}
	if out := lines(printable(output)); len(out) > 0 {
		t.line("Your program's output during %s (%s):", during, lineCount(len(out)))
		for _, l := range out {
			t.line("    %s", l)
		}
	} else {
		t.line("Your program printed nothing during this run.")
	}
	if command != "" {
		t.line("")
		t.line("Send the same request to your program yourself:")
		t.line("    %s", command)
	}
	_, err := io.WriteString(w, t.b.String())
	return err
}

// ReplayJSON writes a replayed case as JSON: the grader.Replay with its "command".
func ReplayJSON(w io.Writer, rp *grader.Replay, command string) error {
	v := struct {
		*grader.Replay
		Version int    `json:"version"`
		Command string `json:"command,omitempty"`
	}{rp, grader.ResultVersion, command}
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	_, err = w.Write(append(indentJSON(b), '\n'))
	return err
}

// ReplayCommand is a POSIX shell line that runs argv in dir and sends it request as its one
// line of input; the program prints its answer line.
func ReplayCommand(dir string, argv []string, request string) string {
	words := make([]string, len(argv))
	for i, a := range argv {
		words[i] = shellQuote(a)
	}
	return fmt.Sprintf("cd %s && printf '%%s\\n' %s | %s", shellQuote(dir), shellQuote(request), strings.Join(words, " "))
}

var shellSafe = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[A-Za-z0-9_./:=+,@%-]+$`) })

func shellQuote(s string) string {
	if shellSafe().MatchString(s) {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// spaced puts a space after the commas and colons of compact JSON (outside strings), so
// that it wraps.
func spaced(s string) string {
	var b strings.Builder
	in := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		b.WriteByte(c)
		switch {
		case in && c == '\\' && i+1 < len(s):
			i++
			b.WriteByte(s[i])
		case c == '"':
			in = !in
		case !in && (c == ',' || c == ':'):
			b.WriteByte(' ')
		}
	}
	return b.String()
}

// mismatchLine says where the answer first differs: "w[0] = 1.02, want 1 (atol 1e-09,
// rtol 1e-06)", or "" when there is no difference to show.
func mismatchLine(c *grader.CaseResult) string {
	if c.Fault != "" || c.Error != "" || (c.Path == "" && c.Why == "" && len(c.Got) == 0) {
		return ""
	}
	where := c.Path
	if where == "" {
		where = "result"
	}
	tol := fmt.Sprintf("(atol %s, rtol %s)", num(c.Atol), num(c.Rtol))
	if c.Why != "" {
		return where + ": " + c.Why
	}
	return fmt.Sprintf("%s = %s, want %s %s", where, shown(c.Got), shown(c.Want), tol)
}

func num(x float64) string { return strconv.FormatFloat(x, 'g', -1, 64) }

// shown formats a JSON value compactly, numbers with 10 significant digits.
func shown(raw []byte) string {
	if len(raw) == 0 {
		return "(nothing)"
	}
	var v any
	if json.Unmarshal(raw, &v) != nil {
		return string(raw)
	}
	return shortJSON(v)
}

func shortJSON(v any) string {
	switch v := v.(type) {
	case nil:
		return "null"
	case float64:
		return strconv.FormatFloat(v, 'g', 10, 64)
	case string:
		if _, ok := grader.NonFinite(v); ok {
			return v
		}
		return strconv.Quote(v)
	case []any:
		parts := make([]string, len(v))
		for i, x := range v {
			parts[i] = shortJSON(x)
		}
		return "[" + strings.Join(parts, ", ") + "]"
	case map[string]any:
		keys := make([]string, 0, len(v))
		for k := range v {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		parts := make([]string, len(keys))
		for i, k := range keys {
			parts[i] = k + ": " + shortJSON(v[k])
		}
		return "{" + strings.Join(parts, ", ") + "}"
	}
	return fmt.Sprint(v)
}

// leaf is one row of the side-by-side table: a path and its value.
type leaf struct {
	path string
	v    any
}

// flatten lists the rows of a value: a number, string or null, or an array of at most
// group numbers, is one row; objects and longer arrays open up.
func flatten(path string, v any, group int, out []leaf) []leaf {
	switch x := v.(type) {
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			p := k
			if path != "" {
				p = path + "." + k
			}
			out = flatten(p, x[k], group, out)
		}
		return out
	case []any:
		if len(x) > 0 && len(x) <= group && allScalar(x) {
			return append(out, leaf{path, v})
		}
		for i, e := range x {
			out = flatten(fmt.Sprintf("%s[%d]", path, i), e, group, out)
		}
		if len(x) == 0 {
			out = append(out, leaf{path, v})
		}
		return out
	}
	return append(out, leaf{path, v})
}

func allScalar(l []any) bool {
	for _, x := range l {
		switch x.(type) {
		case []any, map[string]any:
			return false
		}
	}
	return true
}

// sideBySide writes the reference's and the student's answers row by row, marking rows
// out of the case's tolerance with ✗: short vectors on one row if that fits the width,
// else a row per number; a value still too wide takes two lines.
func (t *textWriter) sideBySide(c *grader.CaseResult, width int) {
	var want, got any
	if json.Unmarshal(c.Expected, &want) != nil {
		return
	}
	hasGot := len(c.Result) > 0 && json.Unmarshal(c.Result, &got) == nil
	rows, widths := answerRows(want, got, hasGot, c, 6)
	if 4+widths[0]+2+widths[1]+2+widths[2]+3 > width {
		rows, widths = answerRows(want, got, hasGot, c, 1)
	}
	pw, rw := widths[0], widths[1]
	if !hasGot {
		t.line("The reference's answer:")
		for _, r := range rows {
			t.line("    %s  %s", pad(r.path, pw), r.ref)
		}
		return
	}
	t.line("Answers (✗: out of atol %s + rtol %s·|reference|):", num(c.Atol), num(c.Rtol))
	fits := 4+widths[0]+2+widths[1]+2+widths[2]+3 <= width
	if fits {
		t.line("    %s  %s  %s", pad("where", pw), pad("reference", rw), "yours")
	}
	for _, r := range rows {
		if fits {
			t.line("    %s", strings.TrimRight(pad(r.path, pw)+"  "+pad(r.ref, rw)+"  "+pad(r.yours, widths[2])+"  "+t.paint(ansiRed, r.mark), " "))
			continue
		}
		t.line("    %s", strings.TrimRight(r.path+" "+t.paint(ansiRed, r.mark), " "))
		for _, l := range wrap(r.ref, width, "      reference  ", "                 ") {
			t.line("%s", l)
		}
		for _, l := range wrap(r.yours, width, "      yours      ", "                 ") {
			t.line("%s", l)
		}
	}
}

type answerRow struct{ path, ref, yours, mark string }

// answerRows pairs the rows of the reference's and the student's answers (vectors of up
// to group numbers on one row) and returns the widths of the three columns.
func answerRows(want, got any, hasGot bool, c *grader.CaseResult, group int) ([]answerRow, [3]int) {
	gl := map[string]any{}
	var gotOrder []string
	if hasGot {
		for _, l := range flatten("", got, group, nil) {
			gl[l.path] = l.v
			gotOrder = append(gotOrder, l.path)
		}
	}
	var rows []answerRow
	seen := map[string]bool{}
	for _, l := range flatten("", want, group, nil) {
		seen[l.path] = true
		r := answerRow{path: l.path, ref: shortJSON(l.v), yours: "—", mark: "✗"}
		if g, ok := gl[l.path]; ok {
			r.yours = shortJSON(g)
			if closeJSON(g, l.v, c.Atol, c.Rtol) {
				r.mark = ""
			}
		}
		if !hasGot {
			r.yours, r.mark = "", ""
		}
		rows = append(rows, r)
	}
	for _, p := range gotOrder {
		if !seen[p] {
			rows = append(rows, answerRow{path: p, ref: "—", yours: shortJSON(gl[p]), mark: "✗"})
		}
	}
	w := [3]int{len("where"), len("reference"), len("yours")}
	for i := range rows {
		if rows[i].path == "" {
			rows[i].path = "result"
		}
		rows[i].path, rows[i].ref, rows[i].yours = printable(rows[i].path), printable(rows[i].ref), printable(rows[i].yours)
		w[0] = max(w[0], utf8.RuneCountInString(rows[i].path))
		w[1] = max(w[1], utf8.RuneCountInString(rows[i].ref))
		w[2] = max(w[2], utf8.RuneCountInString(rows[i].yours))
	}
	return rows, w
}

// closeJSON compares decoded JSON values within atol + rtol·|want|.
func closeJSON(got, want any, atol, rtol float64) bool {
	gn, gok := numberOf(got)
	wn, wok := numberOf(want)
	if gok && wok {
		if math.IsNaN(gn) || math.IsNaN(wn) {
			return false
		}
		if math.IsInf(gn, 0) || math.IsInf(wn, 0) {
			return gn == wn
		}
		return math.Abs(gn-wn) <= atol+rtol*math.Abs(wn)
	}
	gl, gok := got.([]any)
	wl, wok := want.([]any)
	if gok && wok {
		if len(gl) != len(wl) {
			return false
		}
		for i := range wl {
			if !closeJSON(gl[i], wl[i], atol, rtol) {
				return false
			}
		}
		return true
	}
	return shortJSON(got) == shortJSON(want)
}

func numberOf(v any) (float64, bool) {
	switch v := v.(type) {
	case float64:
		return v, true
	case string:
		return grader.NonFinite(v)
	}
	return 0, false
}

func lineCount(n int) string {
	if n == 1 {
		return "1 line"
	}
	return fmt.Sprintf("%d lines", n)
}
