// Optimization assignment — your solution.
//
// Fill in the functions below (replace each `return …, kit.ErrNotImplemented`). Keep the
// function names and types: the grader calls them through the kit (and, if you hand in a
// Go plugin, looks them up by these exported names). Run `optgrade check` in this folder to
// see how you are doing; functions that still return kit.ErrNotImplemented are reported
// as "not attempted", not as wrong.
//
// Conventions (the same as the lecture):
//   - Vectors are []float64, matrices [][]float64 (rows); t, k, steps and batch indices
//     are ints. Return new slices: do not modify the arguments.
//   - Base is the optional log base b (b > 0, b ≠ 1); 0 means absent: natural log. When
//     it is given, EVERY log in that function is log_b (log_b x = ln x / ln b) — so
//     BernoulliNLLGrad is the derivative of the base-b loss.
//   - λ (Lam) and p are strictly between 0 and 1.
//   - Each call is independent: keep no state between calls.
//   - fmt.Println and log freely: the kit sends your prints to stderr, which the grader
//     shows you as your output; they never disturb the protocol. A panic costs only the
//     call that panicked; its message names your line.
package main

import (
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

// ---- One-armed bandit: maximum likelihood and generalization error ----

// BernoulliNLL is the training loss of the one-armed bandit (mean negative
// log-likelihood):
//
//	L(λ) = (1/n) Σᵢ [ −y⁽ⁱ⁾·log λ − (1 − y⁽ⁱ⁾)·log(1 − λ) ]
//
// The MEAN over the n observations, not the sum; every log uses Base when given, ln when
// 0. The lecture's y = 1,0,0,0,0,0,0,1,1,0, λ = 0.3 gives L ≈ 0.27 in base 10 and ≈ 0.611
// in nats. Do not hard-code base 10.
func BernoulliNLL(a kit.BernoulliArgs) (float64, error) {
	return 0, kit.ErrNotImplemented
}

// BernoulliNLLGrad is dL/dλ of BernoulliNLL (same arguments, same base):
//
//	dL/dλ = (1/n) Σᵢ [ −y⁽ⁱ⁾/λ + (1 − y⁽ⁱ⁾)/(1 − λ) ] · 1/ln(b)
//
// With a base it carries the factor 1/ln b; with none that factor is 1. The grader also
// compares it with finite differences of YOUR BernoulliNLL.
func BernoulliNLLGrad(a kit.BernoulliArgs) (float64, error) {
	return 0, kit.ErrNotImplemented
}

// BernoulliMLE is the maximum-likelihood estimate λ̂ = argmin over λ of BernoulliNLL(λ, y):
// the fraction of ones, i.e. the mean of y (the lecture's data give λ̂ = 0.3). It does
// not depend on the log base.
func BernoulliMLE(a kit.BernoulliMLEArgs) (float64, error) {
	return 0, kit.ErrNotImplemented
}

// CrossEntropy is the generalization error CE(p_data, p_model) of the model λ on data
// with P(y = 1) = p:
//
//	CE(p, λ) = −p·log λ − (1 − p)·log(1 − λ)
//
// Every log uses Base when given, ln when 0 (lecture: CE(λ̂) ≈ 0.29 in base 10).
func CrossEntropy(a kit.CrossEntropyArgs) (float64, error) {
	return 0, kit.ErrNotImplemented
}

// ---- Losses: the lecture's badly-conditioned quadratic and logistic regression ----

// QuadraticLoss is L(w) = Σᵢ aᵢ·wᵢ² (lecture: a = [0.1, 2], L = 0.1·w₁² + 2·w₂²).
// No ½ in front.
func QuadraticLoss(a kit.QuadraticArgs) (float64, error) {
	return 0, kit.ErrNotImplemented
}

// QuadraticGrad is ∇L(w) of QuadraticLoss: ∂L/∂wᵢ = 2·aᵢ·wᵢ — the factor 2·aᵢ is what
// gives the lecture's gradient-descent factor 1 − 4α on w₂ for a₂ = 2.
func QuadraticGrad(a kit.QuadraticArgs) ([]float64, error) {
	return nil, kit.ErrNotImplemented
}

// LogisticLoss is the mean binary cross-entropy of logistic regression, natural log:
//
//	zᵢ = X[i]·w,  σ(z) = 1/(1 + e^(−z))
//	L(w) = (1/n) Σᵢ [ −yᵢ·ln σ(zᵢ) − (1 − yᵢ)·ln(1 − σ(zᵢ)) ]
//
// Mean over ALL n rows, no intercept (X already carries any bias column). It must stay
// finite for large |zᵢ|: use −ln σ(z) = ln(1 + e^(−z)) computed as
// max(−z, 0) + log1p(e^(−|z|)), rather than math.Log(sigmoid(z)).
func LogisticLoss(a kit.LogisticLossArgs) (float64, error) {
	return 0, kit.ErrNotImplemented
}

// LogisticGrad is the mini-batch gradient of LogisticLoss:
//
//	∇L_B(w) = (1/m) Σ_{i∈B} (σ(X[i]·w) − yᵢ)·X[i],   m = |B|
//
// The MEAN over the m rows of the batch (not the sum); only the rows listed in Batch
// (0-based), all rows when Batch is nil.
func LogisticGrad(a kit.LogisticGradArgs) ([]float64, error) {
	return nil, kit.ErrNotImplemented
}

// ---- Optimizer steps (one update each; the grader supplies the gradient g) ----

// GDStep is gradient descent: w ← w − α·g.
func GDStep(a kit.GDStepArgs) ([]float64, error) {
	return nil, kit.ErrNotImplemented
}

// MomentumStep is momentum as the lecture's exponentially weighted average:
//
//	v ← β·v + (1 − β)·g
//	w ← w − α·v          (with the NEW v)
//
// Mind the (1 − β) factor on g: not v ← β·v + g (with β = 0.9 the last three gradients
// weigh 0.81, 0.9, 1 times (1 − β)).
func MomentumStep(a kit.MomentumStepArgs) (kit.MomentumStepResult, error) {
	return kit.MomentumStepResult{}, kit.ErrNotImplemented
}

// NormalizedStep is gradient normalization, per coordinate (the lecture's ∇̃L):
//
//	wᵢ ← wᵢ − α·gᵢ/|gᵢ|     and  wᵢ unchanged where gᵢ = 0
//
// Per coordinate (each wᵢ moves exactly α along its own axis), NOT g/‖g‖; coordinates
// with gᵢ = 0 do not move (no division by zero, no NaN).
func NormalizedStep(a kit.NormalizedStepArgs) ([]float64, error) {
	return nil, kit.ErrNotImplemented
}

// AdamStep is one Adam step (Kingma & Ba, Algorithm 1), step number t ≥ 1:
//
//	m ← β₁·m + (1 − β₁)·g
//	v ← β₂·v + (1 − β₂)·g²               (element-wise square)
//	m̂ = m / (1 − β₁ᵗ)     v̂ = v / (1 − β₂ᵗ)      (bias correction)
//	w ← w − α·m̂ / (√v̂ + ε)
//
// Bias correction with this step's t; ε is added to √v̂, not inside the square root;
// return the BIASED moments m, v (not m̂, v̂): they are the state for step t + 1.
func AdamStep(a kit.AdamStepArgs) (kit.AdamStepResult, error) {
	return kit.AdamStepResult{}, kit.ErrNotImplemented
}

// ---- Learning-rate schedules (decay over iterations k = 0, 1, 2, …) ----

// LRLinear is linear decay:
//
//	α_k = (1 − k/τ)·α₀ + (k/τ)·α_τ    for k ≤ τ
//	α_k = α_τ                           for k ≥ τ  (held, not extrapolated)
func LRLinear(a kit.LRLinearArgs) (float64, error) {
	return 0, kit.ErrNotImplemented
}

// LRExponential is exponential decay: α_k = α₀·e^(−k/τ).
func LRExponential(a kit.LRExponentialArgs) (float64, error) {
	return 0, kit.ErrNotImplemented
}

// ---- Your own training loop ----

// Train runs Steps steps of an optimizer on a problem and records the trajectory:
// W = [w₀, w₁, …, w_steps] and Loss = [L(w₀), …, L(w_steps)] (steps + 1 of each).
//
// Step k = 0 … steps−1 takes w_k to w_{k+1} using
//   - learning rate α_k = LRLinear / LRExponential of k when a Schedule is given (with
//     α₀ = Optimizer.LR), else Optimizer.LR;
//   - the gradient on mini-batch Batches[k] (LogisticGrad with that batch) when Batches is
//     given, else the full gradient (QuadraticGrad / LogisticGrad);
//   - for Adam, t = k + 1.
//
// Momentum's v and Adam's m, v start at 0. Loss[k] is the FULL-data loss at w_k (all rows,
// even when training on mini-batches), including Loss[0] at w₀. Reuse your step functions.
func Train(a kit.TrainArgs) (kit.TrainResult, error) {
	return kit.TrainResult{}, kit.ErrNotImplemented
}

// ---- Learning-rate diagnostics ----

// Diagnose classifies a training curve Loss[0] … Loss[N] (N ≥ 4; W, when not nil, the
// N + 1 weight vectors along it) as "converged", "slow", "oscillating" or "diverging".
// The FIRST rule that holds decides:
//  1. "diverging": a value is not finite (NaN or ±Inf), or Loss[N] > Loss[0].
//  2. "oscillating": the loss rises (Loss[k+1] > Loss[k]) on at least a quarter of the N
//     steps; or, when W is given, for some coordinate i the steps d_k = W[k+1][i] − W[k][i]
//     change sign (d_k·d_{k+1} < 0) on at least 80 % of the consecutive pairs
//     (d_k, d_{k+1}) with k ≥ N/2 (integer division), and |d_{N−1}| ≥ 0.1·|d_{N/2}|.
//  3. "converged": Loss[N] ≤ 1e-3·Loss[0], or |Loss[N] − Loss[N−1]| ≤ 1e-6·(Loss[0] − Loss[N]).
//  4. "slow": otherwise.
//
// Mind the lecture's α = 0.48 case: w₂ flips sign every step while the loss still falls
// monotonically — the oscillation shows in W, not in the loss.
func Diagnose(a kit.DiagnoseArgs) (string, error) {
	return "", kit.ErrNotImplemented
}
