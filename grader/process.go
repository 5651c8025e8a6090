package grader

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"
	"unsafe"

	"github.com/optgrade/optgrade/grader/sandbox"
	"github.com/optgrade/optgrade/reference"
)

// Defaults of the zero ProcessRunner.
const (
	DefaultCallTimeout  = 10 * time.Second
	DefaultStartTimeout = 20 * time.Second
	DefaultOutputCap    = 64 << 10
	DefaultLineCap      = 64 << 20
)

const (
	procCloseGrace    = 2 * time.Second        // Close: from closing stdin to SIGKILL
	procExitWait      = 1 * time.Second        // stdout ended: how long to wait for the exit status
	procDrainGrace    = 500 * time.Millisecond // after the exit: how long the readers may drain the pipes
	procMaxStartFails = 2                      // consecutive failed starts after which Do stops trying
	procCopyLimit     = 512 << 20              // largest submission folder copied
	procTailBytes     = 4 << 10                // stderr kept for messages
	procTailLines     = 8                      // stderr lines quoted in a message
)

// ProcessRunner runs a submission as an OS process speaking the wire protocol (DESIGN.md
// §1) on its stdin and stdout. Each Conn copies Dir to a fresh temporary folder, runs Argv
// there inside the sandbox with a scrubbed environment, and removes the copy on Close.
// After a fault (a timeout, a crash, a garbled response) the process is killed and the
// next Do starts a fresh one, in a fresh copy, with a fresh hello. The zero values of the
// durations and caps mean the Default* constants.
type ProcessRunner struct {
	Dir  string   // the submission folder (never written to)
	Argv []string // the command, run in the copy of Dir; argv[0] without a slash is looked up in PATH
	// Env is added to the scrubbed environment (PATH, HOME = the copy, LANG=C.UTF-8,
	// PYTHONUNBUFFERED=1, PYTHONDONTWRITEBYTECODE=1, and OPENBLAS_NUM_THREADS,
	// OMP_NUM_THREADS, MKL_NUM_THREADS = 1 so that parallel grading does not oversubscribe
	// the cores); "KEY=value" entries here win.
	Env []string
	// CallTimeout bounds the wait for each response, counted from the previous response
	// (or from the start of the Do for the first).
	CallTimeout time.Duration
	// StartTimeout bounds the wait for the answer to hello.
	StartTimeout time.Duration
	// OutputCap caps the submission's own output (stray stdout lines and stderr together)
	// kept over the Conn's life; the rest is read and dropped, and counted.
	OutputCap int
	// LineCap is the longest response line accepted, in bytes; a longer one is a fault.
	LineCap int
	Sandbox sandbox.Config
}

var (
	_ Runner = (*ProcessRunner)(nil)
	_ Conn   = (*ProcessConn)(nil)
)

// Describe says which isolation the runner's processes get on this machine.
func (r *ProcessRunner) Describe() string { return r.Sandbox.Describe() }

// Start copies the submission, starts it and checks its hello. The Conn it returns is a
// *ProcessConn. A submission that cannot start, or whose hello is wrong, yields a
// *ProcessFault of kind FaultStart that says why, with the tail of the process's stderr.
func (r *ProcessRunner) Start(ctx context.Context) (Conn, error) {
	c, err := r.StartProcess(ctx)
	if err != nil {
		return nil, err
	}
	return c, nil
}

// StartProcess is Start with the concrete type.
func (r *ProcessRunner) StartProcess(ctx context.Context) (*ProcessConn, error) {
	if len(r.Argv) == 0 {
		return nil, &ProcessFault{Kind: FaultStart, Fn: "hello", Msg: "no command to run the submission with"}
	}
	c := &ProcessConn{r: *r, nextID: 1}
	c.r.Argv = append([]string(nil), r.Argv...)
	if p, err := exec.LookPath(c.r.Argv[0]); err == nil && subIsShim(p) {
		c.r.Argv[0] = subRealPython(p) // the sandbox cannot run a pyenv shim
	}
	if c.r.CallTimeout <= 0 {
		c.r.CallTimeout = DefaultCallTimeout
	}
	if c.r.StartTimeout <= 0 {
		c.r.StartTimeout = DefaultStartTimeout
	}
	if c.r.OutputCap <= 0 {
		c.r.OutputCap = DefaultOutputCap
	}
	if c.r.LineCap <= 0 {
		c.r.LineCap = DefaultLineCap
	}
	c.out = &procOutput{limit: c.r.OutputCap}
	src, err := filepath.Abs(r.Dir)
	if err != nil {
		return nil, &ProcessFault{Kind: FaultStart, Fn: "hello", Msg: err.Error()}
	}
	c.src = src
	if c.root, err = os.MkdirTemp("", "optgrade-run-"); err != nil {
		return nil, &ProcessFault{Kind: FaultStart, Fn: "hello", Msg: fmt.Sprintf("make a working copy: %v", err)}
	}
	// Searchable by others: a root grader without bubblewrap runs the submission as nobody.
	if err := os.Chmod(c.root, 0o711); err != nil {
		os.RemoveAll(c.root)
		return nil, &ProcessFault{Kind: FaultStart, Fn: "hello", Msg: fmt.Sprintf("make a working copy: %v", err)}
	}
	c.work = filepath.Join(c.root, "submission")
	if err := c.restart(ctx); err != nil {
		procRemoveAll(c.root)
		return nil, err
	}
	return c, nil
}

