//go:build unix

package runner

import (
	"os"
	"syscall"

	"golang.org/x/sys/unix"
)

// inlineWriter writes to our end of a pipe that does not block (os.Pipe's ends are
// non-blocking and polled on these systems): a write takes what fits in the pipe now and
// never waits, so the exchange can write its requests itself and hand only a rest that
// does not fit to a goroutine.
type inlineWriter struct{ rc syscall.RawConn }

// newInlineWriter returns nil when f may block: every write then goes to a goroutine.
func newInlineWriter(f *os.File) *inlineWriter {
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
	return &inlineWriter{rc}
}

// write writes as much of b as the pipe takes without waiting and returns how much.
func (w *inlineWriter) write(b []byte) int {
	if w == nil {
		return 0
	}
	n := 0
	w.rc.Write(func(fd uintptr) bool {
		for n < len(b) {
			k, err := unix.Write(int(fd), b[n:])
			if err == unix.EINTR {
				continue
			}
			if err != nil || k <= 0 {
				break
			}
			n += k
		}
		return true // never wait for the pipe
	})
	return n
}
