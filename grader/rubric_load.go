package grader

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/optgrade/optgrade/reference"
)

// This file decodes a rubric from YAML, strictly, through yaml.Node so that every problem
// has a position: unknown and duplicate keys, values of the wrong type, out-of-range values,
// points that do not add up and fields that do not apply to a check's kind. Checking the
// rubric against the reference catalog (function names, arguments, generators) is in
// rubric_validate.go. Every problem is collected; the caller gets them all at once.

// LoadRubric reads, decodes and validates the rubric at path (see ParseRubric).
func LoadRubric(path string) (*Rubric, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrRubric, err)
	}
	return ParseRubric(path, data)
}

// ParseRubric decodes and validates a rubric; name is the file name its messages give.
//
// Decoding is strict: an unknown key, a duplicate key, a value of the wrong type, a field
// that does not apply to a check's kind, a function, argument or misconception the
// reference does not know, or arguments the reference rejects is an error. All problems
// are returned together as a RubricErrors (which matches ErrRubric), sorted by position.
//
// The returned rubric has its defaults filled in: every check has a Name ("value #2" when
// none is given: the kind and the check's 1-based position in its task), a Visibility, a
// Scoring, a Mode (trajectory checks), and a Generate with its Count (5 unless given; an
// explicit 0 is refused, as the reference reads 0 as its own default) wherever the check
// generates inputs; trajectory and classification checks always have a Generate. File,
// Task.Line and Check.Line are set.
func ParseRubric(name string, data []byte) (*Rubric, error) {
	d := &rubricDecoder{file: name}
	root := d.document(data)
	if root == nil {
		d.errs.Sort()
		return nil, d.errs
	}
	r, src := d.rubric(root)
	d.checkCatalog(r, src)
	if len(d.errs) > 0 {
		d.errs.Sort()
		// A mapping merged into several places (<<: *x) reports its problems once.
		return nil, slices.Compact(d.errs)
	}
	return r, nil
}

// Tol returns the tolerance of check c of task t: the check's own, else the task's, else the
// rubric's, else reference.DefaultAtol and DefaultRtol (each of atol and rtol separately).
// t and c may be nil.
func (r *Rubric) Tol(t *Task, c *Check) (atol, rtol float64) {
	atol, rtol = reference.DefaultAtol, reference.DefaultRtol
	levels := []*Tolerance{&r.Tolerance, nil, nil}
	if t != nil {
		levels[1] = &t.Tolerance
	}
	if c != nil {
		levels[2] = &c.Tolerance
	}
	for _, tol := range levels {
		if tol == nil {
			continue
		}
		if tol.Atol != nil {
			atol = *tol.Atol
		}
		if tol.Rtol != nil {
			rtol = *tol.Rtol
		}
	}
	return atol, rtol
}

// The keys of each mapping, in the order MarshalRubric writes them.
var (
	rubricKeys    = []string{"optgrade", "assignment", "title", "points", "deadline", "late", "tolerance", "tasks"}
	rubricLateKey = []string{"grace", "per_day", "cap"}
	rubricTolKeys = []string{"atol", "rtol"}
	rubricTaskKey = []string{"id", "title", "function", "points", "tolerance", "misconceptions", "checks"}
	rubricCheckKe = []string{"name", "kind", "points", "visibility", "scoring", "tolerance", "cases", "generate", "mode", "steps", "start", "with_w"}
	rubricCaseKey = []string{"args", "note"}
	rubricGenKeys = []string{"seed", "count", "dim"}
)

var (
	rubricVisibilities = []string{Visible, Hidden, AfterDueDate}
	rubricScorings     = []string{AllOrNothing, Proportional}
	rubricModes        = []string{TeacherForced, FreeRunning}
	rubricIDPattern    = regexp.MustCompile(`^[a-z0-9_-]+$`)
	rubricYAMLErrLine  = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)
)

const (
	rubricMaxSteps        = 10000
	rubricDefaultGenCount = 5
)

// rubricDecoder collects the problems of one rubric file.
type rubricDecoder struct {
	file string
	errs RubricErrors
}

// errorf records a problem at n (nil: the whole file). prefix says where in the rubric
// (`task "adam", check "random": generate.count`) and may be empty.
func (d *rubricDecoder) errorf(n *yaml.Node, prefix, format string, a ...any) {
	msg := fmt.Sprintf(format, a...)
	if prefix != "" {
		msg = prefix + ": " + msg
	}
	e := RubricError{File: d.file, Msg: msg}
	if n != nil {
		e.Line, e.Col = n.Line, n.Column
	}
	d.errs = append(d.errs, e)
}

// rubricPrefix joins the context (`task "adam"`) and the key path (`tolerance.atol`) of a
// message.
func rubricPrefix(ctx, path string) string {
	switch {
	case ctx == "":
		return path
	case path == "":
		return ctx
	}
	return ctx + ": " + path
}

