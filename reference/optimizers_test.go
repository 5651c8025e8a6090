package reference

import "testing"

func TestGDStep(t *testing.T) {
	w := []float64{1, -2, 0.5}
	g := []float64{0.5, -4, 0}
	dst := make([]float64, 3)
	GDStep(dst, w, g, 0.25)
	coreCheckVec(t, "w − lr·g", dst, []float64{0.875, -1, 0.5}, 0, 0)
	coreCheckVec(t, "w unchanged", w, []float64{1, -2, 0.5}, 0, 0)
	GDStep(w, w, g, 0.25) // in place
	coreCheckVec(t, "in place", w, dst, 0, 0)
}

// The lecture's EMA: with β = 0.9 and v starting at 0, after gradients S⁰, S¹, S² the
// velocity is v = (1−β)(β²S⁰ + βS¹ + S²) = 0.1·(0.81·S⁰ + 0.9·S¹ + 1·S²).
func TestMomentumStepLectureEMA(t *testing.T) {
	S := [][]float64{{1, -2}, {3, 0.5}, {-1, 4}}
	w := []float64{0, 0}
	v := []float64{0, 0}
	lr := 0.5
	wantW := []float64{0, 0}
	for _, s := range S {
		MomentumStep(w, v, s, lr, 0.9)
	}
	for i := range v {
		want := 0.1 * (0.81*S[0][i] + 0.9*S[1][i] + 1*S[2][i])
		coreCheck(t, "v", v[i], want, 1e-15, 1e-14)
		// w moved by −lr times each of the three velocities.
		v0 := 0.1 * S[0][i]
		v1 := 0.1 * (0.9*S[0][i] + S[1][i])
		wantW[i] = -lr * (v0 + v1 + want)
	}
	coreCheckVec(t, "w", w, wantW, 1e-15, 1e-14)
}

func TestNormalizedStep(t *testing.T) {
	tests := []struct {
		name string
		w, g []float64
		lr   float64
		want []float64
	}{
		{"per coordinate, not g/‖g‖", []float64{1, 1}, []float64{0.2, 4}, 0.1, []float64{0.9, 0.9}},
		{"signs", []float64{0, 0}, []float64{-3, 1e-300}, 0.5, []float64{0.5, -0.5}},
		{"zero gradient leaves w", []float64{2, -1}, []float64{0, 7}, 0.25, []float64{2, -1.25}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dst := make([]float64, len(tc.w))
			NormalizedStep(dst, tc.w, tc.g, tc.lr)
			coreCheckVec(t, "w", dst, tc.want, 0, 0)
		})
	}
}

// Three Adam steps by hand, d = 1, w₀ = 1, lr = 0.1, β₁ = 0.5, β₂ = 0.75, eps = 0,
// gradients g = 0.5, −1, 2:
//
//	t=1: m = 0.5·0 + 0.5·0.5 = 1/4          v = 0.75·0 + 0.25·0.25 = 1/16
//	     m̂ = (1/4)/(1−0.5) = 1/2            v̂ = (1/16)/(1−0.75) = 1/4, √v̂ = 1/2
//	     w = 1 − 0.1·(1/2)/(1/2) = 0.9
//	t=2: m = 0.5·(1/4) + 0.5·(−1) = −3/8    v = 0.75·(1/16) + 0.25·1 = 19/64
//	     m̂ = (−3/8)/(1−1/4) = −1/2          v̂ = (19/64)/(1−9/16) = 19/28
//	     w = 0.9 + 0.1·(1/2)/√(19/28) = 0.9 + 0.060697697866688399 = 0.96069769786668840
//	t=3: m = 0.5·(−3/8) + 0.5·2 = 13/16     v = 0.75·(19/64) + 0.25·4 = 313/256
//	     m̂ = (13/16)/(1−1/8) = 13/14        v̂ = (313/256)/(1−27/64) = 313/148
//	     w = 0.96069769786668840 − 0.1·(13/14)/√(313/148)
//	       = 0.96069769786668840 − 0.063851926573059232 = 0.89684577129362917
//
// The state returned is the biased m, v (not m̂, v̂).
func TestAdamStepByHand(t *testing.T) {
	w, m, v := []float64{1}, []float64{0}, []float64{0}
	steps := []struct {
		g             float64
		wantW, wM, wV float64
	}{
		{0.5, 0.9, 1.0 / 4, 1.0 / 16},
		{-1, 0.96069769786668840, -3.0 / 8, 19.0 / 64},
		{2, 0.89684577129362917, 13.0 / 16, 313.0 / 256},
	}
	for i, s := range steps {
		AdamStep(w, m, v, i+1, []float64{s.g}, 0.1, 0.5, 0.75, 0)
		coreCheck(t, "w", w[0], s.wantW, 0, 1e-15)
		coreCheck(t, "m", m[0], s.wM, 0, 1e-15)
		coreCheck(t, "v", v[0], s.wV, 0, 1e-15)
	}
}

