// Package grader grades submissions of the Optimization assignment against the reference:
// it takes a rubric loaded and validated by grader/rubric, runs each submission as a process speaking the wire
// protocol (DESIGN.md §1), runs the rubric's checks (value, gradient, trajectory,
// convergence, classification), compares with tolerances, scores, names the likely
// misconception of each failure, and returns results as plain data for grader/report.
//
// It never imports a command-line package; cmd/optgrade is a thin layer over it.
package grader
