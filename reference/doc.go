// Package reference computes the Optimization assignment's catalog of functions exactly as
// specified — losses, gradients, optimizer steps, learning-rate schedules, the training loop
// and the learning-rate diagnosis — and holds the named wrong variants students typically
// write (misconceptions), together with seeded generators of the inputs that tell them apart.
//
// The typed API (BernoulliNLL, Quadratic, Logistic, Adam, Train, …) uses gonum's shapes:
// losses have Func(x []float64) float64 and Grad(grad, x []float64), so any of them can be
// handed to gonum's optimize.Minimize. The dynamic API (Catalog, Lookup, Call, Variants)
// takes and returns the JSON-shaped values of the wire protocol, so the grader and the
// `optgrade reference call` command can call any function by name; a rejected argument
// is an *ArgError naming it. The catalog is also the table train is assembled from: its
// problems, optimizers and schedules are the rows with a TrainKind, and every row carries
// the generators of its inputs.
//
// The package knows nothing of rubrics, YAML or processes.
package reference
