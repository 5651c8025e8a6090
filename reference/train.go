package reference

// Train runs an optimizer on a problem from w0 for steps steps and records the trajectory
// (DESIGN.md §2, train): step k = 0 … steps−1 takes W[k] to W[k+1] with learning rate
// s.Rate(k), the mean gradient over the mini-batch batches[k] (all rows when batches is
// nil), and for Adam t = k + 1. The optimizer's state is reset (Init) first, so velocity and
// moments start at 0. Loss[k] is the full-data loss p.Func(W[k]); len(W) = len(Loss) =
// steps + 1. w0 is not modified.
//
// s must not be nil (use Constant{lr} for a fixed rate); batches, when not nil, must hold
// at least steps index lists. Non-finite values propagate: a diverging run is recorded,
// not stopped.
func Train(p Problem, o Optimizer, w0 []float64, steps int, batches [][]int, s Schedule) Trajectory {
	if batches != nil && len(batches) < steps {
		panic("reference: Train: fewer batches than steps")
	}
	d := len(w0)
	w := append([]float64(nil), w0...)
	g := make([]float64, d)
	o.Init(d)
	tr := Trajectory{
		W:    make([][]float64, 0, steps+1),
		Loss: make([]float64, 0, steps+1),
	}
	tr.W = append(tr.W, append([]float64(nil), w...))
	tr.Loss = append(tr.Loss, p.Func(w))
	for k := 0; k < steps; k++ {
		var batch []int
		if batches != nil {
			batch = batches[k]
		}
		p.BatchGrad(g, w, batch)
		o.Step(w, g, s.Rate(k), k)
		tr.W = append(tr.W, append([]float64(nil), w...))
		tr.Loss = append(tr.Loss, p.Func(w))
	}
	return tr
}
