package reference

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/diff/fd"
)

// Helpers shared by the core's tests (prefixed core to keep clear of other test files).

// coreFD is the independent truth every gradient is checked against: gonum's central
// finite differences.
var coreFD = &fd.Settings{Formula: fd.Central}

// coreRand returns a generator with a fixed seed, so every test sees the same points.
func coreRand(seed uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, 0x9e3779b97f4a7c15)) }

// coreVec returns d numbers uniform in [lo, hi).
func coreVec(rng *rand.Rand, d int, lo, hi float64) []float64 {
	x := make([]float64, d)
	for i := range x {
		x[i] = lo + (hi-lo)*rng.Float64()
	}
	return x
}

// coreClose reports |got − want| ≤ atol + rtol·|want| (false for NaN).
func coreClose(got, want, atol, rtol float64) bool {
	return math.Abs(got-want) <= atol+rtol*math.Abs(want)
}

// coreCheckVec fails t unless got and want have the same length and are close element-wise.
func coreCheckVec(t *testing.T, what string, got, want []float64, atol, rtol float64) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: length %d, want %d", what, len(got), len(want))
	}
	for i := range want {
		if !coreClose(got[i], want[i], atol, rtol) {
			t.Errorf("%s[%d] = %.17g, want %.17g (atol %g, rtol %g)", what, i, got[i], want[i], atol, rtol)
		}
	}
}

// coreCheck fails t unless got is close to want.
func coreCheck(t *testing.T, what string, got, want, atol, rtol float64) {
	t.Helper()
	if !coreClose(got, want, atol, rtol) {
		t.Errorf("%s = %.17g, want %.17g (atol %g, rtol %g)", what, got, want, atol, rtol)
	}
}

// coreLectureY are the lecture's ten bandit observations: λ̂ = 0.3.
var coreLectureY = []float64{1, 0, 0, 0, 0, 0, 0, 1, 1, 0}
