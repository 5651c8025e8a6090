package runner

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/optgrade/optgrade/grader/sandbox"
)

// Defaults of the zero Settings, and fixed limits. Together with MaxDepth and MaxValues
// (wire.go) they bound what one submission costs the grader: memory stays near
// LineCap + MaxValues × ~40 bytes + OutputCap, whatever it sends.
const (
	DefaultCallTimeout  = 10 * time.Second // one call, from the previous answer
	DefaultStartTimeout = 20 * time.Second // the answer to hello (the interpreter's start)
	DefaultBudgetFactor = 60               // Budget: this many CallTimeouts for the whole submission
	DefaultOutputCap    = 64 << 10         // the student's own output kept
	DefaultLineCap      = 16 << 20         // one answer line
	DefaultByteBudget   = 256 << 20        // answers and output read over the submission's life
	HelloLineCap        = 1 << 20          // the answer to hello
)

const (
	closeGrace    = 2 * time.Second        // Close: from closing stdin to SIGKILL
	exitWait      = 1 * time.Second        // stdout ended: how long to wait for the exit status
	drainGrace    = 500 * time.Millisecond // after the exit: how long the readers may drain the pipes
	maxStartFails = 2                      // consecutive failed starts after which Do stops trying
	copyLimit     = 512 << 20              // largest submission folder copied
	tailBytes     = 4 << 10                // stderr kept for messages
	tailLines     = 8                      // stderr lines quoted in a message
)

// Settings say how a submission's processes run. The zero Settings mean the documented
// defaults (the Default* constants and the sandbox's own).
type Settings struct {
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
	// Budget bounds the wall time of the whole submission — every call, start and restart;
	// zero means DefaultBudgetFactor × CallTimeout. Once spent, every later call faults.
	Budget time.Duration
	// ByteBudget bounds the bytes read from the submission (answers and output together)
	// over its whole life; once spent, the process is killed and every later call faults.
	ByteBudget int64
	Sandbox    sandbox.Config
}

// PrepareFunc is a kind's build step (see Submission.Prepare). It gets the runner's
// settings (to build inside the same sandbox) and returns what to run.
type PrepareFunc func(ctx context.Context, set Settings) (Prepared, error)

// Prepared is what a build step made: the command to run (in the working copy) and the
// host folders it needs visible, read-only, inside the sandbox (the build's output).
type Prepared struct {
	Argv     []string
	ReadOnly []string
}

// ProcessRunner runs a submission as an OS process speaking the wire protocol (DESIGN.md
// §1) on its stdin and stdout. Each Conn copies Dir to a fresh temporary folder, runs Argv
// there inside the sandbox with a scrubbed environment, and removes the copy on Close.
// After a fault (a timeout, a crash, a garbled response) the process is killed and the
// next Do starts a fresh one, in a fresh copy, with a fresh hello.
type ProcessRunner struct {
	Dir  string   // the submission folder (never written to)
	Argv []string // the command, run in the copy of Dir; argv[0] without a slash is looked up in PATH
	// Prepare, when set, runs before the first start and its Prepared replaces Argv.
	Prepare PrepareFunc
	Settings
	// readerGoroutine makes a goroutine read stdout even where the exchange could read it
	// itself (as on systems whose pipes have no deadlines): for tests of that path.
	readerGoroutine bool
}

var (
	_ Runner      = (*ProcessRunner)(nil)
	_ Conn        = (*ProcessConn)(nil)
	_ InputCloser = (*ProcessConn)(nil)
)

// Isolation says which isolation the runner's processes get on this machine.
func (r *ProcessRunner) Isolation() string { return r.Sandbox.Describe() }

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
	sandbox.WarmUp()
	c := &ProcessConn{r: *r, nextID: 1}
	c.r.Argv = append([]string(nil), r.Argv...)
	if r.Prepare != nil {
		prep, err := r.Prepare(ctx, r.Settings)
		if err != nil {
			return nil, &ProcessFault{Kind: FaultStart, Fn: "hello", Msg: err.Error()}
		}
		c.r.Argv = append([]string(nil), prep.Argv...)
		c.r.Sandbox.ReadOnly = append(append([]string(nil), r.Sandbox.ReadOnly...), prep.ReadOnly...)
	}
	if len(c.r.Argv) == 0 {
		return nil, &ProcessFault{Kind: FaultStart, Fn: "hello", Msg: "no command to run the submission with"}
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
	if c.r.Budget <= 0 {
		c.r.Budget = DefaultBudgetFactor * c.r.CallTimeout
	}
	if c.r.ByteBudget <= 0 {
		c.r.ByteBudget = DefaultByteBudget
	}
	c.deadline = time.Now().Add(c.r.Budget)
	c.meter.limit = c.r.ByteBudget
	c.out = &output{limit: c.r.OutputCap}
	c.calls = newCallOutput()
	src, err := filepath.Abs(r.Dir)
	if err != nil {
		return nil, &ProcessFault{Kind: FaultStart, Fn: "hello", Msg: err.Error()}
	}
	c.src = src
	if c.root, err = newWorkRoot(); err != nil {
		return nil, &ProcessFault{Kind: FaultStart, Fn: "hello", Msg: fmt.Sprintf("make a working copy: %v", err)}
	}
	// Searchable by others: a root grader without bubblewrap runs the submission as nobody.
	if err := os.Chmod(c.root, 0o711); err != nil {
		os.RemoveAll(c.root)
		return nil, &ProcessFault{Kind: FaultStart, Fn: "hello", Msg: fmt.Sprintf("make a working copy: %v", err)}
	}
	c.work = filepath.Join(c.root, "submission")
	if err := c.restart(ctx); err != nil {
		removeAll(c.root)
		return nil, err
	}
	return c, nil
}
