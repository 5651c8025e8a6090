package reference

import (
	"strings"
	"testing"
)

// insideOps are the operators the grader's table (grader/mutants.go) reports inside
// mutation points under; a point under any other name would never be measured.
var insideOps = []string{"reduce-axis", "drop-axis", "loop-bound", "stale"}

// TestMutationPoints checks each row of the table: a catalog function, a known operator,
// a name "<op>(…)" unique to its function, a sentence, and a mutant the reference's own
// argument checks guard (it rejects what the reference rejects).
func TestMutationPoints(t *testing.T) {
	names := map[string]bool{}
	for _, p := range mutationPoints {
		if _, ok := Lookup(p.fn); !ok {
			t.Errorf("%s: no catalog function %q", p.name, p.fn)
		}
		known := false
		for _, op := range insideOps {
			known = known || op == p.op
		}
		if !known || !strings.HasPrefix(p.name, p.op+"(") || !strings.HasSuffix(p.name, ")") || p.sentence == "" {
			t.Errorf("row %+v: want an operator of %v, a name %s(…) and a sentence", p.name, insideOps, p.op)
		}
		if names[p.fn+"/"+p.name] {
			t.Errorf("%s: two points named %s", p.fn, p.name)
		}
		names[p.fn+"/"+p.name] = true
		if _, err := p.call(Args{}); err == nil {
			t.Errorf("%s of %s accepts no arguments", p.name, p.fn)
		}
	}
	// train: one mutant per point of a function it calls, besides its own.
	if got := len(InsideMutants("loop-bound", "train")); got < 5 {
		t.Errorf("%d loop-bound mutants of train, want its 2 and those of the losses and gradient it calls", got)
	}
}
