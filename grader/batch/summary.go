package batch

import (
	"fmt"

	"github.com/optgrade/optgrade/grader"
)

// LateFromFileTimes lists the results whose late penalty comes from file modification
// times (no recorded submission time), as "student (N day(s), −P points)".
func LateFromFileTimes(results []*grader.Result) []string {
	var late []string
	for _, r := range results {
		if r.SubmittedAtSource == "mtime" && r.LatePenalty > 0 {
			late = append(late, fmt.Sprintf("%s (%d day(s), -%g points)", r.Student, r.LateDays, r.LatePenalty))
		}
	}
	return late
}