// ProcessConn is a running submission process (see ProcessRunner).
type ProcessConn struct {
	r          ProcessRunner // defaults filled in
	src        string        // absolute path of the submission folder
	root, work string        // temporary folder and the working copy in it
	out        *procOutput
	proc       *procProc // nil after a fault until the next Do
	functions  []string
	nextID     int64
	iso        sandbox.Isolation
	startFails int // consecutive failed starts
	lastFault  *ProcessFault
	starts     int
	closed     bool
}

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
	if c.work != "" {
		s = strings.ReplaceAll(s, c.work+"/", "")
		s = strings.ReplaceAll(s, c.work, ".")
	}
	return s
}

// Isolation describes the isolation of the current (or last) process.
func (c *ProcessConn) Isolation() string { return c.iso.String() }

// Restarts returns how many times a process was started after the first.
func (c *ProcessConn) Restarts() int { return max(c.starts-1, 0) }

// Close ends the submission: it closes stdin, waits up to 2 s for the process to exit,
// kills its process group, reaps it and removes the working copy. Close is idempotent.
func (c *ProcessConn) Close() error {
	if c.closed {
		return nil
	}
	c.closed = true
	if c.proc != nil {
		c.proc.stop(procCloseGrace)
		c.proc = nil
	}
	return procRemoveAll(c.root)
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
		return procFaultAll(replies, nil, &ProcessFault{Kind: FaultClosed, Fn: calls[0].Fn, Msg: "the submission was closed"})
	}
	var buf []byte
	sent := make([]int, 0, len(calls)) // indices into calls of the requests in buf
	for i, call := range calls {
		b, err := wireAppendRequest(buf, c.nextID+int64(len(sent)), call.Fn, call.Args)
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
		return procFaultAll(replies, sent, &ProcessFault{Kind: FaultCanceled, Fn: calls[sent[0]].Fn, Msg: "canceled before " + calls[sent[0]].Fn + " was sent"})
	}
	if c.proc == nil {
		if err := c.restart(ctx); err != nil {
			return procFaultAll(replies, sent, err)
		}
	}
	fns := make([]string, len(sent))
	for k, i := range sent {
		fns[k] = calls[i].Fn
	}
	first := c.nextID
	c.nextID += int64(len(sent))
	resps, fault := c.exchange(ctx, buf, first, fns, c.r.CallTimeout)
	for k, resp := range resps {
		if resp.IsErr {
			replies[sent[k]].Err = resp.Err
		} else {
			replies[sent[k]].Result = resp.Result
		}
	}
	if fault != nil {
		procFaultAll(replies, sent[len(resps):], fault)
	}
	return replies
}

