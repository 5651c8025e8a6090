//go:build unix

package runner

import (
	"io"
	"os"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// inlineWriter writes to our end of a pipe that does not block (os.Pipe's ends are
// non-blocking and polled on these systems): a write takes what fits in the pipe now and
// never waits, so the exchange can write its requests itself and hand only a rest that
// does not fit to a goroutine.
type inlineWriter struct {
	rc syscall.RawConn
	// The write in progress, for writeFn (made once: a closure per write is an allocation).
	b       []byte
	n       int
	writeFn func(fd uintptr) bool
}

// nonblocking returns f's raw connection when f does not block (its reads and writes go
// through the runtime's poller), else nil.
func nonblocking(f *os.File) syscall.RawConn {
	rc, err := f.SyscallConn()
	if err != nil {
		return nil
	}
	nonblock := false
	if rc.Control(func(fd uintptr) {
		fl, err := unix.FcntlInt(fd, unix.F_GETFL, 0)
		nonblock = err == nil && fl&unix.O_NONBLOCK != 0
	}) != nil || !nonblock {
		return nil
	}
	return rc
}

// newInlineWriter returns nil when f may block: every write then goes to a goroutine.
func newInlineWriter(f *os.File) *inlineWriter {
	rc := nonblocking(f)
	if rc == nil {
		return nil
	}
	w := &inlineWriter{rc: rc}
	w.writeFn = func(fd uintptr) bool {
		for w.n < len(w.b) {
			k, err := rawWrite(int(fd), w.b[w.n:])
			if err == unix.EINTR {
				continue
			}
			if err != nil || k <= 0 {
				break
			}
			w.n += k
		}
		return true // never wait for the pipe
	}
	return w
}

// write writes as much of b as the pipe takes without waiting and returns how much.
func (w *inlineWriter) write(b []byte) int {
	if w == nil {
		return 0
	}
	w.b, w.n = b, 0
	w.rc.Write(w.writeFn)
	n := w.n
	w.b = nil
	return n
}

// pipeReader reads our end of a pipe that does not block and has deadlines (os.Pipe's
// ends on these systems), waiting for data through the runtime's poller (up to the read
// deadline), or, with nowait, taking only what is there.
type pipeReader struct {
	rc     syscall.RawConn
	nowait bool
	// The read in progress, for readFn (made once).
	b      []byte
	n      int
	err    error
	readFn func(fd uintptr) bool
}

// newPipeReader returns nil unless f does not block and has deadlines.
func newPipeReader(f *os.File) *pipeReader {
	rc := nonblocking(f)
	if rc == nil || f.SetReadDeadline(time.Time{}) != nil {
		return nil
	}
	r := &pipeReader{rc: rc}
	r.readFn = func(fd uintptr) bool {
		for {
			r.n, r.err = rawRead(int(fd), r.b)
			switch r.err {
			case unix.EINTR:
				continue
			case unix.EAGAIN:
				return r.nowait // else the poller waits for data, or the deadline
			}
			return true
		}
	}
	return r
}

// Read reads what is there; if nothing is, it waits for data or the read deadline, or
// with nowait returns errWouldBlock.
func (r *pipeReader) Read(b []byte) (int, error) {
	r.b = b
	cerr := r.rc.Read(r.readFn)
	n, err := r.n, r.err
	r.b, r.err = nil, nil
	switch {
	case cerr != nil:
		return 0, cerr // the deadline (os.ErrDeadlineExceeded), or the file closed
	case err == unix.EAGAIN:
		return 0, errWouldBlock
	case err != nil:
		return 0, err
	case n == 0:
		return 0, io.EOF
	}
	return n, nil
}
