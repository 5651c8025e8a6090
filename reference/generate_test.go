package reference

import (
	"fmt"
	"math"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// genFuncs lists the catalog functions, all of which have a generator.
func genFuncs() []string {
	var names []string
	for _, f := range Catalog() {
		names = append(names, f.Name)
	}
	return names
}

// mustCurves is LabelledCurves, failing the test on an error.
func mustCurves(t *testing.T, seed int64, perLabel int, withW bool) []LabelledCurve {
	t.Helper()
	c, err := LabelledCurves(seed, perLabel, withW)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestGenerateDeterministic(t *testing.T) {
	for _, fn := range genFuncs() {
		t.Run(fn, func(t *testing.T) {
			a, err := Generate(fn, 7, 0, 0)
			if err != nil {
				t.Fatal(err)
			}
			b, _ := Generate(fn, 7, 0, 0)
			c, _ := Generate(fn, 8, 0, 0)
			if len(a) != genDefaultCount {
				t.Errorf("%d cases, want %d", len(a), genDefaultCount)
			}
			if !reflect.DeepEqual(a, b) {
				t.Error("same seed, different cases")
			}
			if reflect.DeepEqual(a, c) {
				t.Error("different seeds, same cases")
			}
		})
	}
	t.Run("TrajectoryInputs", func(t *testing.T) {
		for _, fn := range []string{"gd_step", "momentum_step", "normalized_step", "adam_step"} {
			s1, g1, err := TrajectoryInputs(fn, 3, 4, 0)
			if err != nil {
				t.Fatal(err)
			}
			s2, g2, _ := TrajectoryInputs(fn, 3, 4, 0)
			s3, g3, _ := TrajectoryInputs(fn, 4, 4, 0)
			if !reflect.DeepEqual(s1, s2) || !reflect.DeepEqual(g1, g2) {
				t.Errorf("%s: same seed, different inputs", fn)
			}
			if reflect.DeepEqual(s1, s3) || reflect.DeepEqual(g1, g3) {
				t.Errorf("%s: different seeds, same inputs", fn)
			}
		}
	})
	t.Run("GradientSequence", func(t *testing.T) {
		if !reflect.DeepEqual(GradientSequence(1, 5, 3), GradientSequence(1, 5, 3)) {
			t.Error("same seed, different gradients")
		}
		if reflect.DeepEqual(GradientSequence(1, 5, 3), GradientSequence(2, 5, 3)) {
			t.Error("different seeds, same gradients")
		}
	})
	t.Run("LabelledCurves", func(t *testing.T) {
		if !reflect.DeepEqual(mustCurves(t, 1, 2, true), mustCurves(t, 1, 2, true)) {
			t.Error("same seed, different curves")
		}
		if reflect.DeepEqual(mustCurves(t, 1, 2, true), mustCurves(t, 2, 2, true)) {
			t.Error("different seeds, same curves")
		}
	})
}

// TestGenerateValid checks that the catalog accepts every generated case, in every
// dimension, and that the results are finite.
func TestGenerateValid(t *testing.T) {
	for _, fn := range genFuncs() {
		for _, dim := range []int{1, 2, 3, 0, 7} {
			t.Run(fmt.Sprintf("%s/dim%d", fn, dim), func(t *testing.T) {
				for seed := int64(1); seed <= 5; seed++ {
					cases, err := Generate(fn, seed, 12, dim)
					if err != nil {
						t.Fatal(err)
					}
					if len(cases) != 12 {
						t.Fatalf("%d cases, want 12", len(cases))
					}
					for i, a := range cases {
						res, err := Call(fn, a)
						if err != nil {
							t.Fatalf("seed %d case %d: %v", seed, i, err)
						}
						if d := variantTestDiffer(res, res); d != "" {
							t.Errorf("seed %d case %d: result not finite: %s", seed, i, d)
						}
					}
				}
			})
		}
	}
}

// TestGenerateShowsMistakes checks the properties the cases are designed to have.
func TestGenerateShowsMistakes(t *testing.T) {
	get := func(fn string) []Args {
		cases, err := Generate(fn, 11, 0, 0)
		if err != nil {
			t.Fatal(err)
		}
		return cases
	}
	tests := []struct {
		fn   string
		want string
		ok   func([]Args) bool
	}{
		{"adam_step", "t in 1…5, a large ε, non-zero m and v", func(cs []Args) bool {
			large, ts := false, map[int]bool{}
			for _, a := range cs {
				r := a.Reader()
				large = large || r.Float("eps") >= 0.1
				ts[r.Int("t")] = true
				if slices.Index(r.Vec("m"), 0) >= 0 || slices.Index(r.Vec("v"), 0) >= 0 {
					return false
				}
			}
			return large && len(ts) == 5
		}},
		{"normalized_step", "a zero gradient component", func(cs []Args) bool {
			return slices.Contains(cs[0].Reader().Vec("g"), 0)
		}},
		{"lr_linear", "k on both sides of τ", func(cs []Args) bool {
			before, after := false, false
			for _, a := range cs {
				r := a.Reader()
				k, tau := float64(r.Int("k")), r.Float("tau")
				before, after = before || k <= tau, after || k > tau
			}
			return before && after
		}},
		{"logistic_grad", "batches of ≥ 2 rows but not all", func(cs []Args) bool {
			for _, a := range cs[:3] {
				r := a.Reader()
				if b := r.Ints("batch"); len(b) < 2 || len(b) >= len(r.Mat("X")) {
					return false
				}
			}
			return true
		}},
		{"bernoulli_nll", "base absent, 2 and 10", func(cs []Args) bool {
			return !cs[0].Reader().Has("base") && cs[1]["base"] == 2.0 && cs[2]["base"] == 10.0
		}},
		{"bernoulli_mle", "mean ≠ median", func(cs []Args) bool {
			for _, a := range cs {
				y := slices.Clone(a.Reader().Vec("y"))
				slices.Sort(y)
				mean := 0.0
				for _, yi := range y {
					mean += yi / float64(len(y))
				}
				if math.Abs(mean-y[len(y)/2]) < 0.05 || math.Abs(mean-0.5) < 0.05 {
					return false
				}
			}
			return true
		}},
		{"train", "every optimizer and schedule kind", func(cs []Args) bool {
			seen := map[string]bool{}
			for _, a := range cs {
				r := a.Reader()
				seen[r.Object("optimizer").Reader().String("kind")] = true
				seen[r.Object("problem").Reader().String("kind")] = true
				if r.Has("schedule") {
					seen[r.Object("schedule").Reader().String("kind")] = true
				} else {
					seen["none"] = true
				}
			}
			return len(seen) == 4+2+3
		}},
		{"diagnose", "every label, one needing w", func(cs []Args) bool {
			labels := map[string]bool{}
			needsW := false
			for _, a := range cs {
				r := a.Reader()
				var w [][]float64
				if r.Has("w") {
					w = r.Mat("w")
				}
				l := Diagnose(r.Vec("loss"), w)
				labels[l] = true
				needsW = needsW || w != nil && Diagnose(r.Vec("loss"), nil) != l
			}
			return len(labels) == 4 && needsW
		}},
	}
	for _, tt := range tests {
		t.Run(tt.fn, func(t *testing.T) {
			if !tt.ok(get(tt.fn)) {
				t.Errorf("cases lack %s", tt.want)
			}
		})
	}
}

func TestGenerateErrors(t *testing.T) {
	if _, err := Generate("no_such_fn", 1, 0, 0); err == nil {
		t.Error("Generate: unknown function accepted")
	}
	if _, err := Generate("gd_step", 1, -1, 0); err == nil {
		t.Error("Generate: negative count accepted")
	}
	if _, _, err := TrajectoryInputs("lr_linear", 1, 3, 0); err == nil {
		t.Error("TrajectoryInputs: non-step function accepted")
	}
	// Every catalog function has a generator.
	for _, f := range Catalog() {
		if f.Gen == nil {
			t.Errorf("no generator for %s", f.Name)
		}
	}
}

func TestTrajectoryInputs(t *testing.T) {
	for _, fn := range []string{"gd_step", "momentum_step", "normalized_step", "adam_step"} {
		t.Run(fn, func(t *testing.T) {
			epsLarge := false
			for seed := int64(1); seed <= 10; seed++ {
				start, grads, err := TrajectoryInputs(fn, seed, 6, 3)
				if err != nil {
					t.Fatal(err)
				}
				if len(grads) != 6 || len(grads[0]) != 3 || !reflect.DeepEqual(start["g"], grads[0]) {
					t.Fatalf("grads %v, start g %v", grads, start["g"])
				}
				// Teacher-forced: every step is a valid call.
				a := start.Clone()
				for k, g := range grads {
					a["g"] = g
					if fn == "adam_step" {
						if k == 0 && a["t"] != 1 {
							t.Errorf("first t = %v", a["t"])
						}
						a["t"] = k + 1
					}
					if _, err := Call(fn, a); err != nil {
						t.Fatalf("seed %d step %d: %v", seed, k, err)
					}
				}
				if fn == "adam_step" && start.Reader().Float("eps") >= 0.1 {
					epsLarge = true
				}
			}
			if fn == "adam_step" && !epsLarge {
				t.Error("no start with a large ε in 10 seeds")
			}
		})
	}
}

func TestGradientSequence(t *testing.T) {
	for _, d := range []int{2, 4, 8} {
		t.Run(fmt.Sprintf("d%d", d), func(t *testing.T) {
			gs := GradientSequence(int64(d), 10, d)
			if len(gs) != 10 {
				t.Fatalf("%d gradients", len(gs))
			}
			lo, hi, zeros, neg, pos, unit := math.Inf(1), 0.0, 0, 0, 0, 0
			for _, g := range gs {
				if len(g) != d {
					t.Fatalf("gradient of %d", len(g))
				}
				for _, x := range g {
					a := math.Abs(x)
					switch {
					case x == 0:
						zeros++
						continue
					case x < 0:
						neg++
					default:
						pos++
					}
					if a == 1 {
						unit++
					}
					lo, hi = math.Min(lo, a), math.Max(hi, a)
				}
			}
			if lo < 1e-12 || hi > 1e5 || lo > 1e-11 || hi < 1e3 {
				t.Errorf("magnitudes span [%g, %g], want about 1e-12 … 1e5", lo, hi)
			}
			// Step 4 tiny, step 5 huge, the others 1e-6 … 10.
			for k, g := range gs {
				for _, x := range g {
					a, want := math.Abs(x), [2]float64{1e-6, 10}
					switch k {
					case 4:
						want = [2]float64{1e-12, 1e-5}
					case 5:
						want = [2]float64{1e-2, 1e5}
					}
					if x != 0 && (a < want[0] || a > want[1]) {
						t.Errorf("gradient %d: |%g| outside [%g, %g]", k, x, want[0], want[1])
					}
				}
			}
			if zeros != 1 || neg == 0 || pos == 0 || unit > 0 {
				t.Errorf("%d zeros, %d negative, %d positive, %d of magnitude 1", zeros, neg, pos, unit)
			}
			for i := 0; i < d; i++ {
				if gs[2][i] == gs[3][i] {
					t.Errorf("coordinate %d constant", i)
				}
			}
		})
	}
	if gs := GradientSequence(1, 1, 1); len(gs) != 1 || gs[0][0] != 0 {
		t.Errorf("GradientSequence(1, 1, 1) = %v, want one zero", gs)
	}
}

func TestLabelledCurves(t *testing.T) {
	for _, withW := range []bool{true, false} {
		for seed := int64(1); seed <= 4; seed++ {
			t.Run(fmt.Sprintf("withW=%v/seed%d", withW, seed), func(t *testing.T) {
				curves := mustCurves(t, seed, 3, withW)
				if len(curves) != 12 {
					t.Fatalf("%d curves, want 12", len(curves))
				}
				count := map[string]int{}
				for i, c := range curves {
					count[c.Label]++
					if n := len(c.Loss) - 1; n < 20 || n > 60 {
						t.Errorf("curve %d: N = %d", i, n)
					}
					if withW != (c.W != nil) {
						t.Errorf("curve %d: weights given = %v", i, c.W != nil)
					}
					if got := Diagnose(c.Loss, c.W); got != c.Label {
						t.Errorf("curve %d (%s): Diagnose = %s, label %s", i, c.Why, got, c.Label)
					}
					if !genClear(c.Label, c.Loss, c.W) {
						t.Errorf("curve %d (%s): label %s not clear", i, c.Why, c.Label)
					}
					if !withW && Diagnose(c.Loss, nil) != c.Label {
						t.Errorf("curve %d needs w", i)
					}
				}
				for _, l := range []string{Converged, Slow, Oscillating, Diverging} {
					if count[l] != 3 {
						t.Errorf("%d curves labelled %s, want 3", count[l], l)
					}
				}
			})
		}
	}
	for seed := int64(1); seed <= 20; seed++ {
		t.Run(fmt.Sprintf("lecture/seed%d", seed), func(t *testing.T) {
			testLabelledLecture(t, mustCurves(t, seed, 1, true))
		})
	}
}

// testLabelledLecture checks that curves start with the lecture's figure.
func testLabelledLecture(t *testing.T, curves []LabelledCurve) {
	t.Helper()
	{
		for _, want := range []struct{ label, why string }{
			{Slow, "GD α = 0.01 on 0.1·w₁² + 2·w₂²"},
			{Oscillating, "GD α = 0.48 on 0.1·w₁² + 2·w₂²"},
			{Diverging, "GD α = 0.51 on 0.1·w₁² + 2·w₂²"},
		} {
			i := slices.IndexFunc(curves, func(c LabelledCurve) bool { return c.Label == want.label })
			if i < 0 || !strings.HasPrefix(curves[i].Why, want.why) {
				t.Errorf("%s curve: %+v, want the lecture's %q", want.label, curves[i].Why, want.why)
			}
		}
		// α = 0.48 oscillates in the weights only: the loss falls monotonically.
		if c := curves[2]; Diagnose(c.Loss, nil) == Oscillating {
			t.Errorf("α = 0.48 curve oscillates in the loss: %v", c.Loss)
		}
	}
}

func TestGenClear(t *testing.T) {
	geometric := func(n int, f float64) []float64 {
		l := []float64{1}
		for k := 0; k < n; k++ {
			l = append(l, l[k]*f)
		}
		return l
	}
	tests := []struct {
		name  string
		label string
		loss  []float64
		want  bool
	}{
		{"fast decay", Converged, geometric(20, 0.5), true},
		{"slow decay", Slow, geometric(20, 0.99), true},
		{"borderline ratio", Converged, geometric(20, math.Pow(1e-3, 1.0/20)), false},
		{"growth", Diverging, geometric(20, 1.1), true},
		{"barely grows", Diverging, geometric(20, 1.001), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := genClear(tt.label, tt.loss, nil); got != tt.want {
				t.Errorf("genClear = %v, want %v", got, tt.want)
			}
		})
	}
}

// TestEpochBatches checks train's generated mini-batches against their definition: epoch
// after epoch every row exactly once, batches of one size B (2 ≤ B < n) and a last, partial
// batch of n mod B ≠ 0 rows, and the rows' order varying from epoch to epoch.
func TestEpochBatches(t *testing.T) {
	partial, reordered := 0, 0
	for seed := int64(1); seed <= 20; seed++ {
		cases, err := Generate("train", seed, 8, 3)
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range cases {
			r := a.Reader()
			if !r.Has("batches") {
				continue
			}
			n := len(r.Object("problem").Reader().Mat("X"))
			bs := r.IntLists("batches")
			size := len(bs[0])
			if size < 2 || size >= n || n%size == 0 {
				t.Fatalf("seed %d: batches of %d rows of %d", seed, size, n)
			}
			perEpoch := (n + size - 1) / size
			var first []int
			for e := 0; e*perEpoch < len(bs); e++ {
				seen := map[int]bool{}
				var order []int
				for k := e * perEpoch; k < min((e+1)*perEpoch, len(bs)); k++ {
					want := size
					if k%perEpoch == perEpoch-1 {
						want = n % size
						partial++
					}
					if len(bs[k]) != want {
						t.Errorf("seed %d batch %d: %d rows, want %d", seed, k, len(bs[k]), want)
					}
					for _, i := range bs[k] {
						if seen[i] || i < 0 || i >= n {
							t.Errorf("seed %d batch %d: row %d twice or out of range", seed, k, i)
						}
						seen[i] = true
						order = append(order, i)
					}
				}
				if (e+1)*perEpoch <= len(bs) && len(seen) != n {
					t.Errorf("seed %d epoch %d: %d of %d rows", seed, e, len(seen), n)
				}
				if e == 0 {
					first = order
				} else if len(order) == n && !reflect.DeepEqual(order, first) {
					reordered++
				}
			}
		}
	}
	if partial == 0 || reordered == 0 {
		t.Errorf("%d partial batches, %d epochs reordered; want some of each", partial, reordered)
	}
}
