package reference

import "math/rand/v2"

// This file holds the types shared by the catalog (catalog.go), the misconceptions
// (variants.go) and the generators (generate.go).

// Kind is the shape of one argument of a catalog function.
type Kind int

const (
	Scalar     Kind = iota // a float64
	Integer                // an integer-valued number (t, k, steps)
	Vector                 // []float64
	Matrix                 // array of rows
	IndexList              // []int, 0-based row indices
	IndexLists             // [][]int, one index list per step
	Object                 // a JSON object (problem, optimizer, schedule)
)

var kindNames = [...]string{"scalar", "integer", "vector", "matrix", "index list", "index lists", "object"}

func (k Kind) String() string { return kindNames[k] }

// Param describes one argument of a catalog function.
type Param struct {
	Name        string
	Kind        Kind
	Optional    bool
	NonNegative bool   // a vector whose elements must be ≥ 0 (Adam's v)
	Doc         string // a few words: "the label vector, 0/1"
}

// Func is one function of the assignment's catalog (DESIGN.md §2).
type Func struct {
	Name    string
	Params  []Param
	Result  string // the shape of the result in words: "scalar", "vector", "{w, m, v}", "{w, loss}", "label"
	Formula string // one line a student can implement from: "mean of −y·log λ − (1−y)·log(1−λ)"

	// Call computes the function on JSON-shaped arguments. The result is float64 (a scalar),
	// []float64 (a vector), map[string]any of those (e.g. {"w": …, "m": …, "v": …};
	// train's "w" is a [][]float64), or string (diagnose's label).
	Call func(Args) (any, error)

	// Loss and WRT are set on gradient functions: the catalog loss this is the gradient of,
	// and the argument it differentiates with respect to ("lam" or "w").
	Loss, WRT string

	// State is set on optimizer step functions: the arguments that one step's result feeds
	// into the next step (a result object's key of the same name; a non-object result is
	// State[0]). Counter names an integer argument that advances by one per step ("t").
	State   []string
	Counter string

	// TrainKind is set on the functions train is assembled from: the kind of train's problem
	// object a loss defines ("quadratic"), of its optimizer object a step function does
	// ("adam"), of its schedule object a rate function computes ("linear"). With it exactly
	// one of NewProblem (on the loss), NewOptimizer (on the step) and NewSchedule (on the
	// rate) is set: it reads the object's other keys — the loss's arguments but w, the step's
	// hyper-parameters, the rate's arguments but k and lr0 — checks them and builds the typed
	// reference, or returns an *ArgError naming the bad key.
	TrainKind    string
	NewProblem   func(r *ArgReader) (Problem, error)
	NewOptimizer func(r *ArgReader) (Optimizer, error)
	NewSchedule  func(r *ArgReader, lr0 float64) (Schedule, error)

	// Gen returns count valid argument sets for the function drawn from r (Generate's stream
	// for the function, from seed), with vectors of dimension dim where the function has a
	// free one. Most rows build it with genEach from a generator of one case.
	Gen func(r *rand.Rand, seed int64, count, dim int) ([]Args, error)
	// Scale is set on functions whose result is a sum of terms that may cancel (a
	// gradient summed over observations or rows): the same result with every term's
	// absolute value, in the result's shape — the size rounding errors are measured
	// against. A step's scale (its state and update) and train's follow from State.
	Scale func(a Args) (any, error)
	// Start is set on step functions: the arguments of a trajectory's first step besides w
	// and g — lr, the state (zero or given) and the hyper-parameters — drawn from r
	// (TrajectoryInputs).
	Start func(r *rand.Rand, dim int) Args
}

// Param returns the parameter of the given name.
func (f Func) Param(name string) (Param, bool) {
	for _, p := range f.Params {
		if p.Name == name {
			return p, true
		}
	}
	return Param{}, false
}

// Variant is a named wrong version of a catalog function: a mistake students make.
type Variant struct {
	Name     string // kebab-case, unique: "adam-no-bias-correction"
	Func     string // the catalog function it replaces
	Sentence string // one plain sentence for the student: "Your update matches Adam without bias correction: divide m and v by (1 − βᵗ)."
	Call     func(Args) (any, error)
	// Along is set on the misconceptions of train: Call evaluated along the weights ws of a
	// run (w₀ first, as train returns them), step k starting from ws[k] — its own previous
	// result in Call — with the optimizer's state carried on. Comparing its w[k+1] with
	// ws[k+1] judges every step on its own, so rounding differences cannot grow along a
	// long or chaotic run.
	Along func(a Args, ws [][]float64) (any, error)
}

// Problem is a training objective in gonum's shapes, with mini-batch gradients.
type Problem interface {
	Func(w []float64) float64
	Grad(grad, w []float64)
	// BatchGrad stores in grad the mean gradient over the listed rows (all rows when batch is nil).
	BatchGrad(grad, w []float64, batch []int)
}

// Optimizer is an update rule together with its state (velocity, moments).
type Optimizer interface {
	// Init sets the state to zero for d-dimensional weights.
	Init(d int)
	// State returns the state, the slices Step updates, in the order of the step function's
	// Func.State after w (Adam: m, v); none for a stateless optimizer.
	State() [][]float64
	// Step updates w in place from gradient g with learning rate lr; k is the 0-based step number.
	Step(w, g []float64, lr float64, k int)
}

// Schedule gives the learning rate of step k (0-based).
type Schedule interface {
	Rate(k int) float64
}

// Trajectory is what a training run produced: W[k] are the weights before step k
// (W[0] = w₀, len(W) = steps+1) and Loss[k] the full-data loss at W[k].
type Trajectory struct {
	W    [][]float64
	Loss []float64
}

// LabelledCurve is a training curve with the label diagnose must give it.
type LabelledCurve struct {
	Label string      // converged, slow, oscillating, diverging
	Loss  []float64   // loss[0..N]
	W     [][]float64 // the weights along the curve, or nil
	Why   string      // how it was made, for feedback: "GD on 0.1w₁²+2w₂², α = 0.48"
}

// Diagnosis labels, in the order diagnose's rules try them.
const (
	Diverging   = "diverging"
	Oscillating = "oscillating"
	Converged   = "converged"
	Slow        = "slow"
)

// The tolerance the grader uses when a rubric sets none: |got − want| ≤ DefaultAtol + DefaultRtol·|want|.
const (
	DefaultAtol = 1e-9
	DefaultRtol = 1e-6
)
