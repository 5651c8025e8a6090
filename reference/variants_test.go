package reference

import (
	"fmt"
	"math"
	"regexp"
	"slices"
	"testing"
)

// variantTestSeeds are the seeds on each of which every variant must be told apart.
var variantTestSeeds = []int64{1, 2, 3}

// variantTestFar reports whether x is wrong beyond doubt against the reference's want: 100
// times the default tolerance away, or NaN / infinite where want is finite.
func variantTestFar(x, want float64) bool {
	if math.IsNaN(want) || math.IsInf(want, 0) {
		return !(x == want || math.IsNaN(x) && math.IsNaN(want))
	}
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return true
	}
	return math.Abs(x-want) >= 100*(DefaultAtol+DefaultRtol*math.Abs(want))
}

// variantTestDiffer reports how got differs from want (shape, a far element, a label), or ""
// when it is within 100 times the default tolerance everywhere.
func variantTestDiffer(got, want any) string {
	switch w := want.(type) {
	case string:
		if g, ok := got.(string); !ok || g != w {
			return fmt.Sprintf("label %v, want %q", got, w)
		}
	case float64:
		g, ok := toFloat(got)
		if !ok {
			return fmt.Sprintf("%T, want a number", got)
		}
		if variantTestFar(g, w) {
			return fmt.Sprintf("%v, want %v", g, w)
		}
	case []float64:
		g, ok := toVec(got)
		if !ok || len(g) != len(w) {
			return fmt.Sprintf("shape %T of %d, want %d numbers", got, len(g), len(w))
		}
		for i := range w {
			if variantTestFar(g[i], w[i]) {
				return fmt.Sprintf("[%d] = %v, want %v", i, g[i], w[i])
			}
		}
	case [][]float64:
		g, ok := got.([][]float64)
		if !ok || len(g) != len(w) {
			return fmt.Sprintf("shape %T of %d, want %d rows", got, len(g), len(w))
		}
		for i := range w {
			if d := variantTestDiffer(g[i], w[i]); d != "" {
				return fmt.Sprintf("[%d]%s", i, d)
			}
		}
	case map[string]any:
		g, ok := got.(map[string]any)
		if !ok || len(g) != len(w) {
			return fmt.Sprintf("%T with %d keys, want %d keys", got, len(g), len(w))
		}
		for _, k := range Args(w).Keys() {
			if _, ok := g[k]; !ok {
				return fmt.Sprintf("no key %q", k)
			}
			if d := variantTestDiffer(g[k], w[k]); d != "" {
				return k + ": " + d
			}
		}
	default:
		return fmt.Sprintf("unexpected reference result %T", want)
	}
	return ""
}

