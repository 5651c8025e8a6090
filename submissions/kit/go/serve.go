package kit

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"runtime"
	"runtime/debug"
	"strings"
	"sync"
	"time"
)

// Version is the kit's version; a Go plugin must be built with the same kit as the
// grader's plugin host.
const Version = "1.0.0"

// Protocol is the wire protocol version the kit speaks.
const Protocol = 1

// ErrNotImplemented, returned by a function (or wrapped), reports it as not attempted.
var ErrNotImplemented = errors.New("not implemented")

// Functions holds the solution's catalog functions; a nil field is not attempted.
// The field names are also the names a Go plugin exports.
type Functions struct {
	BernoulliNLL     func(BernoulliArgs) (float64, error)
	BernoulliNLLGrad func(BernoulliArgs) (float64, error)
	BernoulliMLE     func(BernoulliMLEArgs) (float64, error)
	CrossEntropy     func(CrossEntropyArgs) (float64, error)
	QuadraticLoss    func(QuadraticArgs) (float64, error)
	QuadraticGrad    func(QuadraticArgs) ([]float64, error)
	LogisticLoss     func(LogisticLossArgs) (float64, error)
	LogisticGrad     func(LogisticGradArgs) ([]float64, error)
	GDStep           func(GDStepArgs) ([]float64, error)
	MomentumStep     func(MomentumStepArgs) (MomentumStepResult, error)
	NormalizedStep   func(NormalizedStepArgs) ([]float64, error)
	AdamStep         func(AdamStepArgs) (AdamStepResult, error)
	LRLinear         func(LRLinearArgs) (float64, error)
	LRExponential    func(LRExponentialArgs) (float64, error)
	Train            func(TrainArgs) (TrainResult, error)
	Diagnose         func(DiagnoseArgs) (string, error)
}

// entry is one catalog function: its protocol name, its Go name (the Functions field and
// a plugin's exported symbol), how to call it and how to set it from a plugin symbol.
type entry struct {
	name, goName string
	call         func(f *Functions, args json.RawMessage) (any, bool, error) // ok false: not set
	set          func(f *Functions, sym any) bool
	has          func(f *Functions) bool
}

func row[A, R any](name, goName string, field func(*Functions) *func(A) (R, error)) entry {
	return entry{
		name: name, goName: goName,
		call: func(f *Functions, raw json.RawMessage) (any, bool, error) {
			fn := *field(f)
			if fn == nil {
				return nil, false, nil
			}
			var a A
			if len(raw) > 0 && string(raw) != "null" {
				if err := decodeArgs(raw, &a); err != nil {
					return nil, true, fmt.Errorf("TypeError: arguments of %s: %v", name, err)
				}
			}
			r, err := fn(a)
			return r, true, err
		},
		has: func(f *Functions) bool { return *field(f) != nil },
		set: func(f *Functions, sym any) bool {
			switch fn := sym.(type) {
			case func(A) (R, error):
				*field(f) = fn
			case *func(A) (R, error): // an exported variable
				*field(f) = *fn
			default:
				return false
			}
			return true
		},
	}
}

// catalog is the function catalog of the Optimization assignment, in its order.
var catalog = []entry{
	row("bernoulli_nll", "BernoulliNLL", func(f *Functions) *func(BernoulliArgs) (float64, error) { return &f.BernoulliNLL }),
	row("bernoulli_nll_grad", "BernoulliNLLGrad", func(f *Functions) *func(BernoulliArgs) (float64, error) { return &f.BernoulliNLLGrad }),
	row("bernoulli_mle", "BernoulliMLE", func(f *Functions) *func(BernoulliMLEArgs) (float64, error) { return &f.BernoulliMLE }),
	row("cross_entropy", "CrossEntropy", func(f *Functions) *func(CrossEntropyArgs) (float64, error) { return &f.CrossEntropy }),
	row("quadratic_loss", "QuadraticLoss", func(f *Functions) *func(QuadraticArgs) (float64, error) { return &f.QuadraticLoss }),
	row("quadratic_grad", "QuadraticGrad", func(f *Functions) *func(QuadraticArgs) ([]float64, error) { return &f.QuadraticGrad }),
	row("logistic_loss", "LogisticLoss", func(f *Functions) *func(LogisticLossArgs) (float64, error) { return &f.LogisticLoss }),
	row("logistic_grad", "LogisticGrad", func(f *Functions) *func(LogisticGradArgs) ([]float64, error) { return &f.LogisticGrad }),
	row("gd_step", "GDStep", func(f *Functions) *func(GDStepArgs) ([]float64, error) { return &f.GDStep }),
	row("momentum_step", "MomentumStep", func(f *Functions) *func(MomentumStepArgs) (MomentumStepResult, error) { return &f.MomentumStep }),
	row("normalized_step", "NormalizedStep", func(f *Functions) *func(NormalizedStepArgs) ([]float64, error) { return &f.NormalizedStep }),
	row("adam_step", "AdamStep", func(f *Functions) *func(AdamStepArgs) (AdamStepResult, error) { return &f.AdamStep }),
	row("lr_linear", "LRLinear", func(f *Functions) *func(LRLinearArgs) (float64, error) { return &f.LRLinear }),
	row("lr_exponential", "LRExponential", func(f *Functions) *func(LRExponentialArgs) (float64, error) { return &f.LRExponential }),
	row("train", "Train", func(f *Functions) *func(TrainArgs) (TrainResult, error) { return &f.Train }),
	row("diagnose", "Diagnose", func(f *Functions) *func(DiagnoseArgs) (string, error) { return &f.Diagnose }),
}

