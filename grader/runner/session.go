package runner

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/optgrade/optgrade/grader/sandbox"
	"github.com/optgrade/optgrade/reference"
)

// ProcessConn is a running submission process (see ProcessRunner).
type ProcessConn struct {
	r          ProcessRunner // defaults filled in
	src        string        // absolute path of the submission folder
	root, work string        // temporary folder and the working copy in it
	out        *output
	calls      *callOutput // the output of each marked call
	proc       *process    // nil after a fault until the next Do
	functions  []string
	defined    []string       // the hello's "defined": other functions, for did-you-mean
	cells      map[string]int // the hello's "cells": the notebook cell of each function
	nextID     int64
	iso        sandbox.Isolation
	startFails int // consecutive failed starts
	lastFault  *ProcessFault
	starts     int
	closed     bool
	meter      meter     // bytes sent over the Conn's life, against ByteBudget
	deadline   time.Time // the end of the time budget
	prevFirst  int64     // the ids and functions of the last exchange, to name extra answers
	prevFns    []string
	wbuf       []byte // the requests' buffer, reused by the next Do
	// cleared is closed once the working copy of a process ended by CloseInput has been
	// removed (in the background, as soon as the process has ended); nil when none is due.
	cleared chan struct{}
}

// maxKeptBuf bounds the request buffer kept between Do calls.
const maxKeptBuf = 1 << 20

// Functions returns the catalog names the submission's last hello listed.
func (c *ProcessConn) Functions() []string { return append([]string(nil), c.functions...) }

// Output returns the submission's own output — stray stdout lines and stderr, in the order
// read, with a line "[optgrade] …" where the grader killed the process — capped at
// OutputCap, with "… [N bytes dropped]" when more came. Paths inside the working copy are
// shown relative to it. Stderr is read concurrently with the responses, so its last
// lines may arrive after the last reply: after Close, Output holds everything.
func (c *ProcessConn) Output() string { return c.relative(c.out.String()) }

// relative shows paths inside the working copy relative to it.
func (c *ProcessConn) relative(s string) string {
	if c.work != "" && strings.Contains(s, c.work) {
		s = strings.ReplaceAll(s, c.work+"/", "")
		s = strings.ReplaceAll(s, c.work, ".")
	}
	return s
}

// Isolation describes the isolation of the current (or last) process.
func (c *ProcessConn) Isolation() string { return c.iso.String() }

// Restarts returns how many times a process was started after the first.
func (c *ProcessConn) Restarts() int { return max(c.starts-1, 0) }

// CloseInput says that no more calls will come: the submission's stdin is closed now, so
// that it ends while the caller finishes its work, and Close then waits only for what is
// left (its 2 s grace counts from here). Its output until it ends is kept, as with Close;
// its working copy is removed as soon as it has ended.
// A Do after CloseInput still works: it ends this process and starts a fresh one (as
// after a fault).
func (c *ProcessConn) CloseInput() {
	if c.closed || c.proc == nil || !c.proc.inputEnd.IsZero() {
		return
	}
	p := c.proc
	p.closeInput()
	// Its working copy goes as soon as it has ended, also off the caller's path.
	cleared := make(chan struct{})
	c.cleared = cleared
	go func() {
		<-p.exited()
		_ = removeAll(c.work) // what is left, Close removes (and reports)
		close(cleared)
	}()
}

// awaitCleared waits until the working copy removed after CloseInput is gone.
func (c *ProcessConn) awaitCleared() {
	if c.cleared != nil {
		<-c.cleared
		c.cleared = nil
	}
}

// Close ends the submission: it closes stdin, waits up to 2 s for the process to exit,
// kills its process group, reaps it and removes the working copy. Close is idempotent.
func (c *ProcessConn) Close() error {
	if c.closed {
		return nil
	}
	c.closed = true
	if c.proc != nil {
		c.proc.stop(closeGrace)
		c.proc = nil
	}
	c.awaitCleared()
	return removeAll(c.root)
}

