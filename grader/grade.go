package grader

import (
	"context"
	"fmt"
	"math"
	"time"

	"github.com/optgrade/optgrade/grader/rubric"
	"github.com/optgrade/optgrade/reference"
)

// Grader grades submissions against one rubric. Its reference side (every value a check
// wants) is computed once by New and shared by all submissions; a Grader is safe for
// concurrent use by several goroutines, each grading its own submission.
type Grader struct {
	rubric *rubric.Rubric
	all    bool
	plans  [][]*checkPlan // per task, per check; nil where the check is not selected
	hidden []float64      // per task, the points of its checks left out because they are not visible
	// oneDoPerCheck sends each check's calls in Do calls of its own, as before calls were
	// pipelined across checks (tests compare the two).
	oneDoPerCheck bool
}

// New plans every check of r. With all false only visible checks run (what a student's
// `optgrade check` may see); with all true every check runs (a TA's `optgrade grade`).
func New(r *rubric.Rubric, all bool) (*Grader, error) {
	g := &Grader{rubric: r, all: all, plans: make([][]*checkPlan, len(r.Tasks)), hidden: make([]float64, len(r.Tasks))}
	var errs rubric.ErrorList
	for i := range r.Tasks {
		t := &r.Tasks[i]
		fn, ok := reference.Lookup(t.Function)
		if !ok {
			errs = append(errs, rubric.Error{File: r.File, Line: t.Line, Msg: fmt.Sprintf("task %q: unknown function %q", t.ID, t.Function)})
			continue
		}
		variants := variantsFor(t)
		g.plans[i] = make([]*checkPlan, len(t.Checks))
		for j := range t.Checks {
			c := &t.Checks[j]
			if !all && c.Visibility != rubric.Visible {
				g.hidden[i] += c.Points
				continue
			}
			kind, ok := lookupKind(c.Kind)
			if !ok {
				errs = append(errs, rubric.Error{File: r.File, Line: c.Line, Msg: fmt.Sprintf("task %q, check %q: unknown kind %q", t.ID, c.Name, c.Kind)})
				continue
			}
			atol, rtol := r.Tol(t, c)
			p := &checkPlan{task: t, check: c, checkNo: j + 1, kind: kind, fn: fn, tol: Tol{Atol: atol, Rtol: rtol}, variants: variants,
				float64Only: r.PrecisionOf(t) == rubric.PrecisionFloat64}
			if err := kind.plan(p); err != nil {
				errs = append(errs, rubric.Error{File: r.File, Line: c.Line, Msg: fmt.Sprintf("task %q, check %q: %v", t.ID, c.Name, err)})
				continue
			}
			if msg := nonFiniteWant(p); msg != "" {
				errs = append(errs, rubric.Error{File: r.File, Line: c.Line, Msg: fmt.Sprintf("task %q, check %q: %s", t.ID, c.Name, msg)})
				continue
			}
			g.plans[i][j] = p
		}
	}
	if len(errs) > 0 {
		errs.Sort()
		return nil, errs
	}
	return g, nil
}

// Rubric returns the rubric the grader grades against.
func (g *Grader) Rubric() *rubric.Rubric { return g.rubric }

// Submitted is when a submission was handed in, and how that was learnt: "flag" (given on
// the command line), "manifest" (its optgrade.yaml), "mtime" (its newest file) or "none".
type Submitted struct {
	At     *time.Time
	Source string
}

// locator is a Conn that knows where the submission defines a function (a notebook's
// cell, from its hello).
type locator interface{ Location(fn string) string }

// isolated is a Runner or Conn that says what isolates the submission (the process
// runner's sandbox).
type isolated interface{ Isolation() string }

