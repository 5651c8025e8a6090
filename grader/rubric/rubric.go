package rubric

import (
	"math"
	"time"

	"github.com/optgrade/optgrade/reference"
)

// Version is the value of the rubric's `optgrade:` key this grader reads.
const Version = 1

// Rubric is an assignment's grading scheme, loaded from YAML by Load (load.go).
//
//	optgrade: 1
//	assignment: opt-a1
//	title: Assignment 1 — Optimization
//	points: 100
//	deadline: 2026-12-02T15:30:00+01:00
//	late: {grace: 15m, per_day: 10, cap: 50}
//	tolerance: {atol: 1e-9, rtol: 1e-6}
//	tasks:
//	  - id: nll
//	    title: Bernoulli negative log-likelihood
//	    function: bernoulli_nll
//	    points: 5
//	    checks:
//	      - name: lecture example
//	        kind: value
//	        points: 2
//	        cases: [{args: {lam: 0.3, y: [1,0,0,0,0,0,0,1,1,0], base: 10}}]
//	      - name: random
//	        kind: value
//	        visibility: hidden
//	        points: 3
//	        generate: {seed: 17, count: 8}
type Rubric struct {
	Version    int        `yaml:"optgrade"`
	Assignment string     `yaml:"assignment"`
	Title      string     `yaml:"title"`
	Points     float64    `yaml:"points"`
	Deadline   *time.Time `yaml:"deadline"`
	Late       LatePolicy `yaml:"late"`
	Tolerance  Tolerance  `yaml:"tolerance"` // defaults for every check
	Precision  Precision  `yaml:"precision"` // how float32 results are judged; per task too
	Tasks      []Task     `yaml:"tasks"`

	// File is the path the rubric was read from (for messages); not a YAML key.
	File string `yaml:"-"`
	// SHA256 is the SHA-256, in hex, of the bytes Parse read (the file's, for Load): what
	// identifies the rubric in reports, with no second read of a file that may have
	// changed since. Empty for a rubric not made by Parse (Public clears it).
	SHA256 string `yaml:"-"`
}

// LatePolicy takes PerDay percent of the points for each day or part of a day after the
// deadline plus Grace, up to Cap percent.
type LatePolicy struct {
	Grace  Duration `yaml:"grace"`
	PerDay float64  `yaml:"per_day"` // percent of the raw score per (part of a) day
	Cap    float64  `yaml:"cap"`     // maximum percent taken; 0 means 100
}

// Duration is a time.Duration written in YAML as "15m", "2h", "1h30m".
type Duration struct{ time.Duration }

// Tolerance is the element-wise test |got − want| ≤ Atol + Rtol·|want|.
// A nil field inherits from the level above (rubric → task → check).
type Tolerance struct {
	Atol *float64 `yaml:"atol"`
	Rtol *float64 `yaml:"rtol"`
}

// Precision says how results computed in single precision are judged. PrecisionAuto (the
// default, written as no key) judges a result whose every number is a float32 with a
// float32 tolerance, and says so in the feedback: the course teaches optimization, not
// floating point. PrecisionFloat64 judges every result with the rubric's own tolerance.
type Precision string

const (
	PrecisionAuto    Precision = ""
	PrecisionFloat64 Precision = "float64"
)

// Task is one catalog function with its points and checks.
type Task struct {
	ID        string    `yaml:"id"`
	Title     string    `yaml:"title"`
	Function  string    `yaml:"function"`
	Points    float64   `yaml:"points"`
	Tolerance Tolerance `yaml:"tolerance"`
	Precision Precision `yaml:"precision"`
	Checks    []Check   `yaml:"checks"`
	// Misconceptions names the registered variants of Function whose hint this task may
	// give (and that rubric lint demands the checks catch); empty means all of them.
	Misconceptions []string `yaml:"misconceptions"`

	Line int `yaml:"-"` // where the task starts in the file
}

// Kind is the kind of a check: one row of the table Kinds returns.
type Kind string

// Check kinds.
const (
	KindValue          Kind = "value"
	KindGradient       Kind = "gradient"
	KindTrajectory     Kind = "trajectory"
	KindConvergence    Kind = "convergence"
	KindClassification Kind = "classification"
)

