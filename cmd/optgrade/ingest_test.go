package main

import (
	"archive/zip"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/optgrade/optgrade/grader"
)

// canvasZip writes a Canvas download in dir holding the Python reference as the late
// submission of user 12345, and returns its path.
func canvasZip(t *testing.T, dir string) string {
	t.Helper()
	zipPath := filepath.Join(dir, "canvas.zip")
	f, err := os.Create(zipPath)
	if err != nil {
		t.Fatal(err)
	}
	zw := zip.NewWriter(f)
	entries, _ := os.ReadDir("../../testdata/submissions/python-reference")
	for i, e := range entries {
		data, _ := os.ReadFile(filepath.Join("../../testdata/submissions/python-reference", e.Name()))
		w, _ := zw.Create(fmt.Sprintf("doejane_LATE_12345_%d_%s", 900+i, e.Name()))
		w.Write(data)
	}
	zw.Close()
	f.Close()
	return zipPath
}

// ingestCanvasAndGrade ingests canvasZip's download in dir with the extra ingest
// arguments, grades it with the course rubric and returns user 12345's result.
func ingestCanvasAndGrade(t *testing.T, dir string, args ...string) (res *grader.Result, stdout, stderr string) {
	t.Helper()
	py := needPython(t)
	subs := filepath.Join(dir, "subs")
	stdout, stderr, code := optgrade(t, append(append([]string{"ingest", "--out", subs}, args...), canvasZip(t, dir))...)
	if code != 0 {
		t.Fatalf("ingest: exit %d\n%s%s", code, stdout, stderr)
	}
	out := filepath.Join(dir, "results")
	if _, stderr, code := optgrade(t, "grade", "--python", py, "--rubric", courseRubric, "--out", out, subs); code != 0 {
		t.Fatalf("grade: exit %d\n%s", code, stderr)
	}
	data, err := os.ReadFile(filepath.Join(out, "12345", "result.json"))
	if err != nil {
		t.Fatal(err)
	}
	return readJSONResult(t, string(data)), stdout, stderr
}

// A Canvas download marks a submission _LATE but records no time: the times saved from
// Canvas's submissions API (--times) give the late penalty its days, and grade uses them.
func TestIngestCanvasTimesThenGrade(t *testing.T) {
	tmp := t.TempDir()
	// The course rubric's deadline is 2026-12-02T15:30:00+01:00: 1 day and 3 hours late.
	times := filepath.Join(tmp, "submissions.json")
	os.WriteFile(times, []byte(`[{"user_id": 12345, "submitted_at": "2026-12-03T17:30:00Z", "late": true}]`), 0o644)
	res, stdout, stderr := ingestCanvasAndGrade(t, tmp, "--times", times)
	if !strings.Contains(stdout, "2026-12-03T17:30:00Z (--times)") || strings.Contains(stderr, "records no time") {
		t.Errorf("ingest:\n%s%s", stdout, stderr)
	}
	// 2 days late (a started day counts) at 10 points a day.
	if res.SubmittedAtSource != "manifest" || res.LateDays != 2 || res.LatePenalty != 20 || res.Score != 80 {
		t.Errorf("time from %q, %d days late, penalty %g, score %g; want manifest, 2, 20, 80", res.SubmittedAtSource, res.LateDays, res.LatePenalty, res.Score)
	}

	// A times file that cannot be read is a usage error naming the line.
	bad := filepath.Join(tmp, "bad.csv")
	os.WriteFile(bad, []byte("12345,tomorrow\n"), 0o644)
	if _, stderr, code := optgrade(t, "ingest", "--times", bad, "--out", filepath.Join(tmp, "o2"), canvasZip(t, t.TempDir())); code != exitUsage || !strings.Contains(stderr, "bad.csv:1:") {
		t.Errorf("a bad times file: exit %d\n%s", code, stderr)
	}
}

// Brightspace without --roster: a loud warning that the ids are display names, and how to
// give a roster.
func TestIngestBrightspaceWithoutRoster(t *testing.T) {
	tmp := t.TempDir()
	zipPath := filepath.Join(tmp, "brightspace.zip")
	f, _ := os.Create(zipPath)
	zw := zip.NewWriter(f)
	w, _ := zw.Create("397063-2557369 - Jane Doe - Sep 24, 2024 926 PM/solution.py")
	w.Write([]byte("print(1)\n"))
	zw.Close()
	f.Close()
	_, stderr, code := optgrade(t, "ingest", "--timezone", "UTC", "--out", filepath.Join(tmp, "subs"), zipPath)
	if code != 0 || !strings.Contains(stderr, "WARNING: this download names students by display name only (1 of them;") || !strings.Contains(stderr, "--roster FILE") {
		t.Errorf("exit %d\n%s", code, stderr)
	}
}
