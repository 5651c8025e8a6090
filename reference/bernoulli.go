package reference

import "math"

// This file holds the one-armed bandit of the lecture: observations y ∈ {0, 1} of a
// Bernoulli variable with success probability λ, its negative log-likelihood (the training
// error), the maximum-likelihood estimate and the cross-entropy against the true p (the
// generalization error).

// bernoulliLnBase returns ln b, the divisor that turns natural logs into logs base b;
// base 0 (unset) and base e both mean the natural log.
func bernoulliLnBase(base float64) float64 {
	if base == 0 || base == math.E {
		return 1
	}
	return math.Log(base)
}

// BernoulliNLL returns the mean negative log-likelihood of the observations y under success
// probability lam, in logs base base:
//
//	L(λ) = (1/n) Σᵢ −yᵢ·log_b λ − (1−yᵢ)·log_b(1−λ),   log_b x = ln x / ln b.
//
// base 0 or e means the natural log. lam must lie in (0, 1); y is usually 0/1 but any value
// in [0, 1] is allowed (a soft label). With y empty the result is NaN.
func BernoulliNLL(lam float64, y []float64, base float64) float64 {
	logLam, log1mLam := math.Log(lam), math.Log1p(-lam)
	var sum float64
	for _, yi := range y {
		sum += -float64(yi*logLam) - float64((1-yi)*log1mLam)
	}
	return sum / float64(len(y)) / bernoulliLnBase(base)
}

// BernoulliNLLGrad returns dL/dλ of BernoulliNLL (same base):
//
//	dL/dλ = (1/n) Σᵢ (−yᵢ/λ + (1−yᵢ)/(1−λ)) / ln b.
//
// It is zero at λ = mean(y), the maximum-likelihood estimate.
func BernoulliNLLGrad(lam float64, y []float64, base float64) float64 {
	var sum float64
	for _, yi := range y {
		sum += -yi/lam + (1-yi)/(1-lam)
	}
	return sum / float64(len(y)) / bernoulliLnBase(base)
}

// BernoulliMLE returns the maximum-likelihood estimate of λ from the observations y, the
// argmin of BernoulliNLL over λ (in any base): the mean λ̂ = (1/n) Σᵢ yᵢ. With y empty the
// result is NaN.
func BernoulliMLE(y []float64) float64 {
	var sum float64
	for _, yi := range y {
		sum += yi
	}
	return sum / float64(len(y))
}

// CrossEntropy returns the cross-entropy of a model λ against the true success probability
// p, the expected loss on unseen data (the generalization error), in logs base base:
//
//	H(p, λ) = −p·log_b λ − (1−p)·log_b(1−λ).
//
// base 0 or e means the natural log; p and lam must lie in (0, 1). It is least, equal to the
// entropy of p, at λ = p.
func CrossEntropy(p, lam, base float64) float64 {
	return (-float64(p*math.Log(lam)) - float64((1-p)*math.Log1p(-lam))) / bernoulliLnBase(base)
}
