package runner

import (
	"unsafe"

	"golang.org/x/sys/unix"
)

// rawRead and rawWrite read and write a pipe end that never blocks. They are raw system
// calls: the runtime is not told of a call that cannot block, and so does not wake its
// monitor thread for each one (on a busy machine those wake-ups cost more than the calls).
func rawRead(fd int, b []byte) (int, error) { return rawIO(unix.SYS_READ, fd, b) }

func rawWrite(fd int, b []byte) (int, error) { return rawIO(unix.SYS_WRITE, fd, b) }

func rawIO(trap uintptr, fd int, b []byte) (int, error) {
	if len(b) == 0 {
		return 0, nil
	}
	n, _, e := unix.RawSyscall(trap, uintptr(fd), uintptr(unsafe.Pointer(&b[0])), uintptr(len(b)))
	if e != 0 {
		return -1, e
	}
	return int(n), nil
}
