package figure_test

import (
	"fmt"

	"github.com/optgrade/optgrade/grader/report/figure"
)

// The lecture's learning-rate diagnostics, as the figure draws them: the factor on w₂ per
// step (1 − 4α) and the reference's diagnosis of each run.
func ExampleLookupLecture() {
	l, _ := figure.LookupLecture("lr-diagnostics")
	for _, r := range l.Make().Runs {
		fmt.Printf("%s: w₂ × %.2f per step, %s\n", r.Label, r.W[1][1]/r.W[0][1], r.Diagnosis)
	}
	// Output:
	// α = 0.01: w₂ × 0.96 per step, slow
	// α = 0.48: w₂ × -0.92 per step, oscillating
	// α = 0.51: w₂ × -1.04 per step, diverging
}
