package grader

import (
	"context"
	"fmt"

	"github.com/optgrade/optgrade/grader/rubric"
	"github.com/optgrade/optgrade/reference"
)

// planValue lists the check's literal cases, then its generated ones, with the
// reference's result for each.
func planValue(p *checkPlan) error { return planCases(p, true) }

// planCases plans the literal cases and, if generated, the generated ones.
func planCases(p *checkPlan, generated bool) error {
	args, labels, err := caseArgs(p.fn.Name, p.check, generated)
	if err != nil {
		return err
	}
	for i, a := range args {
		// A literal case's result as validating the rubric computed it, if kept.
		want, ok := p.check.ReferenceResult(p.fn.Name, i)
		if !ok {
			if want, err = reference.Call(p.fn.Name, a); err != nil { // Call never modifies a
				return fmt.Errorf("%s: the reference rejects the arguments: %w", labels[i], err)
			}
		}
		p.calls = append(p.calls, Call{Fn: p.fn.Name, Args: a})
		p.wants = append(p.wants, want)
		p.labels = append(p.labels, labels[i])
	}
	return nil
}

// caseArgs returns a check's literal cases followed by its generated ones.
func caseArgs(fn string, c *rubric.Check, generated bool) ([]reference.Args, []string, error) {
	var args []reference.Args
	var labels []string
	for i, cs := range c.Cases {
		args = append(args, cs.Args)
		label := fmt.Sprintf("case %d", i+1)
		if cs.Note != "" {
			label += " (" + cs.Note + ")"
		}
		labels = append(labels, label)
	}
	if g := c.Generate; g != nil && generated {
		gen, ok := c.GeneratedArgs(fn) // as validating the rubric made them, if kept
		if !ok {
			var err error
			if gen, err = reference.Generate(fn, g.Seed, g.Count, g.Dim); err != nil {
				return nil, nil, fmt.Errorf("generate: %w", err)
			}
		}
		for i, a := range gen {
			args = append(args, a)
			labels = append(labels, fmt.Sprintf("case %d (generated)", len(c.Cases)+i+1))
		}
	}
	return args, labels, nil
}

// runValue sends every case in one pipelined batch and compares.
func runValue(ctx context.Context, p *checkPlan, conn Conn) []outcome {
	replies := conn.Do(ctx, p.calls)
	outs := make([]outcome, len(p.calls))
	for i := range p.calls {
		outs[i] = outcome{label: p.labels[i], call: p.calls[i], reply: replies[i], fixed: i}
		p.judge(&outs[i], p.wants[i], p.tol)
	}
	return outs
}
