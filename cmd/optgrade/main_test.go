package main

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"flag"
	"io"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/optgrade/optgrade/grader"
	"github.com/optgrade/optgrade/grader/batch"
)

var updateCLIGolden = flag.Bool("update-cli", false, "rewrite the CLI golden files in testdata/cli")

const courseRubric = "../../rubrics/assignment1.yaml"

// optgrade runs the command line in process.
func optgrade(t *testing.T, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var out, errOut bytes.Buffer
	code = run(append([]string{"optgrade"}, args...), &out, &errOut)
	return out.String(), errOut.String(), code
}

// needPython returns an interpreter with numpy for the sample submissions. Without one the
// test is skipped on a developer's machine, and fails in CI (where .ci/setup installs it).
func needPython(t *testing.T) string {
	t.Helper()
	py := os.Getenv("OPTGRADE_PYTHON")
	if py == "" {
		py = "/usr/bin/python3"
	}
	if err := exec.Command(py, "-c", "import numpy").Run(); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("%s has no numpy: run .ci/setup", py)
		}
		t.Skipf("%s has no numpy (run .ci/setup): %v", py, err)
	}
	return py
}

func TestReferenceCall(t *testing.T) {
	tests := []struct {
		name string
		args []string
		out  string
		code int
	}{
		{"the issue's example", []string{"reference", "call", "bernoulli_nll", "--args", `{"lam":0.3,"y":[1,0,0,0,0,0,0,1,1,0],"base":10}`}, "0.2652949955741215\n", 0},
		{"flags first", []string{"reference", "call", "--args", `{"y":[1,0,0,0,0,0,0,1,1,0]}`, "bernoulli_mle"}, "0.3\n", 0},
		{"a variant", []string{"reference", "call", "bernoulli_mle", "--variant=bernoulli-mle-median", "--args", `{"y":[1,0,0,1,1]}`}, "1\n", 0},
		{"unknown function", []string{"reference", "call", "nope"}, "", 2},
		{"invalid arguments", []string{"reference", "call", "bernoulli_nll", "--args", `{"lam":1.5,"y":[1]}`}, "", 2},
		{"not JSON", []string{"reference", "call", "bernoulli_nll", "--args", `lam=0.3`}, "", 2},
		{"variant of another function", []string{"reference", "call", "bernoulli_nll", "--variant", "bernoulli-mle-median", "--args", `{"lam":0.3,"y":[1]}`}, "", 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, errOut, code := optgrade(t, tt.args...)
			if code != tt.code || (tt.code == 0 && out != tt.out) {
				t.Errorf("exit %d, stdout %q, stderr %q; want exit %d, stdout %q", code, out, errOut, tt.code, tt.out)
			}
			if tt.code != 0 && errOut == "" {
				t.Error("an error exit says nothing on stderr")
			}
		})
	}
}

func TestReferenceList(t *testing.T) {
	out, _, code := optgrade(t, "reference", "list")
	for _, want := range []string{"adam_step(w, m, v, t, g, lr, beta1, beta2, eps)", "adam-no-bias-correction", "bernoulli_nll(lam, y, base?)", "diagnose(loss, w?)"} {
		if code != 0 || !strings.Contains(out, want) {
			t.Errorf("reference list (exit %d) lacks %q", code, want)
		}
	}
}

