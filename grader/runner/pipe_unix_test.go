//go:build unix

package runner

import (
	"bytes"
	"io"
	"os"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// The exchange writes its requests itself only as far as the pipe takes them at once: a
// write to a full pipe returns at once with what fit, and the bytes arrive in order.
func TestInlineWriteNeverWaits(t *testing.T) {
	r, w := testPipe(t)
	iw := newInlineWriter(w)
	if iw == nil {
		t.Fatal("os.Pipe's write end is not written inline")
	}
	if n := iw.write([]byte("small\n")); n != 6 {
		t.Fatalf("a small write took %d bytes", n)
	}
	big := bytes.Repeat([]byte("0123456789abcdef"), 1<<16) // 1 MiB, more than a pipe holds
	start := time.Now()
	n := iw.write(big)
	if d := time.Since(start); d > time.Second {
		t.Errorf("a write to a full pipe took %v", d)
	}
	if n <= 0 || n >= len(big) {
		t.Fatalf("a write of %d bytes to an empty pipe took %d", len(big), n)
	}
	if m := iw.write(big[n:]); m != 0 {
		t.Errorf("a write to a full pipe took %d bytes", m)
	}
	got := make(chan []byte)
	go func() { b, _ := io.ReadAll(r); got <- b }()
	if _, err := w.Write(big[n:]); err != nil { // the rest, as the goroutine writes it
		t.Fatal(err)
	}
	w.Close()
	if b := <-got; !bytes.Equal(b, append([]byte("small\n"), big...)) {
		t.Errorf("read %d bytes, not what was written", len(b))
	}
}

// A pipe end that blocks is never written inline nor read by the exchange (either could
// hang the grader): a goroutine does it.
func TestInlineWriteNotOnBlockingPipe(t *testing.T) {
	r, w := testPipe(t)
	if newPipeReader(r) == nil {
		t.Fatal("os.Pipe's read end is not read directly")
	}
	for _, f := range []*os.File{r, w} {
		rc, err := f.SyscallConn()
		if err != nil {
			t.Fatal(err)
		}
		rc.Control(func(fd uintptr) { unix.SetNonblock(int(fd), false) })
	}
	if newInlineWriter(w) != nil {
		t.Error("a blocking pipe is written inline")
	}
	if newPipeReader(r) != nil {
		t.Error("a blocking pipe is read directly")
	}
}

func testPipe(t *testing.T) (r, w *os.File) {
	t.Helper()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close(); w.Close() })
	return r, w
}
