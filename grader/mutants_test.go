package grader

import (
	"context"
	"encoding/json"
	"math"
	"strings"
	"testing"

	"github.com/optgrade/optgrade/grader/rubric"
	"github.com/optgrade/optgrade/reference"
)

// TestMutationOperators applies each operator to a catalog function on a constructed case
// and compares the mutant's result with one worked out by hand.
func TestMutationOperators(t *testing.T) {
	tests := []struct {
		op, mutant, fn, args string
		want                 any // JSON-shaped
	}{
		{"factor", "factor(2)", "quadratic_loss", `{"w": [1, 2], "a": [1, 1]}`, 10.0},
		{"factor", "factor(0.5)", "quadratic_loss", `{"w": [1, 2], "a": [1, 1]}`, 2.5},
		{"factor", "factor(N)", "bernoulli_mle", `{"y": [1, 0, 0, 1]}`, 2.0},
		{"sign", "sign", "gd_step", `{"w": [1], "g": [2], "lr": 0.25}`, []any{-0.5}},
		{"off-by-one", "off-by-one(k+1)", "lr_exponential", `{"k": 1, "lr0": 1, "tau": 1}`, math.Exp(-2)},
		{"off-by-one", "off-by-one(k-1)", "lr_exponential", `{"k": 1, "lr0": 1, "tau": 1}`, 1.0},
		{"swap", "swap(lr0,lr_tau)", "lr_linear", `{"k": 0, "lr0": 0.5, "lr_tau": 0.1, "tau": 10}`, 0.1},
		{"axis", "axis(w)", "quadratic_loss", `{"w": [1, 2], "a": [1, 3]}`, 7.0},
		// The weights' second coordinate swings while the loss falls: oscillating, unless
		// only the first column is looked at.
		{"one-axis", "one-axis(w,first)", "diagnose", `{"loss": [10, 9, 8, 7, 6, 5], "w": [[5, 1], [4, -1], [3, 1], [2, -1], [1, 1], [0.5, -1]]}`, "slow"},
		{"one-axis", "one-axis(w,last)", "diagnose", `{"loss": [10, 9, 8, 7, 6, 5], "w": [[5, 1], [4, -1], [3, 1], [2, -1], [1, 1], [0.5, -1]]}`, "oscillating"},
		{"missing-term", "missing-term(lr)", "gd_step", `{"w": [1, 2], "g": [3, 4], "lr": 0.1}`, []any{1.0, 2.0}},
		{"stale", "stale(v)", "momentum_step", `{"w": [1], "v": [0.5], "g": [1], "lr": 0.1, "beta": 0.9}`,
			map[string]any{"w": []any{1 - 0.1*(0.9*0.5+0.1)}, "v": []any{0.5}}},
		{"float16", "float16", "quadratic_loss", `{"w": [1], "a": [0.1]}`, float16(0.1)},
		{"early-return", "early-return", "gd_step", `{"w": [1, 2], "g": [3, 4], "lr": 0.1}`, []any{1.0, 2.0}},
	}
	for _, tt := range tests {
		t.Run(tt.mutant+"/"+tt.fn, func(t *testing.T) {
			fn, ok := reference.Lookup(tt.fn)
			if !ok {
				t.Fatalf("no function %s", tt.fn)
			}
			var m *reference.Variant
			for _, op := range mutationOps {
				if op.Name != tt.op {
					continue
				}
				for _, v := range op.mutants(fn) {
					if v.Name == tt.mutant {
						m = &v
					}
				}
			}
			if m == nil {
				t.Fatalf("operator %s makes no mutant %s of %s", tt.op, tt.mutant, tt.fn)
			}
			var args reference.Args
			if err := json.Unmarshal([]byte(tt.args), &args); err != nil {
				t.Fatal(err)
			}
			got, err := m.Call(args)
			if err != nil {
				t.Fatal(err)
			}
			if _, ok := Compare(got, tt.want, Tol{Atol: 1e-12, Rtol: 1e-12}); !ok {
				t.Errorf("%s = %v, want %v", tt.mutant, got, tt.want)
			}
		})
	}
}

// TestEarlyReturnTrain checks that train's early return keeps the weights and loss of its
// first step.
func TestEarlyReturnTrain(t *testing.T) {
	fn, _ := reference.Lookup("train")
	ms := mutEarlyReturn(fn)
	if len(ms) != 1 {
		t.Fatalf("%d mutants, want 1", len(ms))
	}
	var args reference.Args
	json.Unmarshal([]byte(`{"problem": {"kind": "quadratic", "a": [0.1, 2]}, "optimizer": {"kind": "gd", "lr": 0.1}, "w0": [1, 1], "steps": 4}`), &args)
	got, err := ms[0].Call(args)
	if err != nil {
		t.Fatal(err)
	}
	w := got.(map[string]any)["w"].([]any)
	if len(w) != 5 || w[4].([]any)[1] != w[1].([]any)[1] || w[1].([]any)[1] == w[0].([]any)[1] {
		t.Errorf("w = %v: want 5 rows, rows 2… equal to row 1, row 1 moved from w0", w)
	}
}

// TestMutationOpsApply checks that every operator mutates some catalog function, and that
// mutant names are unique per function.
func TestMutationOpsApply(t *testing.T) {
	used := map[string]bool{}
	for _, fn := range reference.Catalog() {
		names := map[string]bool{}
		ms, ops := mutantsOf(fn)
		for i, m := range ms {
			if names[m.Name] {
				t.Errorf("%s: two mutants named %s", fn.Name, m.Name)
			}
			names[m.Name] = true
			used[ops[i]] = true
			if m.Func != fn.Name || m.Sentence == "" {
				t.Errorf("%s: mutant %+v", fn.Name, m)
			}
		}
	}
	for _, op := range mutationOps {
		if !used[op.Name] {
			t.Errorf("operator %s mutates no catalog function", op.Name)
		}
	}
}

