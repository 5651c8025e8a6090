package batch_test

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"

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
