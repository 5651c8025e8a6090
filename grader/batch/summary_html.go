package batch

import (
	"cmp"
	_ "embed"
	"fmt"
	"html/template"
	"io"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"unicode"

	"github.com/optgrade/optgrade/grader"
	"github.com/optgrade/optgrade/grader/report"
	"github.com/optgrade/optgrade/grader/report/figure"
)

// SummaryHTMLFile is the course overview with charts.
const SummaryHTMLFile = "summary.html"

//go:embed summary.tmpl
var summarySource string

var summaryTemplate = sync.OnceValue(func() *template.Template { return template.Must(template.New("summary").Parse(summarySource)) })

// WriteSummaryHTML writes the course overview as one self-contained HTML page: the
// numbers of s, a histogram of the scores, each task's full-marks rate, the most common
// named mistakes as a bar chart with the students behind each bar, those that could not be
// graded, are missing or late, and every student's score linked to their report. links maps
// a student id to the URL of their report, relative to the page (see ReportLinks); a
// student without one is listed without a link. Charts are inline SVG (gonum/plot), styles
// inline CSS; the page loads nothing and needs no script.
func WriteSummaryHTML(w io.Writer, s *Summary, results []*grader.Result, links map[string]string) error {
	return summaryTemplate().Execute(w, newSummaryPage(s, results, links))
}

type summaryPage struct {
	CSS                       template.CSS
	Title                     string
	Students, Submitted       int
	Mean, Median, Min, Max    string
	MaxScore                  string
	FullMarks                 int
	Histogram, Tasks, Mistake template.HTML
	TaskRows                  []summaryTask
	Mistakes                  []summaryMistake
	NotGraded                 []summaryProblem
	Missing                   []summaryStudent
	Late                      []summaryLate
	Rows                      []summaryRow
}

type summaryTask struct {
	ID, Title, Mean, MaxScore, Rate string
	FullMarks                       int
}

type summaryStudent struct{ ID, Link string }

type summaryMistake struct {
	Name, Hint, Tasks string
	Count             int
	Students          []summaryStudent
}

type summaryProblem struct {
	Who    summaryStudent
	Reason string
}

type summaryLate struct {
	Who             summaryStudent
	Days            int
	Penalty, Source string
}

type summaryRow struct {
	Who           summaryStudent
	Score, Status string
}

func newSummaryPage(s *Summary, results []*grader.Result, links map[string]string) summaryPage {
	student := func(id string) summaryStudent { return summaryStudent{ID: clean(id), Link: links[id]} }
	p := summaryPage{
		CSS:       report.HTMLStyle(),
		Title:     clean(cmp.Or(s.Title, s.Assignment, "Course overview")),
		Students:  s.Students,
		Submitted: s.Submitted,
		Mean:      num(s.Mean), Median: num(s.Median), Min: num(s.Min), Max: num(s.Max),
		MaxScore:  num(s.MaxScore),
		FullMarks: s.FullMarks,
	}
	var bins, rates, mistakes []figure.Bar
	for _, b := range s.Distribution {
		bins = append(bins, figure.Bar{Label: num(b.From) + "–" + num(b.To), Value: float64(b.Count)})
	}
	for _, t := range s.Tasks {
		rates = append(rates, figure.Bar{Label: clean(t.ID), Value: 100 * t.FullMarksRate})
		p.TaskRows = append(p.TaskRows, summaryTask{ID: clean(t.ID), Title: clean(t.Title), Mean: num(t.Mean), MaxScore: num(t.MaxScore),
			FullMarks: t.FullMarks, Rate: fmt.Sprintf("%.0f %%", 100*t.FullMarksRate)})
	}
	for _, m := range s.Mistakes {
		mistakes = append(mistakes, figure.Bar{Label: fmt.Sprintf("%s (%d)", clean(m.Name), m.Count), Value: float64(m.Count)})
		sm := summaryMistake{Name: clean(m.Name), Hint: clean(m.Hint), Tasks: clean(strings.Join(m.Tasks, ", ")), Count: m.Count}
		for _, id := range m.Students {
			sm.Students = append(sm.Students, student(id))
		}
		p.Mistakes = append(p.Mistakes, sm)
	}
	// Charts list the most common first from the top: horizontal bars are drawn bottom-up.
	slices.Reverse(rates)
	slices.Reverse(mistakes)
	if len(bins) > 0 {
		p.Histogram = template.HTML(figure.BarsSVG("Scores (points)", "students", bins, false, 0))
	}
	if len(rates) > 0 {
		p.Tasks = template.HTML(figure.BarsSVG("Full marks per task", "% of submissions", rates, true, 100))
	}
	if len(mistakes) > 0 {
		p.Mistake = template.HTML(figure.BarsSVG("Named mistakes", "students", mistakes, true, 0))
	}
	for _, n := range s.NotGraded {
		p.NotGraded = append(p.NotGraded, summaryProblem{student(n.Student), clean(n.Reason)})
	}
	for _, id := range s.Missing {
		p.Missing = append(p.Missing, student(id))
	}
	for _, l := range s.Late {
		p.Late = append(p.Late, summaryLate{student(l.Student), l.Days, num(l.Penalty), clean(l.Source)})
	}
	for _, r := range results {
		row := summaryRow{Who: student(r.Student), Score: num(r.Score) + "/" + num(r.MaxScore)}
		switch {
		case r.Error == NoSubmission && len(r.Tasks) == 0:
			row.Status, row.Score = "missing", ""
		case r.Error != "":
			row.Status = "not graded"
		case r.Passed():
			row.Status = "all passed"
		}
		p.Rows = append(p.Rows, row)
	}
	return p
}

// ReportLinks maps each stored student to their report in the store, relative to the top
// of the store: feedback.html when the batch wrote it, else feedback.md, else result.json.
func ReportLinks(out string, keys map[string]string) map[string]string {
	links := map[string]string{}
	for id, key := range keys {
		for _, name := range []string{"feedback.html", FeedbackFile, ResultFile} {
			if _, err := os.Stat(filepath.Join(out, key, name)); err == nil {
				links[id] = path.Join(key, name)
				break
			}
		}
	}
	return links
}

// clean makes a string from a submission or rubric safe to show: control characters and
// bidirectional overrides become spaces (html/template escapes the rest).
func clean(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || unicode.Is(unicode.Bidi_Control, r) {
			return ' '
		}
		return r
	}, s)
}
