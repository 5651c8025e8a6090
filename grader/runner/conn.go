package runner

import (
	"context"

	"github.com/optgrade/optgrade/reference"
)

// Call is one request of the wire protocol: a catalog function and its arguments.
type Call struct {
	Fn   string
	Args reference.Args
	// Apart starts a group of calls that a caller sends in the same Do as the calls before
	// it only to save round trips: the group is answered as if a Do of its own began there.
	// An answer the group before it sends again is noted in the output as an extra answer,
	// not a fault of this group's calls, and the output of the group's last call is waited
	// for as a Do's last call's is.
	Apart bool
}

// Reply is what came back for one Call. Exactly one of these holds:
//   - Fault != nil: no usable response (timeout, crash, malformed line, wrong id); the
//     process was killed and is restarted on the next Do.
//   - Err != "": the submission answered with an error string ("NotImplementedError: …").
//   - otherwise Result is the decoded JSON result: float64 (NaN and ±Inf included), string,
//     bool, nil, []any or map[string]any.
type Reply struct {
	Result any
	Err    string
	Fault  error
	// Output is what the submission printed while answering this call, for submissions
	// that mark their calls on stderr (the Python kit does); "" otherwise.
	Output string
}

// NotImplemented reports whether the submission said it did not attempt the function.
func (r Reply) NotImplemented() bool {
	return r.Fault == nil && len(r.Err) >= len("NotImplementedError") && r.Err[:len("NotImplementedError")] == "NotImplementedError"
}

// Conn is a running submission. A Conn is used by one goroutine at a time.
type Conn interface {
	// Functions returns the catalog names the submission said it implements in its hello.
	Functions() []string
	// Do sends the calls (pipelined) and returns one Reply per call, in order. It never
	// returns fewer replies than calls: after a fault the remaining calls get the fault too.
	Do(ctx context.Context, calls []Call) []Reply
	// Output returns what the submission printed outside the protocol (stray stdout
	// lines and stderr), capped.
	Output() string
	// Close ends the submission (closing its stdin, then killing it after a grace period).
	Close() error
}

// InputCloser is a Conn that can be told, before Close, that no more calls will come, so
// that the submission ends while the caller finishes its work (see
// ProcessConn.CloseInput). A Do after CloseInput must still work.
type InputCloser interface {
	Conn
	CloseInput()
}

// Runner starts submissions. The process runner (one OS process per submission, restarted
// after a fault) is one implementation; in-process runners backed by the reference serve
// rubric lint and tests.
type Runner interface {
	Start(ctx context.Context) (Conn, error)
}
