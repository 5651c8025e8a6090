package runner

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"time"
)

// exchange writes buf (the requests with ids first, first+1, … for fns) to the current
// process while reading the responses in order. It returns the responses that came, and
// the fault that ended the exchange early, if any (the process is then killed). Each wait
// is bounded by timeout and by what is left of the submission's time budget. groups are
// the indices into fns where a group of calls Apart begins: for extra answers each group is
// an exchange of its own.
//
// What the pipe takes at once is written here; only a rest that does not fit (a long
// pipelined batch, or a process that is not reading) is written by a goroutine.
func (c *ProcessConn) exchange(ctx context.Context, buf []byte, first int64, fns []string, groups []int, timeout time.Duration) ([]response, *ProcessFault) {
	p := c.proc
	if p.direct {
		p.hold()
		defer p.release()
	}
	hello := fns[0] == "hello"
	gstart := 0 // the first call of the group being answered
	if !hello {
		c.dropExtras(p)
		defer func() { c.prevFirst, c.prevFns = first+int64(gstart), fns[gstart:] }()
	}
	p.allow.Store(MaxValues)
	var writeDone chan error
	if n := p.inline.write(buf); n < len(buf) {
		writeDone = make(chan error, 1)
		go func() {
			_, err := p.stdin.Write(buf[n:])
			writeDone <- err
		}()
	}
	waiting := func(fn string) string {
		if fn == "hello" {
			return "the answer to hello"
		}
		return fn
	}
	wait := func() time.Duration { return max(min(timeout, time.Until(c.deadline)), 0) }
	// The wait for each response counts from the one before: the timer (or the read
	// deadline) is set again once the answers read so far are taken.
	setWait := func() {
		if p.direct {
			p.setReadDeadline(ctx, time.Now().Add(wait()))
		} else {
			p.timer.Reset(wait())
		}
	}
	waitFault := func(fn string) *ProcessFault {
		if ctx.Err() != nil {
			return &ProcessFault{Kind: FaultCanceled, Fn: fn, Msg: fmt.Sprintf("canceled while waiting for %s (%v; the process was killed)", waiting(fn), ctx.Err())}
		}
		if time.Until(c.deadline) <= 0 {
			return c.budgetFault(fn)
		}
		msg := fmt.Sprintf("timed out after %s waiting for %s (the process was killed)", timeout, waiting(fn))
		if near := p.nearMiss(); near != "" {
			msg += "; it printed a line that is almost a response: " + near
		}
		return &ProcessFault{Kind: FaultTimeout, Fn: fn, Msg: msg}
	}
	resps := make([]response, 0, len(fns))
	setWait()
	defer p.watch(ctx)()
	if !p.direct {
		defer p.timer.Stop()
	}
	answered := false // since the wait was set
	var f *ProcessFault
	for len(resps) < len(fns) && f == nil {
		i := len(resps)
		fn := fns[i]
		if len(groups) > 0 && groups[0] == i {
			c.prevFirst, c.prevFns = first+int64(gstart), fns[gstart:i]
			gstart, groups = i, groups[1:]
		}
		ev, ok := p.nextEvent()
		switch {
		case ok:
		case p.direct && p.rd.ended:
			f = c.exitFault(fn)
			continue
		case p.direct: // read on: one line, or what came of it
			if answered && !p.rd.lineBuffered() {
				setWait()
				answered = false
			}
			if err := p.rd.read(p.collect); errors.Is(err, os.ErrDeadlineExceeded) {
				f = waitFault(fn)
			}
			continue
		default:
			if answered {
				setWait()
				answered = false
			}
			select {
			case b, ok := <-p.events:
				if !ok {
					f = c.exitFault(fn)
				}
				p.batch, p.next = b, 0
			case <-p.timer.C:
				f = waitFault(fn)
			case <-ctx.Done():
				f = waitFault(fn)
			}
			continue
		}
		switch {
		case ev.fault != "":
			f = &ProcessFault{Kind: FaultGarbage, Fn: fn, Msg: fmt.Sprintf("%s while the grader waited for %s (the process was killed)", ev.fault, waiting(fn))}
		case !hello && ev.resp.ID < first+int64(gstart):
			c.noteExtra(ev.resp.ID)
		case ev.resp.ID != first+int64(i):
			f = &ProcessFault{Kind: FaultGarbage, Fn: fn, Msg: fmt.Sprintf("answered id %d while the grader waited for id %d (%s); responses must come in request order, echoing the id (the process was killed)", ev.resp.ID, first+int64(i), fn)}
		default:
			resps = append(resps, ev.resp)
			answered = true
		}
	}
	if f != nil {
		if c.meter.over() {
			f = c.budgetFault(f.Fn)
		}
		if c.proc != nil {
			c.kill(f.Msg)
		}
		f.Stderr = c.relative(p.tail.String())
	}
	if writeDone != nil {
		select {
		case <-writeDone:
		case <-time.After(timeout):
			// It answered everything without reading everything: odd, but not a fault.
			c.kill("the process was killed: it answered without reading all its input")
			<-writeDone
		}
	}
	return resps, f
}

// dropExtras ignores the answers that came before the next requests were sent: extra
// answers of the calls before, blamed on them in the output, never on the calls to come.
func (c *ProcessConn) dropExtras(p *process) {
	if p.direct {
		c.readWaiting(p)
	}
	for {
		ev, ok := p.nextEvent()
		if !ok {
			if p.direct {
				return
			}
			select {
			case b, ok := <-p.events:
				if !ok {
					return // the exchange sees the end too: a closed channel stays closed
				}
				p.batch, p.next = b, 0
				continue
			default:
				return
			}
		}
		if ev.fault != "" {
			c.out.Write([]byte("[optgrade] between calls the program " + ev.fault + "\n"))
			continue
		}
		c.noteExtra(ev.resp.ID)
	}
}

// readWaiting reads what the process printed since the last exchange (direct), as far as
// it is there at once and within maxBetween bytes.
func (c *ProcessConn) readWaiting(p *process) {
	if p.rd.ended {
		return
	}
	p.rd.pipe.nowait = true
	defer func() { p.rd.pipe.nowait = false }()
	from := c.meter.n.Load()
	for !p.rd.ended && c.meter.n.Load()-from < maxBetween {
		if err := p.rd.read(p.collect); err != nil && err != bufio.ErrBufferFull {
			return // nothing more there (or a read that failed: the exchange sees it too)
		}
	}
}

// maxBetween bounds what an exchange reads before it sends its requests.
const maxBetween = 1 << 20

// noteExtra notes, in the output, an answer with an id already answered (or never sent).
func (c *ProcessConn) noteExtra(id int64) {
	to := ""
	if k := id - c.prevFirst; k >= 0 && k < int64(len(c.prevFns)) {
		to = " (" + c.prevFns[k] + ")"
	}
	c.out.Write([]byte(fmt.Sprintf("[optgrade] ignored an extra answer with id %d%s that came after the grader had its answer: answer each request once\n", id, to)))
}
