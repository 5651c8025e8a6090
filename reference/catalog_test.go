package reference

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"reflect"
	"strings"
	"testing"

	"gonum.org/v1/gonum/diff/fd"
)

// coreDesign is DESIGN.md §2's table: every function, in order, with its argument names.
var coreDesign = []struct {
	name   string
	params []string
}{
	{"bernoulli_nll", []string{"lam", "y", "base"}},
	{"bernoulli_nll_grad", []string{"lam", "y", "base"}},
	{"bernoulli_mle", []string{"y"}},
	{"cross_entropy", []string{"p", "lam", "base"}},
	{"quadratic_loss", []string{"w", "a"}},
	{"quadratic_grad", []string{"w", "a"}},
	{"logistic_loss", []string{"w", "X", "y"}},
	{"logistic_grad", []string{"w", "X", "y", "batch"}},
	{"gd_step", []string{"w", "g", "lr"}},
	{"momentum_step", []string{"w", "v", "g", "lr", "beta"}},
	{"normalized_step", []string{"w", "g", "lr"}},
	{"adam_step", []string{"w", "m", "v", "t", "g", "lr", "beta1", "beta2", "eps"}},
	{"lr_linear", []string{"k", "lr0", "lr_tau", "tau"}},
	{"lr_exponential", []string{"k", "lr0", "tau"}},
	{"train", []string{"problem", "optimizer", "w0", "steps", "batches", "schedule"}},
	{"diagnose", []string{"loss", "w"}},
}

func TestCatalogMatchesDesign(t *testing.T) {
	cat := Catalog()
	if len(cat) != len(coreDesign) {
		t.Fatalf("catalog has %d functions, DESIGN.md §2 has %d", len(cat), len(coreDesign))
	}
	optional := map[string]bool{"base": true, "batch": true, "batches": true, "schedule": true}
	for i, want := range coreDesign {
		f := cat[i]
		t.Run(want.name, func(t *testing.T) {
			if f.Name != want.name {
				t.Fatalf("catalog[%d] = %s, want %s", i, f.Name, want.name)
			}
			var names []string
			for _, p := range f.Params {
				names = append(names, p.Name)
				isOpt := optional[p.Name] || f.Name == "diagnose" && p.Name == "w"
				if p.Optional != isOpt {
					t.Errorf("param %s: Optional = %v, want %v", p.Name, p.Optional, isOpt)
				}
				if p.Doc == "" {
					t.Errorf("param %s has no Doc", p.Name)
				}
			}
			if !reflect.DeepEqual(names, want.params) {
				t.Errorf("params %v, want %v", names, want.params)
			}
			if f.Result == "" || f.Formula == "" || f.Call == nil {
				t.Errorf("Result %q, Formula %q, Call nil: %v", f.Result, f.Formula, f.Call == nil)
			}
			if g, ok := Lookup(want.name); !ok || g.Name != want.name {
				t.Errorf("Lookup(%q) = %v, %v", want.name, g.Name, ok)
			}
		})
	}
	cat[0].Name = "changed" // Catalog returns a copy
	if Catalog()[0].Name != "bernoulli_nll" {
		t.Error("Catalog() shares its slice with the package")
	}
}

func TestCatalogGradientAndStepMetadata(t *testing.T) {
	tests := []struct {
		name, loss, wrt string
		state           []string
		counter         string
	}{
		{name: "bernoulli_nll_grad", loss: "bernoulli_nll", wrt: "lam"},
		{name: "quadratic_grad", loss: "quadratic_loss", wrt: "w"},
		{name: "logistic_grad", loss: "logistic_loss", wrt: "w"},
		{name: "gd_step", state: []string{"w"}},
		{name: "momentum_step", state: []string{"w", "v"}},
		{name: "normalized_step", state: []string{"w"}},
		{name: "adam_step", state: []string{"w", "m", "v"}, counter: "t"},
	}
	marked := map[string]bool{}
	for _, tc := range tests {
		marked[tc.name] = true
		f, _ := Lookup(tc.name)
		if f.Loss != tc.loss || f.WRT != tc.wrt || !reflect.DeepEqual(f.State, tc.state) || f.Counter != tc.counter {
			t.Errorf("%s: Loss %q WRT %q State %v Counter %q, want %q %q %v %q",
				tc.name, f.Loss, f.WRT, f.State, f.Counter, tc.loss, tc.wrt, tc.state, tc.counter)
		}
	}
	for _, f := range Catalog() {
		if !marked[f.Name] && (f.Loss != "" || f.WRT != "" || f.State != nil || f.Counter != "") {
			t.Errorf("%s: unexpected Loss/WRT/State/Counter", f.Name)
		}
	}
}