// rubricPath appends key to a dotted key path.
func rubricPath(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

// document parses data and returns its root node, or nil after recording why not.
func (d *rubricDecoder) document(data []byte) *yaml.Node {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			d.errorf(nil, "", "empty file: a rubric starts with \"optgrade: %d\"", RubricVersion)
			return nil
		}
		d.yamlError(err)
		return nil
	}
	var extra yaml.Node
	switch err := dec.Decode(&extra); {
	case err == nil:
		d.errorf(&extra, "", "a second YAML document (after ---): a rubric file holds one")
		return nil
	case !errors.Is(err, io.EOF):
		d.yamlError(err)
		return nil
	}
	if len(doc.Content) == 0 {
		d.errorf(nil, "", "empty file: a rubric starts with \"optgrade: %d\"", RubricVersion)
		return nil
	}
	return doc.Content[0]
}

// yamlError records a YAML syntax error at the line yaml.v3 names.
func (d *rubricDecoder) yamlError(err error) {
	msg := err.Error()
	if m := rubricYAMLErrLine.FindStringSubmatch(msg); m != nil {
		line, _ := strconv.Atoi(m[1])
		d.errs = append(d.errs, RubricError{File: d.file, Line: line, Msg: "YAML syntax: " + m[2]})
		return
	}
	d.errs = append(d.errs, RubricError{File: d.file, Msg: "YAML syntax: " + strings.TrimPrefix(msg, "yaml: ")})
}

// rubricMap is a decoded YAML mapping: its node and, by key, the key and value nodes.
type rubricMap struct {
	node *yaml.Node
	keys map[string]*yaml.Node
	vals map[string]*yaml.Node
	// order lists the keys in the order they appear (merged keys last).
	order []string
}

// has reports whether key is present.
func (m *rubricMap) has(key string) bool {
	if m == nil {
		return false
	}
	_, ok := m.vals[key]
	return ok
}

// at returns the value node of key, else the mapping's own node (the best position for a
// missing key), else nil.
func (m *rubricMap) at(key string) *yaml.Node {
	if m == nil {
		return nil
	}
	if v, ok := m.vals[key]; ok {
		return v
	}
	return m.node
}

// keyAt returns the key node of key, else the mapping's own node.
func (m *rubricMap) keyAt(key string) *yaml.Node {
	if m == nil {
		return nil
	}
	if k, ok := m.keys[key]; ok {
		return k
	}
	return m.node
}

// rubricResolve follows aliases (*name) to the node they stand for.
func rubricResolve(n *yaml.Node) *yaml.Node {
	for i := 0; n != nil && n.Kind == yaml.AliasNode && n.Alias != nil && i < 100; i++ {
		n = n.Alias
	}
	return n
}

// rubricDescribe says what a node is, for "want X, got Y" messages.
func rubricDescribe(n *yaml.Node) string {
	n = rubricResolve(n)
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		switch n.ShortTag() {
		case "!!str":
			return strconv.Quote(n.Value)
		case "!!null":
			return "an empty value"
		case "!!bool":
			return n.Value
		case "!!int", "!!float":
			return "the number " + n.Value
		case "!!timestamp":
			return "the time " + n.Value
		}
		return strconv.Quote(n.Value)
	}
	return "nothing"
}

// mapping decodes n as a mapping whose keys must be among allowed (any key when allowed is
// nil). Duplicate keys, non-string keys and unknown keys are recorded; merge keys (<<: *x)
// are honoured. The result is never nil; its maps are empty when n is not a mapping.
func (d *rubricDecoder) mapping(n *yaml.Node, ctx, path string, allowed []string) *rubricMap {
	n = rubricResolve(n)
	m := &rubricMap{node: n, keys: map[string]*yaml.Node{}, vals: map[string]*yaml.Node{}}
	if n.Kind != yaml.MappingNode {
		what := "a mapping (key: value)"
		if path == "" && ctx == "" {
			what = "a mapping (key: value lines) starting with \"optgrade: 1\""
		}
		d.errorf(n, rubricPrefix(ctx, path), "want %s, got %s", what, rubricDescribe(n))
		return m
	}
	prefix := rubricPrefix(ctx, path)
	var merges []*yaml.Node
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if k.Kind == yaml.ScalarNode && k.ShortTag() == "!!merge" {
			merges = append(merges, v)
			continue
		}
		d.mappingPair(m, k, v, prefix, allowed, false)
	}
	// Merged mappings (<<: *x or <<: [*x, *y]) give the keys not set explicitly.
	for _, v := range merges {
		v = rubricResolve(v)
		srcs := []*yaml.Node{v}
		if v.Kind == yaml.SequenceNode {
			srcs = v.Content
		}
		for _, s := range srcs {
			s = rubricResolve(s)
			if s.Kind != yaml.MappingNode {
				d.errorf(s, prefix, "<<: want a mapping to merge, got %s", rubricDescribe(s))
				continue
			}
			for i := 0; i+1 < len(s.Content); i += 2 {
				d.mappingPair(m, s.Content[i], s.Content[i+1], prefix, allowed, true)
			}
		}
	}
	return m
}

