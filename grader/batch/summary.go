package batch

import (
	"cmp"
	"fmt"
	"io"
	"math"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/optgrade/optgrade/grader"
)

// Summary is what a batch tells the teacher: how the scores are spread, which tasks and
// which named mistakes to re-teach, who could not be graded and who was late. It is
// computed from the gradebook's rows (Summarize) and written as summary.json and
// summary.md. Scores are after the late penalty; statistics count the submitted results
// only (a missing submission is listed, not scored 0).
type Summary struct {
	Assignment string  `json:"assignment"`
	Title      string  `json:"title,omitempty"`
	Students   int     `json:"students"`  // gradebook rows
	Submitted  int     `json:"submitted"` // rows with a result
	MaxScore   float64 `json:"max_score"`
	Mean       float64 `json:"mean"`
	Median     float64 `json:"median"`
	Min        float64 `json:"min"`
	Max        float64 `json:"max"`
	FullMarks  int     `json:"full_marks"`
	// Distribution counts the submitted scores in ten bins of the maximum: [0, 10 %),
	// [10 %, 20 %), …, [90 %, 100 %].
	Distribution []Bin         `json:"distribution"`
	Tasks        []TaskSummary `json:"tasks"`
	// Mistakes are the named misconceptions of failing checks, the most common first.
	Mistakes []Mistake `json:"mistakes"`
	// NotGraded lists the submissions that could not be graded at all, and why.
	NotGraded []Problem `json:"not_graded"`
	// Missing lists the roster students without a submission.
	Missing []string `json:"missing"`
	// Late lists the late submissions, the latest first.
	Late []Late `json:"late"`
	// LateFromFileTimes counts the late penalties that come from file modification times.
	LateFromFileTimes int `json:"late_from_file_times"`
}

// Bin is one bar of the score distribution: scores in [From, To) (the last bin includes
// To), in points.
type Bin struct {
	From  float64 `json:"from"`
	To    float64 `json:"to"`
	Count int     `json:"count"`
}

// TaskSummary is one task over the batch.
type TaskSummary struct {
	ID            string  `json:"id"`
	Title         string  `json:"title,omitempty"`
	MaxScore      float64 `json:"max_score"`
	Mean          float64 `json:"mean"`
	FullMarks     int     `json:"full_marks"`
	FullMarksRate float64 `json:"full_marks_rate"` // FullMarks over the submitted results
}

// Mistake is one named misconception and the students whose failing checks it explains.
type Mistake struct {
	Name     string   `json:"name"`
	Hint     string   `json:"hint,omitempty"`
	Tasks    []string `json:"tasks"`
	Count    int      `json:"count"` // students
	Students []string `json:"students"`
}

// Problem is a submission that could not be graded.
type Problem struct {
	Student string `json:"student"`
	Reason  string `json:"reason"`
}

// Late is a late submission.
type Late struct {
	Student     string    `json:"student"`
	SubmittedAt time.Time `json:"submitted_at"`
	Source      string    `json:"source"` // where the time came from: flag, manifest, mtime
	Days        int       `json:"days"`
	Penalty     float64   `json:"penalty"`
}

