package grader

import (
	"context"
	"math"
	"strings"
	"testing"

	"github.com/optgrade/optgrade/grader/rubric"
	"github.com/optgrade/optgrade/grader/runner"
	"github.com/optgrade/optgrade/reference"
)

// answerWith answers fn with f applied to the reference's result on (possibly changed)
// arguments.
func answerWith(fn string, change func(a reference.Args), f func(v any) any) scriptedRunner {
	return scriptedRunner{answer: map[string]func(Call) Reply{fn: func(c Call) Reply {
		a := c.Args.Clone()
		if change != nil {
			change(a)
		}
		v, err := reference.Call(fn, a)
		if err != nil {
			return Reply{Err: "ValueError: " + err.Error()}
		}
		return Reply{Result: f(runner.JSONShape(v))}
	}}}
}

func scaled(c float64) func(any) any {
	return func(v any) any { return mapNumbers(v, func(x float64) float64 { return c * x }) }
}

func same(v any) any { return v }

// valueTask is a task of fn with a value check of generated cases; misconceptions limits
// the registered mistakes it may name (so that a relation can be tested on a mistake that
// is also registered).
func valueTask(fn, misconceptions string) string {
	s := "  - id: t\n    function: " + fn + "\n    points: 1\n"
	if misconceptions != "" {
		s += "    misconceptions: [" + misconceptions + "]\n"
	}
	return rubricOf("1", s+"    checks:\n      - kind: value\n        points: 1\n        generate: {seed: 11, count: 6}\n")
}

// TestRelations checks each relation on a constructed mistake: the failing check's hint
// is the relation's sentence (and no registered misconception is named).
func TestRelations(t *testing.T) {
	tests := []struct {
		name, relation, want string
		rubric               string
		run                  Runner
	}{
		{"factor 3", "factor", "off by a factor of 3: they are the reference's times 3",
			valueTask("quadratic_grad", ""), answerWith("quadratic_grad", nil, scaled(3))},
		{"factor 1/2 of an update", "factor", "Your update is off by a factor of 1/2: it is the reference's times 1/2",
			valueTask("gd_step", ""), answerWith("gd_step", func(a reference.Args) { a["lr"] = a["lr"].(float64) / 2 }, same)},
		{"factor N, the batch size", "factor", "off by a factor of N = the batch size: they are the reference's times N",
			valueTask("logistic_grad", "logistic-grad-sign-flipped"), runner.ReferenceRunner{Replace: replaceWith("logistic-grad-summed")}},
		{"opposite sign of an update", "sign", "Your update goes the opposite way",
			valueTask("normalized_step", ""), answerWith("normalized_step", func(a reference.Args) { a["lr"] = -a["lr"].(float64) }, same)},
		{"opposite sign", "sign", "opposite sign of the reference's",
			valueTask("bernoulli_nll_grad", "bernoulli-nll-grad-sum"), answerWith("bernoulli_nll_grad", nil, scaled(-1))},
		{"log base 2", "log-base", "Your logs are always in base 2",
			valueTask("cross_entropy", ""), answerWith("cross_entropy", func(a reference.Args) { a["base"] = 2.0 }, same)},
		{"log base 10 without a base argument", "log-base", "Your logs are in base 10",
			valueTask("logistic_loss", "logistic-loss-sum"), runner.ReferenceRunner{Replace: replaceWith("logistic-loss-log10")}},
		{"k + 1", "off-by-one", "Your value for k equals the reference's for k + 1",
			valueTask("lr_exponential", ""), answerWith("lr_exponential", func(a reference.Args) { a["k"] = a["k"].(int) + 1 }, same)},
		{"t − 1", "off-by-one", "Your value for t equals the reference's for t − 1",
			valueTask("adam_step", "adam-no-eps"), runner.ReferenceRunner{Replace: replaceWith("adam-t-from-zero")}},
		{"w and g swapped", "argument-order", "with w and g swapped",
			valueTask("gd_step", ""), answerWith("gd_step", func(a reference.Args) { a["w"], a["g"] = a["g"], a["w"] }, same)},
		{"a list for an object", "shape", "another shape or nesting: return an object with keys w, m, v",
			valueTask("adam_step", ""), answerWith("adam_step", nil, func(v any) any {
				m := v.(map[string]any)
				return []any{m["w"], m["m"], m["v"]}
			})},
		{"loss after the step", "shifted", "Your loss is shifted by one step: your loss[k] is the reference's loss[k + 1]",
			rubricOf("1", trainLossTask), answerWith("train", func(a reference.Args) { a["steps"] = a["steps"].(float64) + 1 }, lossAfterStep)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res := gradeYAML(t, tc.rubric, tc.run)
			c := res.Tasks[0].Checks[0]
			if c.Status == Pass {
				t.Fatal("the constructed mistake passes")
			}
			t.Logf("%s: %s", c.Relation, c.Hint)
			if c.Misconception != "" || c.Relation != tc.relation || !strings.Contains(c.Hint, tc.want) {
				t.Errorf("misconception %q, relation %q, hint %q; want relation %q saying %q", c.Misconception, c.Relation, c.Hint, tc.relation, tc.want)
			}
		})
	}
}

