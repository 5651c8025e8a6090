package main

import (
	"archive/zip"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// TestGradescopePackage builds the autograder zip, unpacks it into a fake /autograder
// tree and runs its run_autograder as Gradescope would: it must grade the submission with
// the shipped rubric (not the one the student put in the submission), take lateness from
// submission_metadata.json, and write results.json where students see their total and no
// hidden check's inputs.
func TestGradescopePackage(t *testing.T) {
	if runtime.GOOS != "linux" || runtime.GOARCH != "amd64" {
		t.Skip("the package ships a linux/amd64 binary")
	}
	py := needPython(t)
	tmp := t.TempDir()
	bin := filepath.Join(tmp, "optgrade-linux")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	zipPath := filepath.Join(tmp, "autograder.zip")
	if _, errOut, code := optgrade(t, "gradescope", "package", "--rubric", courseRubric, "--binary", bin, "--out", zipPath, "--timeout", "20"); code != 0 {
		t.Fatalf("package: exit %d\n%s", code, errOut)
	}

	root := filepath.Join(tmp, "autograder")
	unzip(t, zipPath, filepath.Join(root, "source"))
	// --timeout reads a bare number as seconds, like check's and grade's.
	if script, err := os.ReadFile(filepath.Join(root, "source", "run_autograder")); err != nil || !strings.Contains(string(script), "--timeout 20s") {
		t.Errorf("run_autograder does not pass --timeout 20s (from --timeout 20): %v\n%s", err, script)
	}
	for _, f := range []string{"setup.sh", "run_autograder", "rubric.yaml", "optgrade"} {
		st, err := os.Stat(filepath.Join(root, "source", f))
		if err != nil {
			t.Fatalf("the package lacks %s at its root", f)
		}
		if exec := st.Mode()&0o111 != 0; exec != (f != "rubric.yaml") {
			t.Errorf("%s: executable %t", f, exec)
		}
	}
	// Gradescope copies run_autograder to the root and the student's files to submission/.
	copyFile(t, filepath.Join(root, "source", "run_autograder"), filepath.Join(root, "run_autograder"), 0o755)
	sample := "../../testdata/submissions/broken-adam-no-bias"
	entries, _ := os.ReadDir(sample)
	for _, e := range entries {
		if e.Type().IsRegular() {
			copyFile(t, filepath.Join(sample, e.Name()), filepath.Join(root, "submission", e.Name()), 0o644)
		}
	}
	// A student's own rubric (worth 20 points, all easy) must be ignored, and so must the
	// submitted_at a student could write in optgrade.yaml.
	copyFile(t, "../../testdata/rubrics/good/minimal.yaml", filepath.Join(root, "submission", "rubric.yaml"), 0o644)
	manifest, _ := os.ReadFile(filepath.Join(root, "submission", "optgrade.yaml"))
	os.WriteFile(filepath.Join(root, "submission", "optgrade.yaml"), append(manifest, "submitted_at: 2026-12-01T10:00:00+01:00\n"...), 0o644)
	// Two days after the rubric's deadline (2026-12-02T15:30+01:00).
	os.WriteFile(filepath.Join(root, "submission_metadata.json"), []byte(`{"id": 1, "created_at": "2026-12-04T15:00:00.000000+01:00",
		"assignment": {"due_date": "2026-12-02T15:30:00.000000+01:00", "title": "A1"}, "users": [{"email": "ann@example.edu", "id": 7, "name": "Ann"}], "previous_submissions": []}`), 0o644)

	cmd := exec.Command("bash", filepath.Join(root, "run_autograder"))
	cmd.Env = append(os.Environ(), "OPTGRADE_AUTOGRADER_ROOT="+root, "OPTGRADE_PYTHON="+py)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("run_autograder: %v\n%s", err, out)
	}
	data, err := os.ReadFile(filepath.Join(root, "results", "results.json"))
	if err != nil {
		t.Fatal(err)
	}
	var res struct {
		Score float64 `json:"score"`
		Tests []struct {
			Name       string  `json:"name"`
			Score      float64 `json:"score"`
			MaxScore   float64 `json:"max_score"`
			Output     string  `json:"output"`
			Visibility string  `json:"visibility"`
		} `json:"tests"`
	}
	if err := json.Unmarshal(data, &res); err != nil {
		t.Fatalf("results.json: %v\n%s", err, data)
	}
	var max, sum, late float64
	hidden := 0
	for _, tc := range res.Tests {
		max += tc.MaxScore
		sum += tc.Score
		if tc.Name == "Late penalty" {
			late = -tc.Score
		}
		if tc.Visibility == "hidden" {
			t.Errorf("test %q is hidden: Gradescope would hide the student's total", tc.Name)
		}
		if tc.Visibility == "after_published" {
			hidden++
			if strings.Contains(tc.Output, "want ") || strings.Contains(tc.Output, "=") {
				t.Errorf("hidden test %q shows its case: %q", tc.Name, tc.Output)
			}
		}
	}
	if max != 100 {
		t.Errorf("the tests are worth %g points, want the shipped rubric's 100 (the student's rubric was used?)", max)
	}
	if hidden == 0 {
		t.Error("no hidden check was run")
	}
	// Adam without bias correction loses 18 points; two days late costs a penalty.
	if late <= 0 || res.Score != sum || res.Score != 100-18-late {
		t.Errorf("score %g (tests sum %g, late penalty %g), want 82 minus a late penalty from submission_metadata.json", res.Score, sum, late)
	}
}

