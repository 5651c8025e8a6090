package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/optgrade/optgrade/grader"
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

// A hostile submission graded in one batch beside a good one, under bubblewrap and under
// --sandbox none: the good one keeps full marks, the hostile one loses exactly the tasks it
// sabotages, and without bubblewrap it still cannot read /etc/shadow (an unprivileged user
// when the grader is root).
func TestHostileBesideGoodUnderBothIsolations(t *testing.T) {
	py := needPython(t)
	subs := t.TempDir()
	for _, s := range []string{"python-reference", "misbehaving"} {
		if err := os.CopyFS(filepath.Join(subs, s), os.DirFS(filepath.Join("../../testdata/submissions", s))); err != nil {
			t.Fatal(err)
		}
	}
	for _, mode := range []string{"bwrap", "none"} {
		t.Run(mode, func(t *testing.T) {
			if mode == "bwrap" {
				if _, err := sandbox.Bubblewrap(); err != nil {
					t.Skipf("bubblewrap cannot run here: %v", err)
				}
			}
			out := t.TempDir()
			stdout, stderr, code := optgrade(t, "grade", "--sandbox", mode, "--python", py, "--rubric", courseRubric, "--out", out, "--timeout", "2s", subs)
			if code != 1 {
				t.Fatalf("grade: exit %d, want 1 (one submission short of full marks)\n%s%s", code, stdout, stderr)
			}
			results := map[string]*grader.Result{}
			for _, s := range []string{"python-reference", "misbehaving"} {
				data, err := os.ReadFile(filepath.Join(out, s, "result.json"))
				if err != nil {
					t.Fatal(err)
				}
				results[s] = readJSONResult(t, string(data))
				if iso := results[s].Isolation; strings.HasPrefix(iso, "bubblewrap") != (mode == "bwrap") {
					t.Errorf("%s: isolation %q under --sandbox %s", s, iso, mode)
				}
			}
			if res := results["python-reference"]; res.Score != 100 {
				t.Errorf("python-reference beside a hostile submission: score %g, error %q", res.Score, res.Error)
			}
			checkMisbehaving(t, results["misbehaving"])
		})
	}
}
