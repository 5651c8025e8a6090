package reference

import (
	"fmt"
	"testing"
)

// coreBenchSizes are the weight dimensions benchmarked: a large model and a very large one.
var coreBenchSizes = []int{1e4, 1e6}

func BenchmarkAdamStep(b *testing.B) {
	for _, d := range coreBenchSizes {
		b.Run(fmt.Sprintf("d=%d", d), func(b *testing.B) {
			rng := coreRand(11)
			w, g := coreVec(rng, d, -1, 1), coreVec(rng, d, -1, 1)
			m, v := make([]float64, d), make([]float64, d)
			b.SetBytes(int64(8 * 4 * d))
			b.ResetTimer()
			for i := 0; b.Loop(); i++ {
				AdamStep(w, m, v, i+1, g, 1e-3, 0.9, 0.999, 1e-8)
			}
		})
	}
}

// BenchmarkTrain is ten Adam steps on a d-dimensional quadratic, recording the trajectory.
func BenchmarkTrain(b *testing.B) {
	for _, d := range coreBenchSizes {
		b.Run(fmt.Sprintf("d=%d", d), func(b *testing.B) {
			rng := coreRand(12)
			q := Quadratic{A: coreVec(rng, d, 0.1, 2)}
			w0 := coreVec(rng, d, -1, 1)
			o := &Adam{Beta1: 0.9, Beta2: 0.999, Eps: 1e-8}
			for b.Loop() {
				Train(q, o, w0, 10, nil, Constant{LR: 0.01})
			}
		})
	}
}

// BenchmarkGDStep is the baseline for BenchmarkAdamStep: the cheapest step, one pass over
// w and g, at the same sizes. Adam's time over GD's says what its extra state and square
// roots cost.
func BenchmarkGDStep(b *testing.B) {
	for _, d := range coreBenchSizes {
		b.Run(fmt.Sprintf("d=%d", d), func(b *testing.B) {
			rng := coreRand(11)
			w, g := coreVec(rng, d, -1, 1), coreVec(rng, d, -1, 1)
			b.SetBytes(int64(8 * 2 * d))
			for b.Loop() {
				GDStep(w, w, g, 1e-3)
			}
		})
	}
}