// trainLossTask grades train on plain GD runs with no mini-batches (the shift relation
// needs the reference one step further).
const trainLossTask = `
  - id: t
    function: train
    points: 1
    checks:
      - kind: value
        points: 1
        cases:
          - args: {problem: {kind: quadratic, a: [0.1, 2]}, optimizer: {kind: gd, lr: 0.3, beta: 0.9, beta1: 0.9, beta2: 0.999, eps: 1e-8}, w0: [1, 1], steps: 6}
          - args: {problem: {kind: quadratic, a: [0.5, 1]}, optimizer: {kind: momentum, lr: 0.1, beta: 0.9, beta1: 0.9, beta2: 0.999, eps: 1e-8}, w0: [2, -1], steps: 5}
`

// lossAfterStep makes, of a run one step longer than asked, the run of a loop that
// records each loss after its step: loss[k] = L(w[k+1]).
func lossAfterStep(v any) any {
	m := v.(map[string]any)
	w, _ := asList(m["w"])
	l, _ := asList(m["loss"])
	return map[string]any{"w": w[:len(w)-1], "loss": l[1:]}
}

// TestNoRelationOnCorrectResults: on the course rubric's cases, correct results — the
// reference's, and the reference's as float32 code computes them — fit no relation.
func TestNoRelationOnCorrectResults(t *testing.T) {
	g := courseGrader(t)
	r := g.Rubric()
	float32Code := scriptedRunner{answer: map[string]func(Call) Reply{}}
	for _, f := range reference.Catalog() {
		float32Code.answer[f.Name] = func(c Call) Reply {
			v, err := reference.Call(c.Fn, roundArgs32(c.Args))
			if err != nil {
				return Reply{Err: err.Error()}
			}
			return Reply{Result: round32(runner.JSONShape(v))}
		}
	}
	for name, run := range map[string]Runner{"reference": runner.ReferenceRunner{}, "float32": float32Code} {
		conn, _ := run.Start(context.Background())
		for i := range r.Tasks {
			var ran []ranCheck
			for _, p := range g.plans[i] {
				_, outs := runCheck(context.Background(), p, conn)
				ran = append(ran, ranCheck{plan: p, outs: outs})
			}
			if rel, s := describeByRelation(ran); rel != "" {
				t.Errorf("%s, task %s: relation %s fires on correct results: %s", name, r.Tasks[i].ID, rel, s)
			}
		}
	}
}

// courseGrader plans every check of the course rubric.
func courseGrader(tb testing.TB) *Grader {
	tb.Helper()
	r, err := rubric.Load("../rubrics/assignment1.yaml")
	if err == nil {
		var g *Grader
		if g, err = New(r, true); err == nil {
			return g
		}
	}
	tb.Fatal(err)
	return nil
}

// TestRelationMustExplainEveryFailure: a factor that fits most cases does not describe a
// submission that answers NaN on another.
func TestRelationMustExplainEveryFailure(t *testing.T) {
	n := 0
	run := answerWith("quadratic_grad", nil, func(v any) any {
		n++
		if n == 3 {
			return mapNumbers(v, func(float64) float64 { return math.NaN() })
		}
		return scaled(3)(v)
	})
	c := gradeYAML(t, valueTask("quadratic_grad", ""), run).Tasks[0].Checks[0]
	if c.Status == Pass || c.Relation != "" {
		t.Errorf("%s: relation %q (%s) though one case is NaN", c.Status, c.Relation, c.Hint)
	}
}
