package grader

import (
	"strings"
	"testing"

	"github.com/optgrade/optgrade/grader/runner"
	"github.com/optgrade/optgrade/reference"
)

// trainWith is a submission whose train loop calls change(fn, args) before each catalog
// function: a mistake in one input of the step.
func trainWith(change func(fn string, a reference.Args)) runner.ReferenceRunner {
	v := reference.Variant{Name: "test", Func: "train", Call: func(a reference.Args) (any, error) {
		return reference.TrainWith(a, func(fn string, b reference.Args) (any, error) {
			change(fn, b)
			return reference.Call(fn, b)
		})
	}}
	return runner.ReferenceRunner{Replace: map[string]reference.Variant{"train": v}}
}

const locationTrain = `
  - id: t
    function: train
    points: 1
    misconceptions: [train-skips-initial-point]
    checks:
      - kind: value
        points: 1
        cases:
          - args: {problem: {kind: quadratic, a: [0.1, 2]}, optimizer: {kind: %s, lr: 0.1, beta: 0.9, beta1: 0.9, beta2: 0.999, eps: 1e-8}, w0: [1, -1], steps: 8, schedule: {kind: linear, lr_tau: 0.01, tau: 4}}
`

func TestTrainLocation(t *testing.T) {
	tests := []struct {
		name, optimizer string
		change          func(fn string, a reference.Args)
		want            string
	}{
		{"rate of the next step", "gd", func(fn string, a reference.Args) {
			if fn == "lr_linear" {
				a["k"] = a["k"].(int) + 1
			}
		}, "your step 0 is the first that is not the reference's step from your own w_0: w_1[0] = 0.9845, the reference's step gives 0.98. The input that differs is α_k: your step k uses the rate of step k + 1"},
		{"moments reset", "adam", func(fn string, a reference.Args) {
			if fn == "adam_step" {
				a["m"], a["v"] = []float64{0, 0}, []float64{0, 0}
			}
		}, "The input that differs is m and v: your optimizer state (velocity or moments) starts from 0 at every step"},
		{"a rate off the schedule", "momentum", func(fn string, a reference.Args) {
			if fn == "lr_linear" {
				a["lr_tau"] = 0.02
			}
		}, "The input that differs is α_1: your step moves as with α = 0.08, the reference's α_1 is 0.0775"},
		{"t stuck at 1", "adam", func(fn string, a reference.Args) {
			if fn == "adam_step" {
				a["t"] = 1
			}
		}, "The input that differs is t: your step counter t stays at 1"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res := gradeYAML(t, rubricOf("1", strings.Replace(locationTrain, "%s", tc.optimizer, 1)), trainWith(tc.change))
			c := res.Tasks[0].Checks[0]
			if c.Status == Pass || len(c.Failures) == 0 {
				t.Fatalf("the mistake passes: %s", c.Status)
			}
			notes := strings.Join(c.Failures[0].Notes, " | ")
			if !strings.Contains(notes, tc.want) {
				t.Errorf("notes %q\nwant one containing %q", notes, tc.want)
			}
		})
	}
	// The reference itself has nothing to locate.
	if res := gradeYAML(t, rubricOf("1", strings.Replace(locationTrain, "%s", "adam", 1)), runner.ReferenceRunner{}); !res.Passed() {
		t.Errorf("reference: %+v", res.Tasks[0].Checks[0])
	}
}

// TestStepLocation: a teacher-forced Adam whose m is wrong from step 1 and w only from
// step 2 on names m as the part that leaves the reference first.
func TestStepLocation(t *testing.T) {
	run := scriptedRunner{answer: map[string]func(Call) Reply{
		"adam_step": func(c Call) Reply {
			v, _ := reference.Call("adam_step", c.Args.Clone())
			m := v.(map[string]any)
			bad := append([]float64(nil), m["m"].([]float64)...)
			bad[2] *= 1.5
			m["m"] = bad
			if c.Args["t"].(float64) > 1 {
				w := append([]float64(nil), m["w"].([]float64)...)
				w[0] += 0.1
				m["w"] = w
			}
			return Reply{Result: runner.JSONShape(m)}
		},
	}}
	res := gradeYAML(t, rubricOf("4", stepTasks), run)
	forced := res.Tasks[0].Checks[1]
	if len(forced.Failures) == 0 {
		t.Fatalf("forced: %s", forced.Status)
	}
	notes := strings.Join(forced.Failures[0].Notes, " | ")
	if want := "m[2] is the first to leave the reference (step 1); then w at step 2"; !strings.Contains(notes, want) {
		t.Errorf("notes %q, want %q", notes, want)
	}
}
