package sandbox

import (
	"errors"
	"os/exec"
	"testing"
)

// A successful probe is recorded and not run again (each check is a new process); a
// failed one is run again every time.
func TestProbeCached(t *testing.T) {
	if _, err := exec.LookPath("bwrap"); err != nil {
		t.Skip("no bwrap")
	}
	t.Setenv("OPTGRADE_CACHE", t.TempDir())
	runs := 0
	ok := func(bool) (string, error) { runs++; return "/usr/bin/bwrap", nil }
	fail := func(bool) (string, error) { runs++; return "", errors.New("bwrap does not work here") }

	for range 3 {
		if _, err := cachedProbe(true, fail); err == nil {
			t.Fatal("a failed probe succeeded")
		}
	}
	if runs != 3 {
		t.Fatalf("failed probe ran %d times in 3 calls, want 3 (failures are not cached)", runs)
	}
	runs = 0
	for range 3 {
		if p, err := cachedProbe(false, ok); err != nil || p != "/usr/bin/bwrap" {
			t.Fatalf("cachedProbe = %q, %v", p, err)
		}
	}
	if runs != 1 {
		t.Fatalf("successful probe ran %d times in 3 calls, want 1", runs)
	}
	if _, err := cachedProbe(true, fail); err == nil || runs != 2 {
		t.Fatalf("the probe as nobody used the record of the probe as oneself (runs %d, err %v)", runs, err)
	}
}