// Visibility says who sees a check's result, in Gradescope's words.
type Visibility string

// Visibility values.
const (
	Visible      Visibility = "visible"
	Hidden       Visibility = "hidden"
	AfterDueDate Visibility = "after_due_date"
)

// Scoring says how a check's points follow from its cases.
type Scoring string

// Scoring values.
const (
	AllOrNothing Scoring = "all_or_nothing"
	Proportional Scoring = "proportional"
)

// Mode is how a trajectory check drives a step function.
type Mode string

// Trajectory modes.
const (
	TeacherForced Mode = "teacher_forced"
	FreeRunning   Mode = "free_running"
)

// Check is one check of a task. Which fields apply depends on Kind:
//
//	value, gradient:   cases and/or generate
//	trajectory:        mode, steps, generate (seed, dim) and/or start (literal first-step args)
//	convergence:       cases and/or generate (train's arguments)
//	classification:    generate (seed, count = curves per label), with_w
type Check struct {
	Name       string     `yaml:"name"`
	Kind       Kind       `yaml:"kind"`
	Points     float64    `yaml:"points"`
	Visibility Visibility `yaml:"visibility"` // default visible
	Scoring    Scoring    `yaml:"scoring"`    // default all_or_nothing
	Tolerance  Tolerance  `yaml:"tolerance"`
	Cases      []Case     `yaml:"cases"`
	Generate   *Generate  `yaml:"generate"`

	// trajectory
	Mode  Mode           `yaml:"mode"`  // teacher_forced (default) or free_running
	Steps int            `yaml:"steps"` // number of steps
	Start reference.Args `yaml:"start"` // literal arguments of the first step (state, hyper-parameters)

	// classification
	WithW bool `yaml:"with_w"` // also send the weights along each curve

	// convergence: the final loss must be within Tolerance of the reference optimum's loss.

	Line int `yaml:"-"` // where the check starts in the file

	ref *refValues // the reference's values validation computed (refvalues.go)
}

// Case is one literal call.
type Case struct {
	Args reference.Args `yaml:"args"`
	Note string         `yaml:"note"` // shown in feedback: "the lecture's example"
}

// Generate asks the reference for seeded random inputs.
type Generate struct {
	Seed  int64 `yaml:"seed"`
	Count int   `yaml:"count"` // cases (value, gradient, convergence) or curves per label (classification); default 5
	Dim   int   `yaml:"dim"`   // vector dimension; default chosen by the generator
}

// LatePercent is the percentage of the points a submission handed in at at loses, and the
// number of days it is late: PerDay percent for each day or part of a day past the
// deadline plus grace, at most Cap percent.
func (r *Rubric) LatePercent(at time.Time) (pct float64, days int) {
	if r.Deadline == nil || r.Late.PerDay == 0 {
		return 0, 0
	}
	late := at.Sub(r.Deadline.Add(r.Late.Grace.Duration))
	if late <= 0 {
		return 0, 0
	}
	days = int(math.Ceil(late.Hours() / 24))
	limit := r.Late.Cap
	if limit == 0 {
		limit = 100
	}
	return math.Min(r.Late.PerDay*float64(days), limit), days
}

// PrecisionOf returns the precision of task t: its own, else the rubric's.
func (r *Rubric) PrecisionOf(t *Task) Precision {
	if t != nil && t.Precision != PrecisionAuto {
		return t.Precision
	}
	return r.Precision
}

// Tol returns the tolerance of check c of task t: the check's own, else the task's, else the
// rubric's, else reference.DefaultAtol and DefaultRtol (each of atol and rtol separately).
// t and c may be nil.
func (r *Rubric) Tol(t *Task, c *Check) (atol, rtol float64) {
	atol, rtol = reference.DefaultAtol, reference.DefaultRtol
	levels := []*Tolerance{&r.Tolerance, nil, nil}
	if t != nil {
		levels[1] = &t.Tolerance
	}
	if c != nil {
		levels[2] = &c.Tolerance
	}
	for _, tol := range levels {
		if tol == nil {
			continue
		}
		if tol.Atol != nil {
			atol = *tol.Atol
		}
		if tol.Rtol != nil {
			rtol = *tol.Rtol
		}
	}
	return atol, rtol
}