// Summarize computes the summary of the gradebook's rows (see Book.Results).
func Summarize(rows []*grader.Result) *Summary {
	s := &Summary{Students: len(rows), Distribution: []Bin{}, Tasks: []TaskSummary{}, Mistakes: []Mistake{}, NotGraded: []Problem{}, Missing: []string{}, Late: []Late{}}
	var scores []float64
	mistakes := map[string]*Mistake{}
	taskIndex := map[string]int{}
	for _, r := range rows {
		if r.Error == NoSubmission && len(r.Tasks) == 0 {
			s.Missing = append(s.Missing, r.Student)
			continue
		}
		if s.Submitted == 0 {
			s.Assignment, s.Title, s.MaxScore = r.Assignment, r.Title, r.MaxScore
		}
		s.Submitted++
		scores = append(scores, r.Score)
		if r.MaxScore > 0 && r.Score >= r.MaxScore-1e-9 {
			s.FullMarks++
		}
		if r.Error != "" {
			s.NotGraded = append(s.NotGraded, Problem{r.Student, firstLine(r.Error)})
		}
		if r.LatePenalty > 0 || r.LateDays > 0 {
			l := Late{Student: r.Student, Source: r.SubmittedAtSource, Days: r.LateDays, Penalty: r.LatePenalty}
			if r.SubmittedAt != nil {
				l.SubmittedAt = r.SubmittedAt.UTC()
			}
			s.Late = append(s.Late, l)
			if r.SubmittedAtSource == "mtime" && r.LatePenalty > 0 {
				s.LateFromFileTimes++
			}
		}
		for _, t := range r.Tasks {
			i, ok := taskIndex[t.ID]
			if !ok {
				i = len(s.Tasks)
				taskIndex[t.ID] = i
				s.Tasks = append(s.Tasks, TaskSummary{ID: t.ID, Title: t.Title, MaxScore: t.MaxScore})
			}
			ts := &s.Tasks[i]
			ts.Mean += t.Score
			if t.MaxScore > 0 && t.Score >= t.MaxScore-1e-9 {
				ts.FullMarks++
			}
			for _, c := range t.Checks {
				if c.Status == grader.Pass || c.Misconception == "" {
					continue
				}
				m := mistakes[c.Misconception]
				if m == nil {
					m = &Mistake{Name: c.Misconception, Hint: c.Hint}
					mistakes[c.Misconception] = m
				}
				if !slices.Contains(m.Tasks, t.ID) {
					m.Tasks = append(m.Tasks, t.ID)
				}
				if !slices.Contains(m.Students, r.Student) {
					m.Students = append(m.Students, r.Student)
				}
			}
		}
	}
	if s.Submitted == 0 {
		return s
	}
	for i := range s.Tasks {
		ts := &s.Tasks[i]
		ts.Mean /= float64(s.Submitted)
		ts.FullMarksRate = float64(ts.FullMarks) / float64(s.Submitted)
	}
	slices.Sort(scores)
	s.Min, s.Max = scores[0], scores[len(scores)-1]
	for _, x := range scores {
		s.Mean += x
	}
	s.Mean /= float64(len(scores))
	if n := len(scores); n%2 == 1 {
		s.Median = scores[n/2]
	} else {
		s.Median = (scores[n/2-1] + scores[n/2]) / 2
	}
	if s.MaxScore > 0 {
		for i := 0; i < 10; i++ {
			s.Distribution = append(s.Distribution, Bin{From: s.MaxScore * float64(i) / 10, To: s.MaxScore * float64(i+1) / 10})
		}
		for _, x := range scores {
			i := min(max(int(math.Floor(10*x/s.MaxScore)), 0), 9)
			s.Distribution[i].Count++
		}
	}
	for _, m := range mistakes {
		sort.Strings(m.Students)
		sort.Strings(m.Tasks)
		m.Count = len(m.Students)
		s.Mistakes = append(s.Mistakes, *m)
	}
	slices.SortFunc(s.Mistakes, func(a, b Mistake) int { return cmp.Or(b.Count-a.Count, strings.Compare(a.Name, b.Name)) })
	slices.SortStableFunc(s.Late, func(a, b Late) int {
		return cmp.Or(b.Days-a.Days, cmp.Compare(b.Penalty, a.Penalty), strings.Compare(a.Student, b.Student))
	})
	return s
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}

// WriteJSON writes the summary as summary.json.
func (s *Summary) WriteJSON(w io.Writer) error { return writeJSON(w, s) }

