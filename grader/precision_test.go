package grader

import (
	"strings"
	"testing"

	"github.com/optgrade/optgrade/grader/runner"
	"github.com/optgrade/optgrade/reference"
)

func TestIsFloat32(t *testing.T) {
	f := func(x float64) float64 { return float64(float32(x)) }
	tests := []struct {
		name string
		v    any
		want bool
	}{
		{"float32 numbers", []any{f(0.1), f(-2.7)}, true},
		{"an object of them", map[string]any{"w": []any{f(0.1)}, "m": []any{0.0}}, true},
		{"float64 numbers", []any{0.1, -2.7}, false},
		{"one float64 among float32", []any{f(0.1), 0.3}, false},
		{"short fractions prove nothing", []any{0.5, 3.0, 0.0, -0.25}, false},
		{"NaN alone", []any{0.0}, false},
	}
	for _, tt := range tests {
		if got := isFloat32(tt.v); got != tt.want {
			t.Errorf("%s: isFloat32 = %v, want %v", tt.name, got, tt.want)
		}
	}
}

// TestScaleOfTheInputs: a step result that nearly cancels (w ≈ α·g) is judged against |w|
// and |α·g|, not only against the small result.
func TestScaleOfTheInputs(t *testing.T) {
	fn, _ := reference.Lookup("gd_step")
	args := reference.Args{"w": []float64{1.1}, "g": []float64{1.03}, "lr": 1.0}
	want, _ := reference.Call("gd_step", args)
	w := want.([]float64)[0] // ≈ 0.07
	tol := Tol{Atol: 1e-9, Rtol: 1e-6}
	scale := inputScale(fn, args, want)
	for _, tc := range []struct {
		off  float64
		pass bool
	}{{1e-7, true}, {-1e-7, true}, {1e-5, false}} {
		got := []any{w + tc.off}
		if _, ok := CompareScaled(got, want, scale, tol); ok != tc.pass {
			t.Errorf("off by %g: pass %v, want %v", tc.off, ok, tc.pass)
		}
		if _, ok := Compare(got, want, tol); ok && tc.off == 1e-7 {
			t.Errorf("off by %g passes against |want| alone: the test shows nothing", tc.off)
		}
	}
}

// float32Adam answers adam_step as float32 code does: from its arguments rounded to
// float32 (β₂ = 0.999 becomes 0.99900001, so 1 − β₂ is off by 1.3e-5), every number of
// the result a float32.
func float32Adam(c Call) Reply {
	res, err := reference.Call("adam_step", roundArgs32(c.Args))
	if err != nil {
		return Reply{Err: err.Error()}
	}
	return Reply{Result: round32(runner.JSONShape(res))}
}

func TestFloat32Results(t *testing.T) {
	run := scriptedRunner{answer: map[string]func(Call) Reply{"adam_step": float32Adam}}
	res := gradeYAML(t, rubricOf("4", stepTasks), run)
	for _, c := range res.Tasks[0].Checks {
		if c.Status != Pass {
			t.Errorf("auto precision: check %q %s: %s", c.Name, c.Status, c.Message)
		}
	}
	strict := gradeYAML(t, strings.Replace(rubricOf("4", stepTasks), "tasks:\n", "precision: float64\ntasks:\n", 1), run)
	failed := false
	for _, c := range strict.Tasks[0].Checks {
		failed = failed || c.Status != Pass
		if c.Status != Pass && strings.Contains(c.Message, "float32") {
			t.Errorf("precision float64 still speaks of float32: %s", c.Message)
		}
	}
	if !failed {
		t.Error("precision: float64 passed float32 results: the test shows nothing")
	}
	// A float32 result that is wrong fails, and the feedback says it was judged as float32.
	wrong := scriptedRunner{answer: map[string]func(Call) Reply{"adam_step": func(c Call) Reply {
		r := float32Adam(c)
		m := r.Result.(map[string]any)
		w := m["w"].([]any)
		w[0] = float64(float32(w[0].(float64) * 1.001))
		return r
	}}}
	bad := gradeYAML(t, rubricOf("4", stepTasks), wrong)
	if c := bad.Tasks[0].Checks[0]; c.Status == Pass || !strings.Contains(c.Message, "your numbers are float32") {
		t.Errorf("wrong float32 result: %s, %q", c.Status, c.Message)
	}
}