// GoNames lists the Go names of the catalog functions (the Functions fields), in
// catalog order.
func GoNames() []string {
	names := make([]string, len(catalog))
	for i, e := range catalog {
		names[i] = e.goName
	}
	return names
}

// Set sets the function with Go name goName to fn, which must have the field's type (or
// be a pointer to a variable of it, as a plugin's Lookup returns for variables). It
// reports whether it did; a plugin host uses it for each exported symbol.
func (f *Functions) Set(goName string, fn any) bool {
	for _, e := range catalog {
		if e.goName == goName {
			return e.set(f, fn)
		}
	}
	return false
}

// Implemented lists the protocol names of the functions set, in catalog order.
func (f *Functions) Implemented() []string {
	var names []string
	for _, e := range catalog {
		if e.has(f) {
			names = append(names, e.name)
		}
	}
	return names
}

// Serve answers protocol requests from stdin with fns until the end of input, then
// exits 0. Before it starts, standard output is pointed at standard error (see the
// package comment), so prints never disturb the grader.
func Serve(fns Functions) {
	proto := protocolOutput()
	if err := ServeIO(os.Stdin, proto, fns, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "optgrade kit:", err)
		os.Exit(1)
	}
	os.Exit(0)
}

// ServeIO answers the requests read from in, writing responses to out and the kit's own
// notes (bad requests, a panic's stack) to notes, until the end of in. It changes no
// file descriptors; Serve calls it with a private copy of standard output.
//
// Answers are sent when no whole request is waiting in the input (before a read that may
// block), and at the latest sendAfter after the first unsent one was made, even while a
// call is running: a pipelined batch costs few writes, and a call that hangs never holds
// back the answers before it.
func ServeIO(in io.Reader, out io.Writer, fns Functions, notes io.Writer) error {
	r := bufio.NewReaderSize(in, 1<<16)
	s := newSender(out)
	defer s.stop()
	var resp bytes.Buffer // each answer, reused
	for {
		if lineWaiting(r) {
			s.arm() // the answers made so far wait while the next call runs
		} else if s.send() != nil {
			return nil // the grader went away
		}
		line, err := r.ReadSlice('\n')
		if err == bufio.ErrBufferFull { // a line longer than the buffer
			long := append([]byte(nil), line...)
			var rest []byte
			rest, err = r.ReadBytes('\n')
			line = append(long, rest...)
		}
		if len(bytes.TrimSpace(line)) > 0 {
			resp.Reset()
			if answer(&resp, &fns, line, notes) && s.add(resp.Bytes()) != nil {
				return nil
			}
		}
		if err == io.EOF {
			s.send()
			return nil
		}
		if err != nil {
			s.send()
			return err
		}
	}
}

// lineWaiting reports whether a whole line is already buffered (reading it cannot block).
func lineWaiting(r *bufio.Reader) bool {
	b, _ := r.Peek(r.Buffered())
	return bytes.IndexByte(b, '\n') >= 0
}

// sendAfter bounds how long an answer waits in the buffer.
const sendAfter = 10 * time.Millisecond

// sender buffers answers; its timer, armed when a call starts while answers wait, sends
// them sendAfter later. An answer followed by a read sets no timer.
type sender struct {
	mu    sync.Mutex
	w     *bufio.Writer
	timer *time.Timer
	armed bool
	err   error // the first write error: the grader went away
}

func newSender(out io.Writer) *sender {
	s := &sender{w: bufio.NewWriterSize(out, 1<<16)}
	s.timer = time.AfterFunc(time.Hour, func() { s.send() })
	s.timer.Stop()
	return s
}

// add buffers one answer line.
func (s *sender) add(resp []byte) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.err == nil {
		s.w.Write(resp)
		s.err = s.w.WriteByte('\n')
	}
	return s.err
}

