package batch_test

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/optgrade/optgrade/grader"
	"github.com/optgrade/optgrade/grader/batch"
)

func TestSummarize(t *testing.T) {
	at := time.Date(2026, 12, 4, 10, 0, 0, 0, time.UTC)
	task := func(score float64, mistake string) []grader.TaskResult {
		c := grader.CheckResult{Name: "steps", Status: grader.Pass, Score: score, MaxScore: 10, Visibility: "visible"}
		if mistake != "" {
			c.Status, c.Misconception, c.Hint = grader.Fail, mistake, "divide by (1 − βᵗ)"
		}
		return []grader.TaskResult{{ID: "adam", Score: score, MaxScore: 10, Checks: []grader.CheckResult{c}}}
	}
	rows := []*grader.Result{
		{Student: "ann", Score: 10, MaxScore: 10, Tasks: task(10, "")},
		{Student: "bob", Score: 4, MaxScore: 10, Tasks: task(4, "adam-no-bias-correction")},
		{Student: "cy", Score: 3, MaxScore: 10, RawScore: 4, LatePenalty: 1, LateDays: 2, SubmittedAt: &at, SubmittedAtSource: "mtime", Tasks: task(4, "adam-no-bias-correction")},
		{Student: "dee", Score: 0, MaxScore: 10, Error: "submission exited before answering hello\nTraceback…", Tasks: task(0, "")},
		{Student: "eve", Error: batch.NoSubmission},
	}
	s := batch.Summarize(rows)
	if s.Students != 5 || s.Submitted != 4 || s.FullMarks != 1 || s.Mean != (10+4+3+0)/4.0 || s.Median != 3.5 {
		t.Errorf("students %d, submitted %d, full marks %d, mean %g, median %g; want 5, 4, 1, 4.25, 3.5", s.Students, s.Submitted, s.FullMarks, s.Mean, s.Median)
	}
	if len(s.Mistakes) != 1 || s.Mistakes[0].Count != 2 || strings.Join(s.Mistakes[0].Students, ",") != "bob,cy" {
		t.Errorf("mistakes %+v, want adam-no-bias-correction by bob and cy", s.Mistakes)
	}
	if len(s.NotGraded) != 1 || s.NotGraded[0].Student != "dee" || strings.Contains(s.NotGraded[0].Reason, "Traceback") {
		t.Errorf("not graded %+v, want dee with the first line of the reason", s.NotGraded)
	}
	if strings.Join(s.Missing, ",") != "eve" {
		t.Errorf("missing %v, want eve", s.Missing)
	}
	if len(s.Late) != 1 || s.Late[0].Days != 2 || s.LateFromFileTimes != 1 {
		t.Errorf("late %+v (from file times %d), want cy 2 days from file times", s.Late, s.LateFromFileTimes)
	}
	if got := []int{s.Distribution[0].Count, s.Distribution[3].Count, s.Distribution[4].Count, s.Distribution[9].Count}; got[0] != 1 || got[1] != 1 || got[2] != 1 || got[3] != 1 {
		t.Errorf("distribution %+v: want 0, 3, 4 and 10 in bins 0, 3, 4 and 9", s.Distribution)
	}
	if ts := s.Tasks[0]; ts.FullMarksRate != 0.25 {
		t.Errorf("task %+v, want a full-marks rate of 1/4", ts)
	}

	var md, js bytes.Buffer
	if err := s.WriteMarkdown(&md); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"5 students, 4 submitted, 1 with full marks, 1 missing, 1 could not be graded, 1 late", "late penalties come from file modification times",
		"| adam-no-bias-correction | 2 | adam | bob, cy |", "- dee: submission exited before answering hello", "- no submission: eve", "| cy | 2026-12-04 10:00 | 2 | 1 | **file times** |"} {
		if !strings.Contains(md.String(), want) {
			t.Errorf("summary.md lacks %q:\n%s", want, md.String())
		}
	}
	if err := s.WriteJSON(&js); err != nil {
		t.Fatal(err)
	}
	var back batch.Summary
	if err := json.Unmarshal(js.Bytes(), &back); err != nil || back.Mistakes[0].Name != "adam-no-bias-correction" {
		t.Errorf("summary.json does not decode back: %v", err)
	}
}

func TestProgress(t *testing.T) {
	res := &grader.Result{Score: 7, MaxScore: 10}
	bad := &grader.Result{MaxScore: 10, Error: "would not start"}

	var log bytes.Buffer
	p := batch.NewProgress(&log, false)
	p.Start(12)
	p.Done("ann", res, false)
	p.Done("bob", bad, true)
	p.Finish()
	if want := "[ 1/12] ann                        7.00/10\n[ 2/12] bob                        0.00/10 (kept from an earlier run)\n"; log.String() != want {
		t.Errorf("CI log:\n%q\nwant\n%q", log.String(), want)
	}

	var live bytes.Buffer
	p = batch.NewProgress(&live, true)
	p.Start(4)
	p.Done("ann", res, false)
	p.Done("bob", bad, false)
	p.Finish()
	lines := strings.Split(live.String(), "\r")
	last := lines[len(lines)-1]
	for _, want := range []string{"[2/4] 50%", "left", "1 could not be graded", "bob"} {
		if !strings.Contains(last, want) {
			t.Errorf("the live line %q lacks %q", last, want)
		}
	}
	if strings.Count(live.String(), "\n") != 1 || !strings.HasSuffix(live.String(), "\n") {
		t.Errorf("a live progress line should be rewritten in place and end once: %q", live.String())
	}
}

// TestSlim: what the gradebooks hold in memory per student keeps every score, status and
// named mistake, and none of the cases, trajectories or output.
func TestSlim(t *testing.T) {
	full := &grader.Result{Student: "ann", Score: 3, MaxScore: 10, Output: strings.Repeat("x", 1000), Tasks: []grader.TaskResult{{
		ID: "adam", Score: 3, MaxScore: 10, Checks: []grader.CheckResult{{
			Name: "steps", Status: grader.Fail, Score: 3, MaxScore: 10, Message: "step 1: …", Details: []string{"step 2: …"},
			Failures: make([]grader.CaseResult, 50), Runs: make([]grader.Run, 3), Misconception: "adam-no-bias-correction", Hint: "divide",
		}},
	}}}
	s := batch.Slim(full)
	c := s.Tasks[0].Checks[0]
	if s.Score != 3 || s.Tasks[0].Score != 3 || c.Status != grader.Fail || c.Misconception != "adam-no-bias-correction" || c.Hint != "divide" {
		t.Errorf("Slim lost what the books read: %+v", s)
	}
	if s.Output != "" || c.Message != "" || c.Details != nil || c.Failures != nil || c.Runs != nil {
		t.Errorf("Slim kept the bulk: %+v", c)
	}
	if len(full.Tasks[0].Checks[0].Failures) != 50 || full.Output == "" {
		t.Error("Slim changed the full result")
	}
}
