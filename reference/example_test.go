package reference_test

import (
	"fmt"

	"github.com/optgrade/optgrade/reference"
)

// The lecture's one-armed bandit: ten pulls, three wins. The training error at λ = 0.3 in
// log base 10 is 0.2653 (the lecture's 0.27).
func ExampleCall() {
	y := []float64{1, 0, 0, 0, 0, 0, 0, 1, 1, 0}
	loss, err := reference.Call("bernoulli_nll", reference.Args{"lam": 0.3, "y": y, "base": 10})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(loss)
	fmt.Printf("%.4f\n", loss)
	// Output:
	// 0.2652949955741215
	// 0.2653
}

// The lecture's learning-rate diagnostics: gradient descent on 0.1·w₁² + 2·w₂².
func ExampleDiagnose() {
	q := reference.Quadratic{A: []float64{0.1, 2}}
	for _, lr := range []float64{0.01, 0.48, 0.51} {
		tr := reference.Train(q, reference.GD{}, []float64{1, 1}, 40, nil, reference.Constant{LR: lr})
		fmt.Printf("α = %.2f: %s (loss alone: %s)\n", lr,
			reference.Diagnose(tr.Loss, tr.W), reference.Diagnose(tr.Loss, nil))
	}
	// Output:
	// α = 0.01: slow (loss alone: slow)
	// α = 0.48: oscillating (loss alone: slow)
	// α = 0.51: diverging (loss alone: diverging)
}

// Three steps of Adam on the quadratic: each coordinate moves by about lr per step,
// whatever its curvature (0.1 or 2).
func ExampleTrain() {
	q := reference.Quadratic{A: []float64{0.1, 2}}
	adam := &reference.Adam{Beta1: 0.9, Beta2: 0.999, Eps: 1e-8}
	tr := reference.Train(q, adam, []float64{1, 1}, 3, nil, reference.Constant{LR: 0.1})
	for k, w := range tr.W {
		fmt.Printf("w_%d = [%.4f %.4f]  loss %.4f\n", k, w[0], w[1], tr.Loss[k])
	}
	// Output:
	// w_0 = [1.0000 1.0000]  loss 2.1000
	// w_1 = [0.9000 0.9000]  loss 1.7010
	// w_2 = [0.8004 0.8004]  loss 1.3454
	// w_3 = [0.7016 0.7016]  loss 1.0337
}
