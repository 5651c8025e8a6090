package rubric

import (
	"fmt"
	"math"
	"strings"

	"gopkg.in/yaml.v3"
)

// This file decodes the structure of a rubric — its header, late policy, tasks, checks
// and cases — filling in defaults and recording where each part came from.

// source remembers where each part of a decoded rubric came from, for the catalog
// checks of validate.go. Its slices are parallel to the rubric's.
type source struct {
	m     *nodeMap
	tasks []*taskSrc
}

type taskSrc struct {
	ctx            string // `task "adam"`
	m              *nodeMap
	misconceptions []*yaml.Node
	checks         []*checkSrc
}

type checkSrc struct {
	sizeOK  bool   // count × dim × steps is within MaxCheckSize and MaxRubricSize
	ctx     string // `task "adam", check "value #2"`
	m       *nodeMap
	kindOK  bool // Kind is a known kind and the keys fit it
	stepsOK bool
	cases   []*caseSrc
	start   *nodeMap // nil when absent
	startOK bool
}

type caseSrc struct {
	ctx  string // `task "adam", check "value #2", case 1`
	m    *nodeMap
	args *nodeMap
	ok   bool // the arguments decoded without problems
}

// rubric decodes the top-level mapping.
func (d *decoder) rubric(root *yaml.Node) (*Rubric, *source) {
	r := &Rubric{File: d.file}
	m := d.mapping(root, "", "", topKeys)
	src := &source{m: m}
	if m.node.Kind != yaml.MappingNode {
		return r, src
	}

	if !m.has("optgrade") {
		d.errorf(m.node, "", "missing \"optgrade: %d\" (the rubric format version)", Version)
	} else if v, ok := d.integer(m.vals["optgrade"], "optgrade", math.MinInt64, math.MaxInt64); ok {
		r.Version = int(v)
		if v != Version {
			d.errorf(resolve(m.vals["optgrade"]), "optgrade", "version %d is not supported: this grader reads version %d", v, Version)
		}
	}

	if !m.has("assignment") {
		d.errorf(m.node, "", "missing \"assignment\" (the assignment's id, like opt-a1)")
	} else if s, ok := d.str(m.vals["assignment"], "assignment"); ok {
		r.Assignment = s
		if !validID(s) {
			d.errorf(resolve(m.vals["assignment"]), "assignment", "id %q: use only lower-case letters, digits, - and _", s)
		}
	}
	if m.has("title") {
		r.Title, _ = d.str(m.vals["title"], "title")
	}
	pointsOK := false
	if !m.has("points") {
		d.errorf(m.node, "", "missing \"points\" (the assignment's total, the sum of its tasks' points)")
	} else {
		r.Points, pointsOK = d.nonNeg(m.vals["points"], "points")
	}
	if m.has("deadline") {
		r.Deadline, _ = d.deadline(m.vals["deadline"], "deadline")
	}
	if m.has("late") {
		r.Late = d.late(m.vals["late"])
		if !m.has("deadline") {
			d.errorf(m.keyAt("late"), "late", "a late policy needs a deadline: add \"deadline:\" or remove \"late:\"")
		}
	}
	if m.has("tolerance") {
		r.Tolerance = d.tolerance(m.vals["tolerance"], "")
	}
	if m.has("precision") {
		r.Precision = d.precision(m.vals["precision"], "precision")
	}

	if !m.has("tasks") {
		d.errorf(m.node, "", "missing \"tasks\" (the list of tasks)")
		return r, src
	}
	items, ok := d.seq(m.vals["tasks"], "tasks")
	if !ok {
		return r, src
	}
	if len(items) == 0 {
		d.errorf(resolve(m.vals["tasks"]), "tasks", "no tasks: a rubric needs at least one")
	}
	sumOK := true
	var sum float64
	seen := map[string]int{}
	for i, item := range items {
		t, ts, ok := d.task(item, i)
		r.Tasks = append(r.Tasks, t)
		src.tasks = append(src.tasks, ts)
		sumOK = sumOK && ok
		sum += t.Points
		if t.ID != "" {
			if first, dup := seen[t.ID]; dup {
				d.errorf(ts.m.at("id"), ts.ctx, "duplicate task id (first at line %d)", first)
			} else {
				seen[t.ID] = t.Line
			}
		}
	}
	if pointsOK && sumOK && len(items) > 0 && !samePoints(r.Points, sum) {
		d.errorf(resolve(m.vals["points"]), "points", "%g, but the tasks' points add up to %g", r.Points, sum)
	}
	return r, src
}

