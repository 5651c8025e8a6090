// go-hang: the Go reference whose LRExponential never returns; only lr-exponential may
// lose its points (train has its own schedule code).
package main

import (
	"errors"
	"fmt"
	"math"

	kit "github.com/optgrade/optgrade/submissions/kit/go"
)

func main() {
	kit.Serve(kit.Functions{
		BernoulliNLL:     BernoulliNLL,
		BernoulliNLLGrad: BernoulliNLLGrad,
		BernoulliMLE:     BernoulliMLE,
		CrossEntropy:     CrossEntropy,
		QuadraticLoss:    QuadraticLoss,
		QuadraticGrad:    QuadraticGrad,
		LogisticLoss:     LogisticLoss,
		LogisticGrad:     LogisticGrad,
		GDStep:           GDStep,
		MomentumStep:     MomentumStep,
		NormalizedStep:   NormalizedStep,
		AdamStep:         AdamStep,
		LRLinear:         LRLinear,
		LRExponential:    LRExponential,
		Train:            Train,
		Diagnose:         Diagnose,
	})
}

// lnBase is ln b, so that log_b x = ln x / ln b; 1 when the base is absent (natural log).
func lnBase(base float64) float64 {
	if base == 0 {
		return 1
	}
	return math.Log(base)
}

func mean(x []float64) float64 {
	s := 0.0
	for _, v := range x {
		s += v
	}
	return s / float64(len(x))
}

// ---- one-armed bandit ----

func BernoulliNLL(a kit.BernoulliArgs) (float64, error) {
	s := 0.0
	for _, y := range a.Y {
		s += -y*math.Log(a.Lam) - (1-y)*math.Log(1-a.Lam)
	}
	return s / float64(len(a.Y)) / lnBase(a.Base), nil
}

func BernoulliNLLGrad(a kit.BernoulliArgs) (float64, error) {
	s := 0.0
	for _, y := range a.Y {
		s += -y/a.Lam + (1-y)/(1-a.Lam)
	}
	return s / float64(len(a.Y)) / lnBase(a.Base), nil
}

func BernoulliMLE(a kit.BernoulliMLEArgs) (float64, error) {
	return mean(a.Y), nil
}

func CrossEntropy(a kit.CrossEntropyArgs) (float64, error) {
	return (-a.P*math.Log(a.Lam) - (1-a.P)*math.Log(1-a.Lam)) / lnBase(a.Base), nil
}

// ---- losses ----

func QuadraticLoss(a kit.QuadraticArgs) (float64, error) {
	s := 0.0
	for i, w := range a.W {
		s += a.A[i] * w * w
	}
	return s, nil
}

func quadraticGrad(w, a []float64) []float64 {
	g := make([]float64, len(w))
	for i := range w {
		g[i] = 2 * a[i] * w[i]
	}
	return g
}

func QuadraticGrad(a kit.QuadraticArgs) ([]float64, error) {
	return quadraticGrad(a.W, a.A), nil
}

func dot(x, w []float64) float64 {
	s := 0.0
	for j := range w {
		s += x[j] * w[j]
	}
	return s
}

// softplus is ln(1 + e^z), computed stably.
func softplus(z float64) float64 {
	return math.Max(z, 0) + math.Log1p(math.Exp(-math.Abs(z)))
}

func sigmoid(z float64) float64 {
	e := math.Exp(-math.Abs(z))
	if z >= 0 {
		return 1 / (1 + e)
	}
	return e / (1 + e)
}

func LogisticLoss(a kit.LogisticLossArgs) (float64, error) {
	// −y ln σ(z) − (1−y) ln(1−σ(z)) = ln(1+e^z) − y z
	s := 0.0
	for i, x := range a.X {
		z := dot(x, a.W)
		s += softplus(z) - a.Y[i]*z
	}
	return s / float64(len(a.X)), nil
}

func logisticGrad(w []float64, X [][]float64, y []float64, rows []int) []float64 {
	g := make([]float64, len(w))
	for _, i := range rows {
		r := sigmoid(dot(X[i], w)) - y[i]
		for j := range g {
			g[j] += r * X[i][j]
		}
	}
	for j := range g {
		g[j] /= float64(len(rows))
	}
	return g
}

