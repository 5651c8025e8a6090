package rubric

import (
	"fmt"

	"gopkg.in/yaml.v3"
)

// The limits of a rubric. A rubric is input from a stranger (rubrics are files people copy
// between courses), so what it can make the grader do is bounded where it is read, before
// any work that grows with it; a rubric over a limit is refused with a positioned message
// that names the limit and its value. The README's rubric section lists them.
const (
	// MaxFileSize is the largest rubric file, in bytes.
	MaxFileSize = 1 << 20
	// MaxNodes bounds the YAML values of a rubric counted with every alias (*a) and merge
	// key (<<: *a) expanded, so that nested anchors cannot grow into gigabytes of arguments
	// or take exponential time to look keys up in.
	MaxNodes = 1_000_000
	// MaxCount is the largest generate.count: cases, or curves per label.
	MaxCount = 1000
	// MaxDim is the largest generate.dim: the dimension of generated vectors.
	MaxDim = 10_000
	// MaxSteps is the largest number of steps of a trajectory check.
	MaxSteps = 10_000
	// MaxCheckSize bounds count × dim × steps of one check (each factor at least 1): the
	// numbers the reference generates for it. For a literal call with a steps argument
	// (train), steps × the length of its longest vector counts the same way.
	MaxCheckSize = 100_000
	// MaxRubricSize bounds the sum of the checks' count × dim × steps over the rubric.
	MaxRubricSize = 1_000_000
)

// expansion measures a document with its aliases expanded. Sizes are memoized per node, so
// measuring takes time linear in the number of nodes written, however much they expand.
type expansion struct {
	size map[*yaml.Node]int64
	busy map[*yaml.Node]bool
}

// sizeOf returns the number of values n stands for, aliases expanded, or MaxNodes+1 when
// that is more than MaxNodes (or n contains itself). Only anchored nodes, the only ones an
// alias can stand for (and so reach more than once, or from inside themselves), are
// remembered: the rest of the document is walked once, with no map per node.
func (e *expansion) sizeOf(n *yaml.Node) int64 {
	anchored := n.Anchor != ""
	if anchored {
		if s, ok := e.size[n]; ok {
			return s
		}
		if e.busy[n] {
			return MaxNodes + 1
		}
		e.busy[n] = true
	}
	s := int64(1)
	if n.Kind == yaml.AliasNode && n.Alias != nil {
		s += e.sizeOf(n.Alias)
	}
	for _, c := range n.Content {
		if s > MaxNodes {
			break
		}
		s += e.sizeOf(c)
	}
	s = min(s, MaxNodes+1)
	if anchored {
		delete(e.busy, n)
		e.size[n] = s
	}
	return s
}

// checkExpansion records an error at the first alias (in file order) with which the
// document grows past MaxNodes values, and reports whether it stays within the limit.
func (d *decoder) checkExpansion(root *yaml.Node) bool {
	e := &expansion{size: map[*yaml.Node]int64{}, busy: map[*yaml.Node]bool{}}
	if e.sizeOf(root) <= MaxNodes {
		return true
	}
	var total int64
	var at *yaml.Node
	var walk func(n *yaml.Node) bool
	walk = func(n *yaml.Node) bool {
		total++
		if n.Kind == yaml.AliasNode && n.Alias != nil {
			total += e.sizeOf(n.Alias)
		}
		if total > MaxNodes {
			at = n
			return false
		}
		for _, c := range n.Content {
			if !walk(c) {
				return false
			}
		}
		return true
	}
	walk(root)
	if at != nil && at.Kind == yaml.AliasNode {
		d.errorf(at, "", "YAML aliases and merge keys expand the rubric here past the limit of %d values for a rubric (each *alias and <<: merge counted as what it stands for)", MaxNodes)
	} else {
		d.errorf(at, "", "the rubric has more YAML values than the limit of %d for a rubric (each *alias and <<: merge counted as what it stands for)", MaxNodes)
	}
	return false
}

// sizeMsg says that a check's generated numbers are over MaxCheckSize.
func sizeMsg(count, dim, steps int64) string {
	return fmt.Sprintf("count × dim × steps = %d × %d × %d = %d is over the limit of %d numbers a check may generate",
		count, dim, steps, count*dim*steps, MaxCheckSize)
}

// addSize adds size, the numbers one check generates or calls with, to the rubric's total
// and records an error at n when the total passes MaxRubricSize. It reports whether the
// total is within the limit.
func (d *decoder) addSize(n *yaml.Node, ctx string, size int64) bool {
	d.size += size
	if d.size <= MaxRubricSize {
		return true
	}
	if !d.sizeReported {
		d.sizeReported = true
		d.errorf(n, ctx, "with this check the rubric's checks generate %d numbers (count × dim × steps summed over the checks), over the limit of %d for a rubric", d.size, MaxRubricSize)
	}
	return false
}

// checkSize bounds count × dim × steps of a check that generates inputs and adds it to the
// rubric's total. It reports whether the check may generate them.
func (d *decoder) checkSize(c *Check, cs *checkSrc) bool {
	g := c.Generate
	if g == nil {
		return true
	}
	count, dim, steps := int64(max(g.Count, 1)), int64(max(g.Dim, 1)), int64(max(c.Steps, 1))
	// Each factor is bounded by now, so the product does not overflow.
	if count*dim*steps > MaxCheckSize {
		d.errorf(resolve(cs.m.at("generate")), cs.ctx, "generate: %s", sizeMsg(count, dim, steps))
		return false
	}
	return d.addSize(resolve(cs.m.at("generate")), cs.ctx, count*dim*steps)
}