// samePoints compares point totals.
func samePoints(a, b float64) bool {
	return math.Abs(a-b) <= 1e-9*math.Max(1, math.Max(math.Abs(a), math.Abs(b)))
}

// late decodes the late policy.
func (d *decoder) late(n *yaml.Node) LatePolicy {
	var p LatePolicy
	m := d.mapping(n, "", "late", lateKeys)
	if m.has("grace") {
		if g, ok := d.duration(m.vals["grace"], "late.grace"); ok {
			if g.Duration < 0 {
				d.errorf(resolve(m.vals["grace"]), "late.grace", "must not be negative, got %s", g.Duration)
			} else {
				p.Grace = g
			}
		}
	}
	for _, key := range []string{"per_day", "cap"} {
		if !m.has(key) {
			continue
		}
		f, ok := d.num(m.vals[key], "late."+key)
		if !ok {
			continue
		}
		if f < 0 || f > 100 {
			d.errorf(resolve(m.vals[key]), "late."+key, "%g is not a percentage: want 0 to 100", f)
			continue
		}
		if key == "per_day" {
			p.PerDay = f
		} else {
			p.Cap = f
		}
	}
	return p
}

// task decodes tasks[i]; ok reports whether its points (and its checks' points) decoded,
// so that the rubric's total can be compared.
func (d *decoder) task(n *yaml.Node, i int) (Task, *taskSrc, bool) {
	var t Task
	ctx := fmt.Sprintf("task #%d", i+1)
	n = resolve(n)
	t.Line = n.Line
	// The id names the task in every message, so read it before the rest.
	if id := peek(n, "id"); id != "" {
		ctx = fmt.Sprintf("task %q", id)
	}
	m := d.mapping(n, ctx, "", taskKeys)
	ts := &taskSrc{ctx: ctx, m: m}
	if m.node.Kind != yaml.MappingNode {
		return t, ts, false
	}

	if !m.has("id") {
		d.errorf(m.node, ctx, "missing \"id\" (a short name like adam)")
	} else if s, ok := d.str(m.vals["id"], joinCtx(ctx, "id")); ok {
		t.ID = s
		if !validID(s) {
			d.errorf(resolve(m.vals["id"]), ctx, "id %q: use only lower-case letters, digits, - and _", s)
		}
	}
	if m.has("title") {
		t.Title, _ = d.str(m.vals["title"], joinCtx(ctx, "title"))
	}
	if !m.has("function") {
		d.errorf(m.node, ctx, "missing \"function\" (the catalog function the task grades)")
	} else if s, ok := d.str(m.vals["function"], joinCtx(ctx, "function")); ok {
		t.Function = s
	}
	pointsOK := false
	if !m.has("points") {
		d.errorf(m.node, ctx, "missing \"points\" (the task's total, the sum of its checks' points)")
	} else {
		t.Points, pointsOK = d.nonNeg(m.vals["points"], joinCtx(ctx, "points"))
	}
	if m.has("tolerance") {
		t.Tolerance = d.tolerance(m.vals["tolerance"], ctx)
	}
	if m.has("precision") {
		t.Precision = d.precision(m.vals["precision"], joinCtx(ctx, "precision"))
	}
	if m.has("misconceptions") {
		if items, ok := d.seq(m.vals["misconceptions"], joinCtx(ctx, "misconceptions")); ok {
			for j, item := range items {
				s, ok := d.str(item, joinCtx(ctx, fmt.Sprintf("misconceptions[%d]", j)))
				if !ok {
					continue
				}
				if contains(t.Misconceptions, s) {
					d.errorf(resolve(item), ctx, "misconception %q listed twice", s)
					continue
				}
				t.Misconceptions = append(t.Misconceptions, s)
				ts.misconceptions = append(ts.misconceptions, resolve(item))
			}
		}
	}

	if !m.has("checks") {
		d.errorf(m.node, ctx, "missing \"checks\" (the list of the task's checks)")
		return t, ts, pointsOK
	}
	items, ok := d.seq(m.vals["checks"], joinCtx(ctx, "checks"))
	if !ok {
		return t, ts, pointsOK
	}
	if len(items) == 0 {
		d.errorf(resolve(m.vals["checks"]), ctx, "no checks: a task needs at least one")
	}
	sumOK := true
	var sum float64
	seen := map[string]int{}
	for j, item := range items {
		c, cs, ok := d.check(item, ctx, j)
		t.Checks = append(t.Checks, c)
		ts.checks = append(ts.checks, cs)
		sumOK = sumOK && ok
		sum += c.Points
		if first, dup := seen[c.Name]; dup && c.Name != "" {
			d.errorf(cs.m.at("name"), cs.ctx, "duplicate check name (first at line %d); give each check of a task its own name", first)
		} else {
			seen[c.Name] = c.Line
		}
	}
	if pointsOK && sumOK && len(items) > 0 && !samePoints(t.Points, sum) {
		d.errorf(resolve(m.vals["points"]), ctx, "points: %g, but its checks' points add up to %g", t.Points, sum)
	}
	return t, ts, pointsOK && sumOK
}

