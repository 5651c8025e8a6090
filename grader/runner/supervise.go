package runner

import (
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
	p.readers.Add(2)
	go p.readStdout(c.out, c.r.LineCap, HelloLineCap)
	go p.readStderr(c.out, c.calls)
	return p, nil
}

// process is one OS process and the goroutines that serve it: readStdout (splits stdout
// into responses and stray lines) and readStderr. The sandbox reaps it.
type process struct {
	sp                    *sandbox.Process
	stdin, stdout, stderr *os.File // our ends of the pipes
	// events carries the reader's batches of events (at most maxBatch each, maxQueued
	// batches waiting: a response waiting here is memory); free takes them back, emptied.
	events, free chan []event
	// batch is the batch the exchange is reading, from batch[next]; only the goroutine
	// calling Do touches batch, next, timer and inline.
	batch    []event
	next     int
	timer    *time.Timer   // the exchange's wait for its next response
	inline   *inlineWriter // writes to stdin that need not block, or nil
	meter    *meter        // the Conn's byte budget
	allow    atomic.Int64  // values the current exchange's answers may still hold
	quit     chan struct{} // closed by stop: readers drop events from then on
	readers  sync.WaitGroup
	tail     tail
	stopOnce sync.Once

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
		select {
		case p.free <- p.batch[:0]:
		default:
		}
		p.batch, p.next = nil, 0
	}
	return ev, true
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

// stop ends the process: close stdin, wait up to grace for it to exit, kill the group,
// reap, let the readers drain the pipes for a moment, then close them. Only the first
// call does anything; every call returns once the goroutines are gone.
func (p *process) stop(grace time.Duration) {
	p.stopOnce.Do(func() {
		p.stdin.Close()
		if grace > 0 {
			select {
			case <-p.exited():
			case <-time.After(grace):
			}
		}
		p.kill()
		<-p.exited()
		close(p.quit)
		drained := make(chan struct{})
		go func() {
			p.readers.Wait()
			close(drained)
		}()
		select {
		case <-drained:
		case <-time.After(drainGrace):
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