func TestUsageAndRubricErrors(t *testing.T) {
	tests := []struct {
		name   string
		args   []string
		stderr string
	}{
		{"no rubric", []string{"check", "../../testdata/submissions/python-reference"}, "no rubric"},
		{"bad rubric", []string{"check", "--rubric", "../../testdata/rubrics/bad/unknown_key.yaml", "../../testdata/submissions/python-reference"}, "unknown_key.yaml:"},
		{"lint a bad rubric", []string{"rubric", "lint", "../../testdata/rubrics/bad/points_mismatch.yaml"}, "points_mismatch.yaml:"},
		{"unknown format", []string{"check", "--rubric", courseRubric, "--format", "pdf", "../../testdata/submissions/python-reference"}, "unknown --format"},
		{"not a submission", []string{"check", "--rubric", courseRubric, "../../testdata/rubrics"}, "submission"},
		{"grade without out", []string{"grade", "--rubric", courseRubric, "../../testdata/submissions/python-reference"}, "out"},
		{"unknown command", []string{"chekc"}, "unknown command"},
		{"unknown flag of a command", []string{"grade", "--rubric", courseRubric, "--out", "x", "-j2", "../../testdata/submissions/python-reference"}, "flag provided but not defined"},
		{"bad shard", []string{"grade", "--rubric", courseRubric, "--out", "x", "--shard", "5/4", "../../testdata/submissions/python-reference"}, "1 ≤ k ≤ n"},
		{"merge without out", []string{"merge", "a", "b"}, "--out"},
		{"merge into a shard", []string{"merge", "--out", "../../testdata", "../../testdata"}, "new folder"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, errOut, code := optgrade(t, tt.args...)
			if code != exitUsage || !strings.Contains(errOut, tt.stderr) {
				t.Errorf("exit %d, stderr %q; want exit 2 mentioning %q", code, errOut, tt.stderr)
			}
		})
	}
}

func TestRubricLint(t *testing.T) {
	out, errOut, code := optgrade(t, "rubric", "lint", courseRubric)
	if code != 0 || !strings.Contains(out, "reference 100/100") || !strings.Contains(out, "0 problems") {
		t.Errorf("lint: exit %d\n%s%s", code, out, errOut)
	}
}

func readJSONResult(t *testing.T, data string) *grader.Result {
	t.Helper()
	var r grader.Result
	if err := json.Unmarshal([]byte(data), &r); err != nil {
		t.Fatalf("not a JSON result: %v\n%s", err, data)
	}
	return &r
}

func TestCheckReferenceFullMarks(t *testing.T) {
	py := needPython(t)
	for _, sample := range []string{"python-reference", "raw-protocol", "python-float32"} {
		t.Run(sample, func(t *testing.T) {
			out, errOut, code := optgrade(t, "check", "--all", "--python", py, "--rubric", courseRubric, "--format", "json", filepath.Join("../../testdata/submissions", sample))
			res := readJSONResult(t, out)
			if code != 0 || res.Score != 100 || res.MaxScore != 100 {
				t.Errorf("exit %d, score %g/%g; stderr %s", code, res.Score, res.MaxScore, errOut)
			}
		})
	}
}

// broken lists what each deliberately broken sample must lose: the points of the tasks its
// one mistake affects (others keep full marks), and the misconception the feedback names
// in each of those tasks.
var broken = map[string]map[string]struct {
	lost          float64
	misconception string
}{
	"broken-adam-no-bias":   {"adam-step": {12, "adam-no-bias-correction"}, "train": {6, "train/adam-no-bias-correction"}},
	"broken-momentum-plain": {"momentum-step": {8, "momentum-no-dampening"}, "train": {6, "train/momentum-no-dampening"}},
	"broken-sgd-sum":        {"logistic-grad": {8, "logistic-grad-summed"}, "train": {8, "train/logistic-grad-summed"}},
	"broken-log10":          {"nll": {6, "bernoulli-nll-log10"}, "nll-grad": {6, "bernoulli-nll-grad-log10"}, "cross-entropy": {4, "cross-entropy-log10"}},
	"broken-normalized-l2":  {"normalized-step": {6, "normalized-step-l2-norm"}, "train": {6, "train/normalized-step-l2-norm"}},
	"broken-lr-linear":      {"lr-linear": {4, "lr-linear-not-held"}, "train": {6, "train/lr-linear-not-held"}},
	"broken-mle-median":     {"mle": {4, "bernoulli-mle-median"}},
	// The Go samples (built with the Go kit): a panic and a hang cost only their task.
	"go-adam-no-bias": {"adam-step": {12, "adam-no-bias-correction"}, "train": {6, "train/adam-no-bias-correction"}},
	"go-panic":        {"quadratic-grad": {6, ""}},
	"go-hang":         {"lr-exponential": {3, ""}},
	// The notebook samples: a wrong function in one cell, a syntax error in another.
	"notebook-broken":       {"normalized-step": {6, "normalized-step-l2-norm"}, "train": {6, "train/normalized-step-l2-norm"}},
	"notebook-syntax-error": {"diagnose": {7, ""}},
}

