package rubric

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"slices"

	"gopkg.in/yaml.v3"
)

// This file decodes a rubric from YAML, strictly, through yaml.Node so that every problem
// has a position: unknown and duplicate keys, values of the wrong type, out-of-range values,
// points that do not add up and fields that do not apply to a check's kind (decode.go, with
// node.go and scalar.go). Checking the rubric against the reference catalog (function names,
// arguments, generators) is in validate.go. Every problem is collected; the caller gets them
// all at once.

// Load reads, decodes and validates the rubric at path (see Parse).
func Load(path string) (*Rubric, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalid, err)
	}
	defer f.Close()
	// Read one byte past the limit, so that Parse reports a file too large without the
	// grader reading all of it.
	data, err := io.ReadAll(io.LimitReader(f, MaxFileSize+1))
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalid, err)
	}
	return Parse(path, data)
}

// Parse decodes and validates a rubric; name is the file name its messages give.
//
// Decoding is strict: an unknown key, a duplicate key, a value of the wrong type, a field
// that does not apply to a check's kind, a function, argument or misconception the
// reference does not know, or arguments the reference rejects is an error. All problems
// are returned together as an ErrorList (which matches ErrInvalid), sorted by position.
//
// The returned rubric has its defaults filled in: every check has a Name ("value #2" when
// none is given: the kind and the check's 1-based position in its task), a Visibility, a
// Scoring, a Mode (trajectory checks), and a Generate with its Count (5 unless given; an
// explicit 0 is refused, as the reference reads 0 as its own default) wherever the check
// generates inputs; trajectory and classification checks always have a Generate. File,
// Task.Line and Check.Line are set.
func Parse(name string, data []byte) (*Rubric, error) {
	d := &decoder{file: name}
	root := d.document(data)
	if root == nil {
		d.errs.Sort()
		return nil, d.errs
	}
	r, src := d.rubric(root)
	sum := sha256.Sum256(data)
	r.SHA256 = hex.EncodeToString(sum[:])
	d.checkCatalog(r, src)
	if len(d.errs) > 0 {
		d.errs.Sort()
		// A mapping merged into several places (<<: *x) reports its problems once.
		return nil, slices.Compact(d.errs)
	}
	return r, nil
}

// The keys of each mapping, in the order Marshal writes them.
var (
	topKeys   = []string{"optgrade", "assignment", "title", "points", "deadline", "late", "tolerance", "precision", "tasks"}
	lateKeys  = []string{"grace", "per_day", "cap"}
	tolKeys   = []string{"atol", "rtol"}
	taskKeys  = []string{"id", "title", "function", "points", "tolerance", "precision", "misconceptions", "checks"}
	checkKeys = []string{"name", "kind", "points", "visibility", "scoring", "tolerance", "cases", "generate", "mode", "steps", "start", "with_w"}
	caseKeys  = []string{"args", "note"}
	genKeys   = []string{"seed", "count", "dim"}
)

var (
	visibilities = []Visibility{Visible, Hidden, AfterDueDate}
	scorings     = []Scoring{AllOrNothing, Proportional}
	modes        = []Mode{TeacherForced, FreeRunning}
)

// validID reports whether s is an id: lower-case letters, digits, - and _, at least one.
// (A loop, not a regular expression: nothing to compile when the grader starts.)
func validID(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; !('a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return s != ""
}

// defaultCount is generate.count when not given.
const defaultCount = 5

// decoder collects the problems of one rubric file.
type decoder struct {
	file string
	errs ErrorList
	// size is count × dim × steps summed over the checks so far (see MaxRubricSize).
	size         int64
	sizeReported bool
}

// errorf records a problem at n (nil: the whole file). prefix says where in the rubric
// (`task "adam", check "random": generate.count`) and may be empty.
func (d *decoder) errorf(n *yaml.Node, prefix, format string, a ...any) {
	msg := fmt.Sprintf(format, a...)
	if prefix != "" {
		msg = prefix + ": " + msg
	}
	e := Error{File: d.file, Msg: msg}
	if n != nil {
		e.Line, e.Col = n.Line, n.Column
	}
	d.errs = append(d.errs, e)
}

// joinCtx joins the context (`task "adam"`) and the key path (`tolerance.atol`) of a
// message.
func joinCtx(ctx, path string) string {
	switch {
	case ctx == "":
		return path
	case path == "":
		return ctx
	}
	return ctx + ": " + path
}

// keyPath appends key to a dotted key path.
func keyPath(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

// document parses data and returns its root node, or nil after recording why not: a file
// over the size limit or not UTF-8, a YAML syntax error, an empty file or a second
// document, or aliases that expand past MaxNodes.
func (d *decoder) document(data []byte) *yaml.Node {
	if !d.checkBytes(data) {
		return nil
	}
	docs, err := parseYAML(data)
	switch {
	case err != nil && len(docs) < 2:
		d.yamlError(data, err)
		return nil
	case len(docs) == 2:
		d.errorf(docs[1], "", "a second YAML document (after ---): a rubric file holds one")
		return nil
	case len(docs) == 0 || len(docs[0].Content) == 0:
		d.errorf(nil, "", "empty file: a rubric starts with \"optgrade: %d\"", Version)
		return nil
	}
	root := docs[0].Content[0]
	if !d.checkExpansion(root) {
		return nil
	}
	return root
}
