package grader

import (
	"math"
	"strings"
	"testing"
)

// TestNonFiniteWant checks that a planned check whose reference result overflows is
// refused, naming the case and the element.
func TestNonFiniteWant(t *testing.T) {
	p := &checkPlan{
		wants:  []any{[]float64{1, 2}, map[string]any{"w": []float64{1, math.Inf(-1)}}},
		labels: []string{"step 1", "step 2"},
	}
	want := "step 2: the reference's result is not finite (result.w[1] = -Inf)"
	if got := nonFiniteWant(p); !strings.HasPrefix(got, want) {
		t.Errorf("nonFiniteWant = %q, want it to start %q", got, want)
	}
	p.wants = p.wants[:1]
	if got := nonFiniteWant(p); got != "" {
		t.Errorf("finite wants: %q", got)
	}
}
