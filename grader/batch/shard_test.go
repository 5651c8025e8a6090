package batch_test

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/optgrade/optgrade/grader/batch"
)

// TestShardedMergeEqualsOneRun: a course graded as four shards and merged has the very
// gradebooks (byte for byte) of one run over the whole course.
func TestShardedMergeEqualsOneRun(t *testing.T) {
	folders := map[string]fake{}
	var roster strings.Builder
	roster.WriteString("id,username,name,section\n")
	for i := range 18 {
		id := fmt.Sprintf("s%03d", i)
		fmt.Fprintf(&roster, "%s,user%d,\"Student, %d\",L%d\n", id, i, i, i%3)
		if i >= 16 {
			continue // two roster students hand in nothing
		}
		answer := []string{"right", "wrong", "right", "broken"}[i%4]
		folders[fmt.Sprintf("section%d/%s", i%3, id)] = fake{answer, id}
	}
	root := fakeCourse(t, folders)
	ro, err := batch.ParseRoster("roster.csv", strings.NewReader(roster.String()))
	if err != nil {
		t.Fatal(err)
	}
	g := newGrader(t)
	opts := batch.BookOptions{Roster: ro, Column: "Assignment 1", RubricDigest: "rubric-1"}

	single := t.TempDir()
	if _, err := grade(t, root, single, batch.Config{Grader: g, Roster: ro}); err != nil {
		t.Fatal(err)
	}
	if _, err := batch.WriteBooks(single, opts); err != nil {
		t.Fatal(err)
	}

	var shards []string
	sizes := 0
	for k := 1; k <= 4; k++ {
		out := filepath.Join(t.TempDir(), fmt.Sprintf("shard%d", k))
		sh := batch.Shard{K: k, N: 4}
		res, err := grade(t, root, out, batch.Config{Grader: g, Roster: ro, Shard: sh})
		if err != nil {
			t.Fatal(err)
		}
		sizes += len(res.Results)
		o := opts
		o.Shard = sh
		if _, err := batch.WriteBooks(out, o); err != nil {
			t.Fatal(err)
		}
		shards = append(shards, out)
	}
	if sizes != 16 {
		t.Fatalf("the shards graded %d submissions, want each of the 16 once", sizes)
	}

	merged := t.TempDir()
	if _, err := batch.Merge(merged, shards, nil, nil); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{batch.GradebookFile, batch.BrightspaceFile, batch.CanvasFile, batch.SummaryTextFile, batch.SummaryMDFile, batch.SummaryJSONFile} {
		want, err := os.ReadFile(filepath.Join(single, f))
		if err != nil {
			t.Fatal(err)
		}
		got, err := os.ReadFile(filepath.Join(merged, f))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s of the merged shards differs from one run's:\n%s\nwant\n%s", f, got, want)
		}
	}

	t.Run("different rubrics refused", func(t *testing.T) {
		other := filepath.Join(t.TempDir(), "other")
		if _, err := batch.Run(t.Context(), []string{filepath.Join(root, "section0", "s000")}, batch.Config{Grader: g, Out: other, Load: fakeLoad, RubricDigest: "rubric-2"}); err != nil {
			t.Fatal(err)
		}
		target := t.TempDir()
		_, err := batch.Merge(target, append([]string{other}, shards...), nil, nil)
		if !errors.Is(err, batch.ErrMerge) || !strings.Contains(err.Error(), "different rubrics") {
			t.Errorf("got %v, want a refusal naming different rubrics", err)
		}
		if entries, _ := os.ReadDir(target); len(entries) != 0 {
			t.Errorf("a refused merge wrote %v", entries)
		}
	})
}

func TestParseShard(t *testing.T) {
	env := func(kv ...string) func(string) string {
		m := map[string]string{}
		for i := 0; i+1 < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		return func(k string) string { return m[k] }
	}
	tests := []struct {
		arg  string
		env  func(string) string
		want batch.Shard
		err  bool
	}{
		{"", env(), batch.Shard{}, false},
		{"2/4", env(), batch.Shard{K: 2, N: 4}, false},
		{"0/4", env(), batch.Shard{}, true},
		{"5/4", env(), batch.Shard{}, true},
		{"2/4x", env(), batch.Shard{}, true},
		{"auto", env("JOB_COMPLETION_INDEX", "0", "JOB_COMPLETIONS", "4"), batch.Shard{K: 1, N: 4}, false},
		{"auto", env("JOB_COMPLETION_INDEX", "4", "JOB_COMPLETIONS", "4"), batch.Shard{}, true},
		{"auto", env("SLURM_ARRAY_TASK_ID", "3", "SLURM_ARRAY_TASK_COUNT", "4", "SLURM_ARRAY_TASK_MIN", "0"), batch.Shard{K: 4, N: 4}, false},
		{"auto", env("SLURM_ARRAY_TASK_ID", "1", "SLURM_ARRAY_TASK_COUNT", "4", "SLURM_ARRAY_TASK_MIN", "1"), batch.Shard{K: 1, N: 4}, false},
		{"auto", env(), batch.Shard{}, true},
	}
	for _, tt := range tests {
		got, err := batch.ParseShard(tt.arg, tt.env)
		if (err != nil) != tt.err || got != tt.want {
			t.Errorf("ParseShard(%q) = %v, %v; want %v (error %t)", tt.arg, got, err, tt.want, tt.err)
		}
	}
	// Every student is in exactly one shard.
	for i := range 100 {
		id := fmt.Sprint("s", i)
		n := 0
		for k := 1; k <= 3; k++ {
			if (batch.Shard{K: k, N: 3}).Has(id) {
				n++
			}
		}
		if n != 1 {
			t.Fatalf("%s is in %d of 3 shards", id, n)
		}
	}
}
