package grader

import (
	"context"
	"errors"

	"github.com/optgrade/optgrade/grader/runner"
)

// A pipeline sends a submission's calls in as few exchanges as it can without changing
// which calls are sent or in which order. Every check begins with calls that do not depend
// on any answer (its lead: a value check's cases, a teacher-forced trajectory, the first step
// of a free-running one). When a check sends its last calls (or its lead is all it sends),
// the leads of the checks after it go out in the same Do, up to and including the first
// check that may send more after its lead (a gradient check's finite differences, a
// free-running trajectory's next steps); each check then scores from the answers kept for
// it. Only answer-independent calls are sent early, so the submission sees the very calls,
// in the very order, that one Do per check would send.
//
// Faults stay as they were: a merged Do's answers are used up to the first fault that killed
// the process. The check whose calls it hit handles it as before (per task: the call that
// hung or crashed is lost, the rest are sent again, up to maxHangs/maxCrashes); the checks
// after it send their leads again when their turn comes, so restarts, budgets and
// "not run" replies fall on the same calls as one Do per check would.
type pipeline struct {
	conn Conn
	segs []*segment
	at   map[*checkPlan]int     // each check's segment
	task map[int]*resilientConn // each task's fault counting
}

// segment is one check's lead.
type segment struct {
	task    int
	calls   []Call
	open    bool    // the check may send more calls after its lead, depending on the answers
	values  int     // the values the reference's answers to calls hold (a guess at the submission's)
	replies []Reply // its answers, sent early with an earlier check's calls; nil until then
}

// maxMergedValues bounds the values the reference's answers to one merged Do hold: the
// submission's answers share the runner's decode limit per exchange (runner.MaxValues), and
// a merged Do must not come near it where one Do per check would not.
const maxMergedValues = runner.MaxValues / 16

// newPipeline queues the lead of every check g runs on task i for which run(i) is true,
// in grading order.
func newPipeline(g *Grader, conn Conn, run func(i int) bool) *pipeline {
	pl := &pipeline{conn: conn, at: map[*checkPlan]int{}, task: map[int]*resilientConn{}}
	for i, plans := range g.plans {
		if plans == nil || !run(i) {
			continue
		}
		pl.task[i] = &resilientConn{Conn: conn}
		for _, p := range plans {
			if p == nil {
				continue
			}
			calls, open := p.kind.lead(p)
			s := &segment{task: i, calls: calls, open: open}
			for k := range calls {
				s.values += countValues(p.wants[k], 0)
			}
			pl.at[p] = len(pl.segs)
			pl.segs = append(pl.segs, s)
		}
	}
	return pl
}

// check returns the Conn check p talks through.
func (pl *pipeline) check(p *checkPlan) Conn {
	k, ok := pl.at[p]
	if !ok { // not queued: cannot happen; send its calls as they come
		return &resilientConn{Conn: pl.conn}
	}
	return &checkConn{Conn: pl.conn, pl: pl, seg: k}
}

// send sends calls, those of segment k's check; when last (the check sends nothing after
// them) the leads of the checks after it go in the same Do.
func (pl *pipeline) send(ctx context.Context, k int, calls []Call, last bool) []Reply {
	rc := pl.task[pl.segs[k].task]
	if rc.gaveUp != nil {
		return rc.Do(ctx, calls) // not sent
	}
	var all []Call // a copy: calls may be a plan's, shared by every submission
	var early []int
	values := 0 // of the reference's answers to the calls sent
	if sameCalls(calls, pl.segs[k].calls) {
		values = pl.segs[k].values // the lead; a check's later calls are few
	}
	for j := k + 1; last && j < len(pl.segs); j++ {
		s := pl.segs[j]
		if s.replies != nil {
			break
		}
		if len(s.calls) == 0 || pl.task[s.task].gaveUp != nil {
			continue // its check sends nothing
		}
		if values += s.values; values > maxMergedValues {
			break
		}
		if len(early) == 0 {
			all = append(all, calls...)
		}
		early = append(early, j)
		all = append(all, s.calls...)
		all[len(all)-len(s.calls)].Apart = true // answered as a Do of its own
		if s.open {
			break
		}
	}
	if len(early) == 0 {
		replies := rc.Do(ctx, calls)
		pl.ended(k, last)
		return replies
	}
	replies := pl.conn.Do(ctx, all)
	defer pl.ended(k, last)
	cut := firstKill(replies)
	off := len(calls)
	for _, j := range early {
		if cut < off {
			break // cut short before its first call: it is sent again in its turn
		}
		s := pl.segs[j]
		s.replies = replies[off : off+len(s.calls) : off+len(s.calls)]
		off += len(s.calls)
	}
	return rc.mend(ctx, calls, replies[:len(calls):len(calls)])
}

