package reference

import (
	"fmt"
	"math"
	"testing"
)

// TestTrainWithMatchesTrain checks that train written through the catalog's functions is
// the catalog's train, on every generated kind of case (every optimizer, with and without
// schedule, quadratic and logistic with mini-batches) in several dimensions.
func TestTrainWithMatchesTrain(t *testing.T) {
	close := func(got, want float64) bool {
		return got == want || math.Abs(got-want) <= 1e-12*math.Max(1, math.Abs(want))
	}
	for _, seed := range []int64{1, 2, 3} {
		for _, dim := range []int{1, 2, 4} {
			cases, err := Generate("train", seed, 2*len(genTrainKinds), dim)
			if err != nil {
				t.Fatal(err)
			}
			for i, a := range cases {
				c := genTrainKinds[i%len(genTrainKinds)]
				name := fmt.Sprintf("seed%d/dim%d/%d-%s-%s-%s", seed, dim, i, c.problem, c.optimizer, c.schedule)
				t.Run(name, func(t *testing.T) {
					want, err := Call("train", a)
					if err != nil {
						t.Fatal(err)
					}
					got, err := TrainWith(a, Call)
					if err != nil {
						t.Fatal(err)
					}
					gw, wl := got.(map[string]any), want.(map[string]any)
					gW, wW := gw["w"].([][]float64), wl["w"].([][]float64)
					gL, wL := gw["loss"].([]float64), wl["loss"].([]float64)
					if len(gW) != len(wW) || len(gL) != len(wL) {
						t.Fatalf("lengths w %d, loss %d; want %d, %d", len(gW), len(gL), len(wW), len(wL))
					}
					for k := range wW {
						if !close(gL[k], wL[k]) {
							t.Errorf("loss[%d] = %v, want %v", k, gL[k], wL[k])
						}
						for j := range wW[k] {
							if !close(gW[k][j], wW[k][j]) {
								t.Errorf("w[%d][%d] = %v, want %v", k, j, gW[k][j], wW[k][j])
							}
						}
					}
				})
			}
		}
	}
}

// TestTrainWithCalls checks which functions TrainWith calls, with which arguments.
func TestTrainWithCalls(t *testing.T) {
	cases, err := Generate("train", 5, len(genTrainKinds), 3)
	if err != nil {
		t.Fatal(err)
	}
	for i, a := range cases {
		c := genTrainKinds[i]
		t.Run(fmt.Sprintf("%s-%s-%s", c.problem, c.optimizer, c.schedule), func(t *testing.T) {
			calls := map[string]int{}
			_, err := TrainWith(a, func(fn string, b Args) (any, error) {
				calls[fn]++
				if fn == "adam_step" && b.Reader().Int("t") != calls[fn] {
					t.Errorf("adam_step call %d has t = %v", calls[fn], b["t"])
				}
				if fn == "logistic_grad" && c.batches != b.Reader().Has("batch") {
					t.Errorf("logistic_grad batch present = %v, want %v", !c.batches, c.batches)
				}
				if fn == "logistic_loss" && b.Reader().Has("batch") {
					t.Error("logistic_loss given a batch")
				}
				return Call(fn, b)
			})
			if err != nil {
				t.Fatal(err)
			}
			steps := a["steps"].(int)
			want := map[string]int{
				c.problem + "_loss":   steps + 1,
				c.problem + "_grad":   steps,
				c.optimizer + "_step": steps,
			}
			if c.schedule != "" {
				want["lr_"+c.schedule] = steps
			}
			if fmt.Sprint(calls) != fmt.Sprint(want) {
				t.Errorf("calls %v, want %v", calls, want)
			}
		})
	}
}

func TestTrainWithErrors(t *testing.T) {
	good := func() Args {
		return Args{
			"problem":   Args{"kind": "quadratic", "a": []float64{0.1, 2}},
			"optimizer": Args{"kind": "gd", "lr": 0.1},
			"w0":        []float64{1, 1},
			"steps":     3,
		}
	}
	tests := []struct {
		name   string
		change func(Args)
	}{
		{"unknown problem", func(a Args) { a["problem"] = Args{"kind": "cubic"} }},
		{"unknown optimizer", func(a Args) { a["optimizer"] = Args{"kind": "rmsprop", "lr": 0.1} }},
		{"unknown schedule", func(a Args) { a["schedule"] = Args{"kind": "cosine"} }},
		{"negative steps", func(a Args) { a["steps"] = -1 }},
		{"batches on a quadratic", func(a Args) { a["batches"] = [][]int{{0}, {0}, {0}} }},
		{"missing w0", func(a Args) { delete(a, "w0") }},
		{"bad step result", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := good()
			call := Call
			if tt.change != nil {
				tt.change(a)
			} else {
				call = func(fn string, b Args) (any, error) {
					if fn == "gd_step" {
						return "oops", nil
					}
					return Call(fn, b)
				}
			}
			if _, err := TrainWith(a, call); err == nil {
				t.Error("no error")
			}
		})
	}
	if _, err := TrainWith(good(), Call); err != nil {
		t.Errorf("good arguments: %v", err)
	}
}