// arm starts the timer, unless it runs or no answer waits.
func (s *sender) arm() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.armed && s.w.Buffered() > 0 {
		s.armed = true
		s.timer.Reset(sendAfter)
	}
}

// send writes the buffered answers.
func (s *sender) send() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.armed {
		s.armed = false
		s.timer.Stop()
	}
	if s.err == nil && s.w.Buffered() > 0 {
		s.err = s.w.Flush()
	}
	return s.err
}

func (s *sender) stop() {
	s.send()
	s.timer.Stop()
}

type request struct {
	ID   json.RawMessage `json:"id"`
	Fn   *string         `json:"fn"`
	Args json.RawMessage `json:"args"`
}

// answer writes the response line to one request line to b (without its newline); it
// returns false for a line that is not a request (noted on notes).
func answer(b *bytes.Buffer, fns *Functions, line []byte, notes io.Writer) bool {
	req, ok := parseRequest(line)
	if !ok {
		req = request{}
		if err := json.Unmarshal(line, &req); err != nil {
			fmt.Fprintf(notes, "optgrade kit: not a JSON request, ignored: %v\n", err)
			return false
		}
	}
	id := req.ID
	if len(id) == 0 {
		id = json.RawMessage("null")
	}
	var result any
	var err error
	switch {
	case req.Fn == nil:
		err = errors.New("ValueError: request has no fn")
	case *req.Fn == "hello":
		result = map[string]any{
			"protocol":  Protocol,
			"functions": append([]string{}, fns.Implemented()...),
			"language":  "go",
			"kit":       Version,
			"go":        runtime.Version(),
		}
	default:
		result, err = call(fns, *req.Fn, req.Args, notes)
	}
	b.WriteString(`{"id":`)
	b.Write(id)
	if err == nil {
		b.WriteString(`,"result":`)
		if encErr := encode(b, result); encErr != nil {
			b.Reset()
			b.WriteString(`{"id":`)
			b.Write(id)
			err = fmt.Errorf("TypeError: result of %s cannot be sent: %v", *req.Fn, encErr)
		}
	}
	if err != nil {
		msg, _ := json.Marshal(err.Error())
		b.WriteString(`,"error":`)
		b.Write(msg)
	}
	b.WriteByte('}')
	return true
}

// call runs one catalog function, turning a panic into an error that names the panic
// value and the solution's line where it happened.
func call(fns *Functions, name string, args json.RawMessage, notes io.Writer) (result any, err error) {
	var e *entry
	for i := range catalog {
		if catalog[i].name == name {
			e = &catalog[i]
		}
	}
	if e == nil {
		return nil, fmt.Errorf("NotImplementedError: %s (not a catalog function)", name)
	}
	defer func() {
		if p := recover(); p != nil {
			fmt.Fprintf(notes, "optgrade kit: %s panicked: %v\n%s", name, p, debug.Stack())
			result, err = nil, fmt.Errorf("panic: %v%s", p, panicSite())
		}
	}()
	r, ok, err := e.call(fns, args)
	switch {
	case !ok || errors.Is(err, ErrNotImplemented):
		return nil, fmt.Errorf("NotImplementedError: %s", name)
	case err != nil && strings.HasPrefix(err.Error(), "TypeError: arguments of "):
		return nil, err
	case err != nil:
		return nil, fmt.Errorf("Error: %s: %v", name, err)
	}
	return r, nil
}

// panicSite names the frame that panicked — the first one outside the runtime and this
// kit — as " at pkg.Func (file.go:12)", or "" if there is none. Called while panicking.
func panicSite() string {
	pc := make([]uintptr, 64)
	n := runtime.Callers(3, pc)
	frames := runtime.CallersFrames(pc[:n])
	for {
		f, more := frames.Next()
		if f.Function != "" && !strings.HasPrefix(f.Function, "runtime.") && !isKitFrame(f) {
			file := f.File
			if i := strings.LastIndexByte(file, '/'); i >= 0 {
				file = file[i+1:]
			}
			return fmt.Sprintf(" at %s (%s:%d)", f.Function, file, f.Line)
		}
		if !more {
			return ""
		}
	}
}

// kitDir is the folder of the kit's own source files, as the runtime names them; found on
// first use (a panic), not when the program starts.
var kitDir = sync.OnceValue(func() string {
	_, file, _, _ := runtime.Caller(0)
	return path.Dir(file)
})

// isKitFrame reports whether a frame is the kit's own code (not a test of it).
func isKitFrame(f runtime.Frame) bool {
	return path.Dir(f.File) == kitDir() && !strings.HasSuffix(f.File, "_test.go")
}