func (d *rubricDecoder) mappingPair(m *rubricMap, k, v *yaml.Node, prefix string, allowed []string, merged bool) {
	k = rubricResolve(k)
	if k.Kind != yaml.ScalarNode || k.ShortTag() == "!!null" {
		d.errorf(k, prefix, "want a key name, got %s", rubricDescribe(k))
		return
	}
	name := k.Value
	if prev, dup := m.keys[name]; dup {
		if !merged {
			d.errorf(k, prefix, "duplicate key %q (first at line %d)", name, prev.Line)
		}
		return
	}
	if allowed != nil && !rubricContains(allowed, name) {
		d.errorf(k, prefix, "unknown key %q%s", name, rubricSuggestKeys(name, allowed))
		return
	}
	m.keys[name], m.vals[name] = k, v
	m.order = append(m.order, name)
}

func rubricContains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// rubricSuggestKeys returns ` (did you mean "x"?)` when one of keys is close to name, else
// ` (valid keys: a, b, c)`.
func rubricSuggestKeys(name string, keys []string) string {
	if s := rubricSuggest(name, keys); s != "" {
		return s
	}
	return " (valid keys: " + strings.Join(keys, ", ") + ")"
}

// rubricSuggest returns ` (did you mean "x"?)` for the candidate closest to name, or "" when
// none is close: within an edit distance of about a third of the name's length, ignoring
// case and the difference between -, _ and space, or a prefix of it (adam → adam_step).
func rubricSuggest(name string, candidates []string) string {
	norm := func(s string) string {
		return strings.NewReplacer("-", "_", " ", "_").Replace(strings.ToLower(s))
	}
	n := norm(name)
	best, bestDist := "", math.MaxInt
	for _, c := range candidates {
		cn := norm(c)
		dist := rubricEditDistance(n, cn)
		limit := max(1, (len(n)+2)/3)
		if dist > limit && !(len(n) >= 3 && (strings.HasPrefix(cn, n) || strings.HasPrefix(n, cn))) {
			continue
		}
		if dist < bestDist {
			best, bestDist = c, dist
		}
	}
	if best == "" || best == name {
		return ""
	}
	return fmt.Sprintf(" (did you mean %q?)", best)
}

// rubricEditDistance is the Levenshtein distance between a and b, in bytes.
func rubricEditDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// str decodes a scalar as a string; numbers and booleans are taken as written.
func (d *rubricDecoder) str(n *yaml.Node, prefix string) (string, bool) {
	n = rubricResolve(n)
	if n.Kind != yaml.ScalarNode || n.ShortTag() == "!!null" {
		d.errorf(n, prefix, "want a string, got %s", rubricDescribe(n))
		return "", false
	}
	return n.Value, true
}

// num decodes a finite number.
func (d *rubricDecoder) num(n *yaml.Node, prefix string) (float64, bool) {
	n = rubricResolve(n)
	if n.Kind != yaml.ScalarNode || (n.ShortTag() != "!!int" && n.ShortTag() != "!!float") {
		d.errorf(n, prefix, "want a number, got %s", rubricDescribe(n))
		return 0, false
	}
	var f float64
	if err := n.Decode(&f); err != nil {
		d.errorf(n, prefix, "want a number, got %s", rubricDescribe(n))
		return 0, false
	}
	if math.IsNaN(f) || math.IsInf(f, 0) {
		d.errorf(n, prefix, "want a finite number, got %s", n.Value)
		return 0, false
	}
	return f, true
}

// nonNeg decodes a finite number ≥ 0.
func (d *rubricDecoder) nonNeg(n *yaml.Node, prefix string) (float64, bool) {
	f, ok := d.num(n, prefix)
	if ok && f < 0 {
		d.errorf(rubricResolve(n), prefix, "must not be negative, got %g", f)
		return 0, false
	}
	return f, ok
}

// integer decodes an integer (5, or an integral 5.0 or 1e3) in [lo, hi].
func (d *rubricDecoder) integer(n *yaml.Node, prefix string, lo, hi int64) (int64, bool) {
	n = rubricResolve(n)
	f, ok := 0.0, false
	if n.Kind == yaml.ScalarNode && n.ShortTag() == "!!int" {
		var i int64
		if err := n.Decode(&i); err == nil {
			f, ok = float64(i), true
			if i < lo || i > hi {
				d.errorf(n, prefix, "%s", rubricRangeMsg(n.Value, i < lo, lo, hi))
				return 0, false
			}
			return i, true
		}
	} else if n.Kind == yaml.ScalarNode && n.ShortTag() == "!!float" {
		ok = n.Decode(&f) == nil
	}
	if !ok || f != math.Trunc(f) || math.IsInf(f, 0) {
		d.errorf(n, prefix, "want an integer, got %s", rubricDescribe(n))
		return 0, false
	}
	if f < float64(lo) || f > float64(hi) {
		d.errorf(n, prefix, "%s", rubricRangeMsg(n.Value, f < float64(lo), lo, hi))
		return 0, false
	}
	return int64(f), true
}

