package reference_test

import (
	"fmt"

	"github.com/optgrade/optgrade/reference"
)

// A misconception is a wrong implementation with a sentence for the student: here momentum
// in the form v ← βv + g, against the catalog's v ← βv + (1 − β)g.
func ExampleLookupVariant() {
	v, _ := reference.LookupVariant("momentum-no-dampening")
	args := reference.Args{"w": []float64{1}, "v": []float64{0}, "g": []float64{1}, "lr": 0.1, "beta": 0.9}
	want, _ := reference.Call(v.Func, args)
	got, _ := v.Call(args)
	fmt.Printf("%s: %v\n", v.Func, want)
	fmt.Printf("%s: %v\n", v.Name, got)
	fmt.Println(v.Sentence)
	// Output:
	// momentum_step: map[v:[0.09999999999999998] w:[0.99]]
	// momentum-no-dampening: map[v:[1] w:[0.9]]
	// Your update uses v ← βv + g: the lecture's momentum is the moving average v ← βv + (1 − β)g.
}

// Every misconception of train's optimizer steps, losses and schedules is also one of train.
func ExampleVariantsOf() {
	for _, v := range reference.VariantsOf("lr_linear") {
		fmt.Println(v.Name)
	}
	_, ok := reference.LookupVariant("train/lr-linear-not-held")
	fmt.Println(ok)
	// Output:
	// lr-linear-not-held
	// lr-linear-ends-swapped
	// true
}

// Gradients for an optimizer trajectory: magnitudes from 1e-6 to 10, signs at random, an
// exact zero in the second step.
func ExampleGradientSequence() {
	for _, g := range reference.GradientSequence(1, 3, 2) {
		fmt.Printf("%9.2e %9.2e\n", g[0], g[1])
	}
	// Output:
	//  3.41e-01  5.18e-05
	//  0.00e+00  4.61e-06
	// -6.10e+00 -2.58e-06
}
