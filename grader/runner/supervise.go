package runner

import (
	"errors"
	"os"
	"os/exec"
	"sync"
	"syscall"
	"time"
	"unsafe"

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
	p := &process{
		cmd:    cmd,
		pgid:   cmd.Process.Pid, // Setsid: the process leads its own group
		stdin:  inW,
		stdout: outR,
		stderr: errR,
		events: make(chan event, 256),
		quit:   make(chan struct{}),
		exited: make(chan struct{}),
	}
	p.readers.Add(2)
	go p.wait()
	go p.readStdout(c.out, c.r.LineCap)
	go p.readStderr(c.out)
	return p, nil
}

// process is one OS process and the goroutines that serve it: wait (reaps it), readStdout
// (splits stdout into responses and stray lines) and readStderr.
type process struct {
	cmd                   *exec.Cmd
	pgid                  int
	stdin, stdout, stderr *os.File // our ends of the pipes
	events                chan event
	quit                  chan struct{} // closed by stop: readers drop events from then on
	exited                chan struct{} // closed when the process is reaped; state is set then
	state                 *os.ProcessState
	readers               sync.WaitGroup
	tail                  tail
	stopOnce              sync.Once

	mu      sync.Mutex
	reaping bool   // the group may not be killed any more (its id may be reused)
	near    string // the last stray JSON object with an "id", and why it is not a response
}

// event is a response, or a line over LineCap.
type event struct {
	resp     response
	overflow bool
}

// wait reaps the process. Before reaping (while the zombie holds the process group id),
// it kills whatever is left of the group.
func (p *process) wait() {
	waitExited(p.cmd.Process.Pid)
	p.mu.Lock()
	_ = sandbox.KillGroup(p.pgid)
	p.reaping = true
	p.mu.Unlock()
	_ = p.cmd.Wait()
	p.state = p.cmd.ProcessState
	close(p.exited)
}

// kill sends SIGKILL to the process group, unless the process is being reaped.
func (p *process) kill() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if !p.reaping {
		_ = sandbox.KillGroup(p.pgid)
	}
}

// stop ends the process: close stdin, wait up to grace for it to exit, kill the group,
// reap, let the readers drain the pipes for a moment, then close them. Only the first
// call does anything; every call returns once the goroutines are gone.
func (p *process) stop(grace time.Duration) {
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

// waitExited blocks until process pid has exited, without reaping it (waitid with
// WNOWAIT), so that its process group id stays reserved.
func waitExited(pid int) {
	const pPID = 1     // P_PID
	var info [128]byte // siginfo_t
	for {
		_, _, e := syscall.Syscall6(syscall.SYS_WAITID, pPID, uintptr(pid), uintptr(unsafe.Pointer(&info[0])), syscall.WEXITED|syscall.WNOWAIT, 0, 0)
		if e != syscall.EINTR {
			return
		}
	}
}
