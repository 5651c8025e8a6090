package report_test

import (
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/optgrade/optgrade/grader"
)

// fixture is a hand-built result whose reports are kept as golden files.
type fixture struct {
	name   string
	result *grader.Result
}

func fixtures() []fixture {
	return []fixture{
		{"pass", allPass()},
		{"fail", withFailures()},
		{"error", couldNotGrade()},
	}
}

// allPass is a student self-check (public checks only) where everything passed.
func allPass() *grader.Result {
	return &grader.Result{
		Version:           grader.ResultVersion,
		Assignment:        "Optimization",
		Student:           "s0000001",
		Submission:        "submissions/s0000001",
		Score:             30,
		MaxScore:          30,
		RawScore:          30,
		SubmittedAtSource: "none",
		Visibility:        "visible",
		Output:            "hello from solution.py\n",
		Elapsed:           1.25,
		Tasks: []grader.TaskResult{
			{
				ID: "bernoulli", Title: "Bernoulli MLE", Function: "bernoulli_mle", Score: 10, MaxScore: 10,
				Checks: []grader.CheckResult{
					{Name: "lecture data", Kind: "value", Visibility: "visible", Status: grader.Pass, Score: 10, MaxScore: 10, Cases: 3, Passed: 3},
				},
			},
			{
				ID: "adam", Title: "Adam", Function: "adam_step", Score: 20, MaxScore: 20,
				Checks: []grader.CheckResult{
					{Name: "free-running", Kind: "trajectory", Visibility: "visible", Status: grader.Pass, Score: 10, MaxScore: 10, Cases: 50, Passed: 50},
					{Name: "teacher-forced", Kind: "trajectory", Visibility: "visible", Status: grader.Pass, Score: 10, MaxScore: 10, Cases: 50, Passed: 50},
				},
			},
		},
	}
}

