package rubrics_test

import (
	"context"
	"testing"

	"github.com/optgrade/optgrade/grader"
	"github.com/optgrade/optgrade/grader/rubric"
)

// The course rubric's strength (optgrade rubric lint --strength) when this test was last
// raised: every non-equivalent, valid generic mutant of every task's function is killed.
// A change to the rubric, the checks or the mutation operators must not lower it.
const (
	courseMinKilled   = 173
	courseMaxSurvived = 0
)

// TestCourseRubricStrength keeps the course rubric's strength from dropping.
func TestCourseRubricStrength(t *testing.T) {
	r, err := rubric.Load("assignment1.yaml")
	if err != nil {
		t.Fatal(err)
	}
	s, err := grader.MeasureStrength(context.Background(), r)
	if err != nil {
		t.Fatal(err)
	}
	killed, survived := 0, 0
	for _, ts := range s.Tasks {
		killed += ts.Killed
		survived += ts.Survived
	}
	if killed < courseMinKilled || survived > courseMaxSurvived {
		t.Errorf("%d mutants killed, %d survived; want at least %d killed and at most %d surviving", killed, survived, courseMinKilled, courseMaxSurvived)
	}
	for _, line := range s.Survivors() {
		t.Log(line)
	}
}
