package report

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"fmt"
	"html/template"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/optgrade/optgrade/grader"
	"github.com/optgrade/optgrade/grader/report/figure"
)

//go:embed html.tmpl
var htmlSource string

//go:embed html.css
var htmlStyle string

// HTMLStyle is the style sheet of the HTML report, for other pages of optgrade (a batch's
// summary.html) to look the same: readable on a phone and in print.
func HTMLStyle() template.CSS { return template.CSS(htmlStyle) }

var htmlTemplate = sync.OnceValue(func() *template.Template { return template.Must(template.New("report").Parse(htmlSource)) })

// HTML writes r as one self-contained HTML page for the student: the score, every task
// and check, each failing case in full (the call, what came back, what was wanted, where
// they first differ and within which tolerance), the likely mistake's sentence, and for
// every check that ran a trajectory or a training run, plots of the student's curves
// beside the reference's with the first point where they part marked. Plots are inline
// SVG drawn by gonum/plot, styles are inline CSS: the page loads nothing (its Content
// Security Policy forbids it), needs no JavaScript, and reads on a phone and in print.
// Every string from the submission or the rubric is escaped by html/template, and control
// characters are shown as \xNN. Like every format it shows what r holds: a batch hands
// students a result whose hidden checks were stripped first (batch.StudentView).
func HTML(w io.Writer, r *grader.Result, o Options) error {
	return htmlTemplate().Execute(w, newHTMLPage(r, o))
}

type htmlPage struct {
	CSS                        template.CSS
	Title, Student, Submission string
	Score, MaxScore, RawScore  string
	Percent                    string // of the bar, 0–100
	Late                       string
	Float32                    string
	Error                      string
	Public                     bool
	Tasks                      []htmlTask
	Output                     string
	OutputLines                int
	OutputOpen                 bool
}

type htmlTask struct {
	Anchor, ID, Title, Function string
	Location                    string // where Function is defined ("cell 10"), for a task that lost points
	Status, Class               string // PASS/PART/FAIL and its CSS class
	Score, MaxScore             string
	Checks                      []htmlCheck
}

type htmlCheck struct {
	Name, Kind, Visibility string
	Word, Class            string
	Score, MaxScore        string
	Cases                  string
	Message                string
	Hint, Misconception    string
	First                  *htmlCase
	More                   []htmlCase // further failing cases (each in a closed <details>)
	MoreLeft               int        // failing cases beyond maxMoreCases, not shown
	NotRun                 int
	Hidden                 bool // a hidden check whose cases were withheld (batch.StudentView)
	Runs                   []htmlRun
	RunsLeft               int // runs not drawn
}

type htmlCase struct {
	ID, Label, Message string
	Call               string
	Path, Got, Want    string
	Why, Tolerance     string
	Error, Fault       string
	Result, Expected   string
	Replay             string // the reference's answer to the same call, as a command
	Plots              []template.HTML
}

type htmlRun struct {
	Label  string
	Leaves string // "leaves the reference at step 3", "stays with the reference"
	Plots  []template.HTML
	Left   int // panels not drawn (capped)
}

// maxPlots bounds the panels drawn per run (the loss, then the coordinates of each state),
// maxRuns the runs drawn per check.
// maxMoreCases the failing cases shown in full after the first; a passing check draws
// maxPassedPlots panels.
const (
	maxPlots       = 12
	maxPassedPlots = 2
	maxRuns        = 3
	maxMoreCases   = 20
)

func newHTMLPage(r *grader.Result, o Options) htmlPage {
	p := htmlPage{
		CSS:        HTMLStyle(),
		Title:      printable(heading(r)),
		Student:    printable(r.Student),
		Submission: printable(r.Submission),
		Score:      points(r.Score, 2),
		MaxScore:   points(r.MaxScore, 2),
		Late:       printable(lateLine(r)),
		Error:      printable(r.Error),
		Public:     r.Visibility == "visible",
	}
	if p.Title == "" {
		p.Title = "optgrade report"
	}
	if float32Results(r) {
		p.Float32 = float32Note
	}
	if r.LatePenalty != 0 {
		p.RawScore = points(r.RawScore, 2)
	}
	pct := 0.0
	if r.MaxScore > 0 && finiteNumber(r.Score) {
		pct = math.Max(0, math.Min(100, 100*r.Score/r.MaxScore))
	}
	p.Percent = strconv.FormatFloat(pct, 'f', 1, 64)
	for i := range r.Tasks {
		p.Tasks = append(p.Tasks, newHTMLTask(i, &r.Tasks[i]))
	}
	if r.Output != "" {
		p.Output = printable(r.Output)
		p.OutputLines = len(lines(p.Output))
		p.OutputOpen = o.Verbose || !r.Passed()
	}
	return p
}

