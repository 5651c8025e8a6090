package reference

import (
	"errors"
	"testing"
)

// TestArgError checks that a rejected argument comes back as an *ArgError naming the
// function, the object holding it and the argument, with the message the rubric goldens
// show, from Call and from the variants alike.
func TestArgError(t *testing.T) {
	const quad = `"problem": {"kind": "quadratic", "a": [1]}, "w0": [1], "steps": 2`
	tests := []struct {
		name, fn, args      string
		wantObject, wantArg string
		wantMsg             string
	}{
		{"lam out of range", "bernoulli_nll", `{"lam": 1.5, "y": [1, 0]}`, "", "lam",
			`bernoulli_nll: argument "lam": want a probability strictly between 0 and 1, got 1.5`},
		{"missing", "cross_entropy", `{"lam": 0.5}`, "", "p", `cross_entropy: argument "p": missing`},
		{"beta1", "adam_step", `{"w": [1], "m": [0], "v": [0], "t": 1, "g": [1], "lr": 0.1, "beta1": 1.5, "beta2": 0.9, "eps": 0}`, "", "beta1",
			`adam_step: argument "beta1": want a number in [0, 1), got 1.5`},
		{"state length", "adam_step", `{"w": [1, 2, 3], "m": [0, 0, 0, 0], "v": [0, 0, 0], "t": 1, "g": [1, 1, 1], "lr": 0.1, "beta1": 0.9, "beta2": 0.9, "eps": 0}`, "", "m",
			`adam_step: argument "m": length 4, want 3 (the length of "w")`},
		{"t", "adam_step", `{"w": [1], "m": [0], "v": [0], "t": 0, "g": [1], "lr": 0.1, "beta1": 0.9, "beta2": 0.9, "eps": 0}`, "", "t",
			`adam_step: argument "t": want an integer ≥ 1, got 0`},
		{"negative v", "adam_step", `{"w": [1], "m": [0], "v": [-1], "t": 1, "g": [1], "lr": 0.1, "beta1": 0.9, "beta2": 0.9, "eps": 0}`, "", "v",
			`adam_step: argument "v": element 0 is -1; want numbers ≥ 0`},
		{"momentum beta", "momentum_step", `{"w": [1], "v": [0], "g": [1], "lr": 0.1, "beta": 2}`, "", "beta",
			`momentum_step: argument "beta": want a number in [0, 1], got 2`},
		{"optimizer kind", "train", `{` + quad + `, "optimizer": {"kind": "rmsprop", "lr": 0.1}}`, "optimizer", "kind",
			`train: optimizer: argument "kind": unknown optimizer "rmsprop"; want gd, momentum, normalized or adam`},
		{"optimizer beta", "train", `{` + quad + `, "optimizer": {"kind": "momentum", "lr": 0.1, "beta": 1.5}}`, "optimizer", "beta",
			`train: optimizer: argument "beta": want a number in [0, 1], got 1.5`},
		{"problem kind", "train", `{"problem": {"kind": "cubic"}, "w0": [1], "steps": 2, "optimizer": {"kind": "gd", "lr": 0.1}}`, "problem", "kind",
			`train: problem: argument "kind": unknown problem "cubic"; want quadratic or logistic`},
		{"schedule tau", "train", `{` + quad + `, "optimizer": {"kind": "gd", "lr": 0.1}, "schedule": {"kind": "linear", "lr_tau": 0.1, "tau": 0}}`, "schedule", "tau",
			`train: schedule: argument "tau": want a finite number > 0, got 0`},
		{"batches on a quadratic", "train", `{` + quad + `, "optimizer": {"kind": "gd", "lr": 0.1}, "batches": [[0], [0]]}`, "", "batches",
			`train: argument "batches": only a logistic problem takes mini-batches`},
		{"w0 length", "train", `{"problem": {"kind": "quadratic", "a": [1, 2]}, "w0": [1], "steps": 2, "optimizer": {"kind": "gd", "lr": 0.1}}`, "", "w0",
			`train: argument "w0": 1 weights for a quadratic with 2 curvatures`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Call(tc.fn, coreJSONArgs(t, tc.args))
			var ae *ArgError
			if !errors.As(err, &ae) {
				t.Fatalf("Call error %v (%T), want an *ArgError", err, err)
			}
			if ae.Fn != tc.fn || ae.Object != tc.wantObject || ae.Arg != tc.wantArg {
				t.Errorf("ArgError{Fn: %q, Object: %q, Arg: %q}, want {%q, %q, %q}", ae.Fn, ae.Object, ae.Arg, tc.fn, tc.wantObject, tc.wantArg)
			}
			if err.Error() != tc.wantMsg {
				t.Errorf("message\n%s\nwant\n%s", err, tc.wantMsg)
			}
			// A variant rejects an argument it reads the same way (variants check shapes,
			// not ranges, the reference has done that).
			if tc.name != "missing" && tc.name != "state length" && tc.fn != "train" {
				return
			}
			for _, v := range VariantsOf(tc.fn)[:1] {
				_, err := v.Call(coreJSONArgs(t, tc.args))
				if !errors.As(err, &ae) || ae.Arg != tc.wantArg {
					t.Errorf("variant %s: error %v, want an *ArgError for %q", v.Name, err, tc.wantArg)
				}
			}
		})
	}
}
