package report_test

import (
	"bytes"
	"strings"
	"testing"

	gbatch "github.com/optgrade/optgrade/grader/batch"
	"github.com/optgrade/optgrade/grader/report"
)

// A task that lost points names where its function is defined (a notebook's cell) in every
// format, and in a batch's student feedback; a passing task does not (JSON and JUnit keep it
// as data).
func TestEveryFormatNamesTheCell(t *testing.T) {
	r := withFailures()
	loc := map[string]string{"bernoulli": "cell 3", "adam": "cell 7", "momentum": "cell 9"}
	for i := range r.Tasks {
		r.Tasks[i].Location = loc[r.Tasks[i].ID]
	}
	for _, f := range report.Formats() {
		var b bytes.Buffer
		if err := f.Write(&b, r, report.Options{}); err != nil {
			t.Fatalf("%s: %v", f.Name, err)
		}
		out := b.String()
		switch f.Name {
		case "json":
			for _, want := range []string{`"location": "cell 7"`, `"location": "cell 3"`} {
				if !strings.Contains(out, want) {
					t.Errorf("json lacks %s", want)
				}
			}
			continue
		case "html":
			out = strings.ReplaceAll(strings.ReplaceAll(out, "<code>", "`"), "</code>", "`")
		}
		// The failing task names its cell, with the function, as the feedback's wording has it.
		want := "cell 7, `adam_step`"
		if f.Name == "html" {
			want = "`adam_step`, cell 7"
		}
		if !strings.Contains(out, want) {
			t.Errorf("%s does not say %q:\n%s", f.Name, want, out)
		}
		if f.Name != "junit" && strings.Contains(out, "cell 3") {
			t.Errorf("%s names the cell of a task that passed", f.Name)
		}
		if f.Name != "html" && !strings.Contains(out, "cell 9, `momentum_step`") {
			t.Errorf("%s does not say where the function not attempted is", f.Name)
		}
	}
	var b bytes.Buffer
	if err := report.Markdown(&b, gbatch.StudentView(r), report.Options{}); err != nil || !strings.Contains(b.String(), "Where: cell 7, `adam_step`") {
		t.Errorf("a batch's feedback.md does not name the cell: %v\n%s", err, b.String())
	}
}

// A result without locations (any submission but a notebook) reads as before.
func TestNoLocationNoWhere(t *testing.T) {
	for _, f := range report.Formats() {
		var b bytes.Buffer
		f.Write(&b, withFailures(), report.Options{})
		if strings.Contains(b.String(), "Where:") || strings.Contains(b.String(), "location") {
			t.Errorf("%s speaks of a location the result does not have", f.Name)
		}
	}
}