func newHTMLTask(i int, t *grader.TaskResult) htmlTask {
	status := taskStatus(t)
	ht := htmlTask{
		Anchor:   fmt.Sprintf("task-%d", i+1),
		ID:       printable(t.ID),
		Title:    printable(t.Title),
		Function: printable(t.Function),
		Status:   status,
		Class:    strings.ToLower(status),
		Score:    points1(t.Score),
		MaxScore: points1(t.MaxScore),
	}
	if whereDefined(t) != "" {
		ht.Location = printable(t.Location)
	}
	for j := range t.Checks {
		ht.Checks = append(ht.Checks, newHTMLCheck(&t.Checks[j]))
	}
	return ht
}

var checkClass = map[grader.Status]string{
	grader.Pass: "pass", grader.Partial: "part", grader.Fail: "fail",
	grader.Error: "error", grader.NotImplemented: "todo",
}

func newHTMLCheck(c *grader.CheckResult) htmlCheck {
	hc := htmlCheck{
		Name:          printable(c.Name),
		Kind:          printable(c.Kind),
		Visibility:    printable(c.Visibility),
		Word:          checkWord(c.Status),
		Class:         checkClass[c.Status],
		Score:         points(c.Score, 2),
		MaxScore:      points(c.MaxScore, 2),
		Message:       printable(c.Message),
		Hint:          printable(c.Hint),
		Misconception: printable(c.Misconception),
		NotRun:        c.NotRun,
		Hidden:        c.Visibility == "hidden" && c.Message == "" && len(c.Failures) == 0,
	}
	if hc.Class == "" {
		hc.Class = "fail"
	}
	if c.Cases > 0 {
		hc.Cases = fmt.Sprintf("%d/%d cases", c.Passed, c.Cases)
	}
	if len(c.Details) > 0 && len(c.Failures) == 0 {
		// Only the one-line summaries are known: show them under the message.
		hc.Message += "\n" + printable(strings.Join(c.Details, "\n"))
	}
	for i := range c.Failures {
		if i > maxMoreCases {
			hc.MoreLeft = len(c.Failures) - i
			break
		}
		hcase := newHTMLCase(&c.Failures[i])
		if i == 0 {
			hc.First = &hcase
		} else {
			hc.More = append(hc.More, hcase)
		}
	}
	atol, rtol := math.NaN(), math.NaN()
	if len(c.Failures) > 0 {
		atol, rtol = c.Failures[0].Atol, c.Failures[0].Rtol
	}
	// The runs that leave the reference first (at most maxRuns); when none does, the first.
	var runs []*grader.Run
	for i := range c.Runs {
		if c.Runs[i].Leaves >= 0 && c.Status != grader.Pass && len(runs) < maxRuns {
			runs = append(runs, &c.Runs[i])
		}
	}
	if len(runs) == 0 && len(c.Runs) > 0 {
		runs = append(runs, &c.Runs[0])
	}
	for _, run := range runs {
		hc.Runs = append(hc.Runs, newHTMLRun(run, c.Status == grader.Pass, atol, rtol))
	}
	hc.RunsLeft = len(c.Runs) - len(runs)
	return hc
}

func newHTMLCase(f *grader.CaseResult) htmlCase {
	hc := htmlCase{
		ID:       printable(f.ID),
		Label:    printable(f.Label),
		Message:  printable(f.Message),
		Path:     printable(f.Path),
		Got:      prettyJSON(f.Got),
		Want:     prettyJSON(f.Want),
		Why:      printable(f.Why),
		Error:    printable(f.Error),
		Fault:    printable(f.Fault),
		Result:   prettyJSON(f.Result),
		Expected: prettyJSON(f.Expected),
	}
	if f.Fn != "" {
		hc.Call = printable(f.Fn) + "(" + prettyJSON(f.Args) + ")"
		if len(f.Args) > 0 {
			hc.Replay = "optgrade reference call " + printable(f.Fn) + " --args '" +
				strings.ReplaceAll(printable(compactJSON(f.Args)), "'", `'\''`) + "'"
		}
	}
	if !bytes.HasPrefix(f.Want, []byte(`"`)) {
		hc.Tolerance = tolerance(f.Atol, f.Rtol) // a label is compared exactly
	}
	if f.Fn == "diagnose" {
		hc.Plots = diagnosePlots(f.Args)
	}
	return hc
}