func TestGradeBatch(t *testing.T) {
	py := needPython(t)
	out := t.TempDir()
	args := []string{"grade", "--python", py, "--rubric", courseRubric, "--out", out, "--timeout", "2s", "../../testdata/submissions"}
	needGo(t)
	stdout, stderr, code := optgrade(t, args...)
	if code != exitInternal {
		t.Fatalf("grade: exit %d, want 3 (go-compile-error cannot be graded)\n%s%s", code, stdout, stderr)
	}
	results := map[string]*grader.Result{}
	entries, _ := os.ReadDir("../../testdata/submissions")
	for _, e := range entries {
		if !e.IsDir() {
			continue
		}
		data, err := os.ReadFile(filepath.Join(out, e.Name(), "result.json"))
		if err != nil {
			t.Fatalf("no result for %s: %v", e.Name(), err)
		}
		results[e.Name()] = readJSONResult(t, string(data))
		if _, err := os.Stat(filepath.Join(out, e.Name(), "feedback.md")); err != nil {
			t.Errorf("no feedback.md for %s", e.Name())
		}
	}

	for sample, want := range broken {
		t.Run(sample, func(t *testing.T) {
			res := results[sample]
			for _, task := range res.Tasks {
				w, affected := want[task.ID]
				if lost := task.MaxScore - task.Score; lost != w.lost {
					t.Errorf("task %s lost %g points, want %g", task.ID, lost, w.lost)
				}
				if !affected || w.misconception == "" {
					continue
				}
				named := false
				for _, c := range task.Checks {
					if c.Status != grader.Pass && c.Misconception == w.misconception && c.Hint != "" {
						named = true
					}
				}
				if !named {
					t.Errorf("task %s: no failing check names %s: %+v", task.ID, w.misconception, task.Checks)
				}
			}
		})
	}

	t.Run("go-compile-error", func(t *testing.T) {
		res := results["go-compile-error"]
		if res.Score != 0 || !strings.Contains(res.Error, "your Go code does not build") || !strings.Contains(res.Error, "solution.go:69:21: undefined: lambda") {
			t.Errorf("score %g, error %q: want 0 and the compiler's message with its position", res.Score, res.Error)
		}
		if res := results["go-reference"]; res.Score != 100 {
			t.Errorf("go-reference: score %g in the same batch", res.Score)
		}
	})

	t.Run("misbehaving", func(t *testing.T) { checkMisbehaving(t, results["misbehaving"]) })

	t.Run("partial", func(t *testing.T) {
		for _, task := range results["partial"].Tasks {
			implemented := map[string]bool{"nll": true, "mle": true, "quadratic-loss": true, "quadratic-grad": true, "gd-step": true}[task.ID]
			for _, c := range task.Checks {
				if implemented != (c.Status == grader.Pass) || (!implemented && c.Status != grader.NotImplemented) {
					t.Errorf("task %s check %q: %s", task.ID, c.Name, c.Status)
				}
			}
		}
	})

	t.Run("gradebook", func(t *testing.T) {
		f, err := os.Open(filepath.Join(out, "gradebook.csv"))
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		rows, err := csv.NewReader(f).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) != len(results)+1 {
			t.Fatalf("gradebook has %d rows, want %d and a header", len(rows)-1, len(results))
		}
		for _, row := range rows[1:] {
			score, err := strconv.ParseFloat(row[1], 64)
			if r := results[row[0]]; r == nil || err != nil || math.Abs(score-r.Score) > 1e-4 {
				t.Errorf("gradebook row %v does not match the result", row)
			}
		}
	})

	t.Run("summary", func(t *testing.T) {
		data, err := os.ReadFile(filepath.Join(out, "summary.md"))
		if err != nil {
			t.Fatal(err)
		}
		// Each broken sample's mistake is listed with the student who made it.
		for sample, tasks := range broken {
			for _, w := range tasks {
				if w.misconception == "" {
					continue // a panic or a hang names no mistake
				}
				if !strings.Contains(string(data), "| "+w.misconception+" |") || !strings.Contains(string(data), sample) {
					t.Errorf("summary.md does not list %s by %s", w.misconception, sample)
				}
			}
		}
	})

	t.Run("resume", func(t *testing.T) {
		before, _ := os.ReadFile(filepath.Join(out, "python-reference", "result.json"))
		_, stderr, code := optgrade(t, args...)
		after, _ := os.ReadFile(filepath.Join(out, "python-reference", "result.json"))
		if code != exitInternal || strings.Count(stderr, "kept from an earlier run") != len(results) || !bytes.Equal(before, after) {
			t.Errorf("a second run should keep every result: exit %d\n%s", code, stderr)
		}
	})
}

