package grader

import (
	"time"

	"github.com/optgrade/optgrade/reference"
)

// RubricVersion is the value of the rubric's `optgrade:` key this grader reads.
const RubricVersion = 1

// Rubric is an assignment's grading scheme, loaded from YAML by LoadRubric (rubric_load.go).
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
	Tasks      []Task     `yaml:"tasks"`

	// File is the path the rubric was read from (for messages); not a YAML key.
	File string `yaml:"-"`
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

// Task is one catalog function with its points and checks.
type Task struct {
	ID        string    `yaml:"id"`
	Title     string    `yaml:"title"`
	Function  string    `yaml:"function"`
	Points    float64   `yaml:"points"`
	Tolerance Tolerance `yaml:"tolerance"`
	Checks    []Check   `yaml:"checks"`
	// Misconceptions names the registered variants of Function whose hint this task may
	// give (and that rubric lint demands the checks catch); empty means all of them.
	Misconceptions []string `yaml:"misconceptions"`

	Line int `yaml:"-"` // where the task starts in the file
}

// Check kinds.
const (
	KindValue          = "value"
	KindGradient       = "gradient"
	KindTrajectory     = "trajectory"
	KindConvergence    = "convergence"
	KindClassification = "classification"
)

// Visibility values (Gradescope's words).
const (
	Visible      = "visible"
	Hidden       = "hidden"
	AfterDueDate = "after_due_date"
)

// Scoring values.
const (
	AllOrNothing = "all_or_nothing"
	Proportional = "proportional"
)

// Trajectory modes.
const (
	TeacherForced = "teacher_forced"
	FreeRunning   = "free_running"
)

// Check is one check of a task. Which fields apply depends on Kind:
//
//	value, gradient:   cases and/or generate
//	trajectory:        mode, steps, generate (seed, dim) and/or start (literal first-step args)
//	convergence:       cases and/or generate (train's arguments)
//	classification:    generate (seed, count = curves per label), with_w
type Check struct {
	Name       string    `yaml:"name"`
	Kind       string    `yaml:"kind"`
	Points     float64   `yaml:"points"`
	Visibility string    `yaml:"visibility"` // default visible
	Scoring    string    `yaml:"scoring"`    // default all_or_nothing
	Tolerance  Tolerance `yaml:"tolerance"`
	Cases      []Case    `yaml:"cases"`
	Generate   *Generate `yaml:"generate"`

	// trajectory
	Mode  string         `yaml:"mode"`  // teacher_forced (default) or free_running
	Steps int            `yaml:"steps"` // number of steps
	Start reference.Args `yaml:"start"` // literal arguments of the first step (state, hyper-parameters)

	// classification
	WithW bool `yaml:"with_w"` // also send the weights along each curve

	// convergence: the final loss must be within Tolerance of the reference optimum's loss.

	Line int `yaml:"-"` // where the check starts in the file
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
