package report

import (
	"cmp"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/optgrade/optgrade/grader"
)

// studentID is the student a result belongs to: Student, or the submission folder when the
// submission did not say.
func studentID(r *grader.Result) string {
	if r.Student != "" {
		return r.Student
	}
	return r.Submission
}

// sortedResults returns the results sorted by student, then submission (nil results are
// dropped).
func sortedResults(results []*grader.Result) []*grader.Result {
	rs := make([]*grader.Result, 0, len(results))
	for _, r := range results {
		if r != nil {
			rs = append(rs, r)
		}
	}
	slices.SortStableFunc(rs, func(a, b *grader.Result) int {
		return cmp.Or(strings.Compare(studentID(a), studentID(b)), strings.Compare(a.Submission, b.Submission))
	})
	return rs
}

// taskIDs returns the task ids of the first result, in rubric order.
func taskIDs(results []*grader.Result) []string {
	for _, r := range results {
		if r == nil {
			continue
		}
		ids := make([]string, len(r.Tasks))
		for i, t := range r.Tasks {
			ids[i] = t.ID
		}
		return ids
	}
	return nil
}

// csvNumber formats a score for a spreadsheet: at most 4 decimals, no trailing zeros.
func csvNumber(x float64) string { return points(x, 4) }

// csvText defuses a free-text cell that a spreadsheet would take for a formula.
func csvText(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// WriteGradebook writes the batch's gradebook as CSV, one row per result sorted by student,
// under the header
//
//	student,score,max_score,raw_score,late_penalty,submitted_at,<task ids…>,error
//
// with one column per task id, in the rubric order of the first result (a result without
// that task leaves the cell empty). score is after the late penalty, raw_score before it;
// submitted_at is RFC 3339 in UTC, empty when unknown; error says why a submission could
// not be graded. The student is the submission folder when the result names none. Cells
// of text that a spreadsheet would evaluate as a formula are prefixed with '.
func WriteGradebook(w io.Writer, results []*grader.Result) error {
	ids := taskIDs(results)
	cw := csv.NewWriter(w)
	header := append([]string{"student", "score", "max_score", "raw_score", "late_penalty", "submitted_at"}, ids...)
	header = append(header, "error")
	if err := cw.Write(header); err != nil {
		return err
	}
	for _, r := range sortedResults(results) {
		submitted := ""
		if r.SubmittedAt != nil {
			submitted = r.SubmittedAt.UTC().Format(time.RFC3339)
		}
		row := []string{csvText(studentID(r)), csvNumber(r.Score), csvNumber(r.MaxScore),
			csvNumber(r.RawScore), csvNumber(r.LatePenalty), submitted}
		for _, id := range ids {
			cell := ""
			for _, t := range r.Tasks {
				if t.ID == id {
					cell = csvNumber(t.Score)
					break
				}
			}
			row = append(row, cell)
		}
		row = append(row, csvText(strings.ReplaceAll(r.Error, "\n", " ")))
		if err := cw.Write(row); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// Student is a student as the LMS knows them (a line of the course roster): the id
// (Brightspace's OrgDefinedId, Canvas's SIS User ID), the login name, the display name
// and the section. Results are matched to students by their Student field, the id.
type Student struct {
	ID, Username, Name, Section string
}

// BrightspaceOptions say how WriteBrightspace writes the grade import.
type BrightspaceOptions struct {
	Column string // the grade item's name in Brightspace
	// Username keys the rows by Brightspace's Username (from Students) instead of
	// OrgDefinedId (the result's Student).
	Username bool
	// Students maps a student id to the roster's student (for usernames).
	Students map[string]Student
}

// WriteBrightspace writes a Brightspace (D2L) grade-import CSV for one numeric grade item:
//
//	OrgDefinedId,<column> Points Grade,End-of-Line Indicator
//	#s1234567,87.5,#
//
// one row per result, sorted, with the score after the late penalty. A result that could
// not be graded (Error set, or no submission) has an empty cell: the import leaves that
// grade alone, and the TA decides. Rows are keyed by the result's Student as OrgDefinedId,
// or with o.Username by "Username" from o.Students; either is written with Brightspace's
// own '#' prefix (as in its exports, so a spreadsheet keeps leading zeros). A result
// without a key is an error, since Brightspace could not place it. The grade item must
// exist in Brightspace under that name, or the import offers to create it.
func WriteBrightspace(w io.Writer, results []*grader.Result, o BrightspaceOptions) error {
	column := strings.TrimSpace(o.Column)
	if column == "" {
		return errors.New("brightspace: no grade item name")
	}
	keyName := "OrgDefinedId"
	key := func(r *grader.Result) string { return r.Student }
	if o.Username {
		keyName = "Username"
		key = func(r *grader.Result) string { return o.Students[r.Student].Username }
	}
	rs := sortedResults(results)
	var missing []string
	for _, r := range rs {
		if key(r) == "" {
			missing = append(missing, fmt.Sprintf("%q", cmp.Or(r.Student, r.Submission)))
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("brightspace: no %s for %s", keyName, strings.Join(missing, ", "))
	}
	cw := csv.NewWriter(w)
	if err := cw.Write([]string{keyName, column + " Points Grade", "End-of-Line Indicator"}); err != nil {
		return err
	}
	for _, r := range rs {
		if err := cw.Write([]string{"#" + key(r), gradeCell(r), "#"}); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// gradeCell is a result's score for an LMS import: empty when it could not be graded.
func gradeCell(r *grader.Result) string {
	if r.Error != "" {
		return ""
	}
	return csvNumber(r.Score)
}

// Stats summarizes a batch of results. Scores are after the late penalty.
type Stats struct {
	N         int     // results
	MaxScore  float64 // of the first result
	Mean      float64
	Median    float64
	Min, Max  float64
	FullMarks int // results with every point (after the late penalty)
	Late      int // results with a late penalty
	Errors    int // results that could not be graded at all
	Tasks     []TaskStats
}

// TaskStats summarizes one task over a batch.
type TaskStats struct {
	ID        string
	Title     string
	MaxScore  float64
	N         int // results that have this task
	Mean      float64
	FullMarks int
}

// fullMarks reports whether score reaches max (within rounding).
func fullMarks(score, max float64) bool { return score >= max-1e-9 }

// Summary computes statistics of a batch: the distribution of scores and, per task of the
// first result (in rubric order), the mean score and how many got full marks.
func Summary(results []*grader.Result) Stats {
	var st Stats
	var scores []float64
	for _, r := range results {
		if r == nil {
			continue
		}
		if st.N == 0 {
			st.MaxScore = r.MaxScore
			for _, t := range r.Tasks {
				st.Tasks = append(st.Tasks, TaskStats{ID: t.ID, Title: t.Title, MaxScore: t.MaxScore})
			}
		}
		st.N++
		scores = append(scores, r.Score)
		st.Mean += r.Score
		if r.MaxScore > 0 && fullMarks(r.Score, r.MaxScore) {
			st.FullMarks++
		}
		if r.LatePenalty != 0 {
			st.Late++
		}
		if r.Error != "" {
			st.Errors++
		}
		for i := range st.Tasks {
			ts := &st.Tasks[i]
			for _, t := range r.Tasks {
				if t.ID == ts.ID {
					ts.N++
					ts.Mean += t.Score
					if t.MaxScore > 0 && fullMarks(t.Score, t.MaxScore) {
						ts.FullMarks++
					}
					break
				}
			}
		}
	}
	if st.N == 0 {
		return st
	}
	st.Mean /= float64(st.N)
	slices.Sort(scores)
	st.Min, st.Max = scores[0], scores[len(scores)-1]
	if n := len(scores); n%2 == 1 {
		st.Median = scores[n/2]
	} else {
		st.Median = (scores[n/2-1] + scores[n/2]) / 2
	}
	for i := range st.Tasks {
		if ts := &st.Tasks[i]; ts.N > 0 {
			ts.Mean /= float64(ts.N)
		}
	}
	return st
}

// WriteSummary writes st as text for the TA:
//
//	Submissions: 120; full marks: 40; late: 12; could not be graded: 3
//	Score out of 100: mean 76.25, median 80, min 0, max 100
//
//	TASK       MEAN    MAX  FULL MARKS
//	bernoulli  4.8     5    110/120
func WriteSummary(w io.Writer, st Stats) error {
	var b strings.Builder
	if st.N == 0 {
		b.WriteString("Submissions: 0\n")
		_, err := io.WriteString(w, b.String())
		return err
	}
	fmt.Fprintf(&b, "Submissions: %d; full marks: %d; late: %d; could not be graded: %d\n",
		st.N, st.FullMarks, st.Late, st.Errors)
	fmt.Fprintf(&b, "Score out of %s: mean %s, median %s, min %s, max %s\n",
		points(st.MaxScore, 2), points(st.Mean, 2), points(st.Median, 2), points(st.Min, 2), points(st.Max, 2))
	if len(st.Tasks) > 0 {
		b.WriteString("\n")
		tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "TASK\tMEAN\tMAX\tFULL MARKS")
		for _, t := range st.Tasks {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%d/%d\n", printable(t.ID), points(t.Mean, 2), points(t.MaxScore, 2), t.FullMarks, t.N)
		}
		if err := tw.Flush(); err != nil {
			return err
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}