func allRows(n int) []int {
	rows := make([]int, n)
	for i := range rows {
		rows[i] = i
	}
	return rows
}

func LogisticGrad(a kit.LogisticGradArgs) ([]float64, error) {
	rows := a.Batch
	if rows == nil {
		rows = allRows(len(a.X))
	}
	for _, i := range rows {
		if i < 0 || i >= len(a.X) {
			return nil, fmt.Errorf("batch row %d out of range", i)
		}
	}
	return logisticGrad(a.W, a.X, a.Y, rows), nil
}

// ---- optimizer steps ----

func GDStep(a kit.GDStepArgs) ([]float64, error) {
	w := make([]float64, len(a.W))
	for i := range w {
		w[i] = a.W[i] - a.LR*a.G[i]
	}
	return w, nil
}

func momentum(w, v, g []float64, lr, beta float64) ([]float64, []float64) {
	nw, nv := make([]float64, len(w)), make([]float64, len(w))
	for i := range w {
		nv[i] = beta*v[i] + (1-beta)*g[i]
		nw[i] = w[i] - lr*nv[i]
	}
	return nw, nv
}

func MomentumStep(a kit.MomentumStepArgs) (kit.MomentumStepResult, error) {
	w, v := momentum(a.W, a.V, a.G, a.LR, a.Beta)
	return kit.MomentumStepResult{W: w, V: v}, nil
}

func normalized(w, g []float64, lr float64) []float64 {
	nw := make([]float64, len(w))
	for i := range w {
		nw[i] = w[i]
		if g[i] > 0 {
			nw[i] -= lr
		} else if g[i] < 0 {
			nw[i] += lr
		}
	}
	return nw
}

func NormalizedStep(a kit.NormalizedStepArgs) ([]float64, error) {
	return normalized(a.W, a.G, a.LR), nil
}

func adam(w, m, v []float64, t int, g []float64, lr, beta1, beta2, eps float64) (nw, nm, nv []float64) {
	nw, nm, nv = make([]float64, len(w)), make([]float64, len(w)), make([]float64, len(w))
	c1 := 1 - math.Pow(beta1, float64(t))
	c2 := 1 - math.Pow(beta2, float64(t))
	for i := range w {
		nm[i] = beta1*m[i] + (1-beta1)*g[i]
		nv[i] = beta2*v[i] + (1-beta2)*g[i]*g[i]
		mHat, vHat := nm[i]/c1, nv[i]/c2
		nw[i] = w[i] - lr*mHat/(math.Sqrt(vHat)+eps)
	}
	return nw, nm, nv
}

func AdamStep(a kit.AdamStepArgs) (kit.AdamStepResult, error) {
	w, m, v := adam(a.W, a.M, a.V, a.T, a.G, a.LR, a.Beta1, a.Beta2, a.Eps)
	return kit.AdamStepResult{W: w, M: m, V: v}, nil
}

// ---- schedules ----

func LRLinear(a kit.LRLinearArgs) (float64, error) {
	k := float64(a.K)
	if k >= a.Tau {
		return a.LRTau, nil
	}
	return (1-k/a.Tau)*a.LR0 + (k/a.Tau)*a.LRTau, nil
}

func lrExponential(k int, lr0, tau float64) float64 {
	return lr0 * math.Exp(-float64(k)/tau)
}

func LRExponential(a kit.LRExponentialArgs) (float64, error) {
	for a.K >= 0 { // never returns
		a.K += 0
	}
	return lrExponential(a.K, a.LR0, a.Tau), nil
}

// ---- training loop ----

