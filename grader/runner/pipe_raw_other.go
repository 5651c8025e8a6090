//go:build unix && !linux

package runner

import "golang.org/x/sys/unix"

// rawRead and rawWrite read and write a pipe end that never blocks.
func rawRead(fd int, b []byte) (int, error) { return unix.Read(fd, b) }

func rawWrite(fd int, b []byte) (int, error) { return unix.Write(fd, b) }
