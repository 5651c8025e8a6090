package main

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/optgrade/optgrade/grader"
)

func TestFlagsFirst(t *testing.T) {
	app := newApp(nil, nil)
	tests := []struct{ in, want string }{
		{"optgrade check . --format json", "optgrade check --format json ."},
		{"optgrade check . --format=json -v", "optgrade check --format=json -v ."},
		{"optgrade check --all dir --timeout 2", "optgrade check --all --timeout 2 dir"},
		{"optgrade check dir -- --odd-folder", "optgrade check dir -- --odd-folder"},
		{"optgrade rubric lint r.yaml --nope", "optgrade rubric lint --nope r.yaml"},
		{"optgrade reference call adam_step --args {}", "optgrade reference call --args {} adam_step"},
		{"optgrade", "optgrade"},
		{"optgrade reference plot lr-diagnostics --out", "optgrade reference plot lr-diagnostics --out"},
	}
	for _, tt := range tests {
		got := strings.Join(flagsFirst(app, strings.Fields(tt.in)), " ")
		if got != tt.want {
			t.Errorf("%s\n got %s\nwant %s", tt.in, got, tt.want)
		}
	}
}

func TestParseSeconds(t *testing.T) {
	for in, want := range map[string]time.Duration{"2": 2 * time.Second, "0.5": 500 * time.Millisecond, "500ms": 500 * time.Millisecond, "1m": time.Minute} {
		if got, err := parseSeconds(in); err != nil || got != want {
			t.Errorf("%s: %v %v, want %v", in, got, err, want)
		}
	}
	for _, bad := range []string{"0", "-1", "2x", ""} {
		if _, err := parseSeconds(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

// TestPlainUsageMessages: the slips a student makes on the command line get one plain line
// and exit 2, never the whole help or exit 3.
func TestPlainUsageMessages(t *testing.T) {
	sample := "../../testdata/submissions/broken-adam-no-bias"
	tests := []struct {
		name string
		args []string
		msg  string
	}{
		{"unknown flag", []string{"check", "--nope", sample}, "flag provided but not defined: -nope"},
		{"unknown flag of a subcommand", []string{"rubric", "lint", "--nope", courseRubric}, "flag provided but not defined: -nope"},
		{"a file instead of its folder", []string{"check", "--rubric", courseRubric, sample + "/solution.py"}, "solution.py is a file: give its folder instead, as in optgrade check " + sample},
		{"a bad timeout", []string{"check", "--timeout", "soon", sample}, `want seconds (2, 0.5) or a duration`},
		{"two folders", []string{"check", "--rubric", courseRubric, sample, sample}, "check takes one submission folder"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, errOut, code := optgrade(t, tt.args...)
			if code != exitUsage || !strings.Contains(errOut, tt.msg) || strings.Contains(out+errOut, "USAGE:") {
				t.Errorf("exit %d, stderr %q; want 2 and one line saying %q", code, errOut, tt.msg)
			}
		})
	}
}

// TestFlagsAfterTheFolder: `optgrade check DIR --format json --timeout 2` works as if the
// flags came first, with 2 meaning seconds.
func TestFlagsAfterTheFolder(t *testing.T) {
	py := needPython(t)
	out, errOut, code := optgrade(t, "check", "../../testdata/submissions/python-reference", "--rubric", courseRubric, "--python", py, "--format", "json", "--timeout", "2", "--task", "gd-step")
	res := readJSONResult(t, out)
	if code != exitPass || len(res.Tasks) != 1 || !slices.ContainsFunc(res.Tasks, func(tr grader.TaskResult) bool { return tr.ID == "gd-step" }) {
		t.Errorf("exit %d, %d tasks; stderr %s", code, len(res.Tasks), errOut)
	}
}

// copySample copies a sample submission into a temporary folder, where a test may edit it.
func copySample(t *testing.T, name string) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), name)
	if err := os.CopyFS(dir, os.DirFS(filepath.Join("../../testdata/submissions", name))); err != nil {
		t.Fatal(err)
	}
	return dir
}