// withFailures is a graded submission with every kind of trouble: a partial check, failed
// checks with details (more than are shown) and a hint, a task not attempted, an errored
// check, text that Markdown and terminals must escape, long output with a terminal escape
// sequence, and a late penalty.
func withFailures() *grader.Result {
	at := time.Date(2026, 3, 3, 9, 15, 0, 0, time.UTC)
	var out strings.Builder
	out.WriteString("loading data\n")
	out.WriteString("\x1b[31mred text\x1b[0m | `tick` <b>bold</b> & more\n")
	for i := 1; i <= 42; i++ {
		fmt.Fprintf(&out, "step %d loss %.4f\n", i, 1/float64(i))
	}
	var details []string
	for k := 2; k <= 9; k++ {
		details = append(details, fmt.Sprintf("step %d: w[1] = %.7f, want %.7f (rtol 1e-6)", k, 1-0.001*float64(k), 1-0.01*float64(k)))
	}
	return &grader.Result{
		Version:           grader.ResultVersion,
		Assignment:        "Optimization",
		Student:           "s1234567",
		Submission:        "submissions/s1234567",
		Score:             27.9,
		MaxScore:          100,
		RawScore:          31,
		LatePenalty:       3.1,
		SubmittedAt:       &at,
		SubmittedAtSource: "manifest",
		LateDays:          2,
		Visibility:        "all",
		Output:            out.String(),
		Elapsed:           3.5,
		Tasks: []grader.TaskResult{
			{
				ID: "bernoulli", Title: "Bernoulli MLE", Function: "bernoulli_mle", Score: 10, MaxScore: 10,
				Checks: []grader.CheckResult{
					{Name: "lecture data", Kind: "value", Visibility: "visible", Status: grader.Pass, Score: 10, MaxScore: 10, Cases: 3, Passed: 3},
				},
			},
			{
				ID: "quadratic", Title: "Gradient of Σ a|w|²", Function: "quadratic_grad", Score: 11, MaxScore: 15,
				Checks: []grader.CheckResult{
					{Name: "value", Kind: "value", Visibility: "visible", Status: grader.Pass, Score: 5, MaxScore: 5, Cases: 5, Passed: 5},
					{
						Name: "finite differences", Kind: "gradient", Visibility: "visible", Status: grader.Partial,
						Score: 6, MaxScore: 10, Cases: 5, Passed: 3,
						Message:       "quadratic_grad(w=[1, 2], a=[0.1, 2]) = [0.1, 4], want [0.2, 8] (rtol 1e-6)",
						Details:       []string{"quadratic_grad(w=[-3, 0.5], a=[0.1, 2]) = [-0.3, 1], want [-0.6, 2] (rtol 1e-6)"},
						Misconception: "quadratic_half",
						Hint:          "Your gradient is a·w, the gradient of ½·a·w²: the loss has no ½, so it is 2·a·w.",
					},
				},
			},
			{
				ID: "adam", Title: "Adam", Function: "adam_step", Score: 0, MaxScore: 30,
				Checks: []grader.CheckResult{
					{
						Name: "free-running", Kind: "trajectory", Visibility: "visible", Status: grader.Fail,
						Score: 0, MaxScore: 15, Cases: 50, Passed: 0,
						Message: "step 1: w[0] = 0.9990000, want 0.9900000 (rtol 1e-6)",
						Failures: []grader.CaseResult{{
							ID: "adam/1/1", Label: "step 1", Fn: "adam_step",
							Args: grader.Value(`{"beta1":0.9,"beta2":0.999,"eps":1e-8,"g":[1,1],"lr":0.01,"m":[0,0],"t":1,"v":[0,0],"w":[1,1]}`),
							Path: "w[0]", Got: grader.Value(`0.999`), Want: grader.Value(`0.99`), Atol: 0, Rtol: 1e-6,
							Result:   grader.Value(`{"m":[0.1,0.1],"v":[0.001,0.001],"w":[0.999,0.999]}`),
							Expected: grader.Value(`{"m":[0.1,0.1],"v":[0.001,0.001],"w":[0.99,0.99]}`),
							Message:  "step 1: w[0] = 0.9990000, want 0.9900000 (rtol 1e-6)",
						}},
						NotRun: 49,
						Runs: []grader.Run{{Case: "adam/1/1", Label: "free-running", Leaves: 1, Series: []grader.Series{
							{Name: "w", Student: []grader.Vec{{1, 1}, {0.999, 0.999}}, Reference: []grader.Vec{{1, 1}, {0.99, 0.99}, {0.98, 0.98}}},
							{Name: "m", Student: []grader.Vec{{0, 0}, {0.1, 0.1}}, Reference: []grader.Vec{{0, 0}, {0.1, 0.1}, {math.Inf(-1), math.Inf(1)}}},
						}}},
						Misconception: "adam_no_bias_correction",
						Hint:          "Your update matches Adam without bias correction: divide m and v by (1 − βᵗ).",
					},
					{
						Name: "teacher-forced", Kind: "trajectory", Visibility: "hidden", Status: grader.Fail,
						Score: 0, MaxScore: 15, Cases: 50, Passed: 41,
						Message:       "step 1: w[1] = 0.9990000, want 0.9900000 (rtol 1e-6); `m` and `v` match",
						Details:       details,
						Misconception: "adam_no_bias_correction",
						Hint:          "Your update matches Adam without bias correction: divide m and v by (1 − βᵗ).",
					},
				},
			},
			{
				ID: "momentum", Title: "Momentum", Function: "momentum_step", Score: 0, MaxScore: 20,
				Checks: []grader.CheckResult{
					{Name: "value", Kind: "value", Visibility: "visible", Status: grader.NotImplemented, Score: 0, MaxScore: 10, Cases: 4, Message: "NotImplementedError: momentum_step"},
					{Name: "trajectory", Kind: "trajectory", Visibility: "visible", Status: grader.NotImplemented, Score: 0, MaxScore: 10, Cases: 20, Message: "NotImplementedError: momentum_step"},
				},
			},
			{
				ID: "diagnose", Title: "Learning-rate diagnosis", Function: "diagnose", Score: 10, MaxScore: 25,
				Checks: []grader.CheckResult{
					{
						Name: "lecture curves", Kind: "classification", Visibility: "after_due_date", Status: grader.Error,
						Score: 0, MaxScore: 10, Cases: 4, Passed: 0,
						Message: "diagnose(loss=[…40 values]) answered error \"TypeError: '<' not supported between instances of 'str' and 'float'\"\n  File \"solution.py\", line 88, in diagnose",
					},
					{Name: "oscillating weights", Kind: "classification", Visibility: "visible", Status: grader.Pass, Score: 10, MaxScore: 10, Cases: 3, Passed: 3},
					{Name: "slow curves", Kind: "classification", Visibility: "visible", Status: grader.NotImplemented, Score: 0, MaxScore: 5, Cases: 2, Message: "NotImplementedError: slow curves"},
				},
			},
		},
	}
}

// couldNotGrade is a submission that would not start: every task scores 0.
func couldNotGrade() *grader.Result {
	return &grader.Result{
		Version:           grader.ResultVersion,
		Assignment:        "Optimization",
		Student:           "-s7654321",
		Submission:        "submissions/s7654321",
		MaxScore:          10,
		SubmittedAtSource: "mtime",
		Visibility:        "all",
		Output:            "Traceback (most recent call last):\n  File \"solution.py\", line 1\nSyntaxError: invalid syntax\n",
		Error:             "submission exited before answering hello: exit status 1",
		Tasks: []grader.TaskResult{
			{ID: "bernoulli", Title: "Bernoulli MLE", Function: "bernoulli_mle", Score: 0, MaxScore: 10},
		},
	}
}