// WriteMarkdown writes the summary as summary.md, for the teacher.
func (s *Summary) WriteMarkdown(w io.Writer) error {
	var b strings.Builder
	p := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	title := cmp.Or(s.Title, s.Assignment, "Batch")
	p("# %s — summary\n\n", md(title))
	p("%d students, %d submitted, %d with full marks", s.Students, s.Submitted, s.FullMarks)
	if n := len(s.Missing); n > 0 {
		p(", %d missing", n)
	}
	if n := len(s.NotGraded); n > 0 {
		p(", %d could not be graded", n)
	}
	if n := len(s.Late); n > 0 {
		p(", %d late", n)
	}
	p(".\n\n")
	if s.LateFromFileTimes > 0 {
		p("**Warning: %d late penalties come from file modification times**, which copying or unzipping changes: check them, or give the real submission times.\n\n", s.LateFromFileTimes)
	}
	if s.Submitted == 0 {
		_, err := io.WriteString(w, b.String())
		return err
	}
	p("## Scores\n\nOut of %s: mean %s, median %s, min %s, max %s.\n\n", num(s.MaxScore), num(s.Mean), num(s.Median), num(s.Min), num(s.Max))
	if len(s.Distribution) > 0 {
		p("| score | students | |\n|---|---:|---|\n")
		for i, bin := range s.Distribution {
			closing := ")"
			if i == len(s.Distribution)-1 {
				closing = "]"
			}
			p("| [%s, %s%s | %d | %s |\n", num(bin.From), num(bin.To), closing, bin.Count, strings.Repeat("█", bin.Count*30/max(s.Submitted, 1)))
		}
		p("\n")
	}
	p("## Tasks\n\n| task | mean | max | full marks |\n|---|---:|---:|---:|\n")
	for _, t := range s.Tasks {
		p("| %s | %s | %s | %d (%.0f %%) |\n", md(t.ID), num(t.Mean), num(t.MaxScore), t.FullMarks, 100*t.FullMarksRate)
	}
	p("\n## Mistakes to re-teach\n\n")
	if len(s.Mistakes) == 0 {
		p("No failing check matched a known mistake.\n")
	} else {
		p("| mistake | students | tasks | who |\n|---|---:|---|---|\n")
		for _, m := range s.Mistakes {
			p("| %s | %d | %s | %s |\n", md(m.Name), m.Count, md(strings.Join(m.Tasks, ", ")), md(strings.Join(m.Students, ", ")))
		}
		p("\n")
		for _, m := range s.Mistakes {
			if m.Hint != "" {
				p("- **%s**: %s\n", md(m.Name), md(m.Hint))
			}
		}
	}
	if len(s.NotGraded) > 0 || len(s.Missing) > 0 {
		p("\n## Not graded\n\n")
		for _, pr := range s.NotGraded {
			p("- %s: %s\n", md(pr.Student), md(pr.Reason))
		}
		if len(s.Missing) > 0 {
			p("- no submission: %s\n", md(strings.Join(s.Missing, ", ")))
		}
	}
	if len(s.Late) > 0 {
		p("\n## Late\n\n| student | submitted (UTC) | days late | penalty | time from |\n|---|---|---:|---:|---|\n")
		for _, l := range s.Late {
			at := ""
			if !l.SubmittedAt.IsZero() {
				at = l.SubmittedAt.Format("2006-01-02 15:04")
			}
			src := l.Source
			if src == "mtime" {
				src = "**file times**"
			}
			p("| %s | %s | %d | %s | %s |\n", md(l.Student), at, l.Days, num(l.Penalty), src)
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// num formats a number with at most two decimals.
func num(x float64) string {
	s := fmt.Sprintf("%.2f", x)
	s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	if s == "-0" {
		s = "0"
	}
	return s
}

// md makes text safe in a Markdown table cell or list item.
var mdEscaper = strings.NewReplacer("|", `\|`, "\n", " ", "\r", " ", "*", `\*`, "_", `\_`, "`", "\\`", "<", "&lt;", ">", "&gt;", "[", `\[`, "]", `\]`)

func md(s string) string { return mdEscaper.Replace(s) }

// LateFromFileTimes lists the results whose late penalty comes from file modification
// times (no recorded submission time), as "student (N day(s), -P points)".
func LateFromFileTimes(results []*grader.Result) []string {
	var late []string
	for _, r := range results {
		if r.SubmittedAtSource == "mtime" && r.LatePenalty > 0 {
			late = append(late, fmt.Sprintf("%s (%d day(s), -%g points)", r.Student, r.LateDays, r.LatePenalty))
		}
	}
	return late
}
