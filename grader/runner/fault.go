package runner

import (
	"encoding/json"
	"fmt"
	"strings"
)

// FaultKind says what went wrong with a call that got no usable response.
type FaultKind string

// The kinds of ProcessFault.
const (
	FaultStart    FaultKind = "start"    // the process did not start, or its hello was wrong
	FaultTimeout  FaultKind = "timeout"  // no response within the timeout
	FaultExit     FaultKind = "exit"     // the process exited (crashed) or closed its stdout
	FaultGarbage  FaultKind = "garbage"  // a response with the wrong id, or a line over LineCap
	FaultCanceled FaultKind = "canceled" // the context ended
	FaultRequest  FaultKind = "request"  // the call could not be encoded (a grader bug); nothing was sent
	FaultClosed   FaultKind = "closed"   // Do after Close
	FaultBudget   FaultKind = "budget"   // the submission spent its time or byte budget: nothing more runs
)

// ProcessFault is the Reply.Fault of a call that got no usable response, and the error of
// a start that failed. After every kind but FaultRequest the process was killed.
type ProcessFault struct {
	Kind   FaultKind
	Fn     string // the function the grader was waiting for
	Msg    string // what happened, in one sentence: "timed out after 10s waiting for adam_step (the process was killed)"
	Stderr string // the last lines of the process's stderr, if any
}

// Error returns Msg, followed by the stderr tail for a crash or a failed start.
func (f *ProcessFault) Error() string {
	if f.Stderr != "" && (f.Kind == FaultExit || f.Kind == FaultStart) {
		return f.Msg + ": " + f.Stderr
	}
	return f.Msg
}

func faultAll(replies []Reply, idx []int, f *ProcessFault) []Reply {
	if idx == nil {
		for i := range replies {
			replies[i].Fault = f
		}
		return replies
	}
	for _, i := range idx {
		replies[i].Fault = f
	}
	return replies
}

// showValue shows a decoded JSON value, shortened, for a message.
func showValue(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return clip(string(b), 80)
}

func argvString(argv []string) string {
	return strings.Join(argv, " ")
}

func byteSize(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}