func TestCheckTextReportGolden(t *testing.T) {
	py := needPython(t)
	out, _, code := optgrade(t, "check", "--python", py, "--rubric", courseRubric, "--color", "never", "../../testdata/submissions/broken-adam-no-bias")
	if code != exitFail {
		t.Fatalf("exit %d, want 1", code)
	}
	golden := filepath.Join("../../testdata/cli", "check-broken-adam-no-bias.txt")
	if *updateCLIGolden {
		os.MkdirAll(filepath.Dir(golden), 0o755)
		if err := os.WriteFile(golden, []byte(out), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test ./cmd/optgrade -update-cli)", err)
	}
	if out != string(want) {
		t.Errorf("text report differs from %s (rerun with -update-cli if intended):\n%s", golden, out)
	}
}

// TestSampleKitsAreTheKit keeps the sample submissions honest: each carries its own copy
// of the Python kit (a submission folder is self-contained), and every copy must be the
// kit students receive.
func TestSampleKitsAreTheKit(t *testing.T) {
	kit, err := os.ReadFile("../../submissions/kit/python/optgrade_kit.py")
	if err != nil {
		t.Fatal(err)
	}
	copies, _ := filepath.Glob("../../testdata/submissions/*/optgrade_kit.py")
	students, _ := filepath.Glob("../../testdata/students/*/optgrade_kit.py")
	copies = append(copies, students...)
	if len(copies) == 0 {
		t.Fatal("no sample uses the kit")
	}
	for _, c := range copies {
		if data, err := os.ReadFile(c); err != nil || !bytes.Equal(data, kit) {
			t.Errorf("%s differs from submissions/kit/python/optgrade_kit.py: copy the kit again", c)
		}
	}
}

// TestMissingNumpy: an interpreter without numpy is a clear "could not grade" (exit 3)
// that says how to fix it, not a list of failures.
func TestMissingNumpy(t *testing.T) {
	py, _ := filepath.Abs("../../testdata/cli/python-without-numpy")
	out, errOut, code := optgrade(t, "check", "--no-sandbox", "--python", py, "--rubric", courseRubric, "../../testdata/submissions/python-reference")
	if code != exitInternal || !strings.Contains(errOut, "could not grade") {
		t.Errorf("exit %d, stderr %q; want 3 and could not grade", code, errOut)
	}
	flat := strings.Join(strings.Fields(out), " ") // the report wraps to the width
	if !strings.Contains(flat, "apt-get install python3-numpy") || !strings.Contains(flat, "--python") {
		t.Errorf("the report does not say how to get numpy:\n%s", out)
	}
}

