//go:build darwin || dragonfly || freebsd || netbsd || openbsd

package kit

import (
	"os"
	"syscall"
)

// protocolOutput takes a private copy of standard output for the protocol and points
// file descriptor 1 at standard error (see stdout_linux.go).
func protocolOutput() *os.File {
	fd, err := syscall.Dup(1)
	if err != nil {
		return fallbackOutput()
	}
	syscall.CloseOnExec(fd)
	if err := syscall.Dup2(2, 1); err != nil {
		syscall.Close(fd)
		return fallbackOutput()
	}
	return os.NewFile(uintptr(fd), "protocol")
}
