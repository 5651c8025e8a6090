package main

import (
	"bytes"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// A batch killed with SIGKILL at pseudo-random moments (no chance to clean up) resumes,
// run again with the same command, to the gradebook of an uninterrupted run, byte for
// byte, and the working copies the killed graders left in TMPDIR are gone once the last
// run has started and finished.
func TestBatchSurvivesSIGKILL(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and grades a batch five times")
	}
	py := needPython(t)
	bin := buildOptgrade(t)
	// The same folders for both batches, so the submission times (file dates) agree.
	subs := t.TempDir()
	for _, s := range []string{"python-reference", "broken-log10", "misbehaving"} {
		if err := os.CopyFS(filepath.Join(subs, s), os.DirFS(filepath.Join("../../testdata/submissions", s))); err != nil {
			t.Fatal(err)
		}
	}
	tmp := t.TempDir()
	grade := func(out string) *exec.Cmd {
		cmd := exec.Command(bin, "grade", "--python", py, "--rubric", courseRubric, "--out", out, "--timeout", "5s", subs)
		cmd.Env = append(os.Environ(), "TMPDIR="+tmp)
		return cmd
	}
	finish := func(out string) []byte {
		t.Helper()
		cmd := grade(out)
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		err := cmd.Run()
		if code := cmd.ProcessState.ExitCode(); code != 0 && code != 1 {
			t.Fatalf("grade %s: %v\n%s", out, err, stderr.String())
		}
		book, err := os.ReadFile(filepath.Join(out, "gradebook.csv"))
		if err != nil {
			t.Fatal(err)
		}
		return book
	}
	want := finish(filepath.Join(t.TempDir(), "uninterrupted"))

	out := filepath.Join(t.TempDir(), "killed")
	rng := rand.New(rand.NewPCG(12, 2026))
	for i := range 4 {
		cmd := grade(out)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		// Between start-up and well into the batch: a kill may land before the first
		// result, between two, or while one is being written.
		delay := 300*time.Millisecond + time.Duration(rng.Int64N(int64(8*time.Second)))
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		select {
		case <-done:
			t.Logf("kill %d: the batch finished before %v", i+1, delay)
		case <-time.After(delay):
			cmd.Process.Kill()
			<-done
			t.Logf("kill %d: SIGKILL after %v", i+1, delay)
		}
	}
	// The killed graders had no chance to remove their working copies: the next run must.
	if left := workCopies(t, tmp); len(left) == 0 {
		t.Fatal("no kill left a working copy behind: the kills did not land mid-batch")
	}
	if got := finish(out); !bytes.Equal(got, want) {
		t.Errorf("resumed gradebook differs from the uninterrupted one:\n%s\nwant:\n%s", got, want)
	}
	if left := workCopies(t, tmp); len(left) > 0 {
		t.Errorf("working copies left in TMPDIR: %v", left)
	}
}

func workCopies(t *testing.T, tmp string) []string {
	t.Helper()
	entries, err := os.ReadDir(tmp)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), "optgrade-run-") {
			names = append(names, e.Name())
		}
	}
	return names
}
