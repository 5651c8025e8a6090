package grader

import "time"

// ResultVersion is the version of the JSON form of Result; it changes only when a field
// changes meaning or goes away (new fields may be added within a version).
const ResultVersion = 1

// Status is the outcome of one check.
type Status string

const (
	Pass           Status = "pass"            // every case within tolerance
	Fail           Status = "fail"            // some case out of tolerance or wrong
	Partial        Status = "partial"         // proportional scoring, some cases passed
	Error          Status = "error"           // the submission errored, crashed, hung or answered garbage
	NotImplemented Status = "not_implemented" // the submission said NotImplementedError
)

// Result is the grade of one submission against one rubric.
type Result struct {
	Version     int     `json:"version"`
	Assignment  string  `json:"assignment"`
	Title       string  `json:"title,omitempty"` // the rubric's title
	Student     string  `json:"student"`
	Submission  string  `json:"submission"` // folder, as given
	Score       float64 `json:"score"`      // after the late penalty
	MaxScore    float64 `json:"max_score"`
	RawScore    float64 `json:"raw_score"`    // before the late penalty
	LatePenalty float64 `json:"late_penalty"` // points taken off
	// SubmittedAt and its source ("flag", "manifest", "mtime", "none").
	SubmittedAt       *time.Time `json:"submitted_at,omitempty"`
	SubmittedAtSource string     `json:"submitted_at_source"`
	LateDays          int        `json:"late_days,omitempty"`
	Visibility        string     `json:"visibility"` // which checks ran: "visible" (check) or "all" (grade)
	// RubricSHA256 is the SHA-256 of the rubric file graded against (check sets it, so
	// that CI can tell the assignment's rubric from an edited one).
	RubricSHA256 string `json:"rubric_sha256,omitempty"`
	// HiddenPoints are the points of the rubric's checks that did not run because they are
	// not visible (0 when every check ran, or the rubric is the public copy).
	HiddenPoints float64      `json:"hidden_points,omitempty"`
	Tasks        []TaskResult `json:"tasks"`
	Output       string       `json:"output,omitempty"` // the student's own prints, capped
	// Error says why the submission could not be graded at all (it would not start, …);
	// its tasks are then scored 0.
	Error string `json:"error,omitempty"`
	// Elapsed is the wall time spent grading, in seconds.
	Elapsed float64 `json:"elapsed_seconds"`
	// Isolation says what isolated the submission's process: "bubblewrap (…); limits via
	// prlimit (…); user nobody; own process group", or what was missing.
	Isolation string `json:"isolation,omitempty"`
}

// TaskResult is the grade of one task.
type TaskResult struct {
	ID       string `json:"id"`
	Title    string `json:"title"`
	Function string `json:"function"`
	// Location says where the submission defines Function, when it says so: "cell 7" for
	// a notebook (its hello's "cells"). Reports show it next to a task that lost points.
	Location string        `json:"location,omitempty"`
	Score    float64       `json:"score"`
	MaxScore float64       `json:"max_score"`
	Checks   []CheckResult `json:"checks"`
}

// CheckResult is the outcome of one check.
type CheckResult struct {
	Name       string  `json:"name"`
	Kind       string  `json:"kind"`
	Visibility string  `json:"visibility"`
	Status     Status  `json:"status"`
	Score      float64 `json:"score"`
	MaxScore   float64 `json:"max_score"`
	Cases      int     `json:"cases"`  // how many cases (calls, steps, curves) were checked
	Passed     int     `json:"passed"` // how many of them passed
	// Message says, for the first failing case, what was called, what came back, what was
	// wanted and within which tolerance; empty on pass.
	Message string `json:"message"`
	// Details lists further failing cases (capped), one line each.
	Details []string `json:"details,omitempty"`
	// Failures holds every failing case whole (Message and Details are their one-line
	// summaries): nothing is cut, so a report can show one in full or replay it.
	Failures []CaseResult `json:"failures,omitempty"`
	// NotRun counts the cases not run because an earlier one failed (the steps of a
	// free-running trajectory after its first bad step).
	NotRun int `json:"not_run,omitempty"`
	// Runs are the trajectories of both sides, for a trajectory check (one run: its steps)
	// and for every case of a check of train (one run per case), passing or not.
	Runs []Run `json:"runs,omitempty"`
	// Misconception is the name of the wrong variant the submission matches, and Hint its
	// plain sentence for the student.
	Misconception string `json:"misconception"`
	Hint          string `json:"hint,omitempty"`
	// Relation names the generic relation to the reference (relations.go: "factor",
	// "sign", "off-by-one", …) that describes the failure when no registered
	// misconception does; Hint is then its sentence.
	Relation string `json:"relation,omitempty"`
	// Float32 is set when the submission's results were single precision and judged with
	// a float32 tolerance (the rubric's precision is auto).
	Float32 bool `json:"float32,omitempty"`

	matching []string // every misconception that explains the failure (Misconception is the first)
}

// Passed reports whether every check of every task passed.
func (r *Result) Passed() bool {
	if r.Error != "" {
		return false
	}
	for _, t := range r.Tasks {
		for _, c := range t.Checks {
			if c.Status != Pass {
				return false
			}
		}
	}
	return true
}
