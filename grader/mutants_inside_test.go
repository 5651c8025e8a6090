package grader

import (
	"encoding/json"
	"math"
	"testing"

	"github.com/optgrade/optgrade/grader/runner"
	"github.com/optgrade/optgrade/reference"
)

// softplus is ln(1 + eᶻ), written out for the hand-worked results below.
func softplus(z float64) float64 { return math.Log(1 + math.Exp(z)) }

// TestInsideMutationOperators applies each operator that changes a line inside the
// reference (and transpose) to a constructed case, and compares the mutant's result with
// one worked out by hand — and the reference's with its own hand-worked value, so that
// each case tells the mutant from the reference.
func TestInsideMutationOperators(t *testing.T) {
	osc := `{"loss": [10, 9, 8, 7, 6, 5], "w": [[5, 1], [4, -1], [3, 1], [2, -1], [1, 1], [0.5, -1]]}`
	tests := []struct {
		op, mutant, fn, args string
		want, ref            any // JSON-shaped: the mutant's result, the reference's
	}{
		// z = 0, r = σ(0) − y = (−½, ½, −½): per row r·(x₁+x₂)/2; by column (1/3)Σ r·x.
		{"reduce-axis", "reduce-axis(rows↔columns)", "logistic_grad", `{"w": [0, 0], "X": [[1, 2], [3, 4], [5, 6]], "y": [1, 0, 1]}`,
			[]any{-0.75, 1.75, -2.75}, []any{-0.5, -2.0 / 3}},
		// The diagonal w[k][1] − w[k][0] = −4, −5, −2, −3, 0 never swings: slow.
		{"reduce-axis", "reduce-axis(w)", "diagnose", osc, "slow", "oscillating"},
		// Σ of r·x over rows and columns is −3.5, over 3·2 numbers.
		{"drop-axis", "drop-axis(mean)", "logistic_grad", `{"w": [0, 0], "X": [[1, 2], [3, 4], [5, 6]], "y": [1, 0, 1]}`,
			[]any{-3.5 / 6, -3.5 / 6}, []any{-0.5, -2.0 / 3}},
		// z = 1 + (−1) = 0 for both rows: ln 2 each; the reference's z = (1, −1).
		{"drop-axis", "drop-axis(X·w)", "logistic_loss", `{"w": [1, 0], "X": [[1, 0], [-1, 0]], "y": [1, 0]}`,
			math.Ln2, softplus(-1)},
		{"drop-axis", "drop-axis(X·w)", "logistic_grad", `{"w": [1, 0], "X": [[1, 0], [-1, 0]], "y": [1, 0]}`,
			[]any{-0.5, 0.0}, []any{-1 / (1 + math.E), 0.0}},
		// Two coordinates swinging against each other: their sum never moves.
		{"drop-axis", "drop-axis(w)", "diagnose", `{"loss": [10, 9, 8, 7, 6, 5], "w": [[1, -1], [-1, 1], [1, -1], [-1, 1], [1, -1], [-1, 1]]}`,
			"slow", "oscillating"},
		// X read as [[1, 3], [5, 2], [4, 6]]: z = (1, 5, 4) with w = (1, 0).
		{"transpose", "transpose(X)", "logistic_loss", `{"w": [1, 0], "X": [[1, 2], [3, 4], [5, 6]], "y": [1, 0, 1]}`,
			(softplus(-1) + softplus(5) + softplus(-4)) / 3, (softplus(-1) + softplus(3) + softplus(-5)) / 3},
		{"loop-bound", "loop-bound(y)", "bernoulli_mle", `{"y": [1, 0, 1]}`, 1.0 / 3, 2.0 / 3},
		{"loop-bound", "loop-bound(y)", "bernoulli_nll", `{"lam": 0.5, "y": [1, 0]}`, math.Ln2 / 2, math.Ln2},
		{"loop-bound", "loop-bound(y)", "bernoulli_nll_grad", `{"lam": 0.5, "y": [1, 1]}`, -1.0, -2.0},
		{"loop-bound", "loop-bound(w)", "quadratic_loss", `{"w": [1, 2], "a": [1, 1]}`, 1.0, 5.0},
		{"loop-bound", "loop-bound(rows)", "logistic_loss", `{"w": [0], "X": [[1], [2]], "y": [1, 0]}`, math.Ln2 / 2, math.Ln2},
		{"loop-bound", "loop-bound(rows)", "logistic_grad", `{"w": [0], "X": [[1], [2], [4]], "y": [1, 0, 1], "batch": [1, 2]}`,
			[]any{0.5}, []any{(1 - 2) / 2.0}},
		// Two rises of 8 steps, the last one of them: 4·2 ≥ 8 oscillates; one does not.
		{"loop-bound", "loop-bound(loss)", "diagnose", `{"loss": [10, 9, 9.5, 8, 7, 6, 5, 4, 4.5]}`, "slow", "oscillating"},
		// Exponential decay from 0.1 with τ = 1: step 0 at rate 0.1·e⁻¹ instead of 0.1.
		{"loop-bound", "loop-bound(k from 1)", "train", `{"problem": {"kind": "quadratic", "a": [1]}, "optimizer": {"kind": "gd", "lr": 0.1}, "schedule": {"kind": "exponential", "tau": 1}, "w0": [1], "steps": 1}`,
			map[string]any{"w": []any{[]any{1.0}, []any{1 - 0.2/math.E}}, "loss": []any{1.0, math.Pow(1-0.2/math.E, 2)}},
			map[string]any{"w": []any{[]any{1.0}, []any{0.8}}, "loss": []any{1.0, 0.64}}},
		// Step 0's batch of two has a zero mean gradient; the partial batch [2] moves w by ½.
		{"loop-bound", "loop-bound(partial batch)", "train", `{"problem": {"kind": "logistic", "X": [[1], [1], [1]], "y": [1, 0, 1]}, "optimizer": {"kind": "gd", "lr": 1}, "w0": [0], "steps": 2, "batches": [[0, 1], [2]]}`,
			map[string]any{"w": []any{[]any{0.0}, []any{0.0}, []any{0.0}}, "loss": []any{math.Ln2, math.Ln2, math.Ln2}},
			map[string]any{"w": []any{[]any{0.0}, []any{0.0}, []any{0.5}}, "loss": []any{math.Ln2, math.Ln2, (2*softplus(-0.5) + softplus(0.5)) / 3}}},
		// train's loop calling a mutant of its loss: the last coordinate's term left out.
		{"loop-bound", "loop-bound(quadratic_loss: w)", "train", `{"problem": {"kind": "quadratic", "a": [1, 1]}, "optimizer": {"kind": "gd", "lr": 0.25}, "w0": [1, 1], "steps": 1}`,
			map[string]any{"w": []any{[]any{1.0, 1.0}, []any{0.5, 0.5}}, "loss": []any{1.0, 0.25}},
			map[string]any{"w": []any{[]any{1.0, 1.0}, []any{0.5, 0.5}}, "loss": []any{2.0, 0.5}}},
		// GD on w² at α = ¼ halves w; with the gradient of w₀ at step 1 it lands on 0.
		{"stale", "stale(gradient)", "train", `{"problem": {"kind": "quadratic", "a": [1]}, "optimizer": {"kind": "gd", "lr": 0.25}, "w0": [1], "steps": 2}`,
			map[string]any{"w": []any{[]any{1.0}, []any{0.5}, []any{0.0}}, "loss": []any{1.0, 0.25, 0.0}},
			map[string]any{"w": []any{[]any{1.0}, []any{0.5}, []any{0.25}}, "loss": []any{1.0, 0.25, 0.0625}}},
		{"stale", "stale(loss)", "train", `{"problem": {"kind": "quadratic", "a": [1]}, "optimizer": {"kind": "gd", "lr": 0.25}, "w0": [1], "steps": 2}`,
			map[string]any{"w": []any{[]any{1.0}, []any{0.5}, []any{0.25}}, "loss": []any{1.0, 1.0, 0.25}},
			map[string]any{"w": []any{[]any{1.0}, []any{0.5}, []any{0.25}}, "loss": []any{1.0, 0.25, 0.0625}}},
	}
	tol := Tol{Atol: 1e-12, Rtol: 1e-12}
	for _, tt := range tests {
		t.Run(tt.mutant+"/"+tt.fn, func(t *testing.T) {
			m := findMutant(t, tt.op, tt.mutant, tt.fn)
			var args reference.Args
			if err := json.Unmarshal([]byte(tt.args), &args); err != nil {
				t.Fatal(err)
			}
			got, err := m.Call(args.Clone())
			if err != nil {
				t.Fatal(err)
			}
			if _, ok := Compare(got, tt.want, tol); !ok {
				t.Errorf("%s = %v, want %v", tt.mutant, got, tt.want)
			}
			ref, err := reference.Call(tt.fn, args)
			if err != nil {
				t.Fatal(err)
			}
			if _, ok := Compare(runner.JSONShape(ref), tt.ref, tol); !ok {
				t.Errorf("reference %s = %v, want %v", tt.fn, ref, tt.ref)
			}
		})
	}
}