// coreJSONArgs decodes a request's args as the grader would, into []any / map[string]any.
func coreJSONArgs(t *testing.T, s string) Args {
	t.Helper()
	var a Args
	if err := json.Unmarshal([]byte(s), &a); err != nil {
		t.Fatalf("bad test JSON %s: %v", s, err)
	}
	return a
}

// Every function called by name, on JSON-decoded arguments, gives the typed API's value
// in the documented Go type, and leaves its arguments alone.
func TestCallMatchesTypedAPI(t *testing.T) {
	X := [][]float64{{1, 0.5}, {1, -1}, {1, 2}}
	Y := []float64{1, 0, 0}
	lg := Logistic{X: X, Y: Y}
	lgGrad := func(w []float64, batch []int) []float64 {
		g := make([]float64, len(w))
		lg.BatchGrad(g, w, batch)
		return g
	}
	step := func(f func(w []float64)) []float64 {
		w := []float64{1, -2}
		f(w)
		return w
	}
	wM, vM := []float64{1, -2}, []float64{0.1, 0.2}
	MomentumStep(wM, vM, []float64{0.5, -1}, 0.1, 0.9)
	wA, mA, vA := []float64{1, -2}, []float64{0.1, -0.1}, []float64{0.01, 0.04}
	AdamStep(wA, mA, vA, 3, []float64{0.5, -1}, 0.1, 0.9, 0.999, 1e-8)
	quadTrain := Train(Quadratic{A: []float64{0.1, 2}}, &Momentum{Beta: 0.9}, []float64{1, 1}, 5, nil,
		Exponential{LR0: 0.3, Tau: 2})
	logTrain := Train(lg, &Adam{Beta1: 0.9, Beta2: 0.999, Eps: 1e-8}, []float64{0, 0}, 3, [][]int{{0}, {1, 2}, {2}},
		Linear{LR0: 0.1, LRTau: 0.01, Tau: 2})

	tests := []struct {
		fn   string
		args string
		want any
	}{
		{"bernoulli_nll", `{"lam": 0.3, "y": [1,0,0,0,0,0,0,1,1,0], "base": 10}`, BernoulliNLL(0.3, coreLectureY, 10)},
		{"bernoulli_nll", `{"lam": 0.3, "y": [1,0,0,0,0,0,0,1,1,0]}`, BernoulliNLL(0.3, coreLectureY, 0)},
		{"bernoulli_nll_grad", `{"lam": 0.2, "y": [1,0,0,0,0,0,0,1,1,0], "base": 2}`, BernoulliNLLGrad(0.2, coreLectureY, 2)},
		{"bernoulli_mle", `{"y": [1,0,0,0,0,0,0,1,1,0]}`, 0.3},
		{"cross_entropy", `{"p": 0.3, "lam": 0.4}`, CrossEntropy(0.3, 0.4, 0)},
		{"quadratic_loss", `{"w": [1, 1], "a": [0.1, 2]}`, 2.1},
		{"quadratic_grad", `{"w": [1, -1], "a": [0.1, 2]}`, []float64{0.2, -4}},
		{"logistic_loss", `{"w": [0.3, -0.2], "X": [[1, 0.5], [1, -1], [1, 2]], "y": [1, 0, 0]}`, lg.Func([]float64{0.3, -0.2})},
		{"logistic_grad", `{"w": [0.3, -0.2], "X": [[1, 0.5], [1, -1], [1, 2]], "y": [1, 0, 0]}`, lgGrad([]float64{0.3, -0.2}, nil)},
		{"logistic_grad", `{"w": [0.3, -0.2], "X": [[1, 0.5], [1, -1], [1, 2]], "y": [1, 0, 0], "batch": [2, 0]}`, lgGrad([]float64{0.3, -0.2}, []int{2, 0})},
		{"gd_step", `{"w": [1, -2], "g": [0.5, -1], "lr": 0.1}`, step(func(w []float64) { GDStep(w, w, []float64{0.5, -1}, 0.1) })},
		{"momentum_step", `{"w": [1, -2], "v": [0.1, 0.2], "g": [0.5, -1], "lr": 0.1, "beta": 0.9}`, map[string]any{"w": wM, "v": vM}},
		{"normalized_step", `{"w": [1, -2], "g": [0.5, 0], "lr": 0.1}`, []float64{0.9, -2}},
		{"adam_step", `{"w": [1, -2], "m": [0.1, -0.1], "v": [0.01, 0.04], "t": 3, "g": [0.5, -1], "lr": 0.1, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8}`,
			map[string]any{"w": wA, "m": mA, "v": vA}},
		{"lr_linear", `{"k": 3, "lr0": 0.1, "lr_tau": 0.01, "tau": 10}`, LRLinear(3, 0.1, 0.01, 10)},
		{"lr_exponential", `{"k": 3, "lr0": 0.1, "tau": 10}`, LRExponential(3, 0.1, 10)},
		{"train", `{"problem": {"kind": "quadratic", "a": [0.1, 2]}, "optimizer": {"kind": "momentum", "lr": 0.3, "beta": 0.9, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8},
			"w0": [1, 1], "steps": 5, "schedule": {"kind": "exponential", "tau": 2}}`,
			map[string]any{"w": quadTrain.W, "loss": quadTrain.Loss}},
		{"train", `{"problem": {"kind": "logistic", "X": [[1, 0.5], [1, -1], [1, 2]], "y": [1, 0, 0]},
			"optimizer": {"kind": "adam", "lr": 0.1, "beta": 0.9, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8},
			"w0": [0, 0], "steps": 3, "batches": [[0], [1, 2], [2]], "schedule": {"kind": "linear", "lr_tau": 0.01, "tau": 2}}`,
			map[string]any{"w": logTrain.W, "loss": logTrain.Loss}},
		{"diagnose", `{"loss": [1, 0.5, 0.25, 0.125, 0.0625]}`, Slow},
		{"diagnose", `{"loss": [1, 0.5, 0.25, 0.125, 0.0625, 0.03], "w": [[0], [1], [0], [1], [0], [1]]}`, Oscillating},
	}
	for _, tc := range tests {
		t.Run(tc.fn, func(t *testing.T) {
			a := coreJSONArgs(t, tc.args)
			before := a.Clone()
			got, err := Call(tc.fn, a)
			if err != nil {
				t.Fatalf("Call: %v", err)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("Call(%s) = %#v, want %#v", tc.fn, got, tc.want)
			}
			if !reflect.DeepEqual(a, before) {
				t.Errorf("Call(%s) modified its arguments: %v, was %v", tc.fn, a, before)
			}
		})
	}
}

