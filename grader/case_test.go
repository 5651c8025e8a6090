package grader

import (
	"encoding/json"
	"math"
	"strings"
	"testing"

	"github.com/optgrade/optgrade/grader/runner"
	"github.com/optgrade/optgrade/reference"
)

const scheduleTask = `
  - id: train
    function: train
    points: 1
    checks:
      - name: schedule
        kind: value
        points: 1
        cases:
          - args:
              problem: {kind: quadratic, a: [0.1, 2]}
              optimizer: {kind: gd, lr: 0.1, beta: 0.9, beta1: 0.9, beta2: 0.999, eps: 1e-8}
              w0: [1, 1]
              steps: 12
              schedule: {kind: exponential, tau: 3}
`

// decode reads a case's JSON value.
func decode(t *testing.T, raw Value) any {
	t.Helper()
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		t.Fatalf("%s: %v", raw, err)
	}
	return v
}

func TestFailureKeepsTheWholeCase(t *testing.T) {
	res := gradeYAML(t, rubricOf("1", scheduleTask), runner.ReferenceRunner{Replace: map[string]reference.Variant{"train": mustVariant(t, "train-schedule-ignored")}})
	c := res.Tasks[0].Checks[0]
	if c.Status != Fail || len(c.Failures) != 1 {
		t.Fatalf("status %s, %d failures", c.Status, len(c.Failures))
	}
	f := c.Failures[0]
	if f.ID != "train/1/1" || f.Label != "case 1" || f.Fn != "train" {
		t.Errorf("id %q label %q fn %q", f.ID, f.Label, f.Fn)
	}
	// Every argument, the schedule included — nothing cut.
	args := decode(t, f.Args).(map[string]any)
	if s, ok := args["schedule"].(map[string]any); !ok || s["kind"] != "exponential" || s["tau"] != 3.0 {
		t.Errorf("args lost the schedule: %s", f.Args)
	}
	// The first difference: step 0 starts at w0 (same loss), step 1 uses α₀ = lr in both,
	// so the loss first differs at step 2.
	if f.Path != "loss[2]" || f.Why != "" || f.Atol != 1e-9 || f.Rtol != 1e-6 {
		t.Errorf("path %q why %q tol %g/%g", f.Path, f.Why, f.Atol, f.Rtol)
	}
	got, want := decode(t, f.Got).(float64), decode(t, f.Want).(float64)
	result := decode(t, f.Result).(map[string]any)
	expected := decode(t, f.Expected).(map[string]any)
	if result["loss"].([]any)[2] != got || expected["loss"].([]any)[2] != want || got == want {
		t.Errorf("got %v want %v; result %v expected %v", got, want, result["loss"], expected["loss"])
	}
	if len(result["w"].([]any)) != 13 || len(expected["w"].([]any)) != 13 {
		t.Errorf("whole results: %d and %d weight vectors, want 13", len(result["w"].([]any)), len(expected["w"].([]any)))
	}
	if !strings.HasPrefix(f.Message, "case 1: train(") || f.Message != c.Message {
		t.Errorf("message %q, check message %q", f.Message, c.Message)
	}
	// The run: w and loss per step of both sides, parting at step 2.
	if len(c.Runs) != 1 {
		t.Fatalf("%d runs, want 1", len(c.Runs))
	}
	run := c.Runs[0]
	if run.Case != "train/1/1" || run.Leaves != 2 || len(run.Series) != 2 {
		t.Fatalf("run %+v", run)
	}
	for _, s := range run.Series {
		if len(s.Student) != 13 || len(s.Reference) != 13 {
			t.Errorf("series %s: %d and %d steps, want 13", s.Name, len(s.Student), len(s.Reference))
		}
	}
	if loss := run.Series[1]; loss.Name != "loss" || loss.Student[2][0] != got || loss.Reference[2][0] != want {
		t.Errorf("loss series %+v", loss)
	}
}