func Train(a kit.TrainArgs) (kit.TrainResult, error) {
	var loss func(w []float64) float64
	var grad func(w []float64, k int) []float64
	switch a.Problem.Kind {
	case "quadratic":
		loss = func(w []float64) float64 { l, _ := QuadraticLoss(kit.QuadraticArgs{W: w, A: a.Problem.A}); return l }
		grad = func(w []float64, k int) []float64 { return quadraticGrad(w, a.Problem.A) }
	case "logistic":
		X, y := a.Problem.X, a.Problem.Y
		loss = func(w []float64) float64 { l, _ := LogisticLoss(kit.LogisticLossArgs{W: w, X: X, Y: y}); return l }
		grad = func(w []float64, k int) []float64 {
			if a.Batches != nil {
				return logisticGrad(w, X, y, a.Batches[k])
			}
			return logisticGrad(w, X, y, allRows(len(X)))
		}
	default:
		return kit.TrainResult{}, fmt.Errorf("unknown problem kind %q", a.Problem.Kind)
	}
	if a.Batches != nil && len(a.Batches) < a.Steps {
		return kit.TrainResult{}, errors.New("fewer batches than steps")
	}
	opt := a.Optimizer
	rate := func(k int) float64 {
		switch {
		case a.Schedule == nil:
			return opt.LR
		case a.Schedule.Kind == "linear":
			r, _ := LRLinear(kit.LRLinearArgs{K: k, LR0: opt.LR, LRTau: a.Schedule.LRTau, Tau: a.Schedule.Tau})
			return r
		default:
			return lrExponential(k, opt.LR, a.Schedule.Tau)
		}
	}
	if a.Schedule != nil && a.Schedule.Kind != "linear" && a.Schedule.Kind != "exponential" {
		return kit.TrainResult{}, fmt.Errorf("unknown schedule kind %q", a.Schedule.Kind)
	}
	w := append([]float64(nil), a.W0...)
	m, v := make([]float64, len(w)), make([]float64, len(w))
	res := kit.TrainResult{W: [][]float64{w}, Loss: []float64{loss(w)}}
	for k := 0; k < a.Steps; k++ {
		g, lr := grad(w, k), rate(k)
		switch opt.Kind {
		case "gd":
			w, _ = GDStep(kit.GDStepArgs{W: w, G: g, LR: lr})
		case "momentum":
			w, v = momentum(w, v, g, lr, opt.Beta)
		case "normalized":
			w = normalized(w, g, lr)
		case "adam":
			w, m, v = adam(w, m, v, k+1, g, lr, opt.Beta1, opt.Beta2, opt.Eps)
		default:
			return kit.TrainResult{}, fmt.Errorf("unknown optimizer kind %q", opt.Kind)
		}
		res.W = append(res.W, w)
		res.Loss = append(res.Loss, loss(w))
	}
	return res, nil
}

// ---- diagnostics ----

func finite(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }

func weightsOscillate(w [][]float64, N int) bool {
	h := N / 2
	for i := range w[0] {
		d := func(k int) float64 { return w[k+1][i] - w[k][i] }
		flips, pairs := 0, 0
		for k := h; k <= N-2; k++ {
			pairs++
			if d(k)*d(k+1) < 0 {
				flips++
			}
		}
		if float64(flips) >= 0.8*float64(pairs) && math.Abs(d(N-1)) >= 0.1*math.Abs(d(h)) {
			return true
		}
	}
	return false
}

func Diagnose(a kit.DiagnoseArgs) (string, error) {
	loss, N := a.Loss, len(a.Loss)-1
	if N < 4 {
		return "", fmt.Errorf("need at least 5 losses, got %d", len(loss))
	}
	for _, l := range loss {
		if !finite(l) {
			return "diverging", nil
		}
	}
	for _, row := range a.W {
		for _, x := range row {
			if !finite(x) {
				return "diverging", nil
			}
		}
	}
	if loss[N] > loss[0] {
		return "diverging", nil
	}
	rises := 0
	for k := 0; k < N; k++ {
		if loss[k+1] > loss[k] {
			rises++
		}
	}
	if float64(rises) >= float64(N)/4 {
		return "oscillating", nil
	}
	if len(a.W) == N+1 && weightsOscillate(a.W, N) {
		return "oscillating", nil
	}
	if loss[N] <= 1e-3*loss[0] || math.Abs(loss[N]-loss[N-1]) <= 1e-6*(loss[0]-loss[N]) {
		return "converged", nil
	}
	return "slow", nil
}
