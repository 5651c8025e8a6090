package main

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/optgrade/optgrade/grader/sandbox"
)

// --sandbox picks the isolation, the result says which was used, and a bad value is a
// usage error.
func TestSandboxFlag(t *testing.T) {
	needPython(t)
	const sub = "../../testdata/submissions/python-reference"
	if _, stderr, code := optgrade(t, "check", "--sandbox", "chroot", "-r", "../../rubrics/assignment1.yaml", sub); code != 2 || !strings.Contains(stderr, "--sandbox must be auto, bwrap or none") {
		t.Errorf("bad --sandbox: exit %d, %s", code, stderr)
	}
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"--sandbox", "none"}, "limits via"},
		{[]string{"--no-sandbox"}, "limits via"},
		{nil, "bubblewrap"},
	} {
		if tt.want == "bubblewrap" {
			if _, err := sandbox.Bubblewrap(); err != nil {
				continue
			}
		}
		args := append(append([]string{"check", "-f", "json"}, tt.args...), "-r", "../../rubrics/assignment1.yaml", sub)
		stdout, stderr, code := optgrade(t, args...)
		var res struct{ Isolation string }
		if err := json.Unmarshal([]byte(stdout), &res); err != nil || code != 0 {
			t.Fatalf("%v: exit %d, %v\n%s", tt.args, code, err, stderr)
		}
		if !strings.HasPrefix(res.Isolation, tt.want) && !strings.Contains(res.Isolation, tt.want) {
			t.Errorf("%v: isolation %q, want %q", tt.args, res.Isolation, tt.want)
		}
		if tt.want != "bubblewrap" && (strings.HasPrefix(res.Isolation, "bubblewrap") || !strings.Contains(stderr, "isolation: ")) {
			t.Errorf("%v: isolation %q, stderr %q: want no bubblewrap, and said so", tt.args, res.Isolation, stderr)
		}
	}
}