func editFile(t *testing.T, path string, edit func(string) string) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(edit(string(b))), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestKitServeMissing: a solution.py without the kit's serve call says so.
func TestKitServeMissing(t *testing.T) {
	py := needPython(t)
	dir := copySample(t, "python-reference")
	editFile(t, filepath.Join(dir, "solution.py"), func(s string) string {
		return s[:strings.Index(s, `if __name__ == "__main__":`)]
	})
	out, errOut, code := optgrade(t, "check", "--python", py, "--rubric", courseRubric, dir)
	if code != exitInternal || !strings.Contains(out, "is the kit's serve call missing?") || !strings.Contains(out, "optgrade_kit.serve(globals())") {
		t.Errorf("exit %d\n%s%s", code, out, errOut)
	}
}

// TestDidYouMean: a function under another name is "not attempted" with the name it
// probably should have.
func TestDidYouMean(t *testing.T) {
	py := needPython(t)
	dir := copySample(t, "python-reference")
	editFile(t, filepath.Join(dir, "solution.py"), func(s string) string {
		return strings.Replace(s, "def adam_step(", "def adam_update(", 1)
	})
	out, _, code := optgrade(t, "check", "--python", py, "--rubric", courseRubric, dir)
	flat := strings.Join(strings.Fields(out), " ")
	if code != exitFail || !strings.Contains(flat, "not attempted: adam_step is not in the functions your submission's hello lists; your solution defines adam_update: did you mean adam_step?") {
		t.Errorf("exit %d\n%s", code, out)
	}
}

// TestHangCostsItsCall: an infinite loop in lr_exponential costs the calls that reach it;
// train's checks without a schedule keep their points, and the output shows where it hung.
func TestHangCostsItsCall(t *testing.T) {
	py := needPython(t)
	dir := copySample(t, "python-reference")
	editFile(t, filepath.Join(dir, "solution.py"), func(s string) string {
		i := strings.Index(s, "def lr_exponential(")
		j := i + strings.Index(s[i:], "\n") + 1
		return s[:j] + "    while True:\n        pass\n" + s[j:]
	})
	out, errOut, code := optgrade(t, "check", "--python", py, "--rubric", courseRubric, "--timeout", "1", "--task", "train", "--format", "json", dir)
	res := readJSONResult(t, out)
	if code != exitFail || len(res.Tasks) != 1 {
		t.Fatalf("exit %d\n%s", code, errOut)
	}
	checks := res.Tasks[0].Checks
	if checks[0].Status != grader.Pass {
		t.Errorf("%s: %s, want pass (it uses no schedule)", checks[0].Name, checks[0].Status)
	}
	hung := 0
	for _, c := range checks {
		for _, f := range c.Failures {
			if strings.Contains(f.Fault, "timed out") {
				hung++
			}
		}
	}
	if hung == 0 || hung > 3 {
		t.Errorf("%d calls timed out, want 1 to 3", hung)
	}
	if !strings.Contains(res.Output, "Timeout (") || !strings.Contains(res.Output, "in lr_exponential") {
		t.Errorf("the output shows no stack of the hung call:\n%s", res.Output)
	}
}

// TestOutputPerCall: what the student prints is shown next to the case that printed it.
func TestOutputPerCall(t *testing.T) {
	py := needPython(t)
	dir := copySample(t, "broken-adam-no-bias")
	editFile(t, filepath.Join(dir, "solution.py"), func(s string) string {
		i := strings.Index(s, "def adam_step(")
		j := i + strings.Index(s[i:], "\n") + 1
		return s[:j] + "    print('adam_step called with t =', t)\n" + s[j:]
	})
	out, _, _ := optgrade(t, "check", "--python", py, "--rubric", courseRubric, "--task", "adam-step", "--format", "json", dir)
	res := readJSONResult(t, out)
	var shown []string
	for _, c := range res.Tasks[0].Checks {
		for _, f := range c.Failures {
			shown = append(shown, f.ID+": "+f.Output)
		}
	}
	if len(shown) == 0 || shown[0] != "adam-step/1/1: adam_step called with t = 1\n" {
		t.Errorf("output per case: %q", shown)
	}
	if strings.Contains(res.Output, "\x1e") || !strings.Contains(res.Output, "adam_step called with t = 3") {
		t.Errorf("the whole output holds markers, or lost prints: %q", res.Output)
	}
	text, _, _ := optgrade(t, "check", "--python", py, "--rubric", courseRubric, "--task", "adam-step", dir)
	if !strings.Contains(text, "your program printed during this call:\n       │ adam_step called with t = 1\n") {
		t.Errorf("the text report does not show the call's prints next to it:\n%s", text)
	}
}