// ended tells the submission that no more calls will come (runner.InputCloser) when none
// can: segment k's check sends nothing after the Do that just returned (last), and every
// check after it either sends nothing or has its whole lead's answers, with nothing to
// send after them. The submission then ends while the answers are scored. (A fault's
// calls sent again, or a check that sends other calls than its kind said, still work:
// the runner starts the submission afresh.)
func (pl *pipeline) ended(k int, last bool) {
	if !last {
		return
	}
	for _, s := range pl.segs[k+1:] {
		if len(s.calls) > 0 && pl.task[s.task].gaveUp == nil && (s.replies == nil || s.open) {
			return
		}
	}
	if ic, ok := pl.conn.(runner.InputCloser); ok {
		ic.CloseInput()
	}
}

// firstKill returns the index of the first reply whose fault ended the process (every one
// but a call that could not be encoded, which was not sent), or len(replies).
func firstKill(replies []Reply) int {
	for i, r := range replies {
		if r.Fault == nil {
			continue
		}
		var pf *runner.ProcessFault
		if errors.As(r.Fault, &pf) && pf.Kind == runner.FaultRequest {
			continue
		}
		return i
	}
	return len(replies)
}

// checkConn is the Conn of one check in a pipeline.
type checkConn struct {
	Conn
	pl   *pipeline
	seg  int
	sent bool // the check has sent its lead
}

// Do sends calls after which the check may send more.
func (c *checkConn) Do(ctx context.Context, calls []Call) []Reply { return c.do(ctx, calls, false) }

func (c *checkConn) do(ctx context.Context, calls []Call, last bool) []Reply {
	s := c.pl.segs[c.seg]
	rc := c.pl.task[s.task]
	if !c.sent {
		c.sent = true
		if sameCalls(calls, s.calls) {
			if r := s.replies; r != nil {
				s.replies = nil
				if rc.gaveUp != nil {
					return rc.Do(ctx, calls)
				}
				return rc.mend(ctx, calls, r)
			}
			last = !s.open
		}
	}
	return c.pl.send(ctx, c.seg, calls, last)
}

// sameCalls reports whether a check's first Do is the lead its kind said it would be.
func sameCalls(a, b []Call) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].Fn != b[i].Fn {
			return false
		}
	}
	return true
}

// doLast sends a check's last calls: it sends nothing after their answers come, so in a
// pipeline the checks after it may send their leads in the same Do.
func doLast(ctx context.Context, conn Conn, calls []Call) []Reply {
	if c, ok := conn.(*checkConn); ok {
		return c.do(ctx, calls, true)
	}
	return conn.Do(ctx, calls)
}

// leadAll is the lead of a check that sends all its planned calls at once and nothing
// else.
func leadAll(p *checkPlan) ([]Call, bool) { return p.calls, false }

// countValues counts the values of an answer as the runner's decoder does (every number,
// string, array and object; see runner.MaxValues), roughly for strings.
func countValues(v any, depth int) int {
	if depth > maxValueDepth {
		return 1
	}
	switch v := v.(type) {
	case []float64:
		return 1 + len(v)
	case [][]float64:
		n := 1
		for _, x := range v {
			n += 1 + len(x)
		}
		return n
	case map[string]any:
		n := 1
		for _, x := range v {
			n += countValues(x, depth+1)
		}
		return n
	case string:
		return 1 + len(v)/32
	}
	if l, ok := asList(v); ok {
		n := 1
		for _, x := range l {
			n += countValues(x, depth+1)
		}
		return n
	}
	return 1
}