func TestFreeRunningKeepsTrajectories(t *testing.T) {
	res := gradeYAML(t, rubricOf("4", stepTasks), runner.ReferenceRunner{Replace: map[string]reference.Variant{"adam_step": mustVariant(t, "adam-no-bias-correction")}})
	free, forced := res.Tasks[0].Checks[0], res.Tasks[0].Checks[1]
	if len(free.Failures) != 1 || free.NotRun != 4 || free.Failures[0].ID != "adam/1/1" || free.Failures[0].Path != "w[0]" {
		t.Fatalf("free-running: %d failures, %d not run: %+v", len(free.Failures), free.NotRun, free.Failures)
	}
	if len(free.Runs) != 1 || free.Runs[0].Leaves != 1 {
		t.Fatalf("free-running runs %+v", free.Runs)
	}
	var names []string
	for _, s := range free.Runs[0].Series {
		names = append(names, s.Name)
		// The start and the bad step from the student; the start and 5 steps from the reference.
		if len(s.Student) != 2 || len(s.Reference) != 6 {
			t.Errorf("%s: %d student and %d reference states, want 2 and 6", s.Name, len(s.Student), len(s.Reference))
		}
	}
	if strings.Join(names, ",") != "w,m,v" {
		t.Errorf("series %v, want w, m, v", names)
	}
	// Teacher-forced: every step is a failing case with its own id.
	if len(forced.Failures) != 6 || forced.Failures[5].ID != "adam/2/6" || forced.Failures[5].Label != "step 6" {
		t.Errorf("teacher-forced failures: %d, last %+v", len(forced.Failures), forced.Failures[len(forced.Failures)-1])
	}
	if s := forced.Runs[0].Series[0]; len(s.Student) != 7 || len(s.Reference) != 7 {
		t.Errorf("teacher-forced w: %d and %d states, want 7", len(s.Student), len(s.Reference))
	}
}

func TestNonFiniteResultsEncode(t *testing.T) {
	run := scriptedRunner{answer: map[string]func(Call) Reply{
		"train": func(c Call) Reply {
			v, _ := reference.Call("train", c.Args.Clone())
			m := runner.JSONShape(v).(map[string]any)
			m["loss"].([]any)[3] = math.NaN()
			m["w"].([]any)[4] = []any{math.Inf(1), nil}
			return Reply{Result: m}
		},
	}}
	res := gradeYAML(t, rubricOf("1", scheduleTask), run)
	c := res.Tasks[0].Checks[0]
	b, err := json.Marshal(res)
	if err != nil {
		t.Fatalf("a result holding NaN does not encode: %v", err)
	}
	var back Result
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	f := back.Tasks[0].Checks[0].Failures[0]
	if f.Path != "loss[3]" || string(f.Got) != `"NaN"` {
		t.Errorf("path %q got %s", f.Path, f.Got)
	}
	w := back.Tasks[0].Checks[0].Runs[0].Series[0]
	if w.Student[4] != nil || decode(t, f.Result).(map[string]any)["w"].([]any)[4].([]any)[0] != "Infinity" {
		t.Errorf("w[4] = %v in the run, want null (it holds a null); in the result %s", w.Student[4], f.Result)
	}
	loss := back.Tasks[0].Checks[0].Runs[0].Series[1]
	if !math.IsNaN(loss.Student[3][0]) || back.Tasks[0].Checks[0].Runs[0].Leaves != 3 {
		t.Errorf("loss[3] = %v, leaves at %d (before encoding %d)", loss.Student[3], back.Tasks[0].Checks[0].Runs[0].Leaves, c.Runs[0].Leaves)
	}
}

func TestVecJSON(t *testing.T) {
	v := Vec{1.5, math.NaN(), math.Inf(1), math.Inf(-1), 0}
	b, err := json.Marshal(v)
	if err != nil || string(b) != `[1.5,"NaN","Infinity","-Infinity",0]` {
		t.Fatalf("%s, %v", b, err)
	}
	var back Vec
	if err := json.Unmarshal(b, &back); err != nil || back[0] != 1.5 || !math.IsNaN(back[1]) || !math.IsInf(back[3], -1) {
		t.Errorf("%v, %v", back, err)
	}
	if err := json.Unmarshal([]byte(`[1, "x"]`), &back); err == nil {
		t.Error(`[1, "x"] decoded as a vector`)
	}
}

func TestJSONValueNothingCut(t *testing.T) {
	long := make([]float64, 1000)
	for i := range long {
		long[i] = float64(i)
	}
	args := reference.Args{"w": long, "batches": [][]int{{1, 2}, {3}}, "s": "a\"b", "x": math.NaN()}
	var back map[string]any
	if err := json.Unmarshal(JSONValue(args), &back); err != nil {
		t.Fatal(err)
	}
	if len(back["w"].([]any)) != 1000 || back["s"] != `a"b` || back["x"] != "NaN" || len(back["batches"].([]any)) != 2 {
		t.Errorf("%v", back)
	}
}