// check decodes checks[j] of the task in ctx; ok reports whether its points decoded.
func (d *decoder) check(n *yaml.Node, taskCtx string, j int) (Check, *checkSrc, bool) {
	var c Check
	n = resolve(n)
	c.Line = n.Line

	// The name (given, else the default) is the context of every message.
	c.Kind = Kind(peek(n, "kind"))
	defaultName := fmt.Sprintf("check #%d", j+1)
	if keysOf(c.Kind) != nil {
		defaultName = fmt.Sprintf("%s #%d", c.Kind, j+1)
	}
	c.Name = defaultName
	if name := peek(n, "name"); name != "" {
		c.Name = name
	}
	ctx := fmt.Sprintf("%s, check %q", taskCtx, c.Name)
	m := d.mapping(n, ctx, "", checkKeys)
	cs := &checkSrc{m: m, ctx: ctx}
	if m.node.Kind != yaml.MappingNode {
		return c, cs, false
	}
	if m.has("name") {
		if s, ok := d.str(m.vals["name"], joinCtx(ctx, "name")); ok && s == "" {
			d.errorf(resolve(m.vals["name"]), ctx, "name: empty; leave it out for the default %q", defaultName)
		}
	}

	kindKeys := keysOf(c.Kind)
	switch {
	case !m.has("kind"):
		d.errorf(m.node, ctx, "missing \"kind\" (one of %s)", strings.Join(kindNames(), ", "))
	case kindKeys == nil && resolve(m.vals["kind"]).Kind == yaml.ScalarNode:
		d.errorf(resolve(m.vals["kind"]), ctx, "kind: %q is not one of %s%s", c.Kind, strings.Join(kindNames(), ", "), suggest(string(c.Kind), kindNames()))
		c.Kind = ""
	case kindKeys == nil:
		d.errorf(resolve(m.vals["kind"]), ctx, "kind: want one of %s, got %s", strings.Join(kindNames(), ", "), describe(m.vals["kind"]))
		c.Kind = ""
	default:
		cs.kindOK = true
		// Keys that only some kinds take.
		for _, key := range m.order {
			if contains([]string{"name", "kind", "points", "visibility", "scoring", "tolerance"}, key) || contains(kindKeys, key) {
				continue
			}
			var fits []string
			for _, k := range kinds {
				if contains(k.Keys, key) {
					fits = append(fits, string(k.Kind))
				}
			}
			d.errorf(m.keys[key], ctx, "%q does not apply to a %s check (only to %s)", key, c.Kind, strings.Join(fits, ", "))
			cs.kindOK = false
		}
	}

	pointsOK := false
	if !m.has("points") {
		d.errorf(m.node, ctx, "missing \"points\"")
	} else {
		c.Points, pointsOK = d.nonNeg(m.vals["points"], joinCtx(ctx, "points"))
	}
	c.Visibility, c.Scoring = Visible, AllOrNothing
	if m.has("visibility") {
		if s, ok := oneOf(d, m.vals["visibility"], joinCtx(ctx, "visibility"), visibilities); ok {
			c.Visibility = s
		}
	}
	if m.has("scoring") {
		if s, ok := oneOf(d, m.vals["scoring"], joinCtx(ctx, "scoring"), scorings); ok {
			c.Scoring = s
		}
	}
	if m.has("tolerance") {
		c.Tolerance = d.tolerance(m.vals["tolerance"], ctx)
	}

	if m.has("cases") {
		if items, ok := d.seq(m.vals["cases"], joinCtx(ctx, "cases")); ok {
			for k, item := range items {
				cc, ccs := d.caseOf(item, ctx, k)
				c.Cases = append(c.Cases, cc)
				cs.cases = append(cs.cases, ccs)
			}
		}
	}
	kind, known := LookupKind(c.Kind)
	if m.has("generate") {
		c.Generate = d.generate(m.vals["generate"], ctx, kind)
	}
	if known {
		kind.decode(d, m, &c, cs)
		if c.Generate == nil && kind.defaultGenerate != nil {
			g := *kind.defaultGenerate
			c.Generate = &g
		}
	}
	cs.sizeOK = d.checkSize(&c, cs)
	return c, cs, pointsOK
}

