package rubric

import (
	"errors"
	"fmt"
	"sort"
	"strings"
)

// This file holds the errors of a rubric: the problems that stop grading before it starts.

// ErrInvalid is matched (with errors.Is) by every error that comes from a rubric that could
// not be read or is not valid: an ErrorList, an Error, or a wrapped read failure. The
// command maps it to exit code 2 (usage or rubric error).
var ErrInvalid = errors.New("rubric")

// Error is one problem of a rubric, at a position of its file. Line and Col are
// 1-based; a zero Line means the problem concerns the whole file, a zero Col the whole line.
type Error struct {
	File string
	Line int
	Col  int
	Msg  string // what is wrong and, where it helps, what to write instead
}

// Error returns the problem in the shape of go/scanner: "file:line:col: msg".
func (e Error) Error() string {
	switch {
	case e.Line <= 0:
		return fmt.Sprintf("%s: %s", e.File, e.Msg)
	case e.Col <= 0:
		return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg)
	}
	return fmt.Sprintf("%s:%d:%d: %s", e.File, e.Line, e.Col, e.Msg)
}

// Is reports whether target is ErrInvalid.
func (e Error) Is(target error) bool { return target == ErrInvalid }

// ErrorList is every problem found in one rubric, sorted by position. Load and
// Parse return all of them at once, so that a TA fixes a rubric in one round.
type ErrorList []Error

// Error returns the problems one per line, in order.
func (l ErrorList) Error() string {
	var b strings.Builder
	for i, e := range l {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(e.Error())
	}
	return b.String()
}

// Is reports whether target is ErrInvalid.
func (l ErrorList) Is(target error) bool { return target == ErrInvalid }

// Unwrap returns the problems as errors, so that errors.As finds a Error.
func (l ErrorList) Unwrap() []error {
	errs := make([]error, len(l))
	for i, e := range l {
		errs[i] = e
	}
	return errs
}

// Sort orders the problems by file, line and column; problems at the same position keep
// the order in which they were found.
func (l ErrorList) Sort() {
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
func (l ErrorList) Err() error {
	if len(l) == 0 {
		return nil
	}
	return l
}