// TestStrengthStatuses measures a deliberately weak rubric: one case whose w and a are
// palindromes cannot tell axis(w) from the reference (a survivor, with an input that
// kills it), bernoulli_mle's axis(y) is equivalent, and the sign is killed.
func TestStrengthStatuses(t *testing.T) {
	src := "optgrade: 1\nassignment: t\npoints: 2\ntasks:\n" +
		"  - id: q\n    function: quadratic_loss\n    points: 1\n    checks: [{kind: value, points: 1, cases: [{args: {w: [1, 2, 1], a: [3, 1, 3]}}]}]\n" +
		"  - id: mle\n    function: bernoulli_mle\n    points: 1\n    checks: [{kind: value, points: 1, generate: {seed: 1}}]\n"
	s := measureStrength(t, src)
	status := map[string]MutantResult{}
	for _, ts := range s.Tasks {
		for _, m := range ts.Mutants {
			status[ts.Task+"/"+m.Name] = m
		}
	}
	for key, want := range map[string]MutantStatus{
		"q/axis(w)":     Survived,
		"q/sign":        Killed,
		"q/factor(2)":   Killed,
		"mle/axis(y)":   Equivalent,
		"mle/factor(N)": Killed,
	} {
		if got := status[key].Status; got != want {
			t.Errorf("%s: %q, want %q", key, got, want)
		}
	}
	if w := status["q/axis(w)"].Witness; !strings.HasPrefix(w, "quadratic_loss(a=") {
		t.Errorf("witness %q, want a call of quadratic_loss", w)
	}
	if s.Tasks[0].Score() >= 1 || s.Tasks[1].Score() != 1 || s.Score() >= 1 {
		t.Errorf("scores %g, %g, %g; want the first and the rubric's under 1, the second 1", s.Tasks[0].Score(), s.Tasks[1].Score(), s.Score())
	}
	if len(s.Survivors()) == 0 || !strings.Contains(s.Survivors()[0], `task "q": the mutant axis(w)`) {
		t.Errorf("survivors %q", s.Survivors())
	}
}

// TestStrengthOneAxisBlindSpot is the blind spot that motivated the one-axis operator:
// curves like the lecture's, GD on 0.1·w₁² + 2·w₂² at α = 0.48, oscillate in the last
// coordinate only, so a diagnose that looks at the last column of the weights agrees with
// the reference on them (a survivor, which the generators' curves tell apart); a curve
// whose swing is in a middle coordinate kills it.
func TestStrengthOneAxisBlindSpot(t *testing.T) {
	// gdCurve runs GD on Σ aᵢwᵢ² from w0 and returns diagnose's arguments as JSON.
	gdCurve := func(a, w0 []float64, lr float64, steps int) string {
		w := append([]float64(nil), w0...)
		loss := func() float64 {
			l := 0.0
			for i := range w {
				l += a[i] * w[i] * w[i]
			}
			return l
		}
		ls, ws := []float64{loss()}, [][]float64{append([]float64(nil), w...)}
		for k := 0; k < steps; k++ {
			for i := range w {
				w[i] -= lr * 2 * a[i] * w[i]
			}
			ls, ws = append(ls, loss()), append(ws, append([]float64(nil), w...))
		}
		b, _ := json.Marshal(map[string]any{"loss": ls, "w": ws})
		return string(b)
	}
	lecture := gdCurve([]float64{0.1, 2}, []float64{-5, -2}, 0.48, 30)
	// The swing in w₂ of three coordinates: factor 1 − 2·2·0.48 = −0.92; w₁ and w₃ creep.
	middle := gdCurve([]float64{0.1, 2, 0.3}, []float64{-5, -2, 3}, 0.48, 30)
	if reference.Diagnose(mustLoss(t, lecture), nil) == reference.Oscillating {
		t.Fatal("the lecture's α = 0.48 curve oscillates in the loss")
	}
	measure := func(cases ...string) map[string]MutantStatus {
		src := "optgrade: 1\nassignment: t\npoints: 1\ntasks:\n  - id: d\n    function: diagnose\n    points: 1\n    checks: [{kind: value, points: 1, cases: ["
		for i, c := range cases {
			if i > 0 {
				src += ", "
			}
			src += "{args: " + c + "}"
		}
		r, err := rubric.Parse("t.yaml", []byte(src+"]}]\n"))
		if err != nil {
			t.Fatal(err)
		}
		s, err := MeasureStrength(context.Background(), r)
		if err != nil {
			t.Fatal(err)
		}
		out := map[string]MutantStatus{}
		for _, m := range s.Tasks[0].Mutants {
			out[m.Name] = m.Status
		}
		return out
	}
	before := measure(lecture)
	if before["one-axis(w,last)"] != Survived || before["one-axis(w,first)"] != Killed {
		t.Errorf("lecture curve only: one-axis(w,last) %s, one-axis(w,first) %s; want survived, killed", before["one-axis(w,last)"], before["one-axis(w,first)"])
	}
	after := measure(lecture, middle)
	if after["one-axis(w,last)"] != Killed || after["one-axis(w,first)"] != Killed {
		t.Errorf("with a swing in w₂ of three: one-axis(w,last) %s, one-axis(w,first) %s; want both killed", after["one-axis(w,last)"], after["one-axis(w,first)"])
	}
}

// mustLoss returns the loss of diagnose's JSON arguments.
func mustLoss(t *testing.T, args string) []float64 {
	t.Helper()
	var a struct{ Loss []float64 }
	if err := json.Unmarshal([]byte(args), &a); err != nil {
		t.Fatal(err)
	}
	return a.Loss
}
