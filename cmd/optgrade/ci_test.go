package main

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestCIScriptOnAnAssignmentRepo runs the script the kit's GitHub Actions and GitLab CI
// files call, on an assignment repository made from the kit with a solution in it: the
// step summary, the JUnit file and the GitHub Classroom result are written, the exit code
// says pass or fail, and an edited rubric fails the run.
func TestCIScriptOnAnAssignmentRepo(t *testing.T) {
	py := needPython(t)
	if _, err := exec.LookPath("bash"); err != nil {
		t.Skip("no bash")
	}
	bin := t.TempDir()
	build := exec.Command("go", "build", "-o", filepath.Join(bin, "optgrade"), ".")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	kit := "../../submissions/kit/python"
	rubric, _ := os.ReadFile(filepath.Join(kit, "rubric.yaml"))
	sum := sha256.Sum256(rubric)
	pin := hex.EncodeToString(sum[:])
	// The workflows pin the kit's own rubric.
	for _, wf := range []string{"github-classroom.yml", "gitlab-ci.yml"} {
		data, _ := os.ReadFile(filepath.Join(kit, "ci", wf))
		if m := regexp.MustCompile(`OPTGRADE_RUBRIC_SHA256: ([0-9a-f]{64})`).FindSubmatch(data); m == nil || string(m[1]) != pin {
			t.Errorf("ci/%s pins %q, the kit's rubric.yaml is %s", wf, m, pin)
		}
	}

	run := func(t *testing.T, solution string, edit func(repo string)) (code int, summary, output string, repo string) {
		repo = filepath.Join(t.TempDir(), "assignment")
		if err := os.CopyFS(repo, os.DirFS(kit)); err != nil {
			t.Fatal(err)
		}
		sol, _ := os.ReadFile(filepath.Join("../../testdata/submissions", solution, "solution.py"))
		os.WriteFile(filepath.Join(repo, "solution.py"), sol, 0o644)
		os.WriteFile(filepath.Join(repo, "optgrade.yaml"), []byte("student: octocat\nrun: [python3, solution.py]\n"), 0o644)
		if edit != nil {
			edit(repo)
		}
		gh := t.TempDir()
		cmd := exec.Command("bash", filepath.Join(repo, "ci", "optgrade-ci.sh"))
		cmd.Env = append(os.Environ(),
			"PATH="+bin+string(os.PathListSeparator)+os.Getenv("PATH"),
			"OPTGRADE_PYTHON="+py,
			"OPTGRADE_RUBRIC_SHA256="+pin,
			"GITHUB_STEP_SUMMARY="+filepath.Join(gh, "summary"),
			"GITHUB_OUTPUT="+filepath.Join(gh, "output"),
		)
		out, err := cmd.CombinedOutput()
		if ee, ok := err.(*exec.ExitError); ok {
			code = ee.ExitCode()
		} else if err != nil {
			t.Fatal(err)
		}
		s, _ := os.ReadFile(filepath.Join(gh, "summary"))
		o, _ := os.ReadFile(filepath.Join(gh, "output"))
		t.Logf("%s", out)
		return code, string(s), string(o), repo
	}
	classroom := func(t *testing.T, output string) (status string, score, max float64) {
		b64, ok := strings.CutPrefix(strings.TrimSpace(output), "result=")
		data, err := base64.StdEncoding.DecodeString(b64)
		var r struct {
			Status   string  `json:"status"`
			MaxScore float64 `json:"max_score"`
			Tests    []struct {
				Score float64 `json:"score"`
			} `json:"tests"`
		}
		if !ok || err != nil || json.Unmarshal(data, &r) != nil {
			t.Fatalf("GITHUB_OUTPUT %q: %v", output, err)
		}
		for _, tc := range r.Tests {
			score += tc.Score
		}
		return r.Status, score, r.MaxScore
	}

	t.Run("reference", func(t *testing.T) {
		code, summary, output, repo := run(t, "python-reference", nil)
		if code != 0 || !strings.Contains(summary, "Score: 50/50 on the public checks") {
			t.Errorf("exit %d, summary:\n%s", code, summary)
		}
		if status, score, max := classroom(t, output); status != "pass" || score != 50 || max != 50 {
			t.Errorf("classroom: %s %g/%g", status, score, max)
		}
		if x, err := os.ReadFile(filepath.Join(repo, "optgrade-junit.xml")); err != nil || !strings.Contains(string(x), `failures="0" errors="0"`) {
			t.Errorf("junit: %v\n%s", err, x)
		}
	})
	t.Run("partial", func(t *testing.T) {
		code, _, output, repo := run(t, "partial", nil)
		status, score, max := classroom(t, output)
		if code != 1 || status != "fail" || score <= 0 || score >= max {
			t.Errorf("exit %d, classroom %s %g/%g", code, status, score, max)
		}
		x, _ := os.ReadFile(filepath.Join(repo, "optgrade-junit.xml"))
		if strings.Contains(string(x), "<skipped") || !strings.Contains(string(x), "not attempted") {
			t.Errorf("a reporter would count the not-attempted checks as passed:\n%s", x)
		}
	})
	t.Run("edited rubric", func(t *testing.T) {
		code, _, output, _ := run(t, "partial", func(repo string) {
			p := filepath.Join(repo, "rubric.yaml")
			data, _ := os.ReadFile(p)
			os.WriteFile(p, append(data, []byte("# made easier\n")...), 0o644)
		})
		if code != 2 || output != "" {
			t.Errorf("an edited rubric: exit %d, output %q; want 2 and no result", code, output)
		}
	})
}
