package grader

import (
	"bytes"
	"fmt"
	"reflect"
	"sort"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/optgrade/optgrade/reference"
)

// This file writes rubrics back to YAML: Public makes the copy students may see (no hidden
// checks), MarshalRubric writes it in the schema ParseRubric reads.

// Public returns a deep copy of r without its hidden and after_due_date checks, for
// handing out: each task's points become the sum of its remaining checks' points, a task
// left without checks is dropped, and the rubric's points become the sum of its tasks'.
func (r *Rubric) Public() *Rubric {
	p := *r
	p.Deadline = rubricCopyTime(r)
	p.Tolerance = rubricCopyTol(r.Tolerance)
	p.Tasks, p.Points = nil, 0
	for _, t := range r.Tasks {
		nt := t
		nt.Tolerance = rubricCopyTol(t.Tolerance)
		nt.Misconceptions = append([]string(nil), t.Misconceptions...)
		nt.Checks, nt.Points = nil, 0
		for _, c := range t.Checks {
			if c.Visibility != Visible && c.Visibility != "" {
				continue
			}
			nt.Checks = append(nt.Checks, rubricCopyCheck(c))
			nt.Points += c.Points
		}
		if len(nt.Checks) == 0 {
			continue
		}
		p.Tasks = append(p.Tasks, nt)
		p.Points += nt.Points
	}
	return &p
}

func rubricCopyTime(r *Rubric) *time.Time {
	if r.Deadline == nil {
		return nil
	}
	t := *r.Deadline
	return &t
}

func rubricCopyTol(t Tolerance) Tolerance {
	var c Tolerance
	if t.Atol != nil {
		a := *t.Atol
		c.Atol = &a
	}
	if t.Rtol != nil {
		r := *t.Rtol
		c.Rtol = &r
	}
	return c
}

func rubricCopyCheck(c Check) Check {
	n := c
	n.Tolerance = rubricCopyTol(c.Tolerance)
	n.Cases = nil
	for _, cc := range c.Cases {
		n.Cases = append(n.Cases, Case{Args: cc.Args.Clone(), Note: cc.Note})
	}
	if c.Generate != nil {
		g := *c.Generate
		n.Generate = &g
	}
	if c.Start != nil {
		n.Start = c.Start.Clone()
	}
	return n
}