// TestCIReports: one run writes several reports; a not-attempted check is a JUnit failure
// (the partial sample counts as failed in a CI reporter); the rubric is pinned by SHA-256.
func TestCIReports(t *testing.T) {
	py := needPython(t)
	dir := t.TempDir()
	junit, md := filepath.Join(dir, "junit.xml"), filepath.Join(dir, "out", "summary.md")
	out, errOut, code := optgrade(t, "check", "--python", py, "--rubric", courseRubric, "../../testdata/submissions/partial",
		"--report", "junit="+junit, "--report", "markdown="+md)
	if code != exitFail {
		t.Fatalf("exit %d\n%s%s", code, out, errOut)
	}
	x, err1 := os.ReadFile(junit)
	m, err2 := os.ReadFile(md)
	if err1 != nil || err2 != nil {
		t.Fatal(err1, err2)
	}
	top := regexp.MustCompile(`<testsuites [^>]*failures="(\d+)"`).FindStringSubmatch(string(x))
	if strings.Contains(string(x), "<skipped") || !strings.Contains(string(x), `type="not_implemented"`) || top == nil || top[1] == "0" {
		t.Errorf("junit.xml: not-attempted checks must be failures:\n%s", x)
	}
	if !strings.Contains(string(m), "## ") || !strings.Contains(string(m), "on the public checks") {
		t.Errorf("summary.md:\n%s", m)
	}
	// The rubric's hash is printed, and pinning it refuses an edited copy.
	i := strings.Index(out, "Rubric SHA-256:")
	if i < 0 {
		t.Fatalf("no rubric hash in:\n%s", out)
	}
	sum := strings.Fields(out[i+len("Rubric SHA-256:"):])[0]
	if _, _, code := optgrade(t, "check", "--python", py, "--rubric", courseRubric, "--rubric-sha256", sum, "--task", "gd-step", "../../testdata/submissions/python-reference"); code != exitPass {
		t.Errorf("the pinned rubric itself: exit %d", code)
	}
	edited := filepath.Join(dir, "rubric.yaml")
	data, _ := os.ReadFile(courseRubric)
	os.WriteFile(edited, []byte(strings.Replace(string(data), "points: 100", "points: 100 # easy now", 1)), 0o644)
	_, errOut, code = optgrade(t, "check", "--python", py, "--rubric", edited, "--rubric-sha256", sum, "../../testdata/submissions/python-reference")
	if code != exitUsage || !strings.Contains(errOut, "was edited") {
		t.Errorf("an edited rubric: exit %d, %q", code, errOut)
	}
	if _, errOut, code := optgrade(t, "check", "--report", "pdf=x.pdf", "../../testdata/submissions/partial"); code != exitUsage || !strings.Contains(errOut, "unknown format") {
		t.Errorf("--report pdf: exit %d %q", code, errOut)
	}
}

// TestMissingNumpyEveryWay: the missing-numpy message covers pip, venv, conda and apt.
func TestMissingNumpyEveryWay(t *testing.T) {
	py, _ := filepath.Abs("../../testdata/cli/python-without-numpy")
	out, _, _ := optgrade(t, "check", "--no-sandbox", "--python", py, "--rubric", courseRubric, "../../testdata/submissions/python-reference")
	flat := strings.Join(strings.Fields(out), " ")
	for _, want := range []string{"pip install numpy", "python3 -m venv", "conda install numpy", "apt-get install python3-numpy", "OPTGRADE_PYTHON"} {
		if !strings.Contains(flat, want) {
			t.Errorf("the message lacks %q:\n%s", want, out)
		}
	}
}