// rubricRangeMsg says that v is out of [lo, hi] (below it when below is set); bounds of
// MaxInt32 or more and MinInt64 are left unsaid.
func rubricRangeMsg(v string, below bool, lo, hi int64) string {
	switch {
	case below && hi >= math.MaxInt32 && lo == 0:
		return fmt.Sprintf("must not be negative, got %s", v)
	case below && hi >= math.MaxInt32:
		return fmt.Sprintf("must be at least %d, got %s", lo, v)
	case !below && lo == math.MinInt64:
		return fmt.Sprintf("must be at most %d, got %s", hi, v)
	case !below && hi >= math.MaxInt32:
		return fmt.Sprintf("is too large, got %s", v)
	}
	return fmt.Sprintf("must be from %d to %d, got %s", lo, hi, v)
}

// boolean decodes true or false.
func (d *rubricDecoder) boolean(n *yaml.Node, prefix string) (bool, bool) {
	n = rubricResolve(n)
	var b bool
	if n.Kind != yaml.ScalarNode || n.ShortTag() != "!!bool" || n.Decode(&b) != nil {
		d.errorf(n, prefix, "want true or false, got %s", rubricDescribe(n))
		return false, false
	}
	return b, true
}

// oneOf decodes a string that must be one of choices.
func (d *rubricDecoder) oneOf(n *yaml.Node, prefix string, choices []string) (string, bool) {
	s, ok := d.str(n, prefix)
	if !ok {
		return "", false
	}
	if !rubricContains(choices, s) {
		d.errorf(rubricResolve(n), prefix, "%q is not one of %s%s", s, strings.Join(choices, ", "), rubricSuggest(s, choices))
		return "", false
	}
	return s, true
}

// seq decodes a list and returns its items.
func (d *rubricDecoder) seq(n *yaml.Node, prefix string) ([]*yaml.Node, bool) {
	n = rubricResolve(n)
	if n.Kind != yaml.SequenceNode {
		d.errorf(n, prefix, "want a list, got %s", rubricDescribe(n))
		return nil, false
	}
	return n.Content, true
}

// duration decodes a Go duration ("15m", "2h", "1h30m", "36h").
func (d *rubricDecoder) duration(n *yaml.Node, prefix string) (Duration, bool) {
	n = rubricResolve(n)
	if n.Kind != yaml.ScalarNode || n.ShortTag() == "!!null" {
		d.errorf(n, prefix, "want a duration like \"15m\", \"2h\" or \"1h30m\", got %s", rubricDescribe(n))
		return Duration{}, false
	}
	v, err := time.ParseDuration(n.Value)
	if err != nil {
		d.errorf(n, prefix, "%q is not a duration: write it like \"15m\", \"2h\", \"1h30m\" or \"36h\"", n.Value)
		return Duration{}, false
	}
	return Duration{v}, true
}

// Time layouts of a deadline: with a zone (accepted) and without (ambiguous, refused).
var (
	rubricZonedLayouts = []string{time.RFC3339Nano, "2006-01-02 15:04:05.999999999Z07:00", "2006-01-02 15:04:05.999999999 Z07:00"}
	rubricLocalLayouts = []string{"2006-01-02T15:04:05.999999999", "2006-01-02 15:04:05.999999999", "2006-01-02T15:04", "2006-01-02 15:04", "2006-01-02"}
)

// deadline decodes an RFC 3339 time with a zone.
func (d *rubricDecoder) deadline(n *yaml.Node, prefix string) (*time.Time, bool) {
	n = rubricResolve(n)
	if n.Kind != yaml.ScalarNode || n.ShortTag() == "!!null" {
		d.errorf(n, prefix, "want an RFC 3339 time like 2026-12-02T15:30:00+01:00, got %s", rubricDescribe(n))
		return nil, false
	}
	for _, layout := range rubricZonedLayouts {
		if t, err := time.Parse(layout, n.Value); err == nil {
			return &t, true
		}
	}
	for _, layout := range rubricLocalLayouts {
		if _, err := time.Parse(layout, n.Value); err == nil {
			d.errorf(n, prefix, "%q has no time zone, so it is ambiguous: add an offset, like 2026-12-02T15:30:00+01:00 (or Z for UTC)", n.Value)
			return nil, false
		}
	}
	d.errorf(n, prefix, "%q is not an RFC 3339 time: write it like 2026-12-02T15:30:00+01:00", n.Value)
	return nil, false
}