// TestGradeRefusesUntrustworthyIDs: two folders naming one student, or the kit's
// placeholder, stop the batch before anything is graded (exit 2), naming the folders; a
// file among the arguments is skipped with a word, not fatal.
func TestGradeRefusesUntrustworthyIDs(t *testing.T) {
	root := t.TempDir()
	for dir, student := range map[string]string{"lab/a": "s1", "lab/b": "s1", "c": "your-student-id"} {
		p := filepath.Join(root, dir)
		os.MkdirAll(p, 0o755)
		os.WriteFile(filepath.Join(p, "optgrade.yaml"), []byte("student: "+student+"\nrun: [python3, solution.py]\n"), 0o644)
		os.WriteFile(filepath.Join(p, "solution.py"), nil, 0o644)
	}
	notes := filepath.Join(root, "notes.txt")
	os.WriteFile(notes, []byte("x"), 0o644)
	out := filepath.Join(root, "out")
	_, errOut, code := optgrade(t, "grade", "--rubric", courseRubric, "--out", out, root, notes)
	if code != exitUsage {
		t.Errorf("exit %d, want 2\n%s", code, errOut)
	}
	for _, want := range []string{`student "s1" is named by two folders`, filepath.Join(root, "lab/a"), filepath.Join(root, "lab/b"), "your-student-id", "skipped " + notes + ": a file"} {
		if !strings.Contains(errOut, want) {
			t.Errorf("stderr lacks %q:\n%s", want, errOut)
		}
	}
	if _, err := os.Stat(filepath.Join(out, "s1")); err == nil {
		t.Error("a student was graded")
	}
}

func TestExitCodes(t *testing.T) {
	for _, tc := range []struct {
		err  error
		code int
	}{
		{nil, 0}, {errChecksFailed, 1}, {usagef("x"), 2}, {batch.ErrIdentity, 2}, {errNotGraded, 3}, {batch.ErrInterrupted, 4},
	} {
		if got := exitCode(tc.err, io.Discard); got != tc.code {
			t.Errorf("exitCode(%v) = %d, want %d", tc.err, got, tc.code)
		}
	}
}

// TestFloat32SampleSaysSo: the float32 sample scores full marks and the report tells the
// student that their numbers were judged as single precision.
func TestFloat32SampleSaysSo(t *testing.T) {
	py := needPython(t)
	out, errOut, code := optgrade(t, "check", "--all", "--python", py, "--rubric", courseRubric, "../../testdata/submissions/python-float32")
	if code != 0 || !strings.Contains(out, "Score: 100/100") || !strings.Contains(out, "Your numbers are float32") {
		t.Errorf("exit %d\n%s%s", code, out, errOut)
	}
}

// checkMisbehaving asserts that the misbehaving sample lost exactly the tasks it sabotages,
// full marks on the rest, and could not read /etc/shadow.
func checkMisbehaving(t *testing.T, res *grader.Result) {
	t.Helper()
	if len(res.Tasks) == 0 {
		t.Fatalf("no task graded: %s", res.Error)
	}
	want := map[string]grader.Status{"quadratic-loss": grader.Fail, "lr-exponential": grader.Error, "diagnose": grader.Error}
	for _, task := range res.Tasks {
		status, bad := want[task.ID]
		if !bad {
			if task.Score != task.MaxScore {
				t.Errorf("task %s lost points: %+v", task.ID, task.Checks)
			}
			continue
		}
		if task.Score != 0 || task.Checks[0].Status != status {
			t.Errorf("task %s: score %g, first check %s %q; want 0 and %s", task.ID, task.Score, task.Checks[0].Status, task.Checks[0].Message, status)
		}
	}
	// It tries to read /etc/shadow and prints what it got: the sandbox (or, without
	// one, an unprivileged user) must stop it.
	if strings.Contains(res.Output, "READ /etc/shadow") || !strings.Contains(res.Output, "could not read /etc/shadow") {
		t.Errorf("the submission could read /etc/shadow, or never tried:\n%s", res.Output)
	}
	if n := len(res.Output); n == 0 || n > 80<<10 {
		t.Errorf("the student's output is %d bytes; want it kept and capped", n)
	}
}
