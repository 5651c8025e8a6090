package reference

import (
	"fmt"
	"math"
	"reflect"
	"strings"
	"testing"
)

// handLabel is diagnose's rules (DESIGN.md §2) written out again for the test, with the
// coordinates whose weights swing (rule 2, weights): an independent account of a curve's
// label.
func handLabel(loss []float64, w [][]float64) (label string, swinging []int) {
	n := len(loss) - 1
	for _, l := range loss {
		if math.IsNaN(l) || math.IsInf(l, 0) {
			return Diverging, nil
		}
	}
	if loss[n] > loss[0] {
		return Diverging, nil
	}
	if w != nil {
		for i := range w[0] {
			changes, pairs := 0, 0
			for k := n / 2; k+1 <= n-1; k++ {
				pairs++
				a, b := w[k+1][i]-w[k][i], w[k+2][i]-w[k+1][i]
				if (a < 0) != (b < 0) && a != 0 && b != 0 {
					changes++
				}
			}
			last, half := math.Abs(w[n][i]-w[n-1][i]), math.Abs(w[n/2+1][i]-w[n/2][i])
			if float64(changes) >= 0.8*float64(pairs) && last >= 0.1*half {
				swinging = append(swinging, i)
			}
		}
	}
	rises := 0
	for k := 0; k < n; k++ {
		if loss[k+1] > loss[k] {
			rises++
		}
	}
	if float64(rises) >= float64(n)/4 || len(swinging) > 0 {
		return Oscillating, swinging
	}
	if loss[n] <= 1e-3*loss[0] || math.Abs(loss[n]-loss[n-1]) <= 1e-6*(loss[0]-loss[n]) {
		return Converged, nil
	}
	return Slow, nil
}

// TestLabelledCurvesNoBlindSpot checks, over many seeds, that the labelled curves are the
// label diagnose's rules give (recomputed by hand) and cover what a mistake could hide
// behind: every dimension 1 … 10, logistic problems, oscillation that shows in the weights
// only and in a coordinate other than the first and other than the last, weights that
// pass through zero in converged curves and ones that do not.
func TestLabelledCurvesNoBlindSpot(t *testing.T) {
	dims := map[int]bool{}
	var logistic, weightsOnly, notFirst, notLast, crossing, monotone, sumCalm int
	for seed := int64(1); seed <= 12; seed++ {
		seedLogistic := 0
		for i, c := range mustCurves(t, seed, 4, true) {
			label, swinging := handLabel(c.Loss, c.W)
			if label != c.Label {
				t.Errorf("seed %d curve %d (%s): rules say %s, label %s", seed, i, c.Why, label, c.Label)
			}
			d := len(c.W[0])
			dims[d] = true
			if strings.Contains(c.Why, "logistic") {
				logistic++
				seedLogistic++
				// The logistic problem's loss is the mean cross-entropy: positive, under
				// its value at w = 0 (ln 2) times a bound, and falling for these labels.
				if c.Loss[len(c.Loss)-1] <= 0 || c.Loss[len(c.Loss)-1] >= c.Loss[0] {
					t.Errorf("seed %d curve %d (%s): loss %g → %g", seed, i, c.Why, c.Loss[0], c.Loss[len(c.Loss)-1])
				}
			}
			if label == Oscillating && len(swinging) > 0 {
				if l, _ := handLabel(c.Loss, nil); l != Oscillating {
					weightsOnly++
					if swinging[0] > 0 {
						notFirst++
					}
					if swinging[len(swinging)-1] < d-1 {
						notLast++
					}
					// The weights summed over the coordinates: one column.
					sums := make([][]float64, len(c.W))
					for k, row := range c.W {
						sums[k] = []float64{0}
						for _, x := range row {
							sums[k][0] += x
						}
					}
					if l, _ := handLabel(c.Loss, sums); l != Oscillating {
						sumCalm++
					}
				}
			}
			if label == Converged {
				crosses := false
				for k := 1; k < len(c.W); k++ {
					for j := range c.W[k] {
						crosses = crosses || c.W[k][j]*c.W[k-1][j] < 0
					}
				}
				if crosses {
					crossing++
				} else {
					monotone++
				}
			}
		}
		// Converged and slow curves 2 of 4 per label: logistic in every seed, not by chance.
		if seedLogistic < 2 {
			t.Errorf("seed %d: %d logistic curves, want 2", seed, seedLogistic)
		}
	}
	for d := 1; d <= 10; d++ {
		if !dims[d] {
			t.Errorf("no curve of dimension %d", d)
		}
	}
	for _, c := range []struct {
		what string
		n    int
	}{
		{"logistic curves", logistic},
		{"curves oscillating in the weights only", weightsOnly},
		{"of them, swinging in a coordinate other than the first", notFirst},
		{"of them, swinging in a coordinate other than the last", notLast},
		{"converged curves whose weights pass through zero", crossing},
		{"converged curves whose weights keep their sign", monotone},
		{"curves oscillating in the weights but not in their sum over the coordinates", sumCalm},
	} {
		if c.n < 2 {
			t.Errorf("%d %s, want at least 2", c.n, c.what)
		}
		t.Log(fmt.Sprintf("%3d %s", c.n, c.what))
	}
}

// TestLabelledCurvesKeptAndCopied: asking again for the same curves (a rubric's
// classification check is validated, then planned) gives the same curves, and a caller
// that changes what it got changes nothing for the next one.
func TestLabelledCurvesKeptAndCopied(t *testing.T) {
	first, err := LabelledCurves(99, 3, true)
	if err != nil {
		t.Fatal(err)
	}
	want, err := labelledCurves(99, 3, true)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(first, want) {
		t.Fatal("LabelledCurves differs from a fresh computation")
	}
	first[0].Loss[0] = -1
	first[0].W[0][0] = -1
	first[1].Label = "changed"
	again, err := LabelledCurves(99, 3, true)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(again, want) {
		t.Fatal("a caller's change to its curves reached the next caller")
	}
	for i := range 2 * curveCacheMax {
		if _, err := LabelledCurves(int64(1000+i), 1, false); err != nil {
			t.Fatal(err)
		}
	}
	curveCache.Lock()
	n := len(curveCache.m)
	curveCache.Unlock()
	if n > curveCacheMax {
		t.Errorf("%d curve sets kept, at most %d allowed", n, curveCacheMax)
	}
}