// generate decodes the generate mapping of a check of the given kind (the zero KindSchema
// for an unknown kind).
func (d *decoder) generate(n *yaml.Node, ctx string, kind KindSchema) *Generate {
	gm := d.mapping(n, ctx, "generate", genKeys)
	g := &Generate{Count: defaultCount}
	if kind.noCount != "" {
		g.Count = 0
		if gm.has("count") {
			d.errorf(gm.keys["count"], ctx, "generate.count does not apply to a %s check: %s", kind.Kind, kind.noCount)
		}
	} else if gm.has("count") {
		// The reference takes a count of 0 to mean its default, so 0 is refused.
		if v, ok := d.limited(gm.vals["count"], joinCtx(ctx, "generate.count"), 1, MaxCount, "cases (or curves per label) a check may generate"); ok {
			g.Count = int(v)
		}
	}
	if gm.has("seed") {
		g.Seed, _ = d.integer(gm.vals["seed"], joinCtx(ctx, "generate.seed"), math.MinInt64, math.MaxInt64)
	}
	if gm.has("dim") && kind.noDim != "" {
		d.errorf(gm.keys["dim"], ctx, "generate.dim does not apply to a %s check: %s", kind.Kind, kind.noDim)
	} else if gm.has("dim") {
		if v, ok := d.limited(gm.vals["dim"], joinCtx(ctx, "generate.dim"), 0, MaxDim, "for the dimension of generated vectors"); ok {
			g.Dim = int(v)
		}
	}
	return g
}

// caseOf decodes cases[k] of the check in ctx.
func (d *decoder) caseOf(n *yaml.Node, checkCtx string, k int) (Case, *caseSrc) {
	var c Case
	ctx := fmt.Sprintf("%s, case %d", checkCtx, k+1)
	m := d.mapping(n, ctx, "", caseKeys)
	cs := &caseSrc{ctx: ctx, m: m}
	if m.node.Kind != yaml.MappingNode {
		return c, cs
	}
	if !m.has("args") {
		d.errorf(m.node, ctx, "missing \"args\" (the call's arguments, by name)")
	} else {
		cs.args, c.Args, cs.ok = d.args(m.vals["args"], ctx, "args")
	}
	if m.has("note") {
		c.Note, _ = d.str(m.vals["note"], joinCtx(ctx, "note"))
	}
	return c, cs
}

// precision decodes a precision: float64 (or auto, the default).
func (d *decoder) precision(n *yaml.Node, ctx string) Precision {
	s, ok := d.str(n, ctx)
	switch {
	case !ok:
	case s == string(PrecisionFloat64):
		return PrecisionFloat64
	case s == "auto":
	default:
		d.errorf(resolve(n), ctx, "%q: want float64 (judge float32 results with this rubric's own tolerance) or auto (the default: a float32 tolerance for float32 results)", s)
	}
	return PrecisionAuto
}