// The step functions never modify the caller's []float64 arguments (Go callers pass
// typed slices, which the reader does not copy).
func TestCallDoesNotMutateTypedArgs(t *testing.T) {
	tests := []struct {
		fn string
		a  Args
	}{
		{"gd_step", Args{"w": []float64{1, 2}, "g": []float64{1, 1}, "lr": 0.5}},
		{"normalized_step", Args{"w": []float64{1, 2}, "g": []float64{1, -1}, "lr": 0.5}},
		{"momentum_step", Args{"w": []float64{1, 2}, "v": []float64{0.1, 0.1}, "g": []float64{1, 1}, "lr": 0.5, "beta": 0.9}},
		{"adam_step", Args{"w": []float64{1, 2}, "m": []float64{0.1, 0.1}, "v": []float64{0.1, 0.1}, "t": 2,
			"g": []float64{1, 1}, "lr": 0.5, "beta1": 0.9, "beta2": 0.99, "eps": 1e-8}},
		{"train", Args{"problem": Args{"kind": "quadratic", "a": []float64{1, 2}}, "optimizer": Args{"kind": "gd", "lr": 0.1},
			"w0": []float64{1, 2}, "steps": 3}},
	}
	for _, tc := range tests {
		t.Run(tc.fn, func(t *testing.T) {
			before := tc.a.Clone()
			if _, err := Call(tc.fn, tc.a); err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(tc.a, before) {
				t.Errorf("modified: %v, was %v", tc.a, before)
			}
		})
	}
}