func procFaultAll(replies []Reply, idx []int, f *ProcessFault) []Reply {
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

// restart starts a process and checks its hello. Whether bubblewrap is used was decided
// by the sandbox's own probe, before any submission ran: nothing a submission prints can
// lower its isolation. When bubblewrap itself could not start the program (its one-line
// complaint is the whole of stderr), the fault says how to run without it.
func (c *ProcessConn) restart(ctx context.Context) *ProcessFault {
	if c.startFails >= procMaxStartFails && c.lastFault != nil {
		return c.lastFault
	}
	f := c.startOnce(ctx)
	if f != nil {
		if c.iso.Bwrap && procBwrapFailed(f.Stderr) {
			f.Msg += " (bubblewrap could not start the program; check that its interpreter is under /usr or pass --no-sandbox)"
		}
		c.startFails++
		c.lastFault = f
		return f
	}
	c.startFails = 0
	return nil
}

// procBwrapFailed reports whether stderr is bwrap's own one-line complaint (it could not
// set up the sandbox, or could not find the program inside it).
func procBwrapFailed(stderr string) bool {
	return strings.HasPrefix(stderr, "bwrap: ") && !strings.Contains(stderr, "\n")
}

// startOnce makes a fresh working copy, starts the process in it and exchanges the hello.
func (c *ProcessConn) startOnce(ctx context.Context) *ProcessFault {
	startFault := func(msg string, stderr string) *ProcessFault {
		return &ProcessFault{Kind: FaultStart, Fn: "hello", Msg: msg, Stderr: stderr}
	}
	if err := procRemoveAll(c.work); err != nil {
		return startFault(fmt.Sprintf("clear the working copy: %v", err), "")
	}
	if err := procCopyTree(c.src, c.work); err != nil {
		return startFault(fmt.Sprintf("copy the submission: %v", err), "")
	}
	p, err := c.spawn()
	if err != nil {
		return startFault(fmt.Sprintf("could not start %s: %v", procArgvString(c.r.Argv), err), "")
	}
	c.proc = p
	c.starts++
	hello, _ := wireAppendRequest(nil, 0, "hello", reference.Args{"protocol": WireProtocol})
	resps, f := c.exchange(ctx, hello, 0, []string{"hello"}, c.r.StartTimeout)
	if f != nil {
		if f.Kind == FaultCanceled {
			return f
		}
		return startFault(f.Msg, f.Stderr)
	}
	fns, msg := procCheckHello(resps[0])
	if msg != "" {
		c.kill("its hello was wrong: " + msg)
		return startFault(msg, c.relative(p.tail.String()))
	}
	c.functions = fns
	return nil
}

// procCheckHello checks the answer to hello and returns the functions it lists, or what
// is wrong with it.
func procCheckHello(r wireResponse) ([]string, string) {
	const want = `want {"protocol": 1, "functions": [names…]}`
	if r.IsErr {
		return nil, fmt.Sprintf("hello answered an error: %s", wireClip(r.Err, 200))
	}
	obj, ok := r.Result.(map[string]any)
	if !ok {
		return nil, fmt.Sprintf("hello answered %s; %s", procShow(r.Result), want)
	}
	v, ok := obj["protocol"]
	if !ok {
		return nil, fmt.Sprintf(`hello's answer has no "protocol"; %s`, want)
	}
	if f, ok := v.(float64); !ok || f != WireProtocol {
		return nil, fmt.Sprintf("hello's answer says protocol %s, but this grader speaks protocol %d", procShow(v), WireProtocol)
	}
	list, ok := obj["functions"].([]any)
	if !ok {
		return nil, fmt.Sprintf(`hello's answer has no "functions" list; %s`, want)
	}
	fns := make([]string, 0, len(list))
	for _, e := range list {
		s, ok := e.(string)
		if !ok {
			return nil, fmt.Sprintf(`hello's "functions" holds %s, not a function name`, procShow(e))
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

// exchange writes buf (the requests with ids first, first+1, … for fns) to the current
// process while reading the responses in order. It returns the responses that came, and
// the fault that ended the exchange early, if any (the process is then killed).
func (c *ProcessConn) exchange(ctx context.Context, buf []byte, first int64, fns []string, timeout time.Duration) ([]wireResponse, *ProcessFault) {
	p := c.proc
	writeDone := make(chan error, 1)
	go func() {
		_, err := p.stdin.Write(buf)
		writeDone <- err
	}()
	waiting := func(fn string) string {
		if fn == "hello" {
			return "the answer to hello"
		}
		return fn
	}
	resps := make([]wireResponse, 0, len(fns))
	timer := time.NewTimer(timeout)
	defer timer.Stop()
	var f *ProcessFault
	for len(resps) < len(fns) && f == nil {
		i := len(resps)
		fn := fns[i]
		select {
		case ev, ok := <-p.events:
			switch {
			case !ok:
				f = c.exitFault(fn)
			case ev.overflow:
				f = &ProcessFault{Kind: FaultGarbage, Fn: fn, Msg: fmt.Sprintf("sent a line longer than %s while the grader waited for %s (the process was killed)", procBytes(int64(c.r.LineCap)), waiting(fn))}
			case ev.resp.ID != first+int64(i):
				f = &ProcessFault{Kind: FaultGarbage, Fn: fn, Msg: fmt.Sprintf("answered id %d while the grader waited for id %d (%s); responses must come in request order, echoing the id (the process was killed)", ev.resp.ID, first+int64(i), fn)}
			default:
				resps = append(resps, ev.resp)
				timer.Reset(timeout)
			}
		case <-timer.C:
			msg := fmt.Sprintf("timed out after %s waiting for %s (the process was killed)", timeout, waiting(fn))
			if near := p.nearMiss(); near != "" {
				msg += "; it printed a line that is almost a response: " + near
			}
			f = &ProcessFault{Kind: FaultTimeout, Fn: fn, Msg: msg}
		case <-ctx.Done():
			f = &ProcessFault{Kind: FaultCanceled, Fn: fn, Msg: fmt.Sprintf("canceled while waiting for %s (%v; the process was killed)", waiting(fn), ctx.Err())}
		}
	}
	if f != nil {
		if c.proc != nil {
			c.kill(f.Msg)
		}
		f.Stderr = c.relative(p.tail.String())
	}
	select {
	case <-writeDone:
	case <-time.After(timeout):
		// It answered everything without reading everything: odd, but not a fault.
		c.kill("the process was killed: it answered without reading all its input")
		<-writeDone
	}
	return resps, f
}

// exitFault describes the end of the process's stdout while the grader waited for fn.
func (c *ProcessConn) exitFault(fn string) *ProcessFault {
	p := c.proc
	what := "computing " + fn
	if fn == "hello" {
		what = "answering hello"
	}
	select {
	case <-p.exited:
	case <-time.After(procExitWait):
		return &ProcessFault{Kind: FaultExit, Fn: fn, Msg: fmt.Sprintf("closed its stdout while %s (the process was killed)", what)}
	}
	c.proc.stop(0)
	c.proc = nil
	msg := fmt.Sprintf("the process %s while %s", c.exitStatus(p.state), what)
	c.out.Write([]byte("[optgrade] " + msg + "\n"))
	return &ProcessFault{Kind: FaultExit, Fn: fn, Msg: msg}
}

// exitStatus says how the process ended: "exited with status 3", "was killed by SIGSEGV".
// Inside bubblewrap, a program killed by signal n makes bwrap exit with 128+n.
func (c *ProcessConn) exitStatus(st *os.ProcessState) string {
	if st == nil {
		return "ended"
	}
	ws, _ := st.Sys().(syscall.WaitStatus)
	var sig syscall.Signal
	switch {
	case ws.Signaled():
		sig = ws.Signal()
	case c.iso.Bwrap && ws.ExitStatus() > 128 && ws.ExitStatus() < 128+65:
		sig = syscall.Signal(ws.ExitStatus() - 128)
	default:
		return fmt.Sprintf("exited with status %d", ws.ExitStatus())
	}
	switch sig {
	case syscall.SIGXCPU:
		return "was killed by SIGXCPU (it used up its CPU time limit)"
	case syscall.SIGKILL:
		return "was killed by SIGKILL (out of memory?)"
	case syscall.SIGXFSZ:
		return "was killed by SIGXFSZ (it wrote a file over the size limit)"
	}
	return fmt.Sprintf("was killed by signal %d (%s)", int(sig), sig)
}

// spawn starts the process in the working copy, in the sandbox.
func (c *ProcessConn) spawn() (*procProc, error) {
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
	iso, err := c.r.Sandbox.Apply(cmd, c.work)
	if err != nil {
		return nil, err
	}
	c.iso = iso

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
	if err := cmd.Start(); err != nil {
		closeAll()
		return nil, err
	}
	inR.Close()
	outW.Close()
	errW.Close()
	p := &procProc{
		cmd:    cmd,
		pgid:   cmd.Process.Pid, // Setsid: the process leads its own group
		stdin:  inW,
		stdout: outR,
		stderr: errR,
		events: make(chan procEvent, 256),
		quit:   make(chan struct{}),
		exited: make(chan struct{}),
	}
	p.readers.Add(2)
	go p.wait()
	go p.readStdout(c.out, c.r.LineCap)
	go p.readStderr(c.out)
	return p, nil
}

// procProc is one OS process and the goroutines that serve it: wait (reaps it), readStdout
// (splits stdout into responses and stray lines) and readStderr.
type procProc struct {
	cmd                   *exec.Cmd
	pgid                  int
	stdin, stdout, stderr *os.File // our ends of the pipes
	events                chan procEvent
	quit                  chan struct{} // closed by stop: readers drop events from then on
	exited                chan struct{} // closed when the process is reaped; state is set then
	state                 *os.ProcessState
	readers               sync.WaitGroup
	tail                  procTail
	stopOnce              sync.Once

	mu      sync.Mutex
	reaping bool   // the group may not be killed any more (its id may be reused)
	near    string // the last stray JSON object with an "id", and why it is not a response
}

// procEvent is a response, or a line over LineCap.
type procEvent struct {
	resp     wireResponse
	overflow bool
}

// wait reaps the process. Before reaping (while the zombie holds the process group id),
// it kills whatever is left of the group.
func (p *procProc) wait() {
	procWaitExited(p.cmd.Process.Pid)
	p.mu.Lock()
	_ = sandbox.KillGroup(p.pgid)
	p.reaping = true
	p.mu.Unlock()
	_ = p.cmd.Wait()
	p.state = p.cmd.ProcessState
	close(p.exited)
}

// kill sends SIGKILL to the process group, unless the process is being reaped.
func (p *procProc) kill() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if !p.reaping {
		_ = sandbox.KillGroup(p.pgid)
	}
}

// stop ends the process: close stdin, wait up to grace for it to exit, kill the group,
// reap, let the readers drain the pipes for a moment, then close them. Only the first
// call does anything; every call returns once the goroutines are gone.
func (p *procProc) stop(grace time.Duration) {
	p.stopOnce.Do(func() {
		p.stdin.Close()
		if grace > 0 {
			select {
			case <-p.exited:
			case <-time.After(grace):
			}
		}
		p.kill()
		<-p.exited
		close(p.quit)
		drained := make(chan struct{})
		go func() {
			p.readers.Wait()
			close(drained)
		}()
		select {
		case <-drained:
		case <-time.After(procDrainGrace):
			// Someone outside the group holds the pipes open: stop reading.
			p.stdout.Close()
			p.stderr.Close()
			<-drained
		}
		p.stdout.Close()
		p.stderr.Close()
	})
}

func (p *procProc) nearMiss() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.near
}

// readStdout reads stdout line by line. A line that starts with '{' is read whole (up to
// lineCap bytes) and decoded; a response goes to events, anything else to out. Other lines
// stream to out without being held in memory, so a flood costs no memory.
func (p *procProc) readStdout(out *procOutput, lineCap int) {
	defer p.readers.Done()
	defer close(p.events)
	send := func(ev procEvent) {
		select {
		case p.events <- ev:
		case <-p.quit:
		}
	}
	const (
		lineStart = iota
		stray     // streaming a stray line to out
		candidate // collecting a line that starts with '{'
		discard   // skipping the rest of an over-long line
	)
	br := bufio.NewReaderSize(p.stdout, 64<<10)
	state := lineStart
	var long []byte
	for {
		chunk, err := br.ReadSlice('\n')
		complete := err == nil
		if len(chunk) > 0 {
			if state == lineStart {
				state = stray
				if t := bytes.TrimLeft(chunk, " \t\r"); len(t) > 0 && t[0] == '{' {
					state = candidate
				}
			}
			switch state {
			case stray:
				out.Write(chunk)
				if !complete && err != bufio.ErrBufferFull {
					out.Write([]byte("\n"))
				}
			case candidate:
				line := chunk
				if !complete || long != nil {
					long = append(long, chunk...)
					line = long
				}
				if len(line) > lineCap {
					long = nil
					send(procEvent{overflow: true})
					state = discard
					break
				}
				if complete || err != bufio.ErrBufferFull {
					resp, ok, near := wireDecodeResponse(line)
					if ok {
						send(procEvent{resp: resp})
					} else {
						if near != "" {
							p.mu.Lock()
							p.near = near + ": " + wireClip(string(bytes.TrimSpace(line)), 200)
							p.mu.Unlock()
						}
						out.Write(line)
						if !complete {
							out.Write([]byte("\n"))
						}
					}
					long = nil
				}
			}
			if complete {
				state = lineStart
			}
		}
		if err != nil && err != bufio.ErrBufferFull {
			return
		}
	}
}

// readStderr copies stderr to out and keeps its tail for messages.
func (p *procProc) readStderr(out *procOutput) {
	defer p.readers.Done()
	buf := make([]byte, 32<<10)
	for {
		n, err := p.stderr.Read(buf)
		if n > 0 {
			out.Write(buf[:n])
			p.tail.Write(buf[:n])
		}
		if err != nil {
			return
		}
	}
}

// procOutput keeps the head of the submission's output, up to limit bytes, and counts the
// rest.
type procOutput struct {
	mu      sync.Mutex
	buf     []byte
	limit   int
	dropped int64
}

// Write keeps what fits and counts the rest; it never fails.
func (o *procOutput) Write(b []byte) (int, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	room := o.limit - len(o.buf)
	if room >= len(b) {
		o.buf = append(o.buf, b...)
	} else {
		if room > 0 {
			o.buf = append(o.buf, b[:room]...)
		}
		o.dropped += int64(len(b) - max(room, 0))
	}
	return len(b), nil
}

func (o *procOutput) String() string {
	o.mu.Lock()
	defer o.mu.Unlock()
	s := string(o.buf)
	if o.dropped > 0 {
		if s != "" && !strings.HasSuffix(s, "\n") {
			s += "\n"
		}
		s += fmt.Sprintf("… [%d bytes dropped]\n", o.dropped)
	}
	return s
}

// procTail keeps the last procTailBytes of a stream.
type procTail struct {
	mu  sync.Mutex
	buf []byte
}

func (t *procTail) Write(b []byte) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if len(b) >= procTailBytes {
		t.buf = append(t.buf[:0], b[len(b)-procTailBytes:]...)
		return
	}
	t.buf = append(t.buf, b...)
	if len(t.buf) > 2*procTailBytes {
		t.buf = append(t.buf[:0], t.buf[len(t.buf)-procTailBytes:]...)
	}
}

// String returns the last few non-empty lines, trimmed.
func (t *procTail) String() string {
	t.mu.Lock()
	s := string(t.buf)
	t.mu.Unlock()
	if len(s) > procTailBytes {
		s = s[len(s)-procTailBytes:]
	}
	lines := strings.Split(strings.TrimSpace(s), "\n")
	if len(lines) > procTailLines {
		lines = lines[len(lines)-procTailLines:]
	}
	return strings.TrimSpace(strings.Join(lines, "\n"))
}

// procWaitExited blocks until process pid has exited, without reaping it (waitid with
// WNOWAIT), so that its process group id stays reserved.
func procWaitExited(pid int) {
	const pPID = 1     // P_PID
	var info [128]byte // siginfo_t
	for {
		_, _, e := syscall.Syscall6(syscall.SYS_WAITID, pPID, uintptr(pid), uintptr(unsafe.Pointer(&info[0])), syscall.WEXITED|syscall.WNOWAIT, 0, 0)
		if e != syscall.EINTR {
			return
		}
	}
}

// procCopyTree copies the folder src to dst (which must not exist): directories, regular
// files with their permissions, symbolic links as links; .git folders, sockets and devices
// are left out. It refuses folders over procCopyLimit bytes.
func procCopyTree(src, dst string) error {
	var total int64
	return filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, path)
		if err != nil {
			return err
		}
		target := filepath.Join(dst, rel)
		info, err := d.Info()
		if err != nil {
			return err
		}
		switch mode := info.Mode(); {
		case mode.IsDir():
			if d.Name() == ".git" && path != src {
				return filepath.SkipDir
			}
			return os.Mkdir(target, mode.Perm()|0o700)
		case mode&fs.ModeSymlink != 0:
			link, err := os.Readlink(path)
			if err != nil {
				return err
			}
			return os.Symlink(link, target)
		case mode.IsRegular():
			if total += info.Size(); total > procCopyLimit {
				return fmt.Errorf("the submission folder holds more than %s", procBytes(procCopyLimit))
			}
			return procCopyFile(path, target, mode.Perm())
		}
		return nil
	})
}

func procCopyFile(src, dst string, perm fs.FileMode) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, perm|0o600)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// procRemoveAll removes path even where the submission took away write permission.
func procRemoveAll(path string) error {
	if path == "" {
		return nil
	}
	if err := os.RemoveAll(path); err == nil {
		return nil
	}
	_ = filepath.WalkDir(path, func(p string, d fs.DirEntry, err error) error {
		if err == nil && d.IsDir() {
			_ = os.Chmod(p, 0o700)
		}
		return nil
	})
	return os.RemoveAll(path)
}

// procShow shows a decoded JSON value, shortened, for a message.
func procShow(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return wireClip(string(b), 80)
}

func procArgvString(argv []string) string {
	return strings.Join(argv, " ")
}

func procBytes(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}
