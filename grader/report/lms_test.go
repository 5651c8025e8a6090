package report_test

import (
	"bytes"
	"encoding/csv"
	"slices"
	"testing"

	"github.com/optgrade/optgrade/grader"
	"github.com/optgrade/optgrade/grader/report"
)

var roster = map[string]report.Student{
	"s1": {ID: "s1", Username: "ann", Name: "Lee, Ann", Section: "L1"},
	"s2": {ID: "s2", Username: "bob", Name: "Bob", Section: "L2"},
}

var lmsResults = []*grader.Result{
	{Student: "s2", Score: 0, MaxScore: 10, Error: "submission exited before answering hello"},
	{Student: "s1", Score: 7.5, MaxScore: 10},
}

func TestBrightspaceByUsername(t *testing.T) {
	var b bytes.Buffer
	if err := report.WriteBrightspace(&b, lmsResults, report.BrightspaceOptions{Column: "A1", Username: true, Students: roster}); err != nil {
		t.Fatal(err)
	}
	want := "Username,A1 Points Grade,End-of-Line Indicator\n#ann,7.5,#\n#bob,,#\n"
	if b.String() != want {
		t.Errorf("got\n%s\nwant\n%s", b.String(), want)
	}
	err := report.WriteBrightspace(&b, append(lmsResults, &grader.Result{Student: "s9"}), report.BrightspaceOptions{Column: "A1", Username: true, Students: roster})
	if err == nil {
		t.Error("a student without a username was written")
	}
}

func TestCanvas(t *testing.T) {
	var b bytes.Buffer
	if err := report.WriteCanvas(&b, lmsResults, report.CanvasOptions{Column: "Assignment 1 (123)", Students: roster}); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(&b).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{
		// Canvas's importer wants Student, ID, then SIS User ID, SIS Login ID, and a
		// last student column named Section before the assignments.
		{"Student", "ID", "SIS User ID", "SIS Login ID", "Section", "Assignment 1 (123)"},
		{"Lee, Ann", "", "s1", "ann", "L1", "7.5"},
		{"Bob", "", "s2", "bob", "L2", ""}, // could not be graded: blank, Canvas keeps the old grade
	}
	for i := range want {
		if i >= len(rows) || !slices.Equal(rows[i], want[i]) {
			t.Errorf("row %d: got %q, want %q", i, rows[min(i, len(rows)-1)], want[i])
		}
	}

	t.Run("canvas ids without a roster", func(t *testing.T) {
		var b bytes.Buffer
		report.WriteCanvas(&b, []*grader.Result{{Student: "98765", Score: 3, MaxScore: 10}}, report.CanvasOptions{Column: "A1", CanvasID: true})
		if want := "Student,ID,SIS User ID,SIS Login ID,Section,A1\n98765,98765,,,,3\n"; b.String() != want {
			t.Errorf("got %q, want %q", b.String(), want)
		}
	})
}