// Grade runs every selected check against the submission run starts. A submission that
// cannot be started is a result too (Error set, every check scored 0), never a Go error.
func (g *Grader) Grade(ctx context.Context, run Runner, student, dir string, when Submitted) *Result {
	begin := time.Now()
	res := &Result{
		Version:           ResultVersion,
		Assignment:        g.rubric.Assignment,
		Title:             g.rubric.Title,
		Student:           student,
		Submission:        dir,
		SubmittedAt:       when.At,
		SubmittedAtSource: when.Source,
		Visibility:        "visible",
	}
	if g.all {
		res.Visibility = "all"
	}
	if res.SubmittedAtSource == "" {
		res.SubmittedAtSource = "none"
	}
	if iso, ok := run.(isolated); ok {
		res.Isolation = iso.Isolation()
	}
	conn, err := run.Start(ctx)
	if err != nil {
		res.Error = err.Error()
	}
	if iso, ok := conn.(isolated); ok {
		res.Isolation = iso.Isolation()
	}
	implemented := map[string]bool{}
	if conn != nil {
		for _, f := range conn.Functions() {
			implemented[f] = true
		}
	}
	var pl *pipeline
	if conn != nil && !g.oneDoPerCheck {
		pl = newPipeline(g, conn, func(i int) bool { return implemented[g.rubric.Tasks[i].Function] })
	}
	for i := range g.rubric.Tasks {
		if g.plans[i] == nil { // left out by Only
			continue
		}
		skip := ""
		switch {
		case conn == nil:
			skip = "not run: the submission could not be started"
		case !implemented[g.rubric.Tasks[i].Function]:
			skip = notListed(g.rubric.Tasks[i].Function, conn)
		}
		res.HiddenPoints += g.hidden[i]
		tr := g.gradeTaskVia(ctx, i, conn, pl, skip)
		if l, ok := conn.(locator); ok {
			tr.Location = l.Location(tr.Function)
		}
		res.Tasks = append(res.Tasks, tr)
		res.MaxScore += tr.MaxScore
		res.RawScore += tr.Score
	}
	if conn != nil {
		conn.Close() // first: the last of stderr may arrive after the last reply
		res.Output = conn.Output()
	}
	res.RawScore = roundPoints(res.RawScore)
	res.Score = res.RawScore
	if when.At != nil {
		res.LatePenalty, res.LateDays = latePenalty(g.rubric, res.RawScore, *when.At)
		res.Score = roundPoints(res.RawScore - res.LatePenalty)
	}
	res.Elapsed = time.Since(begin).Seconds()
	return res
}

// gradeTask runs task i's selected checks; a non-empty skip says why none can run.
func (g *Grader) gradeTask(ctx context.Context, i int, conn Conn, skip string) TaskResult {
	return g.gradeTaskVia(ctx, i, conn, nil, skip)
}

// gradeTaskVia is gradeTask with the checks' calls sent through pl when it is not nil.
func (g *Grader) gradeTaskVia(ctx context.Context, i int, conn Conn, pl *pipeline, skip string) TaskResult {
	t := &g.rubric.Tasks[i]
	tr := TaskResult{ID: t.ID, Title: t.Title, Function: t.Function}
	var ran []ranCheck
	if conn != nil && pl == nil {
		// A hang or a crash costs the call it happened in: the runner restarts the
		// submission and the task goes on with the next case (up to a few faults).
		conn = &resilientConn{Conn: conn}
	}
	for j, p := range g.plans[i] {
		if p == nil {
			continue
		}
		c := &t.Checks[j]
		tr.MaxScore += c.Points
		if skip != "" {
			status := Error
			if conn != nil {
				status = NotImplemented
			}
			tr.Checks = append(tr.Checks, CheckResult{Name: c.Name, Kind: string(c.Kind), Visibility: string(c.Visibility), Status: status, MaxScore: c.Points, Message: skip})
			continue
		}
		cc := conn
		if pl != nil {
			cc = pl.check(p)
		}
		cr, outs := runCheck(ctx, p, cc)
		ran = append(ran, ranCheck{plan: p, outs: outs, result: len(tr.Checks)})
		tr.Checks = append(tr.Checks, cr)
		tr.Score += cr.Score
	}
	nameMistakes(&tr, ran)
	tr.Score = roundPoints(tr.Score)
	return tr
}

// nonFiniteWant says which value a planned check wants is not finite (every step of a
// trajectory, every generated case), or returns "". Loading the rubric checks literal cases
// and a trajectory's first step; only planning computes the rest.
func nonFiniteWant(p *checkPlan) string {
	for k, want := range p.wants {
		if path, x, bad := rubric.NonFinite(want); bad {
			label := fmt.Sprintf("case %d", k+1)
			if k < len(p.labels) {
				label = p.labels[k]
			}
			return fmt.Sprintf("%s: the reference's result is not finite (result%s = %v): any answer that overflows would match it; choose inputs whose results are finite", label, path, x)
		}
	}
	return ""
}

// latePenalty is the points taken off a raw score handed in at at, and the days it is late
// (see rubric.Rubric.LatePercent).
func latePenalty(r *rubric.Rubric, raw float64, at time.Time) (float64, int) {
	pct, days := r.LatePercent(at)
	return roundPoints(raw * pct / 100), days
}

// roundPoints rounds to 1e-6 points, so that sums of fractions print cleanly.
func roundPoints(x float64) float64 { return math.Round(x*1e6) / 1e6 }