// Every gradient function of the catalog, called by name, against central finite
// differences of its own catalog loss (Func.Loss) in the argument Func.WRT.
func TestCatalogGradientsFD(t *testing.T) {
	rng := coreRand(10)
	for _, f := range Catalog() {
		if f.Loss == "" {
			continue
		}
		for trial := 0; trial < 10; trial++ {
			var a Args
			switch f.Name {
			case "bernoulli_nll_grad":
				y := make([]float64, 1+rng.IntN(20))
				for i := range y {
					y[i] = float64(rng.IntN(2))
				}
				a = Args{"lam": 0.05 + 0.9*rng.Float64(), "y": y, "base": []float64{2, 10, math.E}[rng.IntN(3)]}
			case "quadratic_grad":
				d := 1 + rng.IntN(5)
				a = Args{"w": coreVec(rng, d, -2, 2), "a": coreVec(rng, d, 0, 3)}
			case "logistic_grad":
				l := coreLogisticData(rng, 1+rng.IntN(8), 1+rng.IntN(4))
				a = Args{"w": coreVec(rng, len(l.X[0]), -1, 1), "X": l.X, "y": l.Y}
			default:
				t.Fatalf("no test inputs for gradient function %s", f.Name)
			}
			t.Run(fmt.Sprintf("%s/%d", f.Name, trial), func(t *testing.T) {
				got, err := Call(f.Name, a)
				if err != nil {
					t.Fatal(err)
				}
				loss := func(x []float64) float64 {
					b := a.Clone()
					if f.WRT == "lam" {
						b[f.WRT] = x[0]
					} else {
						b[f.WRT] = x
					}
					v, err := Call(f.Loss, b)
					if err != nil {
						t.Fatal(err)
					}
					return v.(float64)
				}
				switch x := a[f.WRT].(type) {
				case float64:
					want := fd.Gradient(nil, loss, []float64{x}, coreFD)
					coreCheck(t, "d/d"+f.WRT, got.(float64), want[0], 1e-7, 1e-6)
				case []float64:
					want := fd.Gradient(nil, loss, append([]float64(nil), x...), coreFD)
					coreCheckVec(t, "∇", got.([]float64), want, 1e-7, 1e-6)
				}
			})
		}
	}
}

