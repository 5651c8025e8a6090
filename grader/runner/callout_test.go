package runner

import (
	"strings"
	"testing"
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
