package batch_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/optgrade/optgrade/grader"
	"github.com/optgrade/optgrade/grader/batch"
)

// TestStoreAllManyFolders reads back a store of many students, several workers at once:
// every whole, signed result comes back once, under its own folder, with its own record and
// score, sorted by student; the unsigned ones are listed in folder order; a folder without a
// record and a stray file are left out.
func TestStoreAllManyFolders(t *testing.T) {
	dir := t.TempDir()
	mine, theirs := batch.Store{Dir: dir, Keys: [][]byte{[]byte("mine")}}, batch.Store{Dir: dir, Keys: [][]byte{[]byte("theirs")}}
	const n = 60
	var wantUnsigned, wantStudents []string
	for i := range n {
		key := fmt.Sprintf("k%02d", i)
		// Students are named in the opposite order to their folders, so that sorting by
		// student is not sorting by folder.
		student := fmt.Sprintf("s%02d", n-1-i)
		res := &grader.Result{Version: grader.ResultVersion, Student: student, Score: float64(i), MaxScore: 100, Output: "prints"}
		store := mine
		if i%7 == 3 { // written by another grader
			store = theirs
			wantUnsigned = append(wantUnsigned, key)
		}
		if err := store.Save(key, batch.Record{Student: student, Digest: "d" + key}, res, nil); err != nil {
			t.Fatal(err)
		}
		if i%7 == 5 { // interrupted before its record: not whole
			if err := os.Remove(filepath.Join(dir, key, batch.RecordFile)); err != nil {
				t.Fatal(err)
			}
			continue
		}
		if i%7 != 3 {
			wantStudents = append(wantStudents, student)
		}
	}
	if err := os.WriteFile(filepath.Join(dir, "gradebook.csv"), []byte("x\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	slices.Sort(wantStudents)
	all, unsigned, err := mine.All()
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(unsigned, wantUnsigned) {
		t.Errorf("unsigned = %v, want %v", unsigned, wantUnsigned)
	}
	var got []string
	for _, s := range all {
		got = append(got, s.Record.Student)
		var i int
		if _, err := fmt.Sscanf(s.Key, "k%02d", &i); err != nil {
			t.Fatalf("key %q: %v", s.Key, err)
		}
		if s.Record.Student != fmt.Sprintf("s%02d", n-1-i) || s.Result.Student != s.Record.Student ||
			s.Record.Digest != "d"+s.Key || s.Result.Score != float64(i) {
			t.Errorf("folder %s came back with record %+v and score %g", s.Key, s.Record, s.Result.Score)
		}
		if s.Result.Output != "" {
			t.Errorf("folder %s: result not slim (output %q)", s.Key, s.Result.Output)
		}
	}
	if !slices.Equal(got, wantStudents) {
		t.Errorf("students = %v,\nwant %v", got, wantStudents)
	}
}

// startSignal is a submission's runner that says when the submission is started.
type startSignal struct {
	grader.Runner
	once    *sync.Once
	started chan struct{}
}

func (s startSignal) Start(ctx context.Context) (grader.Conn, error) {
	s.once.Do(func() { close(s.started) })
	return s.Runner.Start(ctx)
}

// TestStoringOverlapsTheNextSubmission grades one submission at a time while storing the
// first student's files waits (up to 10 s) for the second submission to start: storing a
// result must not hold its worker back. Every result is stored all the same.
func TestStoringOverlapsTheNextSubmission(t *testing.T) {
	root := fakeCourse(t, map[string]fake{"a": {"right", "a"}, "b": {"wrong", "b"}, "c": {"right", "c"}})
	started := map[string]chan struct{}{}
	for _, s := range []string{"a", "b", "c"} {
		started[filepath.Join(root, s)] = make(chan struct{})
	}
	load := func(dir string) (*batch.Submission, error) {
		sub, err := fakeLoad(dir)
		if err == nil {
			sub.Runner = startSignal{sub.Runner, &sync.Once{}, started[dir]}
		}
		return sub, err
	}
	files := []batch.StudentFile{{Name: "feedback.md", Write: func(w io.Writer, r *grader.Result) error {
		if r.Student == "a" {
			select {
			case <-started[filepath.Join(root, "b")]:
			case <-time.After(10 * time.Second):
				return errors.New("b was not started while a's result was being stored")
			}
		}
		_, err := io.WriteString(w, r.Student)
		return err
	}}}
	found, err := batch.Discover([]string{root}, isFake, "")
	if err != nil {
		t.Fatal(err)
	}
	out := t.TempDir()
	o, err := batch.Run(context.Background(), found.Dirs, batch.Config{Grader: newGrader(t), Out: out, Parallel: 1, Load: load, Files: files})
	if err != nil {
		t.Fatal(err)
	}
	if o.Graded != 3 || len(o.Results) != 3 {
		t.Fatalf("graded %d, %d results; want 3", o.Graded, len(o.Results))
	}
	all, _, err := batch.Store{Dir: out, Keys: [][]byte{mustKey(t, out)}}.All()
	if err != nil || len(all) != 3 {
		t.Fatalf("%d whole results stored (%v), want 3", len(all), err)
	}
	for _, s := range []string{"a", "b", "c"} {
		if b, err := os.ReadFile(filepath.Join(out, s, "feedback.md")); err != nil || string(b) != s {
			t.Errorf("%s/feedback.md = %q, %v", s, b, err)
		}
	}
}

// TestStoreFailureStopsTheBatch: a result that cannot be stored (its folder in the store
// is taken by a file) ends the batch with an error naming the submission.
func TestStoreFailureStopsTheBatch(t *testing.T) {
	root := fakeCourse(t, map[string]fake{"a": {"right", "a"}, "b": {"right", "b"}})
	out := t.TempDir()
	if err := os.WriteFile(filepath.Join(out, "a"), []byte("in the way"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := grade(t, root, out, batch.Config{Parallel: 1})
	if err == nil || !strings.Contains(err.Error(), "store the result of "+filepath.Join(root, "a")) {
		t.Fatalf("err = %v, want it to say a's result could not be stored", err)
	}
}

func mustKey(t *testing.T, out string) []byte {
	t.Helper()
	k, err := batch.LoadKey("", out)
	if err != nil {
		t.Fatal(err)
	}
	return k.Secret
}
