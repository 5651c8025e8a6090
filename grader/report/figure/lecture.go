package figure

import (
	"strings"

	"github.com/optgrade/optgrade/reference"
)

// Run is one training run a figure draws: its loss per step and, over the problem's
// contours, its path.
type Run struct {
	Label string // legend and panel title: "GD, α = 0.48"
	// Diagnosis is the reference's diagnose of the run (loss and weights): slow,
	// oscillating, diverging or converged.
	Diagnosis string
	reference.Trajectory
}

// Series is one curve y(x), such as a learning-rate schedule's α_k against k.
type Series struct {
	Label string
	X, Y  []float64
}

// Figure is a picture with its data. A figure of runs draws, on top, one panel per run
// with its path over the contours of Problem and, below, the loss of every run per step
// (log scale). A figure of series draws them in one panel.
type Figure struct {
	Name    string // what users type: "lr-diagnostics"
	Title   string
	Problem reference.Quadratic
	Runs    []Run
	Series  []Series
	XLabel  string // of the series panel
	YLabel  string
}

// Lecture is one of the lecture's pictures the reference can draw.
type Lecture struct {
	Name string // what users type: "lr-diagnostics"
	Doc  string // one line for the list
	Make func() *Figure
}

// The lecture's badly conditioned bowl and its usual start.
var (
	bowl      = reference.Quadratic{A: []float64{0.1, 2}}
	bowlStart = []float64{-5, -2}
)

// lectureSteps is the length of every run of the lecture figures.
const lectureSteps = 40

// lectures is the table of the lecture's figures, in the order they are listed.
var lectures = []Lecture{
	{
		Name: "lr-diagnostics",
		Doc:  "GD on 0.1·w₁² + 2·w₂² at α = 0.01 (slow), 0.48 (oscillating), 0.51 (diverging): loss curves and paths",
		Make: func() *Figure {
			return runsFigure("lr-diagnostics", "Learning-rate diagnostics: GD on L = 0.1·w₁² + 2·w₂²",
				gdRun("α = 0.01", 0.01), gdRun("α = 0.48", 0.48), gdRun("α = 0.51", 0.51))
		},
	},
	{
		Name: "momentum",
		Doc:  "plain GD and momentum (β = 0.5, 0.9) at α = 0.48 on the same bowl: the flip of w₂ at every step becomes a slower swing",
		Make: func() *Figure {
			return runsFigure("momentum", "Momentum against plain GD on L = 0.1·w₁² + 2·w₂², α = 0.48",
				gdRun("GD", 0.48),
				run("momentum, β = 0.5", &reference.Momentum{Beta: 0.5}, reference.Constant{LR: 0.48}),
				run("momentum, β = 0.9", &reference.Momentum{Beta: 0.9}, reference.Constant{LR: 0.48}))
		},
	},
	{
		Name: "adam",
		Doc:  "plain GD at α = 0.01 and at α = 0.48, and Adam at α = 0.3 on the same bowl",
		Make: func() *Figure {
			return runsFigure("adam", "Adam against plain GD on L = 0.1·w₁² + 2·w₂²",
				gdRun("GD, α = 0.01", 0.01), gdRun("GD, α = 0.48", 0.48),
				run("Adam, α = 0.3", &reference.Adam{Beta1: 0.9, Beta2: 0.999, Eps: 1e-8}, reference.Constant{LR: 0.3}))
		},
	},
	{
		Name: "schedules",
		Doc:  "learning-rate decay: linear from α₀ = 0.5 to α_τ = 0.05 over τ = 50 steps, exponential with τ = 25",
		Make: func() *Figure {
			lin := reference.Linear{LR0: 0.5, LRTau: 0.05, Tau: 50}
			exp := reference.Exponential{LR0: 0.5, Tau: 25}
			return &Figure{
				Name:   "schedules",
				Title:  "Learning-rate decay",
				XLabel: "step k",
				YLabel: "learning rate at step k",
				Series: []Series{
					rates("linear: (1 − k/τ)·α₀ + (k/τ)·α_τ with α₀ = 0.5, α_τ = 0.05, τ = 50", lin, 100),
					rates("exponential: α₀·exp(−k/τ) with α₀ = 0.5, τ = 25", exp, 100),
				},
			}
		},
	},
}

// Lectures returns the lecture's figures, in table order.
func Lectures() []Lecture { return append([]Lecture(nil), lectures...) }

// LookupLecture returns the lecture figure with the given name.
func LookupLecture(name string) (Lecture, bool) {
	for _, l := range lectures {
		if strings.EqualFold(l.Name, name) {
			return l, true
		}
	}
	return Lecture{}, false
}

func runsFigure(name, title string, runs ...Run) *Figure {
	return &Figure{Name: name, Title: title, Problem: bowl, Runs: runs}
}

// gdRun is plain gradient descent on the bowl at rate lr.
func gdRun(label string, lr float64) Run {
	return run(label, reference.GD{}, reference.Constant{LR: lr})
}

// run trains o on the bowl with the reference's loop and diagnoses the result.
func run(label string, o reference.Optimizer, s reference.Schedule) Run {
	tr := reference.Train(bowl, o, bowlStart, lectureSteps, nil, s)
	return Run{Label: label, Diagnosis: reference.Diagnose(tr.Loss, tr.W), Trajectory: tr}
}

// rates is the schedule's learning rate at k = 0 … n.
func rates(label string, s reference.Schedule, n int) Series {
	sr := Series{Label: label}
	for k := 0; k <= n; k++ {
		sr.X = append(sr.X, float64(k))
		sr.Y = append(sr.Y, s.Rate(k))
	}
	return sr
}