// Do sends the calls, pipelined, and returns their replies in order. After a fault the
// waiting call and every later one get the fault, the process is killed, and the next Do
// restarts it. When starting fails twice in a row, Do stops trying and returns that fault.
func (c *ProcessConn) Do(ctx context.Context, calls []Call) []Reply {
	replies := make([]Reply, len(calls))
	if len(calls) == 0 {
		return replies
	}
	if c.closed {
		return faultAll(replies, nil, &ProcessFault{Kind: FaultClosed, Fn: calls[0].Fn, Msg: "the submission was closed"})
	}
	buf := c.wbuf[:0]
	sent := make([]int, 0, len(calls)) // indices into calls of the requests in buf
	for i, call := range calls {
		b, err := appendRequest(buf, c.nextID+int64(len(sent)), call.Fn, call.Args)
		if err != nil {
			replies[i].Fault = &ProcessFault{Kind: FaultRequest, Fn: call.Fn, Msg: err.Error()}
			continue
		}
		buf = b
		sent = append(sent, i)
	}
	if len(sent) == 0 {
		return replies
	}
	if err := ctx.Err(); err != nil {
		return faultAll(replies, sent, &ProcessFault{Kind: FaultCanceled, Fn: calls[sent[0]].Fn, Msg: "canceled before " + calls[sent[0]].Fn + " was sent"})
	}
	if f := c.spent(calls[sent[0]].Fn); f != nil {
		return faultAll(replies, sent, f)
	}
	if c.proc != nil && !c.proc.inputEnd.IsZero() { // after CloseInput: a fresh process
		c.proc.stop(closeGrace)
		c.proc = nil
	}
	if c.proc == nil {
		if err := c.restart(ctx); err != nil {
			return faultAll(replies, sent, err)
		}
	}
	fns := make([]string, len(sent))
	var groups []int // where a group of calls Apart begins
	for k, i := range sent {
		fns[k] = calls[i].Fn
		if calls[i].Apart && k > 0 {
			groups = append(groups, k)
		}
	}
	first := c.nextID
	c.nextID += int64(len(sent))
	resps, fault := c.exchange(ctx, buf, first, fns, groups, c.r.CallTimeout)
	if cap(buf) <= maxKeptBuf { // written: the next Do reuses it
		c.wbuf = buf[:0]
	}
	for k, resp := range resps {
		if resp.IsErr {
			replies[sent[k]].Err = resp.Err
		} else {
			replies[sent[k]].Result = resp.Result
		}
	}
	for k := range min(len(resps)+1, len(sent)) { // the answered calls and the one a fault cut short
		last := k == len(resps)-1 || k+1 < len(sent) && calls[sent[k+1]].Apart // of a group
		replies[sent[k]].Output = c.relative(c.calls.take(first+int64(k), last))
	}
	if fault != nil {
		faultAll(replies, sent[len(resps):], fault)
	}
	return replies
}

// restart starts a process and checks its hello. Whether bubblewrap is used was decided
// by the sandbox's own probe, before any submission ran: nothing a submission prints can
// lower its isolation. When bubblewrap itself could not start the program (its one-line
// complaint is the whole of stderr), the fault says how to run without it.
func (c *ProcessConn) restart(ctx context.Context) *ProcessFault {
	if c.startFails >= maxStartFails && c.lastFault != nil {
		return c.lastFault
	}
	f := c.startOnce(ctx)
	if f != nil {
		if c.iso.Bwrap && bwrapFailed(f.Stderr) {
			f.Msg += " (bubblewrap could not start the program; check that its interpreter is under /usr or pass --no-sandbox)"
		}
		c.startFails++
		c.lastFault = f
		return f
	}
	c.startFails = 0
	return nil
}

// bwrapFailed reports whether stderr is bwrap's own one-line complaint (it could not
// set up the sandbox, or could not find the program inside it).
func bwrapFailed(stderr string) bool {
	return strings.HasPrefix(stderr, "bwrap: ") && !strings.Contains(stderr, "\n")
}

// startOnce makes a fresh working copy, starts the process in it and exchanges the hello.
func (c *ProcessConn) startOnce(ctx context.Context) *ProcessFault {
	startFault := func(msg string, stderr string) *ProcessFault {
		return &ProcessFault{Kind: FaultStart, Fn: "hello", Msg: msg, Stderr: stderr}
	}
	c.awaitCleared()
	if err := removeAll(c.work); err != nil {
		return startFault(fmt.Sprintf("clear the working copy: %v", err), "")
	}
	if err := copyTree(c.src, c.work); err != nil {
		return startFault(fmt.Sprintf("copy the submission: %v", err), "")
	}
	p, err := c.spawn()
	if err != nil {
		return startFault(fmt.Sprintf("could not start %s: %v", argvString(c.r.Argv), err), "")
	}
	c.proc = p
	c.starts++
	// timeout (seconds per call) lets a kit dump the student's stack before a hung call
	// is killed; submissions that do not know it ignore it.
	hello, _ := appendRequest(nil, 0, "hello", reference.Args{"protocol": Protocol, "timeout": c.r.CallTimeout.Seconds()})
	resps, f := c.exchange(ctx, hello, 0, []string{"hello"}, nil, c.r.StartTimeout)
	if f != nil {
		if f.Kind == FaultCanceled {
			return f
		}
		return startFault(f.Msg, f.Stderr)
	}
	fns, msg := checkHello(resps[0])
	if msg != "" {
		c.kill("its hello was wrong: " + msg)
		return startFault(msg, c.relative(p.tail.String()))
	}
	c.functions = fns
	c.defined = helloDefined(resps[0])
	c.cells = helloCells(resps[0])
	if obj, ok := resps[0].Result.(map[string]any); ok && obj["marks_calls"] == true {
		c.calls.expectMarks() // its output per call is worth waiting for
	}
	return nil
}