// diagnosePlots draws the training curve of a diagnose case (its loss, and its weights when
// they were sent): the curve the student labelled.
func diagnosePlots(args grader.Value) []template.HTML {
	var a struct {
		Loss []float64   `json:"loss"`
		W    [][]float64 `json:"w"`
	}
	if json.Unmarshal(args, &a) != nil || len(a.Loss) == 0 {
		return nil
	}
	steps := func(n int) []float64 {
		x := make([]float64, n)
		for k := range x {
			x[k] = float64(k)
		}
		return x
	}
	plots := []template.HTML{template.HTML(figure.CurvesSVG("the curve: loss per step",
		[]figure.Series{{Label: "loss", X: steps(len(a.Loss)), Y: a.Loss}}, true))}
	if len(a.W) > 0 {
		var ws []figure.Series
		for j := range min(len(a.W[0]), 6) {
			ws = append(ws, figure.Series{Label: fmt.Sprintf("w[%d]", j), X: steps(len(a.W)), Y: column(toVecs(a.W), j)})
		}
		plots = append(plots, template.HTML(figure.CurvesSVG("the curve: weights per step", ws, false)))
	}
	return plots
}

func toVecs(m [][]float64) []grader.Vec {
	vs := make([]grader.Vec, len(m))
	for i, v := range m {
		vs[i] = v
	}
	return vs
}

// tolerance writes the test a number had to pass: |got − want| ≤ atol + rtol·|want|.
func tolerance(atol, rtol float64) string {
	g := func(x float64) string { return strconv.FormatFloat(x, 'g', -1, 64) }
	switch {
	case atol == 0 && rtol == 0:
		return ""
	case rtol == 0:
		return "|got − want| ≤ " + g(atol) + " (atol)"
	case atol == 0:
		return "|got − want| ≤ " + g(rtol) + "·|want| (rtol)"
	}
	return "|got − want| ≤ " + g(atol) + " + " + g(rtol) + "·|want| (atol + rtol·|want|)"
}

// newHTMLRun draws a run's panels: the loss first, then every coordinate of every state
// series (at most maxPlots in all, maxPassedPlots for a passing check). Each panel marks the first step at which the student's
// value is out of the check's tolerance (atol, rtol; NaN when the check kept no failing
// case, and then Run.Leaves alone decides); a passing check marks nothing.
func newHTMLRun(run *grader.Run, passed bool, atol, rtol float64) htmlRun {
	hr := htmlRun{Label: printable(run.Label)}
	switch {
	case passed || run.Leaves < 0:
		hr.Leaves = "stays with the reference within tolerance"
	default:
		hr.Leaves = fmt.Sprintf("leaves the reference at step %d", run.Leaves)
	}
	series := slices.Clone(run.Series)
	slices.SortStableFunc(series, func(a, b grader.Series) int {
		return boolInt(a.Name != "loss") - boolInt(b.Name != "loss")
	})
	limit := maxPlots
	if passed {
		limit = maxPassedPlots // matching curves: a glance is enough
	}
	for _, s := range series {
		dim := 0
		for _, v := range append(slices.Clone(s.Reference), s.Student...) {
			dim = max(dim, len(v))
		}
		for j := range dim {
			if len(hr.Plots) == limit {
				hr.Left++
				continue
			}
			c := figure.Compare{Title: printable(s.Name), Student: column(s.Student, j), Reference: column(s.Reference, j), Parts: -1}
			if dim > 1 || s.Name != "loss" {
				c.Title = fmt.Sprintf("%s[%d]", c.Title, j)
			}
			if !passed {
				switch {
				case !math.IsNaN(atol):
					c.Parts = figure.Parts(c.Student, c.Reference, atol, rtol)
				case run.Leaves >= 0:
					c.Parts = run.Leaves
				}
			}
			// The SVG is gonum/plot's, which escapes its text (the series name is the only
			// text from the result in it).
			hr.Plots = append(hr.Plots, template.HTML(c.SVG()))
		}
	}
	return hr
}

// column returns element j of each vector, NaN where a vector is missing or short.
func column(vs []grader.Vec, j int) []float64 {
	out := make([]float64, len(vs))
	for k, v := range vs {
		out[k] = math.NaN()
		if j < len(v) {
			out[k] = v[j]
		}
	}
	return out
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

func finiteNumber(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }
