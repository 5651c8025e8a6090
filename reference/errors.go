package reference

import (
	"errors"
	"fmt"
)

// ErrUnknownFunc is returned (wrapped) by Call and Generate for a name that is not in the
// catalog.
var ErrUnknownFunc = errors.New("unknown function")

// ArgError reports a bad argument of a catalog call: which function, which argument, what
// is wrong. Call, NewProblem, NewOptimizer, NewSchedule and every variant return one
// (possibly wrapped) for an argument they reject, so that a caller can point at the
// argument with errors.As instead of reading the message:
//
//	train: optimizer: argument "beta": want a number in [0, 1], got 1.5
type ArgError struct {
	Fn     string // the catalog function called, "" where not known
	Object string // the object argument holding Arg ("problem", "optimizer", "schedule"), or ""
	Arg    string // the argument as named in the call: "lam", "kind", "batches[3]", "X[2]"
	Err    error  // what is wrong with it: "want a probability strictly between 0 and 1, got 1.5"
}

func (e *ArgError) Error() string {
	s := fmt.Sprintf("argument %q: %v", e.Arg, e.Err)
	if e.Object != "" {
		s = e.Object + ": " + s
	}
	if e.Fn != "" {
		s = e.Fn + ": " + s
	}
	return s
}

// Unwrap returns what is wrong with the argument.
func (e *ArgError) Unwrap() error { return e.Err }

// argErrorf returns an *ArgError for argument name with the formatted problem.
func argErrorf(name, format string, v ...any) error {
	return &ArgError{Arg: name, Err: fmt.Errorf(format, v...)}
}

// inObject marks err, an error about an argument of the object argument obj, as such; any
// other error is wrapped as "obj: err".
func inObject(obj string, err error) error {
	var ae *ArgError
	if errors.As(err, &ae) && ae.Object == "" && ae.Fn == "" {
		c := *ae
		c.Object = obj
		return &c
	}
	return fmt.Errorf("%s: %w", obj, err)
}

// inFunc marks err as an error of a call of the catalog function fn: an *ArgError gets its
// Fn, any other error is wrapped as "fn: err".
func inFunc(fn string, err error) error {
	var ae *ArgError
	if errors.As(err, &ae) && ae.Fn == "" {
		if e, ok := err.(*ArgError); ok {
			c := *e
			c.Fn = fn
			return &c
		}
	}
	return fmt.Errorf("%s: %w", fn, err)
}
