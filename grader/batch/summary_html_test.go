package batch_test

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/optgrade/optgrade/grader"
	"github.com/optgrade/optgrade/grader/batch"
)

func TestSummaryHTML(t *testing.T) {
	const evil = "<script>alert(1)</script>\"'\x1b\u202e"
	task := func(id string, score float64, mistake string) grader.TaskResult {
		c := grader.CheckResult{Name: "steps", Status: grader.Pass, Score: score, MaxScore: 10, Visibility: "visible"}
		if mistake != "" {
			c.Status, c.Misconception, c.Hint = grader.Fail, mistake, "Divide m and v by (1 − βᵗ)."
		}
		return grader.TaskResult{ID: id, Score: score, MaxScore: 10, Checks: []grader.CheckResult{c}}
	}
	rows := []*grader.Result{
		{Student: "ann", Title: "Assignment 1", Score: 20, MaxScore: 20, Tasks: []grader.TaskResult{task("adam", 10, ""), task("gd", 10, "")}},
		{Student: "bob", Score: 14, MaxScore: 20, Tasks: []grader.TaskResult{task("adam", 4, "adam-no-bias-correction"), task("gd", 10, "")}},
		{Student: evil, Score: 4, MaxScore: 20, Tasks: []grader.TaskResult{task("adam", 4, "adam-no-bias-correction"), task("gd", 0, "gd-sign")}},
		{Student: "eve", Error: batch.NoSubmission},
	}
	// Links come from the store: bob has an HTML report, ann only Markdown feedback.
	out := t.TempDir()
	for key, file := range map[string]string{"ann": "feedback.md", "bob": "feedback.html", "bob2": "result.json"} {
		os.MkdirAll(filepath.Join(out, key), 0o755)
		os.WriteFile(filepath.Join(out, key, file), []byte("x"), 0o644)
	}
	links := batch.ReportLinks(out, map[string]string{"ann": "ann", "bob": "bob", "nobody": "nobody"})
	if links["ann"] != "ann/feedback.md" || links["bob"] != "bob/feedback.html" || links["nobody"] != "" {
		t.Errorf("links %v: want ann's Markdown, bob's HTML and none for a folder without a report", links)
	}

	var b bytes.Buffer
	if err := batch.WriteSummaryHTML(&b, batch.Summarize(rows), rows, links); err != nil {
		t.Fatal(err)
	}
	page := b.String()
	for _, want := range []string{
		"<title>Assignment 1: course overview</title>",
		"<strong>3</strong> of 4 submitted",
		`<a href="bob/feedback.html">bob</a>`, `<a href="ann/feedback.md">ann</a>`,
		"adam-no-bias-correction", "Divide m and v by (1 − βᵗ).", "2 students", "gd-sign",
		"Scores (points)", "Full marks per task", "Named mistakes",
		"&lt;script&gt;alert(1)&lt;/script&gt;",
	} {
		if !strings.Contains(page, want) {
			t.Errorf("summary.html has no %q", want)
		}
	}
	// The bar chart of mistakes has the most common at the top: its rows are labelled
	// bottom-up, so the most common is labelled last.
	chart := page[strings.Index(page, "Named mistakes</text>"):]
	if i, j := strings.Index(chart, ">adam-no-bias-correction (2)<"), strings.Index(chart, ">gd-sign (1)<"); i < 0 || j < 0 || i < j {
		t.Errorf("the mistakes chart does not put adam-no-bias-correction (2 students) above gd-sign (1): at %d and %d", i, j)
	}
	if strings.Contains(page, "<script>") || strings.Contains(page, "\x1b") || strings.Contains(page, "\u202e") || strings.Contains(page, "http:") || strings.Contains(page, "https:") {
		t.Error("markup, a control character or a URL reached summary.html")
	}
	if n, m := strings.Count(page, "<svg"), strings.Count(page, "</svg>"); n != 3 || m != 3 {
		t.Errorf("%d <svg> and %d </svg>, want the three charts", n, m)
	}
}

// A batch with HTML feedback writes summary.html linking each student's page, and the
// student's page draws their Adam run beside the reference's.
func TestBatchWritesSummaryHTML(t *testing.T) {
	root := fakeCourse(t, map[string]fake{"alice": {"right", "alice"}, "bob": {"wrong", "bob"}})
	out := t.TempDir()
	files, err := batch.StudentFiles([]string{"markdown", "html"}, false)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := grade(t, root, out, batch.Config{Files: files}); err != nil {
		t.Fatal(err)
	}
	if _, err := batch.WriteBooks(out, batch.BookOptions{Column: "Assignment 1"}); err != nil {
		t.Fatal(err)
	}
	summary, err := os.ReadFile(filepath.Join(out, batch.SummaryHTMLFile))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`<a href="alice/feedback.html">alice</a>`, `<a href="bob/feedback.html">bob</a>`, "adam-no-bias-correction"} {
		if !strings.Contains(string(summary), want) {
			t.Errorf("summary.html has no %q", want)
		}
	}
	page, err := os.ReadFile(filepath.Join(out, "bob", "feedback.html"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(page), "<svg") || !strings.Contains(string(page), "leaves the reference at step") {
		t.Error("bob's feedback.html does not draw his Adam run leaving the reference")
	}
}