// TestTransposed checks the column-major reading of a matrix, shape kept, and that a
// ragged or non-matrix value is left as given.
func TestTransposed(t *testing.T) {
	got := transposed([]any{[]any{1.0, 2.0}, []any{3.0, 4.0}, []any{5.0, 6.0}})
	want := []any{[]any{1.0, 3.0}, []any{5.0, 2.0}, []any{4.0, 6.0}}
	if _, ok := Compare(got, want, Tol{}); !ok {
		t.Errorf("transposed = %v, want %v", got, want)
	}
	ragged := []any{[]any{1.0, 2.0}, []any{3.0}}
	if _, ok := Compare(transposed(ragged), ragged, Tol{}); !ok {
		t.Errorf("a ragged matrix changed: %v", transposed(ragged))
	}
}

// findMutant returns the mutant named name that operator op makes of the function fn.
func findMutant(t *testing.T, op, name, fn string) reference.Variant {
	t.Helper()
	f, ok := reference.Lookup(fn)
	if !ok {
		t.Fatalf("no function %s", fn)
	}
	for _, o := range mutationOps {
		if o.Name != op {
			continue
		}
		for _, v := range o.mutants(f) {
			if v.Name == name {
				return v
			}
		}
	}
	t.Fatalf("operator %s makes no mutant %s of %s", op, name, fn)
	return reference.Variant{}
}

// TestInsideOpsInTable checks that every operator the reference's mutation points are
// filed under has its row in mutationOps, so no point goes unmeasured.
func TestInsideOpsInTable(t *testing.T) {
	for _, op := range []string{"reduce-axis", "drop-axis", "loop-bound", "stale"} {
		found := false
		for _, o := range mutationOps {
			found = found || o.Name == op
		}
		if !found {
			t.Errorf("no operator %s in mutationOps", op)
		}
	}
}
