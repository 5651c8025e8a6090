package runner

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"sync"
	"sync/atomic"
	"time"

	"github.com/optgrade/optgrade/grader/sandbox"
)

// spawn starts the process in the working copy, in the sandbox.
func (c *ProcessConn) spawn() (*process, error) {
	path := os.Getenv("PATH")
	if path == "" {
		path = "/usr/local/bin:/usr/bin:/bin"
	}
	cmd := exec.Command(c.r.Argv[0], c.r.Argv[1:]...)
	if errors.Is(cmd.Err, exec.ErrDot) {
		cmd.Err = nil
	}
	cmd.Dir = c.work
	cmd.Env = append([]string{
		"PATH=" + path,
		"HOME=" + c.work,
		"LANG=C.UTF-8",
		"PYTHONUNBUFFERED=1",
		"PYTHONDONTWRITEBYTECODE=1",
		"OPENBLAS_NUM_THREADS=1",
		"OMP_NUM_THREADS=1",
		"MKL_NUM_THREADS=1",
	}, c.r.Env...)
	var files []*os.File // every pipe end, closed on failure
	closeAll := func() {
		for _, f := range files {
			f.Close()
		}
	}
	pipe := func() (r, w *os.File, err error) {
		r, w, err = os.Pipe()
		if err == nil {
			files = append(files, r, w)
		}
		return r, w, err
	}
	inR, inW, err := pipe()
	if err != nil {
		return nil, err
	}
	outR, outW, err := pipe()
	if err != nil {
		closeAll()
		return nil, err
	}
	errR, errW, err := pipe()
	if err != nil {
		closeAll()
		return nil, err
	}
	cmd.Stdin, cmd.Stdout, cmd.Stderr = inR, outW, errW
	sp, err := c.r.Sandbox.Start(cmd, c.work)
	if err != nil {
		closeAll()
		return nil, err
	}
	c.iso = sp.Isolation()
	inR.Close()
	outW.Close()
	errW.Close()
	p := &process{
		sp:     sp,
		stdin:  inW,
		stdout: outR,
		stderr: errR,
		events: make(chan []event, maxQueued),
		free:   make(chan []event, maxQueued+1),
		quit:   make(chan struct{}),
		meter:  &c.meter,
		timer:  time.NewTimer(time.Hour),
	}
	p.timer.Stop()
	p.inline = newInlineWriter(inW)
	p.allow.Store(MaxValues)
	pr := newPipeReader(outR)
	if c.r.readerGoroutine {
		pr = nil
	}
	p.rd = newStdoutReader(p, c.out, c.r.LineCap, HelloLineCap, pr)
	p.readers.Add(1)
	if pr != nil {
		p.direct = true
		p.collect = func(ev event) { p.batch = append(p.batch, ev) }
		p.drain = time.AfterFunc(time.Hour, p.drainStdout)
		p.drain.Stop()
	} else {
		p.readers.Add(1)
		go p.readStdout(p.rd)
	}
	go p.readStderr(c.out, c.calls)
	return p, nil
}

// process is one OS process and what serves it: its stdout reader (which splits stdout
// into responses and stray lines; read by the exchange itself, or by the goroutine
// readStdout where pipes have no deadlines) and the goroutine readStderr. The sandbox
// reaps it.
type process struct {
	sp                    *sandbox.Process
	stdin, stdout, stderr *os.File // our ends of the pipes
	rd                    *stdoutReader
	// direct: the exchange reads stdout itself, collecting its events into batch.
	// Otherwise events carries readStdout's batches of events (at most maxBatch each,
	// maxQueued batches waiting: a response waiting here is memory); free takes them back.
	direct       bool
	collect      func(event)
	events, free chan []event
	// batch is the batch the exchange is reading, from batch[next]; only the goroutine
	// calling Do touches rd (when direct), batch, next, timer and inline.
	batch  []event
	next   int
	timer  *time.Timer   // the exchange's wait for its next response (not direct)
	inline *inlineWriter // writes to stdin that need not block, or nil
	// cancelOn says a canceled context may end the current read (direct): set with
	// cancelMu held, as is every read deadline.
	cancelMu sync.Mutex
	cancelOn bool
	// Between exchanges (direct), drainStdout reads stdout once the process has been idle
	// for idleDrain (drain's timer), so that what it prints then is read as it comes.
	// holding: an exchange (or stop) holds stdout; draining: closed when a drain ends.
	drain    *time.Timer
	drainMu  sync.Mutex
	holding  bool
	gone     bool
	draining chan struct{}
	meter    *meter        // the Conn's byte budget
	allow    atomic.Int64  // values the current exchange's answers may still hold
	quit     chan struct{} // closed by stop: readers drop events from then on
	readers  sync.WaitGroup
	tail     tail
	stopOnce sync.Once
	// inputEnd is when closeInput closed stdin (zero: open); only the goroutine calling
	// Do or Close touches it.
	inputEnd time.Time

	mu   sync.Mutex
	near string // the last stray JSON object with an "id", and why it is not a response
}

// The reader hands on at most maxBatch events at a time, and at most maxQueued batches wait.
const (
	maxBatch  = 64
	maxQueued = 4
)