// helloDefined reads the optional "defined" list of a hello answer: the other functions
// the submission defines (the Python kit sends them), for "did you mean". At most 100
// names of at most 80 bytes are kept.
func helloDefined(r response) []string {
	obj, _ := r.Result.(map[string]any)
	list, _ := obj["defined"].([]any)
	var names []string
	for _, e := range list {
		if s, ok := e.(string); ok && len(s) <= 80 && len(names) < 100 {
			names = append(names, s)
		}
	}
	return names
}

// Defined returns the functions besides the catalog's that the submission's hello says it
// defines (its "defined" list, when it sends one).
func (c *ProcessConn) Defined() []string { return append([]string(nil), c.defined...) }

// checkHello checks the answer to hello and returns the functions it lists, or what
// is wrong with it.
func checkHello(r response) ([]string, string) {
	const want = `want {"protocol": 1, "functions": [names…]}`
	if r.IsErr {
		return nil, fmt.Sprintf("hello answered an error: %s", clip(r.Err, 200))
	}
	obj, ok := r.Result.(map[string]any)
	if !ok {
		return nil, fmt.Sprintf("hello answered %s; %s", showValue(r.Result), want)
	}
	v, ok := obj["protocol"]
	if !ok {
		return nil, fmt.Sprintf(`hello's answer has no "protocol"; %s`, want)
	}
	if f, ok := v.(float64); !ok || f != Protocol {
		return nil, fmt.Sprintf("hello's answer says protocol %s, but this grader speaks protocol %d", showValue(v), Protocol)
	}
	list, ok := obj["functions"].([]any)
	if !ok {
		return nil, fmt.Sprintf(`hello's answer has no "functions" list; %s`, want)
	}
	fns := make([]string, 0, len(list))
	for _, e := range list {
		s, ok := e.(string)
		if !ok {
			return nil, fmt.Sprintf(`hello's "functions" holds %s, not a function name`, showValue(e))
		}
		if s != "hello" {
			fns = append(fns, s)
		}
	}
	return fns, ""
}

// kill stops the current process at once and notes why in the output.
func (c *ProcessConn) kill(note string) {
	if c.proc == nil {
		return
	}
	c.proc.stop(0)
	c.proc = nil
	c.out.Write([]byte("[optgrade] " + note + "\n"))
}

// budgetFault is the fault of a submission that spent its time or byte budget: no call
// after it runs.
func (c *ProcessConn) budgetFault(fn string) *ProcessFault {
	if c.meter.over() {
		return &ProcessFault{Kind: FaultBudget, Fn: fn, Msg: c.meter.message() + "; it is not run again"}
	}
	return &ProcessFault{Kind: FaultBudget, Fn: fn, Msg: fmt.Sprintf("used up its time budget of %s for the whole submission (the limit per submission, --budget); it is not run again", c.r.Budget)}
}

// spent returns the budget fault once the submission has spent its time or byte budget.
func (c *ProcessConn) spent(fn string) *ProcessFault {
	if c.meter.over() || !time.Now().Before(c.deadline) {
		return c.budgetFault(fn)
	}
	return nil
}

// exitFault describes the end of the process's stdout while the grader waited for fn.
func (c *ProcessConn) exitFault(fn string) *ProcessFault {
	p := c.proc
	what := "computing " + fn
	if fn == "hello" {
		what = "answering hello"
	}
	select {
	case <-p.exited():
	case <-time.After(exitWait):
		return &ProcessFault{Kind: FaultExit, Fn: fn, Msg: fmt.Sprintf("closed its stdout while %s (the process was killed)", what)}
	}
	c.proc.stop(0)
	c.proc = nil
	why := p.sp.Wait()
	msg := fmt.Sprintf("the process %s while %s", why, what)
	if fn == "hello" && why == "exited with status 0" {
		msg += noServeHint(c.r.Argv)
	}
	c.out.Write([]byte("[optgrade] " + msg + "\n"))
	return &ProcessFault{Kind: FaultExit, Fn: fn, Msg: msg}
}

// noServeHint explains a program that ended at once without answering hello: it never
// served the protocol (for a Python solution, the kit's serve call is missing).
func noServeHint(argv []string) string {
	if len(argv) > 0 && isPython(argv[0]) {
		return ": it ended without reading a request — is the kit's serve call missing? End solution.py with\n" +
			"    if __name__ == \"__main__\":\n        import optgrade_kit\n        optgrade_kit.serve(globals())"
	}
	return ": it ended without reading a request — a submission reads one request per line on stdin and answers each on stdout until its input ends"
}