// variantTestCases returns the cases a variant of fn is tried on for seed: Generate's and,
// for a step function, the teacher-forced steps of TrajectoryInputs (each step starting
// from the reference's state).
func variantTestCases(t *testing.T, fn string, seed int64) []Args {
	t.Helper()
	cases, err := Generate(fn, seed, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	f, _ := Lookup(fn)
	if f.State == nil {
		return cases
	}
	start, grads, err := TrajectoryInputs(fn, seed, 5, 0)
	if err != nil {
		t.Fatal(err)
	}
	a := start.Clone()
	for k, g := range grads {
		a["g"] = g
		if f.Counter != "" {
			a[f.Counter] = k + 1
		}
		cases = append(cases, a.Clone())
		res, err := Call(fn, a)
		if err != nil {
			t.Fatalf("teacher-forced step %d: %v", k, err)
		}
		if obj, ok := res.(map[string]any); ok {
			for _, s := range f.State {
				a[s] = obj[s]
			}
		} else {
			a[f.State[0]] = res
		}
	}
	return cases
}

func TestVariantsDistinguishable(t *testing.T) {
	for _, v := range Variants() {
		t.Run(v.Name, func(t *testing.T) {
			for _, seed := range variantTestSeeds {
				found := ""
				for i, a := range variantTestCases(t, v.Func, seed) {
					want, err := Call(v.Func, a.Clone())
					if err != nil {
						t.Fatalf("seed %d case %d: reference: %v", seed, i, err)
					}
					got, err := v.Call(a.Clone())
					if err != nil {
						t.Fatalf("seed %d case %d: variant: %v", seed, i, err)
					}
					if d := variantTestDiffer(got, want); d != "" {
						found = fmt.Sprintf("case %d: %s", i, d)
						break
					}
				}
				if found == "" {
					t.Errorf("seed %d: no generated case tells %s from %s", seed, v.Name, v.Func)
				}
			}
		})
	}
}

func TestVariantsWellFormed(t *testing.T) {
	kebab := regexp.MustCompile(`^(train/)?[a-z0-9]+(-[a-z0-9]+)*$`)
	seen := map[string]bool{}
	for _, v := range Variants() {
		t.Run(v.Name, func(t *testing.T) {
			if seen[v.Name] {
				t.Errorf("name %q used twice", v.Name)
			}
			seen[v.Name] = true
			if !kebab.MatchString(v.Name) {
				t.Errorf("name %q is not kebab-case", v.Name)
			}
			if _, ok := Lookup(v.Func); !ok {
				t.Errorf("Func %q is not a catalog function", v.Func)
			}
			if !variantSentenceOK(v.Sentence) {
				t.Errorf("Sentence %q is not one sentence ending with a full stop", v.Sentence)
			}
			if v.Call == nil {
				t.Error("Call is nil")
			}
			if got, ok := LookupVariant(v.Name); !ok || got.Name != v.Name || got.Func != v.Func {
				t.Errorf("LookupVariant(%q) = %q, %v", v.Name, got.Name, ok)
			}
			if !slices.ContainsFunc(VariantsOf(v.Func), func(w Variant) bool { return w.Name == v.Name }) {
				t.Errorf("VariantsOf(%q) misses it", v.Func)
			}
		})
	}
	if _, ok := LookupVariant("no-such-mistake"); ok {
		t.Error("LookupVariant found an unknown name")
	}
}

// TestVariantsListed checks that the misconceptions the course asked for exist.
func TestVariantsListed(t *testing.T) {
	want := map[string]string{
		"adam-no-bias-correction":         "adam_step",
		"adam-bias-correction-no-power":   "adam_step",
		"adam-t-from-zero":                "adam_step",
		"adam-t-from-two":                 "adam_step",
		"adam-eps-inside-sqrt":            "adam_step",
		"adam-abs-grad":                   "adam_step",
		"adam-betas-swapped":              "adam_step",
		"adam-returns-corrected-moments":  "adam_step",
		"adam-efficient-form":             "adam_step",
		"momentum-no-dampening":           "momentum_step",
		"momentum-polyak":                 "momentum_step",
		"momentum-bias-corrected":         "momentum_step",
		"logistic-grad-summed":            "logistic_grad",
		"logistic-grad-all-rows":          "logistic_grad",
		"quadratic-grad-sign-flipped":     "quadratic_grad",
		"logistic-grad-sign-flipped":      "logistic_grad",
		"bernoulli-nll-grad-sign-flipped": "bernoulli_nll_grad",
		"gd-step-sign-flipped":            "gd_step",
		"bernoulli-nll-log10":             "bernoulli_nll",
		"bernoulli-nll-grad-log10":        "bernoulli_nll_grad",
		"cross-entropy-log10":             "cross_entropy",
		"bernoulli-nll-sum":               "bernoulli_nll",
		"logistic-loss-sum":               "logistic_loss",
		"logistic-loss-log10":             "logistic_loss",
		"quadratic-grad-missing-2":        "quadratic_grad",
		"lr-linear-not-held":              "lr_linear",
		"lr-exponential-k-times-tau":      "lr_exponential",
		"normalized-step-l2-norm":         "normalized_step",
		"normalized-step-zero-nan":        "normalized_step",
		"bernoulli-mle-median":            "bernoulli_mle",
		"diagnose-ignores-w":              "diagnose",
		"train/adam-no-bias-correction":   "train",
		"train/logistic-grad-summed":      "train",
	}
	for name, fn := range want {
		t.Run(name, func(t *testing.T) {
			v, ok := LookupVariant(name)
			if !ok {
				t.Fatal("missing")
			}
			if v.Func != fn {
				t.Errorf("Func = %q, want %q", v.Func, fn)
			}
		})
	}
}

// TestVariantsTrainDerived checks that every variant of a function train calls has its
// train counterpart with the same sentence.
func TestVariantsTrainDerived(t *testing.T) {
	uses := map[string]bool{
		"quadratic_loss": true, "quadratic_grad": true,
		"logistic_loss": true, "logistic_grad": true,
		"lr_linear": true, "lr_exponential": true,
		"gd_step": true, "momentum_step": true, "normalized_step": true, "adam_step": true,
	}
	for _, f := range Catalog() {
		if trainUses(f.Name) != uses[f.Name] {
			t.Errorf("trainUses(%s) = %v", f.Name, !uses[f.Name])
		}
	}
	for _, v := range variants {
		if !uses[v.Func] {
			continue
		}
		tv, ok := LookupVariant("train/" + v.Name)
		if !ok || tv.Func != "train" || tv.Sentence != v.Sentence {
			t.Errorf("train/%s: %+v, %v", v.Name, tv.Name, ok)
		}
	}
	if n := len(VariantsOf("train")); n < 30 {
		t.Errorf("VariantsOf(train) has %d variants, want the derived ones too", n)
	}
}

// TestVariantsOnLectureNumbers pins a few variants to hand-computed values.
func TestVariantsOnLectureNumbers(t *testing.T) {
	y := []any{1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.0, 1.0, 0.0}
	tests := []struct {
		variant string
		args    Args
		want    any
	}{
		{"bernoulli-mle-median", Args{"y": y}, 0.0},
		{"bernoulli-mle-counts-zeros", Args{"y": y}, 0.7},
		// L(0.3) in log base 10 is the lecture's 0.27.
		{"bernoulli-nll-log10", Args{"lam": 0.3, "y": y}, -0.3*math.Log10(0.3) - 0.7*math.Log10(0.7)},
		{"quadratic-grad-missing-2", Args{"w": []float64{1, 1}, "a": []float64{0.1, 2}}, []float64{0.1, 2}},
		{"gd-step-sign-flipped", Args{"w": []float64{1}, "g": []float64{2}, "lr": 0.1}, []float64{1.2}},
		{"normalized-step-l2-norm", Args{"w": []float64{0, 0}, "g": []float64{3, -4}, "lr": 1.0}, []float64{-0.6, 0.8}},
		{"momentum-no-dampening", Args{"w": []float64{1}, "v": []float64{1}, "g": []float64{1}, "lr": 0.1, "beta": 0.9},
			map[string]any{"w": []float64{0.81}, "v": []float64{1.9}}},
		{"momentum-polyak", Args{"w": []float64{1}, "v": []float64{1}, "g": []float64{1}, "lr": 0.1, "beta": 0.9},
			map[string]any{"w": []float64{1.8}, "v": []float64{0.8}}},
		{"lr-linear-not-held", Args{"k": 20, "lr0": 1.0, "lr_tau": 0.5, "tau": 10.0}, 0.0},
		{"lr-exponential-k-times-tau", Args{"k": 2, "lr0": 1.0, "tau": 0.5}, math.Exp(-1)},
		// Adam's first step without correction moves by α·(1−β₁)/√(1−β₂).
		{"adam-no-bias-correction", Args{"w": []float64{0}, "m": []float64{0}, "v": []float64{0}, "t": 1, "g": []float64{1},
			"lr": 1.0, "beta1": 0.9, "beta2": 0.99, "eps": 0.0},
			map[string]any{"w": []float64{-1}, "m": []float64{0.1}, "v": []float64{0.01}}},
	}
	for _, tt := range tests {
		t.Run(tt.variant, func(t *testing.T) {
			v, ok := LookupVariant(tt.variant)
			if !ok {
				t.Fatal("missing")
			}
			got, err := v.Call(tt.args)
			if err != nil {
				t.Fatal(err)
			}
			if d := variantTestDiffer(got, tt.want); d != "" {
				t.Errorf("got %v: %s", got, d)
			}
		})
	}
}

func TestVariantSentenceOK(t *testing.T) {
	tests := []struct {
		s    string
		want bool
	}{
		{"Your step adds the gradient: use w ← w − α·g.", true},
		{"", false},
		{"No full stop", false},
		{"Two sentences. Here.", false},
		{"A question?", false},
	}
	for _, tt := range tests {
		t.Run(tt.s, func(t *testing.T) {
			if got := variantSentenceOK(tt.s); got != tt.want {
				t.Errorf("variantSentenceOK(%q) = %v, want %v", tt.s, got, tt.want)
			}
		})
	}
}
