// Command optgrade grades the Optimization assignment of a deep-learning course: it runs a
// student's submission (a process speaking the optgrade wire protocol), compares every
// function with the reference implementation within numeric tolerances, scores the
// result from a YAML rubric and explains every difference.
//
// Usage:
//
//	optgrade check [--rubric R] [DIR]              visible checks, for students (exit 0 all passed, 1 some failed)
//	optgrade grade --rubric R --out OUT DIR...     every check, for TAs: result.json, feedback.md, gradebook.csv
//	optgrade rubric lint FILE                      validate a rubric, prove the reference scores full marks,
//	                                               list misconceptions no check catches
//	optgrade reference list                        the catalog of functions and their known mistakes
//	optgrade reference call FN --args JSON         the reference's answer, as JSON
//
// Exit codes: 0 all checks passed (or the command succeeded), 1 some check failed,
// 2 usage, rubric, roster or student-id error, 3 a submission could not be graded (or an
// internal error), 4 a batch was interrupted (run it again to resume).
package main

import (
	"os"

	"github.com/optgrade/optgrade/grader/sandbox"
)

func main() {
	// A root grader's submissions run as nobody, who could read the rubric's path in
	// /proc/<grader>/cmdline.
	sandbox.HideArgs()
	os.Exit(run(os.Args, os.Stdout, os.Stderr))
}
