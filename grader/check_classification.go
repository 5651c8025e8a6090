package grader

import (
	"context"
	"fmt"

	"github.com/optgrade/optgrade/reference"
)

// planClassification asks the reference for labelled training curves (count per label)
// and adds the rubric's literal cases, labelled by the reference's diagnose.
func planClassification(p *checkPlan) error {
	if err := planCases(p, false); err != nil {
		return err
	}
	g := p.check.Generate
	if g == nil {
		return nil
	}
	curves, ok := p.check.LabelledCurves() // as validating the rubric made them, if kept
	if !ok {
		var err error
		if curves, err = reference.LabelledCurves(g.Seed, g.Count, p.check.WithW); err != nil {
			return err
		}
	}
	for i, c := range curves {
		a := reference.Args{"loss": c.Loss}
		if p.check.WithW && c.W != nil {
			a["w"] = c.W
		}
		p.calls = append(p.calls, Call{Fn: p.fn.Name, Args: a})
		p.wants = append(p.wants, c.Label)
		label := fmt.Sprintf("curve %d", i+1)
		if c.Why != "" {
			label += " (" + c.Why + ")"
		}
		p.labels = append(p.labels, label)
	}
	return nil
}

// runClassification sends every curve in one batch; the label must be exactly right.
func runClassification(ctx context.Context, p *checkPlan, conn Conn) []outcome {
	return runValue(ctx, p, conn)
}
