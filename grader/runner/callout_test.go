package runner

import (
	"strings"
	"testing"
	"time"
)

func TestCallOutput(t *testing.T) {
	co := newCallOutput()
	feed := func(s string, start bool) bool { return co.line([]byte(s), start) }
	if feed("before any call\n", true) {
		t.Error("a plain line taken for a marker")
	}
	if !feed("\x1eoptgrade call 7\n", true) || !feed("\x1eoptgrade end 7\n", true) {
		t.Error("markers not recognised")
	}
	feed("\x1eoptgrade call 8\n", true)
	feed("step 1\n", true)
	if feed("\x1eoptgrade end 8\n", false) { // not at a line start: the student's text
		t.Error("a marker in the middle of a line was taken")
	}
	feed("\x1eoptgrade end 8\n", true)
	feed("between calls\n", true)
	if got := co.take(8, true); got != "step 1\n\x1eoptgrade end 8\n" {
		t.Errorf("call 8 printed %q", got)
	}
	if got := co.take(7, true); got != "" {
		t.Errorf("call 7 printed %q", got)
	}
	// A flood is capped per call.
	feed("\x1eoptgrade call 9\n", true)
	for range 2000 {
		feed(strings.Repeat("x", 99)+"\n", true)
	}
	if got := co.take(9, false); len(got) > callOutputCap+100 || !strings.HasSuffix(got, "bytes dropped]\n") {
		t.Errorf("call 9: %d bytes, ends %q", len(got), got[len(got)-30:])
	}
	if len(co.bufs) != 0 {
		t.Errorf("%d calls' output kept after take", len(co.bufs))
	}
}

// TestCallOutputWaitsForTheEnd: take waits for a call's end marker that stderr has not
// delivered yet, and returns as soon as it comes (not after its 200 ms limit); without
// one it gives up after the limit.
func TestCallOutputWaitsForTheEnd(t *testing.T) {
	co := newCallOutput()
	co.expectMarks()
	co.line([]byte("\x1eoptgrade call 5\n"), true)
	co.line([]byte("late line\n"), true)
	go func() {
		time.Sleep(20 * time.Millisecond)
		co.line([]byte("last line\n"), true)
		co.line([]byte("\x1eoptgrade end 5\n"), true)
	}()
	start := time.Now()
	if got := co.take(5, true); got != "late line\nlast line\n" {
		t.Errorf("call 5 printed %q", got)
	}
	if waited := time.Since(start); waited < 15*time.Millisecond || waited >= 190*time.Millisecond {
		t.Errorf("waited %s for the end marker sent after 20 ms", waited)
	}
	co.line([]byte("\x1eoptgrade call 6\n"), true)
	start = time.Now()
	co.take(6, true)
	if waited := time.Since(start); waited < 190*time.Millisecond {
		t.Errorf("gave up after %s without an end marker, want 200 ms", waited)
	}
}
