package kit

// The arguments and results of the catalog functions. JSON names are the protocol's;
// an optional argument that is absent arrives as its zero value (noted per field).

// BernoulliArgs are the arguments of bernoulli_nll and bernoulli_nll_grad.
type BernoulliArgs struct {
	Lam  float64   `json:"lam"`  // λ ∈ (0, 1)
	Y    []float64 `json:"y"`    // observations, each 0 or 1
	Base float64   `json:"base"` // log base b > 0, b ≠ 1; 0 when absent: natural log
}

// BernoulliMLEArgs are the arguments of bernoulli_mle.
type BernoulliMLEArgs struct {
	Y []float64 `json:"y"`
}

// CrossEntropyArgs are the arguments of cross_entropy.
type CrossEntropyArgs struct {
	P    float64 `json:"p"`    // the data's P(y = 1) ∈ (0, 1)
	Lam  float64 `json:"lam"`  // the model's λ ∈ (0, 1)
	Base float64 `json:"base"` // 0 when absent: natural log
}

// QuadraticArgs are the arguments of quadratic_loss and quadratic_grad.
type QuadraticArgs struct {
	W []float64 `json:"w"`
	A []float64 `json:"a"`
}

// LogisticLossArgs are the arguments of logistic_loss.
type LogisticLossArgs struct {
	W []float64   `json:"w"`
	X [][]float64 `json:"X"` // n rows of d features
	Y []float64   `json:"y"` // n labels, 0 or 1
}

// LogisticGradArgs are the arguments of logistic_grad.
type LogisticGradArgs struct {
	W     []float64   `json:"w"`
	X     [][]float64 `json:"X"`
	Y     []float64   `json:"y"`
	Batch []int       `json:"batch"` // 0-based rows of the mini-batch; nil when absent: all rows
}

// GDStepArgs are the arguments of gd_step.
type GDStepArgs struct {
	W  []float64 `json:"w"`
	G  []float64 `json:"g"`
	LR float64   `json:"lr"`
}

// MomentumStepArgs are the arguments of momentum_step.
type MomentumStepArgs struct {
	W    []float64 `json:"w"`
	V    []float64 `json:"v"`
	G    []float64 `json:"g"`
	LR   float64   `json:"lr"`
	Beta float64   `json:"beta"`
}

// MomentumStepResult is the result of momentum_step.
type MomentumStepResult struct {
	W []float64 `json:"w"`
	V []float64 `json:"v"`
}

// NormalizedStepArgs are the arguments of normalized_step.
type NormalizedStepArgs struct {
	W  []float64 `json:"w"`
	G  []float64 `json:"g"`
	LR float64   `json:"lr"`
}

// AdamStepArgs are the arguments of adam_step.
type AdamStepArgs struct {
	W     []float64 `json:"w"`
	M     []float64 `json:"m"`
	V     []float64 `json:"v"`
	T     int       `json:"t"` // this step's number, t ≥ 1
	G     []float64 `json:"g"`
	LR    float64   `json:"lr"`
	Beta1 float64   `json:"beta1"`
	Beta2 float64   `json:"beta2"`
	Eps   float64   `json:"eps"`
}

// AdamStepResult is the result of adam_step: the new weights and the biased moments.
type AdamStepResult struct {
	W []float64 `json:"w"`
	M []float64 `json:"m"`
	V []float64 `json:"v"`
}

// LRLinearArgs are the arguments of lr_linear.
type LRLinearArgs struct {
	K     int     `json:"k"`
	LR0   float64 `json:"lr0"`
	LRTau float64 `json:"lr_tau"`
	Tau   float64 `json:"tau"`
}

// LRExponentialArgs are the arguments of lr_exponential.
type LRExponentialArgs struct {
	K   int     `json:"k"`
	LR0 float64 `json:"lr0"`
	Tau float64 `json:"tau"`
}

// Problem is what train minimizes: Kind "quadratic" uses A, "logistic" uses X and Y.
type Problem struct {
	Kind string      `json:"kind"`
	A    []float64   `json:"a"`
	X    [][]float64 `json:"X"`
	Y    []float64   `json:"y"`
}

// Optimizer is train's optimizer: Kind "gd", "momentum" (Beta), "normalized" or "adam"
// (Beta1, Beta2, Eps); the grader always sends every key of its kind.
type Optimizer struct {
	Kind  string  `json:"kind"`
	LR    float64 `json:"lr"`
	Beta  float64 `json:"beta"`
	Beta1 float64 `json:"beta1"`
	Beta2 float64 `json:"beta2"`
	Eps   float64 `json:"eps"`
}

// Schedule is train's learning-rate schedule: Kind "linear" (LRTau, Tau) or
// "exponential" (Tau), with α₀ the optimizer's LR.
type Schedule struct {
	Kind  string  `json:"kind"`
	LRTau float64 `json:"lr_tau"`
	Tau   float64 `json:"tau"`
}

// TrainArgs are the arguments of train.
type TrainArgs struct {
	Problem   Problem   `json:"problem"`
	Optimizer Optimizer `json:"optimizer"`
	W0        []float64 `json:"w0"`
	Steps     int       `json:"steps"`
	Batches   [][]int   `json:"batches"`  // nil when absent: every step uses all rows
	Schedule  *Schedule `json:"schedule"` // nil when absent: the constant rate Optimizer.LR
}

// TrainResult is the result of train: steps + 1 weight vectors and their full-data losses.
type TrainResult struct {
	W    [][]float64 `json:"w"`
	Loss []float64   `json:"loss"`
}

// DiagnoseArgs are the arguments of diagnose.
type DiagnoseArgs struct {
	Loss []float64   `json:"loss"`
	W    [][]float64 `json:"w"` // nil when absent
}