func unzip(t *testing.T, zipPath, dir string) {
	t.Helper()
	zr, err := zip.OpenReader(zipPath)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	for _, f := range zr.File {
		if strings.Contains(f.Name, "/") {
			t.Errorf("%s is not at the root of the zip", f.Name)
			continue
		}
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		os.MkdirAll(dir, 0o755)
		out, err := os.OpenFile(filepath.Join(dir, f.Name), os.O_CREATE|os.O_WRONLY, f.Mode())
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(out, rc)
		out.Close()
		rc.Close()
	}
}

func copyFile(t *testing.T, from, to string, mode os.FileMode) {
	t.Helper()
	data, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	os.MkdirAll(filepath.Dir(to), 0o755)
	if err := os.WriteFile(to, data, mode); err != nil {
		t.Fatal(err)
	}
}

// TestIngestThenGrade: a Canvas download ingested and graded: the student is the Canvas
// user id, and with no time in the download there is no late penalty from file times.
func TestIngestThenGrade(t *testing.T) {
	res, stdout, stderr := ingestCanvasAndGrade(t, t.TempDir())
	if !strings.Contains(stdout, "12345") || !strings.Contains(stderr, "late") {
		t.Errorf("ingest:\n%s%s", stdout, stderr)
	}
	if res.Student != "12345" || res.Score != 100 || res.SubmittedAtSource != "none" || res.LatePenalty != 0 {
		t.Errorf("student %q, score %g, time from %q, penalty %g; want 12345, 100, none, 0", res.Student, res.Score, res.SubmittedAtSource, res.LatePenalty)
	}
}

// TestShardAutoAndMerge runs the README's job-array recipe: each shard learns its part
// from a Kubernetes Indexed Job's environment, and merge gives the single run's
// gradebooks byte for byte.
func TestShardAutoAndMerge(t *testing.T) {
	py := needPython(t)
	tmp := t.TempDir()
	subs := filepath.Join(tmp, "subs")
	for _, sample := range []string{"python-reference", "broken-adam-no-bias", "partial"} {
		entries, _ := os.ReadDir(filepath.Join("../../testdata/submissions", sample))
		for _, e := range entries {
			copyFile(t, filepath.Join("../../testdata/submissions", sample, e.Name()), filepath.Join(subs, sample, e.Name()), 0o644)
		}
	}
	grade := func(out string, extra ...string) {
		t.Helper()
		args := append([]string{"grade", "--python", py, "--rubric", courseRubric, "--submitted-at", "2026-12-01T12:00:00Z", "--out", out}, extra...)
		if _, stderr, code := optgrade(t, append(args, subs)...); code > exitFail {
			t.Fatalf("grade %v: exit %d\n%s", extra, code, stderr)
		}
	}
	single := filepath.Join(tmp, "single")
	grade(single)
	t.Setenv("JOB_COMPLETIONS", "2")
	var shards []string
	for i := range 2 {
		t.Setenv("JOB_COMPLETION_INDEX", fmt.Sprint(i))
		out := filepath.Join(tmp, fmt.Sprint("shard-", i))
		grade(out, "--shard", "auto")
		shards = append(shards, out)
	}
	merged := filepath.Join(tmp, "merged")
	if _, stderr, code := optgrade(t, append([]string{"merge", "--out", merged}, shards...)...); code != 0 {
		t.Fatalf("merge: exit %d\n%s", code, stderr)
	}
	for _, f := range []string{"gradebook.csv", "brightspace.csv", "canvas.csv", "summary.md", "summary.json"} {
		want, _ := os.ReadFile(filepath.Join(single, f))
		got, err := os.ReadFile(filepath.Join(merged, f))
		if err != nil || len(want) == 0 || string(got) != string(want) {
			t.Errorf("%s of the merged shards differs from the single run's (%v):\n%s\nwant\n%s", f, err, got, want)
		}
	}
}