// eps is added to √v̂, outside the root: at t = 1, m̂ = g and v̂ = g², so with g = eps = 1e-8
// the step is lr·g/(g + eps) = lr/2 (eps inside the root would give about lr·1e-4).
func TestAdamEpsOutsideRoot(t *testing.T) {
	w, m, v := []float64{0}, []float64{0}, []float64{0}
	AdamStep(w, m, v, 1, []float64{1e-8}, 0.1, 0.9, 0.999, 1e-8)
	coreCheck(t, "w", w[0], -0.05, 0, 1e-12)
}

// With bias correction, Adam's first step moves every coordinate by lr in the direction
// of −g whatever its scale (eps = 0), like the normalized step.
func TestAdamFirstStepIsNormalized(t *testing.T) {
	g := []float64{1e-3, -7, 250}
	w := []float64{1, 2, 3}
	m, v := make([]float64, 3), make([]float64, 3)
	AdamStep(w, m, v, 1, g, 0.01, 0.9, 0.999, 0)
	coreCheckVec(t, "w", w, []float64{0.99, 2.01, 2.99}, 0, 1e-14)
}

// The Optimizer types are the step functions with their state, Adam with t = k + 1.
func TestOptimizersMatchSteps(t *testing.T) {
	rng := coreRand(7)
	grads := [][]float64{coreVec(rng, 3, -1, 1), coreVec(rng, 3, -1, 1), coreVec(rng, 3, -1, 1), {0, 1, -1}}
	w0 := []float64{0.3, -0.7, 1.1}
	lr := 0.05
	tests := []struct {
		name string
		o    Optimizer
		step func(w []float64, g []float64, k int)
	}{
		{"gd", GD{}, func(w, g []float64, k int) { GDStep(w, w, g, lr) }},
		{"normalized", Normalized{}, func(w, g []float64, k int) { NormalizedStep(w, w, g, lr) }},
		{"momentum", &Momentum{Beta: 0.8}, func() func([]float64, []float64, int) {
			v := make([]float64, 3)
			return func(w, g []float64, k int) { MomentumStep(w, v, g, lr, 0.8) }
		}()},
		{"adam", &Adam{Beta1: 0.9, Beta2: 0.99, Eps: 1e-8}, func() func([]float64, []float64, int) {
			m, v := make([]float64, 3), make([]float64, 3)
			return func(w, g []float64, k int) { AdamStep(w, m, v, k+1, g, lr, 0.9, 0.99, 1e-8) }
		}()},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := append([]float64(nil), w0...)
			want := append([]float64(nil), w0...)
			tc.o.Init(3)
			for k, g := range grads {
				tc.o.Step(got, g, lr, k)
				tc.step(want, g, k)
			}
			coreCheckVec(t, "w", got, want, 0, 0)
			// Init resets the state: a second run gives the same weights.
			again := append([]float64(nil), w0...)
			tc.o.Init(3)
			for k, g := range grads {
				tc.o.Step(again, g, lr, k)
			}
			coreCheckVec(t, "w after Init", again, want, 0, 0)
		})
	}
}