// Invalid arguments are errors that name the function and the argument.
func TestCallErrors(t *testing.T) {
	lecture := `"y": [1,0,0,0,0,0,0,1,1,0]`
	quad := `"problem": {"kind": "quadratic", "a": [0.1, 2]}, "w0": [1, 1]`
	logi := `"problem": {"kind": "logistic", "X": [[1, 0], [1, 1]], "y": [0, 1]}, "w0": [0, 0]`
	gd := `"optimizer": {"kind": "gd", "lr": 0.1}`
	tests := []struct {
		name, fn, args string
		wantIn         string // a piece of the error message
	}{
		{"lam 0", "bernoulli_nll", `{"lam": 0, ` + lecture + `}`, `"lam"`},
		{"lam 1", "bernoulli_nll_grad", `{"lam": 1, ` + lecture + `}`, `"lam"`},
		{"lam missing", "bernoulli_nll", `{` + lecture + `}`, `"lam": missing`},
		{"base 1", "bernoulli_nll", `{"lam": 0.3, "base": 1, ` + lecture + `}`, `"base"`},
		{"base negative", "cross_entropy", `{"p": 0.3, "lam": 0.3, "base": -2}`, `"base"`},
		{"p 1.5", "cross_entropy", `{"p": 1.5, "lam": 0.3}`, `"p"`},
		{"y empty", "bernoulli_mle", `{"y": []}`, `"y"`},
		{"y not a label", "bernoulli_mle", `{"y": [0, 2]}`, `"y"`},
		{"y not numbers", "bernoulli_mle", `{"y": "abc"}`, `"y"`},
		{"quadratic lengths", "quadratic_loss", `{"w": [1, 2], "a": [1]}`, `"a"`},
		{"quadratic empty", "quadratic_grad", `{"w": [], "a": []}`, `"w"`},
		{"X columns", "logistic_loss", `{"w": [1], "X": [[1, 2]], "y": [1]}`, `"X"`},
		{"X ragged", "logistic_loss", `{"w": [1, 2], "X": [[1, 2], [1]], "y": [1, 0]}`, `"X"`},
		{"y per row", "logistic_loss", `{"w": [1], "X": [[1], [2]], "y": [1]}`, `"y"`},
		{"batch out of range", "logistic_grad", `{"w": [1], "X": [[1], [2]], "y": [1, 0], "batch": [2]}`, `"batch"`},
		{"batch negative", "logistic_grad", `{"w": [1], "X": [[1], [2]], "y": [1, 0], "batch": [-1]}`, `"batch"`},
		{"batch repeated", "logistic_grad", `{"w": [1], "X": [[1], [2]], "y": [1, 0], "batch": [1, 1]}`, `twice`},
		{"batch empty", "logistic_grad", `{"w": [1], "X": [[1], [2]], "y": [1, 0], "batch": []}`, `"batch"`},
		{"batch not integers", "logistic_grad", `{"w": [1], "X": [[1], [2]], "y": [1, 0], "batch": [0.5]}`, `"batch"`},
		{"g length", "gd_step", `{"w": [1, 2], "g": [1], "lr": 0.1}`, `"g"`},
		{"lr missing", "normalized_step", `{"w": [1], "g": [1]}`, `"lr"`},
		{"v length", "momentum_step", `{"w": [1], "v": [0, 0], "g": [1], "lr": 0.1, "beta": 0.9}`, `"v"`},
		{"beta 2", "momentum_step", `{"w": [1], "v": [0], "g": [1], "lr": 0.1, "beta": 2}`, `"beta"`},
		{"t 0", "adam_step", `{"w": [1], "m": [0], "v": [0], "t": 0, "g": [1], "lr": 0.1, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8}`, `"t"`},
		{"t not integer", "adam_step", `{"w": [1], "m": [0], "v": [0], "t": 1.5, "g": [1], "lr": 0.1, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8}`, `"t"`},
		{"beta2 1", "adam_step", `{"w": [1], "m": [0], "v": [0], "t": 1, "g": [1], "lr": 0.1, "beta1": 0.9, "beta2": 1, "eps": 1e-8}`, `"beta2"`},
		{"v negative", "adam_step", `{"w": [1], "m": [0], "v": [-1], "t": 1, "g": [1], "lr": 0.1, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8}`, `"v"`},
		{"eps negative", "adam_step", `{"w": [1], "m": [0], "v": [0], "t": 1, "g": [1], "lr": 0.1, "beta1": 0.9, "beta2": 0.999, "eps": -1}`, `"eps"`},
		{"k negative", "lr_linear", `{"k": -1, "lr0": 0.1, "lr_tau": 0.01, "tau": 10}`, `"k"`},
		{"k not integer", "lr_exponential", `{"k": 1.5, "lr0": 0.1, "tau": 10}`, `"k"`},
		{"tau 0", "lr_linear", `{"k": 1, "lr0": 0.1, "lr_tau": 0.01, "tau": 0}`, `"tau"`},
		{"tau negative", "lr_exponential", `{"k": 1, "lr0": 0.1, "tau": -3}`, `"tau"`},
		{"steps negative", "train", `{` + quad + `, ` + gd + `, "steps": -1}`, `"steps"`},
		{"steps missing", "train", `{` + quad + `, ` + gd + `}`, `"steps"`},
		{"problem kind", "train", `{"problem": {"kind": "cubic"}, "w0": [1], ` + gd + `, "steps": 1}`, `cubic`},
		{"w0 length", "train", `{"problem": {"kind": "quadratic", "a": [1]}, "w0": [1, 2], ` + gd + `, "steps": 1}`, `"w0"`},
		{"optimizer kind", "train", `{` + quad + `, "optimizer": {"kind": "sgd", "lr": 0.1}, "steps": 1}`, `sgd`},
		{"optimizer lr", "train", `{` + quad + `, "optimizer": {"kind": "gd"}, "steps": 1}`, `"lr"`},
		{"adam keys", "train", `{` + quad + `, "optimizer": {"kind": "adam", "lr": 0.1}, "steps": 1}`, `"beta1"`},
		{"batches for quadratic", "train", `{` + quad + `, ` + gd + `, "steps": 1, "batches": [[0]]}`, `"batches"`},
		{"batches count", "train", `{` + logi + `, ` + gd + `, "steps": 2, "batches": [[0]]}`, `"batches"`},
		{"batch in batches", "train", `{` + logi + `, ` + gd + `, "steps": 2, "batches": [[0], [0, 2]]}`, `batches[1]`},
		{"schedule kind", "train", `{` + quad + `, ` + gd + `, "steps": 1, "schedule": {"kind": "cosine"}}`, `cosine`},
		{"schedule tau", "train", `{` + quad + `, ` + gd + `, "steps": 1, "schedule": {"kind": "linear", "lr_tau": 0.1, "tau": 0}}`, `"tau"`},
		{"diagnose N=3", "diagnose", `{"loss": [1, 0.5, 0.2, 0.1]}`, `"loss"`},
		{"diagnose w count", "diagnose", `{"loss": [1, 0.5, 0.2, 0.1, 0.05], "w": [[1], [2]]}`, `"w"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Call(tc.fn, coreJSONArgs(t, tc.args))
			if err == nil {
				t.Fatalf("Call(%s, %s): no error", tc.fn, tc.args)
			}
			if !strings.HasPrefix(err.Error(), tc.fn+": ") || !strings.Contains(err.Error(), tc.wantIn) {
				t.Errorf("error %q, want it to start with %q and contain %q", err, tc.fn+": ", tc.wantIn)
			}
		})
	}
}

func TestCallUnknown(t *testing.T) {
	_, err := Call("adam", nil)
	if !errors.Is(err, ErrUnknownFunc) {
		t.Fatalf("error %v, want ErrUnknownFunc", err)
	}
	for _, f := range Catalog() {
		if !strings.Contains(err.Error(), f.Name) {
			t.Errorf("error %q does not list %s", err, f.Name)
		}
	}
}

func TestNewScheduleAndOptimizer(t *testing.T) {
	s, err := NewSchedule(nil, 0.3)
	if err != nil || s != (Constant{LR: 0.3}) {
		t.Errorf("NewSchedule(nil, 0.3) = %v, %v", s, err)
	}
	s, err = NewSchedule(Args{"kind": "linear", "lr_tau": 0.01, "tau": 5}, 0.3)
	if err != nil || s != (Linear{LR0: 0.3, LRTau: 0.01, Tau: 5}) {
		t.Errorf("NewSchedule(linear) = %v, %v", s, err)
	}
	s, err = NewSchedule(Args{"kind": "exponential", "tau": 5}, 0.3)
	if err != nil || s != (Exponential{LR0: 0.3, Tau: 5}) {
		t.Errorf("NewSchedule(exponential) = %v, %v", s, err)
	}
	tests := []struct {
		obj  Args
		want Optimizer
	}{
		{Args{"kind": "gd", "lr": 0.1, "beta": 0.5}, GD{}},
		{Args{"kind": "normalized", "lr": 0.1}, Normalized{}},
		{Args{"kind": "momentum", "lr": 0.1, "beta": 0.5}, &Momentum{Beta: 0.5}},
		{Args{"kind": "adam", "lr": 0.1, "beta1": 0.8, "beta2": 0.9, "eps": 1e-7}, &Adam{Beta1: 0.8, Beta2: 0.9, Eps: 1e-7}},
	}
	for _, tc := range tests {
		o, err := NewOptimizer(tc.obj)
		if err != nil || !reflect.DeepEqual(o, tc.want) {
			t.Errorf("NewOptimizer(%v) = %#v, %v; want %#v", tc.obj, o, err, tc.want)
		}
	}
	p, err := NewProblem(Args{"kind": "logistic", "X": [][]float64{{1}}, "y": []float64{1}})
	if err != nil || !reflect.DeepEqual(p, Logistic{X: [][]float64{{1}}, Y: []float64{1}}) {
		t.Errorf("NewProblem(logistic) = %v, %v", p, err)
	}
}