// nextEvent returns the next event of the batch being read, if any is left; a batch read
// to its end goes back to the reader.
func (p *process) nextEvent() (event, bool) {
	if p.next >= len(p.batch) {
		return event{}, false
	}
	ev := p.batch[p.next]
	if p.next++; p.next == len(p.batch) {
		clear(p.batch)
		if p.direct {
			p.batch, p.next = p.batch[:0], 0
			return ev, true
		}
		select {
		case p.free <- p.batch[:0]:
		default:
		}
		p.batch, p.next = nil, 0
	}
	return ev, true
}

// idleDrain is how long stdout goes unread between exchanges (direct) before a drain reads it.
const idleDrain = time.Millisecond

// hold takes stdout for the exchange (or stop), ending a drain that runs.
func (p *process) hold() {
	p.drain.Stop()
	p.drainMu.Lock()
	p.holding = true
	d := p.draining
	if d != nil {
		p.stdout.SetReadDeadline(time.Unix(1, 0))
	}
	p.drainMu.Unlock()
	if d != nil {
		<-d
		p.stdout.SetReadDeadline(time.Time{})
	}
}

// release gives stdout back after an exchange: a drain reads it after idleDrain.
func (p *process) release() {
	p.drainMu.Lock()
	p.holding = false
	gone := p.gone
	p.drainMu.Unlock()
	if !gone {
		p.drain.Reset(idleDrain)
	}
}

// drainStdout reads stdout between exchanges (direct) until an exchange holds it, it
// ends, or maxBatch events wait (then the process waits for the next exchange).
func (p *process) drainStdout() {
	p.drainMu.Lock()
	if p.holding || p.gone || p.draining != nil || p.rd.ended {
		p.drainMu.Unlock()
		return
	}
	d := make(chan struct{})
	p.draining = d
	p.stdout.SetReadDeadline(time.Time{})
	p.drainMu.Unlock()
	for !p.rd.ended && len(p.batch) < maxBatch {
		if err := p.rd.read(p.collect); errors.Is(err, os.ErrDeadlineExceeded) {
			break
		}
	}
	p.drainMu.Lock()
	p.draining = nil
	close(d)
	p.drainMu.Unlock()
}

// setReadDeadline bounds the exchange's next reads of stdout (direct), unless ctx ended.
func (p *process) setReadDeadline(ctx context.Context, t time.Time) {
	p.cancelMu.Lock()
	if ctx.Err() == nil {
		p.stdout.SetReadDeadline(t)
	}
	p.cancelMu.Unlock()
}

// watch makes the cancellation of ctx end the exchange's wait for stdout (direct); the
// function it returns stops that.
func (p *process) watch(ctx context.Context) func() {
	if !p.direct || ctx.Done() == nil {
		return func() {}
	}
	p.cancelMu.Lock()
	p.cancelOn = true
	p.cancelMu.Unlock()
	stop := context.AfterFunc(ctx, func() {
		p.cancelMu.Lock()
		if p.cancelOn {
			p.stdout.SetReadDeadline(time.Unix(1, 0))
		}
		p.cancelMu.Unlock()
	})
	return func() {
		stop()
		p.cancelMu.Lock()
		p.cancelOn = false
		p.cancelMu.Unlock()
	}
}

// event is a response, or why the reader refused one (a line over its cap, a response
// over the decode limits, the byte budget spent).
type event struct {
	resp  response
	fault string
}

// exited is closed when the process has ended and been reaped.
func (p *process) exited() <-chan struct{} { return p.sp.Done() }

// kill kills the process's whole tree at once.
func (p *process) kill() { p.sp.Kill() }

// closeInput closes stdin: a submission ends when its input does. The grace of a later
// stop counts from here.
func (p *process) closeInput() {
	if p.inputEnd.IsZero() {
		p.inputEnd = time.Now()
		p.stdin.Close()
	}
}

// stop ends the process: close stdin (unless closeInput did), wait until grace after
// that for it to exit, kill the group, reap, let the readers drain the pipes for a
// moment, then close them. Only the first call does anything; every call returns once
// the goroutines are gone.
func (p *process) stop(grace time.Duration) {
	p.stopOnce.Do(func() {
		p.closeInput()
		if wait := time.Until(p.inputEnd.Add(grace)); grace > 0 && wait > 0 {
			select {
			case <-p.exited():
			case <-time.After(wait):
			}
		}
		p.kill()
		<-p.exited()
		close(p.quit)
		until := time.Now().Add(drainGrace)
		if p.direct { // what it printed last is its output; answers are too late
			p.hold()
			p.drainMu.Lock()
			p.gone = true
			p.drainMu.Unlock()
			p.rd.pipe.nowait = false
			p.stdout.SetReadDeadline(until)
			for !p.rd.ended {
				if err := p.rd.read(func(event) {}); errors.Is(err, os.ErrDeadlineExceeded) {
					break
				}
			}
		}
		drained := make(chan struct{})
		go func() {
			p.readers.Wait()
			close(drained)
		}()
		select {
		case <-drained:
		case <-time.After(time.Until(until)):
			// Someone outside the group holds the pipes open: stop reading.
			p.stdout.Close()
			p.stderr.Close()
			<-drained
		}
		p.stdout.Close()
		p.stderr.Close()
	})
}

func (p *process) nearMiss() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.near
}
