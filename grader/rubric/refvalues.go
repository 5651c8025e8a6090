package rubric

import (
	"reflect"

	"github.com/optgrade/optgrade/reference"
)

// refValues is what validating a check asked the reference for, kept so that planning the
// check (package grader) does not ask again: every literal case's result, the generated
// arguments, the labelled curves. Each is kept with what it was computed from and handed
// out only while that is unchanged, so a rubric changed after Parse is never graded
// against stale values. The values are shared: callers must not change them.
type refValues struct {
	fn     string
	cases  []refCase
	gen    Generate // what args or curves were made from
	args   []reference.Args
	withW  bool
	curves []reference.LabelledCurve
	hasGen bool
	hasCrv bool
}

// refCase is a literal case's arguments (a copy of those evaluated) and the reference's
// result for them.
type refCase struct {
	args reference.Args
	want any
}

// values returns c's kept reference values for fn, made empty when first asked for or
// when kept for another function.
func (c *Check) values(fn string) *refValues {
	if c.ref == nil || c.ref.fn != fn {
		c.ref = &refValues{fn: fn}
	}
	return c.ref
}

// keepResult keeps the reference's result for literal case k, evaluated with args.
func (c *Check) keepResult(fn string, k int, args reference.Args, want any) {
	v := c.values(fn)
	for len(v.cases) <= k {
		v.cases = append(v.cases, refCase{})
	}
	v.cases[k] = refCase{args: args.Clone(), want: want}
}

// ReferenceResult returns the reference's result for fn on the check's literal case k as
// validating the rubric computed it, if the case's arguments are unchanged since (compared
// by value); otherwise ok is false and the caller asks the reference itself. The result
// is shared: do not change it.
func (c *Check) ReferenceResult(fn string, k int) (want any, ok bool) {
	if c.ref == nil || c.ref.fn != fn || k < 0 || k >= len(c.ref.cases) || k >= len(c.Cases) {
		return nil, false
	}
	rc := c.ref.cases[k]
	if rc.args == nil || !reflect.DeepEqual(rc.args, c.Cases[k].Args) {
		return nil, false
	}
	return rc.want, true
}

// GeneratedArgs returns the arguments reference.Generate gave for fn and the check's
// Generate when the rubric was validated, if both are unchanged since; otherwise ok is
// false. The arguments are shared: do not change them.
func (c *Check) GeneratedArgs(fn string) ([]reference.Args, bool) {
	if c.ref == nil || c.ref.fn != fn || !c.ref.hasGen || c.Generate == nil || *c.Generate != c.ref.gen {
		return nil, false
	}
	return c.ref.args, true
}

// LabelledCurves returns the labelled curves reference.LabelledCurves gave for the check
// (its Generate and WithW) when the rubric was validated, if those are unchanged since;
// otherwise ok is false. The curves are shared: do not change them.
func (c *Check) LabelledCurves() ([]reference.LabelledCurve, bool) {
	if c.ref == nil || !c.ref.hasCrv || c.Generate == nil || *c.Generate != c.ref.gen || c.WithW != c.ref.withW {
		return nil, false
	}
	return c.ref.curves, true
}
