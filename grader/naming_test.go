package grader

import (
	"strings"
	"testing"

	"github.com/optgrade/optgrade/grader/runner"
	"github.com/optgrade/optgrade/reference"
)

// firstStepUncorrected is a mistake nobody registered: Adam that skips the bias correction
// on the first step only (t = 1) and is right from t = 2 on. On step 1 it coincides with
// adam-no-bias-correction.
func firstStepUncorrected(t *testing.T) reference.Variant {
	noCorr := mustVariant(t, "adam-no-bias-correction")
	return reference.Variant{Name: "first-step-uncorrected", Func: "adam_step", Call: func(a reference.Args) (any, error) {
		if n, ok := a["t"].(float64); ok && n == 1 || a["t"] == 1 {
			return noCorr.Call(a)
		}
		return reference.Call("adam_step", a)
	}}
}

// adamFreeOnly is stepTasks's free-running check alone.
var adamFreeOnly = strings.Replace(stepTasks[:strings.Index(stepTasks, "      - name: forced")], "points: 4\n    checks", "points: 2\n    checks", 1)

var adamFreeAndValue = strings.Replace(adamFreeOnly, "points: 2\n    checks", "points: 4\n    checks", 1) + `      - name: values
        kind: value
        points: 2
        generate: {seed: 5, count: 5}
`

// TestNameRefutedByTheTask reproduces a wrong verdict: a free-running trajectory stops at
// its first bad step, which alone matches adam-no-bias-correction, while the rest of the
// task's evidence — the teacher-forced steps after it, another check the submission
// partly passes — contradicts that name. No name may be given.
func TestNameRefutedByTheTask(t *testing.T) {
	run := runner.ReferenceRunner{Replace: map[string]reference.Variant{"adam_step": firstStepUncorrected(t)}}
	for name, yaml := range map[string]string{
		"free-running alone":     rubricOf("2", adamFreeOnly),
		"free-running and value": rubricOf("4", adamFreeAndValue),
	} {
		t.Run(name, func(t *testing.T) {
			res := gradeYAML(t, yaml, run)
			free := res.Tasks[0].Checks[0]
			if free.Status != Fail {
				t.Fatalf("free-running check %s, want fail", free.Status)
			}
			for _, c := range res.Tasks[0].Checks {
				if c.Misconception != "" {
					t.Errorf("check %q names %q (%s), which the task's other cases contradict", c.Name, c.Misconception, c.Hint)
				}
			}
		})
	}
	// The registered mistake itself is still named, on every check it fails.
	res := gradeYAML(t, rubricOf("4", adamFreeAndValue), runner.ReferenceRunner{Replace: map[string]reference.Variant{"adam_step": mustVariant(t, "adam-no-bias-correction")}})
	for _, c := range res.Tasks[0].Checks {
		if c.Status == Pass || c.Misconception != "adam-no-bias-correction" {
			t.Errorf("check %q: %s, names %q", c.Name, c.Status, c.Misconception)
		}
	}
}

// TestNameNeedsPassingCasesToAgree: a variant that differs from the reference on a case the
// submission passed is ruled out, even when it matches every failing case.
func TestNameNeedsPassingCasesToAgree(t *testing.T) {
	// Right on t ≥ 2, no correction at t = 1: the value check's t = 1 cases fail and match
	// adam-no-bias-correction, its t ≥ 2 cases pass where that variant differs.
	run := runner.ReferenceRunner{Replace: map[string]reference.Variant{"adam_step": firstStepUncorrected(t)}}
	res := gradeYAML(t, rubricOf("2", `
  - id: adam
    function: adam_step
    points: 2
    checks:
      - name: values
        kind: value
        points: 2
        scoring: proportional
        generate: {seed: 5, count: 5}
`), run)
	c := res.Tasks[0].Checks[0]
	if c.Passed == 0 || c.Passed == c.Cases {
		t.Fatalf("passed %d of %d; the test needs some passing and some failing cases", c.Passed, c.Cases)
	}
	if c.Misconception != "" {
		t.Errorf("names %q, which the passing cases contradict", c.Misconception)
	}
}
