package grader

import (
	"context"
	"strings"
	"testing"

	"github.com/optgrade/optgrade/grader/rubric"
	"github.com/optgrade/optgrade/reference"
)

// TestStrengthProbesBeyondGenerators: the generated curves are clear, so none sits on the
// boundary 4·rises = N that a count of rising steps one short gets wrong. On them alone
// the mutant agrees with the reference everywhere, yet lint must not call it equivalent:
// a probe on the boundary tells it apart (a survivor, with that probe as its witness), and
// a check with such a case kills it.
func TestStrengthProbesBeyondGenerators(t *testing.T) {
	measure := func(extra string) MutantResult {
		src := "optgrade: 1\nassignment: t\npoints: 2\ntasks:\n  - id: d\n    function: diagnose\n    points: 2\n    checks:\n" +
			"      - {kind: classification, points: 1, with_w: true, generate: {seed: 120, count: 2}}\n" + extra
		for _, m := range measureStrength(t, src).Tasks[0].Mutants {
			if m.Name == "loop-bound(loss)" {
				return m
			}
		}
		t.Fatal("no mutant loop-bound(loss) of diagnose")
		return MutantResult{}
	}
	if _, differ := firstDifference("diagnose", findMutant(t, "loop-bound", "loop-bound(loss)", "diagnose"), referenceVariant("diagnose")); differ {
		t.Fatal("a generated curve tells loop-bound(loss) apart: the test needs a mutant the generators miss")
	}
	m := measure("      - {kind: value, points: 1, generate: {seed: 7, count: 4}}\n")
	if m.Status != Survived || !strings.HasPrefix(m.Witness, "diagnose(loss=[10, 9, 9.5") {
		t.Errorf("generated curves only: %s, witness %q; want survived with the boundary probe", m.Status, m.Witness)
	}
	m = measure("      - {kind: value, points: 1, cases: [{args: {loss: [10, 9, 9.5, 8, 7, 6, 5, 4, 4.5]}}]}\n")
	if m.Status != Killed {
		t.Errorf("with the boundary case: %s, want killed", m.Status)
	}
}

// TestProbeInputs checks that the probes are inputs the reference accepts, beyond the
// generators': other dimensions and edge values (a zero vector, a zero learning rate).
func TestProbeInputs(t *testing.T) {
	fn, _ := reference.Lookup("gd_step")
	probes := probeInputs(fn)
	dims, zeroW, zeroLR := map[int]bool{}, false, false
	for _, p := range probes {
		if _, err := reference.Call(fn.Name, p.Clone()); err != nil {
			t.Errorf("probe %v: %v", p, err)
		}
		w, _ := p["w"].([]any)
		if gw, ok := p["w"].([]float64); ok {
			dims[len(gw)] = true
		}
		zeroW = zeroW || (len(w) > 0 && w[0] == 0.0)
		zeroLR = zeroLR || p["lr"] == 0.0
	}
	if !dims[10] || !zeroW || !zeroLR {
		t.Errorf("%d probes: dimension 10 %v, a zero w %v, lr 0 %v; want all", len(probes), dims[10], zeroW, zeroLR)
	}
}

// measureStrength measures the strength of the rubric src.
func measureStrength(t *testing.T, src string) *Strength {
	t.Helper()
	r, err := rubric.Parse("t.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	s, err := MeasureStrength(context.Background(), r)
	if err != nil {
		t.Fatal(err)
	}
	return s
}