// MarshalRubric writes r as YAML that ParseRubric reads back to an equal rubric. Values
// equal to their defaults (visibility visible, scoring all_or_nothing, mode teacher_forced,
// a default check name, generate.count 5) are left out.
func MarshalRubric(r *Rubric) ([]byte, error) {
	doc := rubricMapNode(0)
	rubricAdd(doc, "optgrade", rubricScalar(r.Version))
	rubricAdd(doc, "assignment", rubricScalar(r.Assignment))
	if r.Title != "" {
		rubricAdd(doc, "title", rubricScalar(r.Title))
	}
	rubricAdd(doc, "points", rubricScalar(r.Points))
	if r.Deadline != nil {
		rubricAdd(doc, "deadline", rubricScalar(*r.Deadline))
	}
	if r.Late != (LatePolicy{}) {
		late := rubricMapNode(yaml.FlowStyle)
		if r.Late.Grace.Duration != 0 {
			rubricAdd(late, "grace", rubricScalar(rubricFormatDuration(r.Late.Grace.Duration)))
		}
		if r.Late.PerDay != 0 {
			rubricAdd(late, "per_day", rubricScalar(r.Late.PerDay))
		}
		if r.Late.Cap != 0 {
			rubricAdd(late, "cap", rubricScalar(r.Late.Cap))
		}
		rubricAdd(doc, "late", late)
	}
	rubricAddTol(doc, r.Tolerance)

	tasks := &yaml.Node{Kind: yaml.SequenceNode}
	for _, t := range r.Tasks {
		tn := rubricMapNode(0)
		rubricAdd(tn, "id", rubricScalar(t.ID))
		if t.Title != "" {
			rubricAdd(tn, "title", rubricScalar(t.Title))
		}
		rubricAdd(tn, "function", rubricScalar(t.Function))
		rubricAdd(tn, "points", rubricScalar(t.Points))
		rubricAddTol(tn, t.Tolerance)
		if len(t.Misconceptions) > 0 {
			mn, err := rubricValue(t.Misconceptions)
			if err != nil {
				return nil, fmt.Errorf("task %q: misconceptions: %w", t.ID, err)
			}
			rubricAdd(tn, "misconceptions", mn)
		}
		checks := &yaml.Node{Kind: yaml.SequenceNode}
		for j, c := range t.Checks {
			cn, err := rubricCheckNode(c, j)
			if err != nil {
				return nil, fmt.Errorf("task %q, check %q: %w", t.ID, c.Name, err)
			}
			checks.Content = append(checks.Content, cn)
		}
		rubricAdd(tn, "checks", checks)
		tasks.Content = append(tasks.Content, tn)
	}
	rubricAdd(doc, "tasks", tasks)

	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(doc); err != nil {
		return nil, err
	}
	if err := enc.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func rubricCheckNode(c Check, j int) (*yaml.Node, error) {
	cn := rubricMapNode(0)
	if c.Name != fmt.Sprintf("%s #%d", c.Kind, j+1) {
		rubricAdd(cn, "name", rubricScalar(c.Name))
	}
	rubricAdd(cn, "kind", rubricScalar(c.Kind))
	rubricAdd(cn, "points", rubricScalar(c.Points))
	if c.Visibility != "" && c.Visibility != Visible {
		rubricAdd(cn, "visibility", rubricScalar(c.Visibility))
	}
	if c.Scoring != "" && c.Scoring != AllOrNothing {
		rubricAdd(cn, "scoring", rubricScalar(c.Scoring))
	}
	rubricAddTol(cn, c.Tolerance)
	if c.Kind == KindTrajectory {
		if c.Mode != "" && c.Mode != TeacherForced {
			rubricAdd(cn, "mode", rubricScalar(c.Mode))
		}
		rubricAdd(cn, "steps", rubricScalar(c.Steps))
	}
	if len(c.Cases) > 0 {
		cases := &yaml.Node{Kind: yaml.SequenceNode}
		for _, cc := range c.Cases {
			ccn := rubricMapNode(0)
			an, err := rubricValue(cc.Args)
			if err != nil {
				return nil, err
			}
			rubricAdd(ccn, "args", an)
			if cc.Note != "" {
				rubricAdd(ccn, "note", rubricScalar(cc.Note))
			}
			cases.Content = append(cases.Content, ccn)
		}
		rubricAdd(cn, "cases", cases)
	}
	if g := c.Generate; g != nil {
		implicit := (c.Kind == KindTrajectory && *g == Generate{}) ||
			(c.Kind == KindClassification && *g == Generate{Count: rubricDefaultGenCount})
		if !implicit {
			gn := rubricMapNode(yaml.FlowStyle)
			rubricAdd(gn, "seed", rubricScalar(g.Seed))
			if c.Kind != KindTrajectory && g.Count != rubricDefaultGenCount {
				rubricAdd(gn, "count", rubricScalar(g.Count))
			}
			if g.Dim != 0 {
				rubricAdd(gn, "dim", rubricScalar(g.Dim))
			}
			rubricAdd(cn, "generate", gn)
		}
	}
	if c.Kind == KindTrajectory && len(c.Start) > 0 {
		sn, err := rubricValue(c.Start)
		if err != nil {
			return nil, err
		}
		sn.Style = yaml.FlowStyle
		rubricAdd(cn, "start", sn)
	}
	if c.WithW {
		rubricAdd(cn, "with_w", rubricScalar(true))
	}
	return cn, nil
}

// rubricFormatDuration writes d as a rubric does: "15m", "2h", "1h30m" (not "15m0s").
func rubricFormatDuration(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}

func rubricMapNode(style yaml.Style) *yaml.Node {
	return &yaml.Node{Kind: yaml.MappingNode, Style: style}
}

func rubricAdd(m *yaml.Node, key string, v *yaml.Node) {
	m.Content = append(m.Content, &yaml.Node{Kind: yaml.ScalarNode, Value: key}, v)
}

func rubricAddTol(m *yaml.Node, t Tolerance) {
	if t.Atol == nil && t.Rtol == nil {
		return
	}
	tn := rubricMapNode(yaml.FlowStyle)
	if t.Atol != nil {
		rubricAdd(tn, "atol", rubricScalar(*t.Atol))
	}
	if t.Rtol != nil {
		rubricAdd(tn, "rtol", rubricScalar(*t.Rtol))
	}
	rubricAdd(m, "tolerance", tn)
}

// rubricScalar encodes a plain Go value (string, number, bool, time) as a node.
func rubricScalar(v any) *yaml.Node {
	var n yaml.Node
	if err := n.Encode(v); err != nil {
		panic(err) // plain values always encode
	}
	return &n
}

// rubricValue encodes an argument value: mappings with sorted keys in block style, lists of
// scalars in flow style ([1, 0, 0]), other lists in block style.
func rubricValue(v any) (*yaml.Node, error) {
	switch v := v.(type) {
	case reference.Args:
		return rubricValue(map[string]any(v))
	case map[string]any:
		keys := make([]string, 0, len(v))
		for k := range v {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		m := rubricMapNode(0)
		for _, k := range keys {
			e, err := rubricValue(v[k])
			if err != nil {
				return nil, fmt.Errorf("%s: %w", k, err)
			}
			rubricAdd(m, k, e)
		}
		return m, nil
	}
	rv := reflect.ValueOf(v)
	if rv.Kind() == reflect.Slice {
		s := &yaml.Node{Kind: yaml.SequenceNode, Style: yaml.FlowStyle}
		for i := 0; i < rv.Len(); i++ {
			e, err := rubricValue(rv.Index(i).Interface())
			if err != nil {
				return nil, err
			}
			if e.Kind != yaml.ScalarNode {
				s.Style = 0
			}
			s.Content = append(s.Content, e)
		}
		// A matrix: a block list of flow rows.
		return s, nil
	}
	var n yaml.Node
	if err := n.Encode(v); err != nil {
		return nil, err
	}
	return &n, nil
}
