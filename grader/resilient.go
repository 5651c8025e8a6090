package grader

import (
	"context"
	"errors"
	"fmt"

	"github.com/optgrade/optgrade/grader/runner"
)

// Faults a task may cost before its remaining calls are given up: a hang costs a whole
// call timeout each, a crash only a restart.
const (
	maxHangs   = 3
	maxCrashes = 20
)

// resilientConn makes a hang or a crash cost only the call it happened in. The runner gives
// every call after a faulted one in the same batch that fault, unanswered, and restarts the
// submission on the next Do; resilientConn sends those calls again, until the task has
// had maxHangs hangs or maxCrashes crashes — then the rest get a fault saying so.
type resilientConn struct {
	Conn
	hangs, crashes int
	gaveUp         error
}

// Do sends calls and re-sends those a fault cut short.
func (c *resilientConn) Do(ctx context.Context, calls []Call) []Reply {
	if c.gaveUp != nil {
		replies := make([]Reply, len(calls))
		for i := range replies {
			replies[i].Fault = c.gaveUp
		}
		return replies
	}
	return c.mend(ctx, calls, c.Conn.Do(ctx, calls))
}

// mend takes the replies the submission gave to calls and sends again those a fault cut
// short, as Do does.
func (c *resilientConn) mend(ctx context.Context, calls []Call, replies []Reply) []Reply {
	for i := 0; i < len(replies); i++ {
		f := replies[i].Fault
		if f == nil {
			continue
		}
		var pf *runner.ProcessFault
		if !errors.As(f, &pf) {
			continue
		}
		switch pf.Kind {
		case runner.FaultTimeout:
			c.hangs++
		case runner.FaultExit, runner.FaultGarbage:
			c.crashes++
		default: // it would not start, or grading was canceled: the rest keep the fault
			return replies
		}
		if i+1 == len(replies) || replies[i+1].Fault != f {
			continue // the fault was this call's alone
		}
		if c.hangs >= maxHangs || c.crashes >= maxCrashes {
			c.gaveUp = fmt.Errorf("not run: the submission hung %d and crashed %d times in this task; the last time: %s", c.hangs, c.crashes, firstLineOf(pf.Msg))
			for j := i + 1; j < len(replies); j++ {
				replies[j].Fault = c.gaveUp
			}
			return replies
		}
		copy(replies[i+1:], c.Conn.Do(ctx, calls[i+1:]))
	}
	return replies
}

func firstLineOf(s string) string {
	for i := range len(s) {
		if s[i] == '\n' {
			return s[:i]
		}
	}
	return s
}
