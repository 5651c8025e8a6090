package main

import (
	"runtime/debug"
	"testing"
)

// TestOneShotGC: a check lets its heap grow to 5× what survives a collection, unless the
// user set GOGC, which still decides.
func TestOneShotGC(t *testing.T) {
	defer debug.SetGCPercent(debug.SetGCPercent(100))
	t.Setenv("GOGC", "")
	oneShotGC()
	if got := debug.SetGCPercent(100); got != 400 {
		t.Errorf("GC percent %d after oneShotGC, want 400", got)
	}
	t.Setenv("GOGC", "150")
	debug.SetGCPercent(150)
	oneShotGC()
	if got := debug.SetGCPercent(100); got != 150 {
		t.Errorf("GC percent %d after oneShotGC with GOGC=150, want 150 (the user's)", got)
	}
}