// TestTrainWithNonFinite checks that a run gone to NaN is recorded, not an error.
func TestTrainWithNonFinite(t *testing.T) {
	v, _ := LookupVariant("normalized-step-zero-nan")
	a := Args{
		"problem":   Args{"kind": "quadratic", "a": []float64{0.1, 2}},
		"optimizer": Args{"kind": "normalized", "lr": 0.1},
		"w0":        []float64{1, 0},
		"steps":     3,
	}
	got, err := TrainWith(a, func(fn string, b Args) (any, error) {
		if fn == v.Func {
			return v.Call(b)
		}
		return Call(fn, b)
	})
	if err != nil {
		t.Fatal(err)
	}
	loss := got.(map[string]any)["loss"].([]float64)
	if len(loss) != 4 || math.IsNaN(loss[0]) || !math.IsNaN(loss[1]) || !math.IsNaN(loss[3]) {
		t.Errorf("loss = %v, want finite then NaN", loss)
	}
}

// signStep is a test optimizer, w ← w − lr·sign(g)·scale, to show that an optimizer is its
// code plus one catalog row: train, TrainWith and NewOptimizer find it by its TrainKind.
type signStep struct{ scale float64 }

func (signStep) Init(int)           {}
func (signStep) State() [][]float64 { return nil }
func (o signStep) Step(w, g []float64, lr float64, k int) {
	for i := range w {
		w[i] -= lr * o.scale * math.Copysign(1, g[i])
	}
}

func TestOptimizerIsOneRow(t *testing.T) {
	row := Func{
		Name: "sign_step",
		Params: []Param{
			{Name: "w", Kind: Vector}, {Name: "g", Kind: Vector}, {Name: "lr", Kind: Scalar},
			{Name: "scale", Kind: Scalar},
		},
		Call:      catStep("sign_step"),
		State:     []string{"w"},
		TrainKind: "sign",
		NewOptimizer: func(r *ArgReader) (Optimizer, error) {
			return signStep{scale: r.Float("scale")}, r.Err()
		},
	}
	saved := catalog
	catalog = append(append([]Func(nil), catalog...), row)
	defer func() { catalog = saved }()

	a := Args{
		"problem":   Args{"kind": "quadratic", "a": []float64{0.1, 2}},
		"optimizer": Args{"kind": "sign", "lr": 0.1, "scale": 0.5},
		"w0":        []float64{1, -1}, "steps": 2,
		"schedule": Args{"kind": "exponential", "tau": 2},
	}
	want := [][]float64{{1, -1}, {0.95, -0.95}, {0.95 - 0.05*math.Exp(-0.5), -0.95 + 0.05*math.Exp(-0.5)}}
	for name, train := range map[string]func(Args) (any, error){
		"train":     func(a Args) (any, error) { return Call("train", a) },
		"TrainWith": func(a Args) (any, error) { return TrainWith(a, Call) },
	} {
		res, err := train(a)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		w := res.(map[string]any)["w"].([][]float64)
		for k := range want {
			for i := range want[k] {
				if math.Abs(w[k][i]-want[k][i]) > 1e-15 {
					t.Errorf("%s: w[%d] = %v, want %v", name, k, w[k], want[k])
				}
			}
		}
	}
	_, err := NewOptimizer(Args{"kind": "rmsprop", "lr": 0.1})
	if err == nil || err.Error() != `argument "kind": unknown optimizer "rmsprop"; want gd, momentum, normalized, adam or sign` {
		t.Errorf("NewOptimizer(rmsprop): %v", err)
	}
}

// TestVariantAlong checks that a train misconception evaluated along given weights takes
// each step from those weights: w[k+1] is one wrong step from ws[k], whatever came before.
func TestVariantAlong(t *testing.T) {
	v, ok := LookupVariant("train/gd-step-sign-flipped")
	if !ok {
		t.Fatal("no train/gd-step-sign-flipped")
	}
	a := Args{
		"problem":   Args{"kind": "quadratic", "a": []float64{0.1, 2}},
		"optimizer": Args{"kind": "gd", "lr": 0.1},
		"w0":        []float64{1, 1}, "steps": 3,
	}
	ws := [][]float64{{1, 1}, {0.5, -2}, {3, 0.25}, {7, 7}}
	res, err := v.Along(a, ws)
	if err != nil {
		t.Fatal(err)
	}
	got := res.(map[string]any)["w"].([][]float64)
	for k := 0; k < 3; k++ {
		// Ascent: w + lr·2a·w.
		want := []float64{ws[k][0] * (1 + 0.1*2*0.1), ws[k][1] * (1 + 0.1*2*2)}
		for i := range want {
			if math.Abs(got[k+1][i]-want[i]) > 1e-15 {
				t.Errorf("w[%d] = %v, want %v", k+1, got[k+1], want)
			}
		}
	}
	// Along its own trajectory it is the variant itself.
	own, _ := v.Call(a)
	along, _ := v.Along(a, own.(map[string]any)["w"].([][]float64))
	if fmt.Sprint(own) != fmt.Sprint(along) {
		t.Errorf("along its own run %v, want %v", along, own)
	}
}
