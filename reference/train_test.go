package reference

import (
	"fmt"
	"math"
	"testing"
)

// GD on a quadratic multiplies each coordinate by 1 − 2·α·aᵢ per step:
// w_k = (1 − 2αa)^k·w₀ and L(w_k) = Σ aᵢ·w_{k,i}².
func TestTrainGDQuadraticClosedForm(t *testing.T) {
	a := []float64{0.1, 2}
	w0 := []float64{1.5, -0.8}
	for _, lr := range []float64{0.01, 0.1, 0.48, 0.51} {
		t.Run(fmt.Sprintf("lr=%g", lr), func(t *testing.T) {
			const steps = 30
			tr := Train(Quadratic{A: a}, GD{}, w0, steps, nil, Constant{LR: lr})
			if len(tr.W) != steps+1 || len(tr.Loss) != steps+1 {
				t.Fatalf("len(W), len(Loss) = %d, %d, want %d", len(tr.W), len(tr.Loss), steps+1)
			}
			for k := 0; k <= steps; k++ {
				var loss float64
				want := make([]float64, len(a))
				for i := range a {
					want[i] = math.Pow(1-2*lr*a[i], float64(k)) * w0[i]
					loss += a[i] * want[i] * want[i]
				}
				coreCheckVec(t, fmt.Sprintf("w_%d", k), tr.W[k], want, 1e-15, 1e-12)
				coreCheck(t, fmt.Sprintf("loss[%d]", k), tr.Loss[k], loss, 1e-15, 1e-12)
			}
		})
	}
	if w0[0] != 1.5 || w0[1] != -0.8 {
		t.Errorf("Train modified w0: %v", w0)
	}
}

// The lecture's 1 − 4α factor for w₂ (a = 2): −0.92 at α = 0.48, −1.04 at α = 0.51.
func TestTrainLectureFactors(t *testing.T) {
	for _, tc := range []struct{ lr, factor float64 }{{0.48, -0.92}, {0.51, -1.04}, {0.01, 0.96}} {
		tr := Train(Quadratic{A: []float64{0.1, 2}}, GD{}, []float64{1, 1}, 5, nil, Constant{LR: tc.lr})
		for k := 1; k <= 5; k++ {
			coreCheck(t, fmt.Sprintf("α=%g: w₂ ratio at step %d", tc.lr, k), tr.W[k][1]/tr.W[k-1][1], tc.factor, 0, 1e-13)
		}
	}
}

// Step k uses the schedule's rate α_k: GD on a = [0.5] multiplies w by 1 − α_k.
func TestTrainSchedule(t *testing.T) {
	s := Linear{LR0: 0.5, LRTau: 0.1, Tau: 4}
	tr := Train(Quadratic{A: []float64{0.5}}, GD{}, []float64{1}, 6, nil, s)
	w := 1.0
	for k := 0; k < 6; k++ {
		w *= 1 - LRLinear(k, 0.5, 0.1, 4)
		coreCheck(t, fmt.Sprintf("w_%d", k+1), tr.W[k+1][0], w, 0, 1e-14)
	}
}

// Step k uses batch k: with one row per batch, each step is a GD step on that row's own
// gradient (checked by finite differences), and loss[k] is the full-data loss.
func TestTrainMiniBatches(t *testing.T) {
	rng := coreRand(8)
	l := coreLogisticData(rng, 6, 3)
	batches := [][]int{{2}, {0, 5}, {4}, {1, 3, 2}}
	lr := 0.3
	tr := Train(l, GD{}, []float64{0.1, -0.2, 0.3}, len(batches), batches, Constant{LR: lr})
	for k, b := range batches {
		sub := Logistic{}
		for _, i := range b {
			sub.X = append(sub.X, l.X[i])
			sub.Y = append(sub.Y, l.Y[i])
		}
		g := make([]float64, 3)
		sub.Grad(g, tr.W[k])
		want := make([]float64, 3)
		GDStep(want, tr.W[k], g, lr)
		coreCheckVec(t, fmt.Sprintf("w_%d", k+1), tr.W[k+1], want, 0, 1e-14)
		coreCheck(t, fmt.Sprintf("loss[%d]", k), tr.Loss[k], l.Func(tr.W[k]), 0, 0)
	}
}

// Adam in Train takes t = k + 1 with moments from 0, and its state is reset per run.
func TestTrainAdamFreshState(t *testing.T) {
	q := Quadratic{A: []float64{0.1, 2}}
	o := &Adam{Beta1: 0.9, Beta2: 0.999, Eps: 1e-8}
	first := Train(q, o, []float64{1, 1}, 10, nil, Constant{LR: 0.1})
	second := Train(q, o, []float64{1, 1}, 10, nil, Constant{LR: 0.1})
	coreCheckVec(t, "second run", second.W[10], first.W[10], 0, 0)
	// The first Adam step moves each coordinate by lr (up to eps): 1 − 0.1.
	coreCheckVec(t, "w_1", first.W[1], []float64{0.9, 0.9}, 0, 1e-7)
}

func TestTrainZeroSteps(t *testing.T) {
	tr := Train(Quadratic{A: []float64{1}}, GD{}, []float64{2}, 0, nil, Constant{LR: 0.1})
	if len(tr.W) != 1 || tr.Loss[0] != 4 {
		t.Errorf("Train with 0 steps = %+v, want W = [[2]], Loss = [4]", tr)
	}
}