// tolerance decodes a {atol, rtol} mapping; both must be finite and ≥ 0.
func (d *rubricDecoder) tolerance(n *yaml.Node, ctx string) Tolerance {
	var tol Tolerance
	if rn := rubricResolve(n); rn.Kind != yaml.MappingNode {
		d.errorf(rn, rubricPrefix(ctx, "tolerance"), "want a mapping like {atol: 1e-9, rtol: 1e-6}, got %s", rubricDescribe(rn))
		return tol
	}
	m := d.mapping(n, ctx, "tolerance", rubricTolKeys)
	for _, key := range rubricTolKeys {
		if !m.has(key) {
			continue
		}
		if f, ok := d.nonNeg(m.vals[key], rubricPrefix(ctx, "tolerance."+key)); ok {
			if key == "atol" {
				tol.Atol = &f
			} else {
				tol.Rtol = &f
			}
		}
	}
	return tol
}

// args decodes a mapping of arguments into JSON-shaped values (see argValue).
func (d *rubricDecoder) args(n *yaml.Node, ctx, path string) (*rubricMap, reference.Args, bool) {
	m := d.mapping(n, ctx, path, nil)
	if m.node.Kind != yaml.MappingNode {
		return m, nil, false
	}
	a := reference.Args{}
	ok := true
	for _, name := range m.order {
		v, vok := d.argValue(m.vals[name], rubricPrefix(ctx, rubricPath(path, name)))
		ok = ok && vok
		a[name] = v
	}
	return m, a, ok
}

// argValue decodes a YAML value into what encoding/json would decode the same JSON into:
// float64 for every number, string, bool, []any, map[string]any. Empty values and
// non-finite numbers are refused (requests never contain them).
func (d *rubricDecoder) argValue(n *yaml.Node, prefix string) (any, bool) {
	n = rubricResolve(n)
	switch n.Kind {
	case yaml.ScalarNode:
		switch n.ShortTag() {
		case "!!int", "!!float":
			return d.num(n, prefix)
		case "!!bool":
			return d.boolean(n, prefix)
		case "!!null":
			d.errorf(n, prefix, "empty value: give a value, or leave the argument out")
			return nil, false
		}
		return n.Value, true
	case yaml.SequenceNode:
		out := make([]any, len(n.Content))
		ok := true
		for i, e := range n.Content {
			v, eok := d.argValue(e, fmt.Sprintf("%s[%d]", prefix, i))
			out[i], ok = v, ok && eok
		}
		return out, ok
	case yaml.MappingNode:
		m := d.mapping(n, prefix, "", nil)
		out := make(map[string]any, len(m.order))
		ok := true
		for _, name := range m.order {
			v, vok := d.argValue(m.vals[name], prefix+"."+name)
			out[name], ok = v, ok && vok
		}
		return out, ok
	}
	d.errorf(n, prefix, "want a value, got %s", rubricDescribe(n))
	return nil, false
}

// rubricSrc remembers where each part of a decoded rubric came from, for the catalog
// checks of rubric_validate.go. Its slices are parallel to the rubric's.
type rubricSrc struct {
	m     *rubricMap
	tasks []*rubricTaskSrc
}

type rubricTaskSrc struct {
	ctx            string // `task "adam"`
	m              *rubricMap
	misconceptions []*yaml.Node
	checks         []*rubricCheckSrc
}

type rubricCheckSrc struct {
	ctx     string // `task "adam", check "value #2"`
	m       *rubricMap
	kindOK  bool // Kind is a known kind and the keys fit it
	stepsOK bool
	cases   []*rubricCaseSrc
	start   *rubricMap // nil when absent
	startOK bool
}

type rubricCaseSrc struct {
	ctx  string // `task "adam", check "value #2", case 1`
	m    *rubricMap
	args *rubricMap
	ok   bool // the arguments decoded without problems
}

