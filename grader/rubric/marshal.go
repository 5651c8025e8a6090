package rubric

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
// checks), Marshal writes it in the schema Parse reads.

// Public returns a deep copy of r without its hidden and after_due_date checks, for
// handing out: each task's points become the sum of its remaining checks' points, a task
// left without checks is dropped, and the rubric's points become the sum of its tasks'.
func (r *Rubric) Public() *Rubric {
	p := *r
	p.SHA256 = "" // not the public rubric's bytes
	p.Deadline = copyTime(r)
	p.Tolerance = copyTol(r.Tolerance)
	p.Tasks, p.Points = nil, 0
	for _, t := range r.Tasks {
		nt := t
		nt.Tolerance = copyTol(t.Tolerance)
		nt.Misconceptions = append([]string(nil), t.Misconceptions...)
		nt.Checks, nt.Points = nil, 0
		for _, c := range t.Checks {
			if c.Visibility != Visible && c.Visibility != "" {
				continue
			}
			nt.Checks = append(nt.Checks, copyCheck(c))
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

func copyTime(r *Rubric) *time.Time {
	if r.Deadline == nil {
		return nil
	}
	t := *r.Deadline
	return &t
}

func copyTol(t Tolerance) Tolerance {
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

func copyCheck(c Check) Check {
	n := c
	n.Tolerance = copyTol(c.Tolerance)
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

// Marshal writes r as YAML that Parse reads back to an equal rubric. Values
// equal to their defaults (visibility visible, scoring all_or_nothing, mode teacher_forced,
// a default check name, generate.count 5) are left out.
func Marshal(r *Rubric) ([]byte, error) {
	doc := mapNode(0)
	addPair(doc, "optgrade", scalarNode(r.Version))
	addPair(doc, "assignment", scalarNode(r.Assignment))
	if r.Title != "" {
		addPair(doc, "title", scalarNode(r.Title))
	}
	addPair(doc, "points", scalarNode(r.Points))
	if r.Deadline != nil {
		addPair(doc, "deadline", scalarNode(*r.Deadline))
	}
	if r.Late != (LatePolicy{}) {
		late := mapNode(yaml.FlowStyle)
		if r.Late.Grace.Duration != 0 {
			addPair(late, "grace", scalarNode(formatDuration(r.Late.Grace.Duration)))
		}
		if r.Late.PerDay != 0 {
			addPair(late, "per_day", scalarNode(r.Late.PerDay))
		}
		if r.Late.Cap != 0 {
			addPair(late, "cap", scalarNode(r.Late.Cap))
		}
		addPair(doc, "late", late)
	}
	addTol(doc, r.Tolerance)
	if r.Precision != PrecisionAuto {
		addPair(doc, "precision", scalarNode(string(r.Precision)))
	}

	tasks := &yaml.Node{Kind: yaml.SequenceNode}
	for _, t := range r.Tasks {
		tn := mapNode(0)
		addPair(tn, "id", scalarNode(t.ID))
		if t.Title != "" {
			addPair(tn, "title", scalarNode(t.Title))
		}
		addPair(tn, "function", scalarNode(t.Function))
		addPair(tn, "points", scalarNode(t.Points))
		addTol(tn, t.Tolerance)
		if t.Precision != PrecisionAuto {
			addPair(tn, "precision", scalarNode(string(t.Precision)))
		}
		if len(t.Misconceptions) > 0 {
			mn, err := valueNode(t.Misconceptions)
			if err != nil {
				return nil, fmt.Errorf("task %q: misconceptions: %w", t.ID, err)
			}
			addPair(tn, "misconceptions", mn)
		}
		checks := &yaml.Node{Kind: yaml.SequenceNode}
		for j, c := range t.Checks {
			cn, err := checkNode(c, j)
			if err != nil {
				return nil, fmt.Errorf("task %q, check %q: %w", t.ID, c.Name, err)
			}
			checks.Content = append(checks.Content, cn)
		}
		addPair(tn, "checks", checks)
		tasks.Content = append(tasks.Content, tn)
	}
	addPair(doc, "tasks", tasks)

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

// encodeOrder is the order in which Marshal writes the keys of a check after name, kind,
// points, visibility, scoring and tolerance.
var encodeOrder = []string{"mode", "steps", "cases", "generate", "start", "with_w"}

func checkNode(c Check, j int) (*yaml.Node, error) {
	cn := mapNode(0)
	if c.Name != fmt.Sprintf("%s #%d", c.Kind, j+1) {
		addPair(cn, "name", scalarNode(c.Name))
	}
	addPair(cn, "kind", scalarNode(c.Kind))
	addPair(cn, "points", scalarNode(c.Points))
	if c.Visibility != "" && c.Visibility != Visible {
		addPair(cn, "visibility", scalarNode(c.Visibility))
	}
	if c.Scoring != "" && c.Scoring != AllOrNothing {
		addPair(cn, "scoring", scalarNode(c.Scoring))
	}
	addTol(cn, c.Tolerance)
	own := map[string]*yaml.Node{}
	kind, _ := LookupKind(c.Kind)
	if kind.encode != nil {
		if err := kind.encode(c, own); err != nil {
			return nil, err
		}
	}
	if len(c.Cases) > 0 {
		cases := &yaml.Node{Kind: yaml.SequenceNode}
		for _, cc := range c.Cases {
			ccn := mapNode(0)
			an, err := valueNode(cc.Args)
			if err != nil {
				return nil, err
			}
			addPair(ccn, "args", an)
			if cc.Note != "" {
				addPair(ccn, "note", scalarNode(cc.Note))
			}
			cases.Content = append(cases.Content, ccn)
		}
		own["cases"] = cases
	}
	if g := c.Generate; g != nil && (kind.defaultGenerate == nil || *g != *kind.defaultGenerate) {
		gn := mapNode(yaml.FlowStyle)
		addPair(gn, "seed", scalarNode(g.Seed))
		if kind.noCount == "" && g.Count != defaultCount {
			addPair(gn, "count", scalarNode(g.Count))
		}
		if g.Dim != 0 {
			addPair(gn, "dim", scalarNode(g.Dim))
		}
		own["generate"] = gn
	}
	for _, key := range encodeOrder {
		if n, ok := own[key]; ok {
			addPair(cn, key, n)
		}
	}
	return cn, nil
}

// formatDuration writes d as a rubric does: "15m", "2h", "1h30m" (not "15m0s").
func formatDuration(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}

func mapNode(style yaml.Style) *yaml.Node {
	return &yaml.Node{Kind: yaml.MappingNode, Style: style}
}

func addPair(m *yaml.Node, key string, v *yaml.Node) {
	m.Content = append(m.Content, &yaml.Node{Kind: yaml.ScalarNode, Value: key}, v)
}

func addTol(m *yaml.Node, t Tolerance) {
	if t.Atol == nil && t.Rtol == nil {
		return
	}
	tn := mapNode(yaml.FlowStyle)
	if t.Atol != nil {
		addPair(tn, "atol", scalarNode(*t.Atol))
	}
	if t.Rtol != nil {
		addPair(tn, "rtol", scalarNode(*t.Rtol))
	}
	addPair(m, "tolerance", tn)
}

// scalarNode encodes a plain Go value (string, number, bool, time) as a node.
func scalarNode(v any) *yaml.Node {
	var n yaml.Node
	if err := n.Encode(v); err != nil {
		panic(err) // plain values always encode
	}
	return &n
}

// valueNode encodes an argument value: mappings with sorted keys in block style, lists of
// scalars in flow style ([1, 0, 0]), other lists in block style.
func valueNode(v any) (*yaml.Node, error) {
	switch v := v.(type) {
	case reference.Args:
		return valueNode(map[string]any(v))
	case map[string]any:
		keys := make([]string, 0, len(v))
		for k := range v {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		m := mapNode(0)
		for _, k := range keys {
			e, err := valueNode(v[k])
			if err != nil {
				return nil, fmt.Errorf("%s: %w", k, err)
			}
			addPair(m, k, e)
		}
		return m, nil
	}
	rv := reflect.ValueOf(v)
	if rv.Kind() == reflect.Slice {
		s := &yaml.Node{Kind: yaml.SequenceNode, Style: yaml.FlowStyle}
		for i := 0; i < rv.Len(); i++ {
			e, err := valueNode(rv.Index(i).Interface())
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
