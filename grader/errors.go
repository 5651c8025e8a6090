package grader

import (
	"errors"
	"fmt"
	"sort"
	"strings"
)

// This file holds the errors callers branch on. A failing submission is not an error (it is
// a Result); these are the problems that stop grading before it starts.

// ErrRubric is matched (with errors.Is) by every error that comes from a rubric that could
// not be read or is not valid: a RubricErrors list, a RubricError, or a wrapped read
// failure. The command maps it to exit code 2 (usage or rubric error).
var ErrRubric = errors.New("rubric")

// RubricError is one problem of a rubric, at a position of its file. Line and Col are
// 1-based; a zero Line means the problem concerns the whole file, a zero Col the whole line.
type RubricError struct {
	File string
	Line int
	Col  int
	Msg  string // what is wrong and, where it helps, what to write instead
}

// Error returns the problem in the shape of go/scanner: "file:line:col: msg".
func (e RubricError) Error() string {
	switch {
	case e.Line <= 0:
		return fmt.Sprintf("%s: %s", e.File, e.Msg)
	case e.Col <= 0:
		return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg)
	}
	return fmt.Sprintf("%s:%d:%d: %s", e.File, e.Line, e.Col, e.Msg)
}

// Is reports whether target is ErrRubric.
func (e RubricError) Is(target error) bool { return target == ErrRubric }

// RubricErrors is every problem found in one rubric, sorted by position. LoadRubric and
// ParseRubric return all of them at once, so that a TA fixes a rubric in one round.
type RubricErrors []RubricError

// Error returns the problems one per line, in order.
func (l RubricErrors) Error() string {
	var b strings.Builder
	for i, e := range l {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(e.Error())
	}
	return b.String()
}

// Is reports whether target is ErrRubric.
func (l RubricErrors) Is(target error) bool { return target == ErrRubric }

// Unwrap returns the problems as errors, so that errors.As finds a RubricError.
func (l RubricErrors) Unwrap() []error {
	errs := make([]error, len(l))
	for i, e := range l {
		errs[i] = e
	}
	return errs
}

// Sort orders the problems by file, line and column; problems at the same position keep
// the order in which they were found.
func (l RubricErrors) Sort() {
	sort.SliceStable(l, func(i, j int) bool {
		a, b := l[i], l[j]
		if a.File != b.File {
			return a.File < b.File
		}
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		return a.Col < b.Col
	})
}

// Err returns l as an error, or nil when l is empty.
func (l RubricErrors) Err() error {
	if len(l) == 0 {
		return nil
	}
	return l
}
