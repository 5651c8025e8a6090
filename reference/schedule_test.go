package reference

import (
	"fmt"
	"math"
	"testing"
)

func TestLRLinear(t *testing.T) {
	// α₀ = 0.1 to α_τ = 0.01 over τ = 10 steps: α_k = 0.1 − 0.009·k, then held at 0.01.
	tests := []struct {
		k    int
		tau  float64
		want float64
	}{
		{0, 10, 0.1},
		{1, 10, 0.091},
		{5, 10, 0.055},
		{9, 10, 0.019},
		{10, 10, 0.01},
		{11, 10, 0.01},
		{1000, 10, 0.01},
		{2, 2.5, 0.1 - 0.09*0.8}, // τ need not be an integer
		{3, 2.5, 0.01},
	}
	for _, tc := range tests {
		t.Run(fmt.Sprintf("k=%d,tau=%g", tc.k, tc.tau), func(t *testing.T) {
			coreCheck(t, "α_k", LRLinear(tc.k, 0.1, 0.01, tc.tau), tc.want, 0, 1e-14)
			coreCheck(t, "Linear.Rate", Linear{LR0: 0.1, LRTau: 0.01, Tau: tc.tau}.Rate(tc.k), tc.want, 0, 1e-14)
		})
	}
}

func TestLRExponential(t *testing.T) {
	tests := []struct {
		k         int
		lr0, tau  float64
		want      float64
		closedFor string
	}{
		{0, 0.5, 10, 0.5, "α₀"},
		{10, 0.5, 10, 0.5 / math.E, "α₀/e at k = τ"},
		{20, 0.5, 10, 0.5 / (math.E * math.E), "α₀/e² at k = 2τ"},
		{3, 1, 1.5, math.Exp(-2), "e^−2"},
	}
	for _, tc := range tests {
		t.Run(tc.closedFor, func(t *testing.T) {
			coreCheck(t, "α_k", LRExponential(tc.k, tc.lr0, tc.tau), tc.want, 0, 1e-15)
			coreCheck(t, "Exponential.Rate", Exponential{LR0: tc.lr0, Tau: tc.tau}.Rate(tc.k), tc.want, 0, 1e-15)
		})
	}
	if got := (Constant{LR: 0.3}).Rate(99); got != 0.3 {
		t.Errorf("Constant{0.3}.Rate(99) = %v", got)
	}
}