// rubric decodes the top-level mapping.
func (d *rubricDecoder) rubric(root *yaml.Node) (*Rubric, *rubricSrc) {
	r := &Rubric{File: d.file}
	m := d.mapping(root, "", "", rubricKeys)
	src := &rubricSrc{m: m}
	if m.node.Kind != yaml.MappingNode {
		return r, src
	}

	if !m.has("optgrade") {
		d.errorf(m.node, "", "missing \"optgrade: %d\" (the rubric format version)", RubricVersion)
	} else if v, ok := d.integer(m.vals["optgrade"], "optgrade", math.MinInt64, math.MaxInt64); ok {
		r.Version = int(v)
		if v != RubricVersion {
			d.errorf(rubricResolve(m.vals["optgrade"]), "optgrade", "version %d is not supported: this grader reads version %d", v, RubricVersion)
		}
	}

	if !m.has("assignment") {
		d.errorf(m.node, "", "missing \"assignment\" (the assignment's id, like opt-a1)")
	} else if s, ok := d.str(m.vals["assignment"], "assignment"); ok {
		r.Assignment = s
		if !rubricIDPattern.MatchString(s) {
			d.errorf(rubricResolve(m.vals["assignment"]), "assignment", "id %q: use only lower-case letters, digits, - and _", s)
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

	if !m.has("tasks") {
		d.errorf(m.node, "", "missing \"tasks\" (the list of tasks)")
		return r, src
	}
	items, ok := d.seq(m.vals["tasks"], "tasks")
	if !ok {
		return r, src
	}
	if len(items) == 0 {
		d.errorf(rubricResolve(m.vals["tasks"]), "tasks", "no tasks: a rubric needs at least one")
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
	if pointsOK && sumOK && len(items) > 0 && !rubricSame(r.Points, sum) {
		d.errorf(rubricResolve(m.vals["points"]), "points", "%g, but the tasks' points add up to %g", r.Points, sum)
	}
	return r, src
}

// rubricSame compares point totals.
func rubricSame(a, b float64) bool {
	return math.Abs(a-b) <= 1e-9*math.Max(1, math.Max(math.Abs(a), math.Abs(b)))
}

// late decodes the late policy.
func (d *rubricDecoder) late(n *yaml.Node) LatePolicy {
	var p LatePolicy
	m := d.mapping(n, "", "late", rubricLateKey)
	if m.has("grace") {
		if g, ok := d.duration(m.vals["grace"], "late.grace"); ok {
			if g.Duration < 0 {
				d.errorf(rubricResolve(m.vals["grace"]), "late.grace", "must not be negative, got %s", g.Duration)
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
			d.errorf(rubricResolve(m.vals[key]), "late."+key, "%g is not a percentage: want 0 to 100", f)
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
func (d *rubricDecoder) task(n *yaml.Node, i int) (Task, *rubricTaskSrc, bool) {
	var t Task
	ctx := fmt.Sprintf("task #%d", i+1)
	n = rubricResolve(n)
	t.Line = n.Line
	// The id names the task in every message, so read it before the rest.
	if id := rubricPeek(n, "id"); id != "" {
		ctx = fmt.Sprintf("task %q", id)
	}
	m := d.mapping(n, ctx, "", rubricTaskKey)
	ts := &rubricTaskSrc{ctx: ctx, m: m}
	if m.node.Kind != yaml.MappingNode {
		return t, ts, false
	}

	if !m.has("id") {
		d.errorf(m.node, ctx, "missing \"id\" (a short name like adam)")
	} else if s, ok := d.str(m.vals["id"], rubricPrefix(ctx, "id")); ok {
		t.ID = s
		if !rubricIDPattern.MatchString(s) {
			d.errorf(rubricResolve(m.vals["id"]), ctx, "id %q: use only lower-case letters, digits, - and _", s)
		}
	}
	if m.has("title") {
		t.Title, _ = d.str(m.vals["title"], rubricPrefix(ctx, "title"))
	}
	if !m.has("function") {
		d.errorf(m.node, ctx, "missing \"function\" (the catalog function the task grades)")
	} else if s, ok := d.str(m.vals["function"], rubricPrefix(ctx, "function")); ok {
		t.Function = s
	}
	pointsOK := false
	if !m.has("points") {
		d.errorf(m.node, ctx, "missing \"points\" (the task's total, the sum of its checks' points)")
	} else {
		t.Points, pointsOK = d.nonNeg(m.vals["points"], rubricPrefix(ctx, "points"))
	}
	if m.has("tolerance") {
		t.Tolerance = d.tolerance(m.vals["tolerance"], ctx)
	}
	if m.has("misconceptions") {
		if items, ok := d.seq(m.vals["misconceptions"], rubricPrefix(ctx, "misconceptions")); ok {
			for j, item := range items {
				s, ok := d.str(item, rubricPrefix(ctx, fmt.Sprintf("misconceptions[%d]", j)))
				if !ok {
					continue
				}
				if rubricContains(t.Misconceptions, s) {
					d.errorf(rubricResolve(item), ctx, "misconception %q listed twice", s)
					continue
				}
				t.Misconceptions = append(t.Misconceptions, s)
				ts.misconceptions = append(ts.misconceptions, rubricResolve(item))
			}
		}
	}

	if !m.has("checks") {
		d.errorf(m.node, ctx, "missing \"checks\" (the list of the task's checks)")
		return t, ts, pointsOK
	}
	items, ok := d.seq(m.vals["checks"], rubricPrefix(ctx, "checks"))
	if !ok {
		return t, ts, pointsOK
	}
	if len(items) == 0 {
		d.errorf(rubricResolve(m.vals["checks"]), ctx, "no checks: a task needs at least one")
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
	if pointsOK && sumOK && len(items) > 0 && !rubricSame(t.Points, sum) {
		d.errorf(rubricResolve(m.vals["points"]), ctx, "points: %g, but its checks' points add up to %g", t.Points, sum)
	}
	return t, ts, pointsOK && sumOK
}

// check decodes checks[j] of the task in ctx; ok reports whether its points decoded.
func (d *rubricDecoder) check(n *yaml.Node, taskCtx string, j int) (Check, *rubricCheckSrc, bool) {
	var c Check
	n = rubricResolve(n)
	c.Line = n.Line

	// The name (given, else the default) is the context of every message.
	c.Kind = rubricPeek(n, "kind")
	defaultName := fmt.Sprintf("check #%d", j+1)
	if rubricKindKeys(c.Kind) != nil {
		defaultName = fmt.Sprintf("%s #%d", c.Kind, j+1)
	}
	c.Name = defaultName
	if name := rubricPeek(n, "name"); name != "" {
		c.Name = name
	}
	ctx := fmt.Sprintf("%s, check %q", taskCtx, c.Name)
	m := d.mapping(n, ctx, "", rubricCheckKe)
	cs := &rubricCheckSrc{m: m, ctx: ctx}
	if m.node.Kind != yaml.MappingNode {
		return c, cs, false
	}
	if m.has("name") {
		if s, ok := d.str(m.vals["name"], rubricPrefix(ctx, "name")); ok && s == "" {
			d.errorf(rubricResolve(m.vals["name"]), ctx, "name: empty; leave it out for the default %q", defaultName)
		}
	}

	kindKeys := rubricKindKeys(c.Kind)
	switch {
	case !m.has("kind"):
		d.errorf(m.node, ctx, "missing \"kind\" (one of %s)", strings.Join(rubricKindNames(), ", "))
	case kindKeys == nil && rubricResolve(m.vals["kind"]).Kind == yaml.ScalarNode:
		d.errorf(rubricResolve(m.vals["kind"]), ctx, "kind: %q is not one of %s%s", c.Kind, strings.Join(rubricKindNames(), ", "), rubricSuggest(c.Kind, rubricKindNames()))
		c.Kind = ""
	case kindKeys == nil:
		d.errorf(rubricResolve(m.vals["kind"]), ctx, "kind: want one of %s, got %s", strings.Join(rubricKindNames(), ", "), rubricDescribe(m.vals["kind"]))
		c.Kind = ""
	default:
		cs.kindOK = true
		// Keys that only some kinds take.
		for _, key := range m.order {
			if rubricContains([]string{"name", "kind", "points", "visibility", "scoring", "tolerance"}, key) || rubricContains(kindKeys, key) {
				continue
			}
			var fits []string
			for _, k := range checkKinds {
				if rubricContains(k.Keys, key) {
					fits = append(fits, k.Name)
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
		c.Points, pointsOK = d.nonNeg(m.vals["points"], rubricPrefix(ctx, "points"))
	}
	c.Visibility, c.Scoring = Visible, AllOrNothing
	if m.has("visibility") {
		if s, ok := d.oneOf(m.vals["visibility"], rubricPrefix(ctx, "visibility"), rubricVisibilities); ok {
			c.Visibility = s
		}
	}
	if m.has("scoring") {
		if s, ok := d.oneOf(m.vals["scoring"], rubricPrefix(ctx, "scoring"), rubricScorings); ok {
			c.Scoring = s
		}
	}
	if m.has("tolerance") {
		c.Tolerance = d.tolerance(m.vals["tolerance"], ctx)
	}

	if m.has("cases") {
		if items, ok := d.seq(m.vals["cases"], rubricPrefix(ctx, "cases")); ok {
			for k, item := range items {
				cc, ccs := d.caseOf(item, ctx, k)
				c.Cases = append(c.Cases, cc)
				cs.cases = append(cs.cases, ccs)
			}
		}
	}
	if m.has("generate") {
		gm := d.mapping(m.vals["generate"], ctx, "generate", rubricGenKeys)
		g := &Generate{Count: rubricDefaultGenCount}
		if c.Kind == KindTrajectory {
			g.Count = 0
			if gm.has("count") {
				d.errorf(gm.keys["count"], ctx, "generate.count does not apply to a trajectory check: steps sets its length")
			}
		} else if gm.has("count") {
			// The reference takes a count of 0 to mean its default, so 0 is refused.
			if v, ok := d.integer(gm.vals["count"], rubricPrefix(ctx, "generate.count"), 1, math.MaxInt32); ok {
				g.Count = int(v)
			}
		}
		if gm.has("seed") {
			g.Seed, _ = d.integer(gm.vals["seed"], rubricPrefix(ctx, "generate.seed"), math.MinInt64, math.MaxInt64)
		}
		if gm.has("dim") && c.Kind == KindClassification {
			d.errorf(gm.keys["dim"], ctx, "generate.dim does not apply to a classification check: the reference's curves have their own dimension")
		} else if gm.has("dim") {
			if v, ok := d.integer(gm.vals["dim"], rubricPrefix(ctx, "generate.dim"), 0, math.MaxInt32); ok {
				g.Dim = int(v)
			}
		}
		c.Generate = g
	}

	switch c.Kind {
	case KindValue, KindGradient, KindConvergence:
		if len(c.Cases) == 0 && c.Generate == nil && !m.has("cases") {
			d.errorf(m.node, ctx, "a %s check needs cases or generate (or both)", c.Kind)
		} else if m.has("cases") && len(c.Cases) == 0 && c.Generate == nil {
			d.errorf(rubricResolve(m.vals["cases"]), ctx, "cases: empty list, and no generate")
		}
	case KindTrajectory:
		c.Mode = TeacherForced
		if m.has("mode") {
			if s, ok := d.oneOf(m.vals["mode"], rubricPrefix(ctx, "mode"), rubricModes); ok {
				c.Mode = s
			}
		}
		if !m.has("steps") {
			d.errorf(m.node, ctx, "missing \"steps\" (how many steps to drive, 1 to %d)", rubricMaxSteps)
		} else if v, ok := d.integer(m.vals["steps"], rubricPrefix(ctx, "steps"), 1, rubricMaxSteps); ok {
			c.Steps = int(v)
			cs.stepsOK = true
		}
		if m.has("start") {
			cs.start, c.Start, cs.startOK = d.args(m.vals["start"], ctx, "start")
		}
		if c.Generate == nil {
			c.Generate = &Generate{}
		}
	case KindClassification:
		if m.has("with_w") {
			c.WithW, _ = d.boolean(m.vals["with_w"], rubricPrefix(ctx, "with_w"))
		}
		if c.Generate == nil {
			c.Generate = &Generate{Count: rubricDefaultGenCount}
		}
	}
	return c, cs, pointsOK
}

// caseOf decodes cases[k] of the check in ctx.
func (d *rubricDecoder) caseOf(n *yaml.Node, checkCtx string, k int) (Case, *rubricCaseSrc) {
	var c Case
	ctx := fmt.Sprintf("%s, case %d", checkCtx, k+1)
	m := d.mapping(n, ctx, "", rubricCaseKey)
	cs := &rubricCaseSrc{ctx: ctx, m: m}
	if m.node.Kind != yaml.MappingNode {
		return c, cs
	}
	if !m.has("args") {
		d.errorf(m.node, ctx, "missing \"args\" (the call's arguments, by name)")
	} else {
		cs.args, c.Args, cs.ok = d.args(m.vals["args"], ctx, "args")
	}
	if m.has("note") {
		c.Note, _ = d.str(m.vals["note"], rubricPrefix(ctx, "note"))
	}
	return c, cs
}

// rubricPeek returns the value of key in mapping n when it is a non-empty scalar, else "";
// it records nothing (the id of a task and the name of a check are read first, to name them
// in the messages about the rest).
func rubricPeek(n *yaml.Node, key string) string {
	return rubricPeekDepth(n, key, 0)
}

func rubricPeekDepth(n *yaml.Node, key string, depth int) string {
	n = rubricResolve(n)
	if n == nil || n.Kind != yaml.MappingNode || depth > 10 {
		return ""
	}
	var merges []*yaml.Node
	for j := 0; j+1 < len(n.Content); j += 2 {
		k := n.Content[j]
		if k.Kind == yaml.ScalarNode && k.ShortTag() == "!!merge" {
			merges = append(merges, n.Content[j+1])
			continue
		}
		if k.Kind == yaml.ScalarNode && k.Value == key {
			if v := rubricResolve(n.Content[j+1]); v.Kind == yaml.ScalarNode && v.ShortTag() != "!!null" {
				return v.Value
			}
			return ""
		}
	}
	for _, m := range merges {
		m = rubricResolve(m)
		srcs := []*yaml.Node{m}
		if m.Kind == yaml.SequenceNode {
			srcs = m.Content
		}
		for _, src := range srcs {
			if v := rubricPeekDepth(src, key, depth+1); v != "" {
				return v
			}
		}
	}
	return ""
}

// rubricKindKeys returns the kind-specific keys of kind, nil for an unknown kind.
func rubricKindKeys(kind string) []string {
	if k, ok := lookupKind(kind); ok {
		return k.Keys
	}
	return nil
}

func rubricKindNames() []string {
	names := make([]string, len(checkKinds))
	for i, k := range checkKinds {
		names[i] = k.Name
	}
	return names
}
