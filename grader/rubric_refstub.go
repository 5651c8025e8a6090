package grader

import (
	"errors"

	"github.com/optgrade/optgrade/reference"
)

// TEMPORARY until reference.Generate and reference.TrajectoryInputs exist.
var errRubricStub = errors.New("stub")

func rubricGenerate(fn string, seed int64, count, dim int) ([]reference.Args, error) {
	return nil, nil
}

func rubricTrajectoryInputs(fn string, seed int64, steps, dim int) (reference.Args, [][]float64, error) {
	return nil, nil, errRubricStub
}
