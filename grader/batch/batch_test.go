package batch_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/optgrade/optgrade/grader"
	"github.com/optgrade/optgrade/grader/batch"
	"github.com/optgrade/optgrade/grader/rubric"
	"github.com/optgrade/optgrade/grader/runner"
	"github.com/optgrade/optgrade/reference"
)

const courseRubric = "../../rubrics/assignment1.yaml"

func newGrader(t testing.TB) *grader.Grader {
	t.Helper()
	r, err := rubric.Load(courseRubric)
	if err != nil {
		t.Fatal(err)
	}
	g, err := grader.New(r, true)
	if err != nil {
		t.Fatal(err)
	}
	return g
}

// fake is a fake submission folder: how it answers — "right" (the reference), "wrong"
// (Adam without bias correction) or "broken" (it cannot be loaded) — and the student it
// names ("" for none).
type fake struct{ answer, student string }

// fakeCourse makes the folders (paths relative to a temporary root) and returns the root.
func fakeCourse(t testing.TB, folders map[string]fake) string {
	t.Helper()
	root := t.TempDir()
	for rel, f := range folders {
		writeFake(t, filepath.Join(root, rel), f)
	}
	return root
}

func writeFake(t testing.TB, dir string, f fake) {
	t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "answer"), []byte(f.answer+"\n"+f.student+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
}

// fakeLoad loads a fake submission: it answers from the reference, right or wrong.
func fakeLoad(dir string) (*batch.Submission, error) {
	data, err := os.ReadFile(filepath.Join(dir, "answer"))
	if err != nil {
		return nil, err
	}
	lines := strings.Split(string(data), "\n")
	run := runner.ReferenceRunner{}
	switch lines[0] {
	case "wrong":
		v, ok := reference.LookupVariant("adam-no-bias-correction")
		if !ok {
			return nil, errors.New("no variant adam-no-bias-correction")
		}
		run.Replace = map[string]reference.Variant{"adam_step": v}
	case "broken":
		return nil, errors.New("nothing to run")
	}
	return &batch.Submission{Student: lines[1], Runner: run, Submitted: grader.Submitted{Source: "none"}}, nil
}

func isFake(dir string) bool {
	_, err := os.Stat(filepath.Join(dir, "answer"))
	return err == nil
}

// grade discovers the submissions under root and grades them into out.
func grade(t testing.TB, root, out string, cfg batch.Config) (*batch.Outcome, error) {
	t.Helper()
	found, err := batch.Discover([]string{root}, isFake, out)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Grader == nil {
		cfg.Grader = newGrader(t)
	}
	cfg.Out, cfg.Load, cfg.RubricDigest = out, fakeLoad, "rubric-1"
	return batch.Run(context.Background(), found.Dirs, cfg)
}

func byStudent(rs []*grader.Result) map[string]*grader.Result {
	m := map[string]*grader.Result{}
	for _, r := range rs {
		m[r.Student] = r
	}
	return m
}

func TestRunStoresAndResumes(t *testing.T) {
	root := fakeCourse(t, map[string]fake{"alice": {"right", "alice"}, "bob": {"wrong", "bob"}, "carol": {"broken", ""}})
	out := t.TempDir()
	first, err := grade(t, root, out, batch.Config{Parallel: 2})
	if err != nil {
		t.Fatal(err)
	}
	got := byStudent(first.Results)
	if r := got["alice"]; r == nil || r.Score != r.MaxScore {
		t.Errorf("alice (the reference) should have full marks: %+v", r)
	}
	if r := got["bob"]; r == nil || r.Score >= r.MaxScore || r.Error != "" {
		t.Errorf("bob (Adam without bias correction) should lose points: %+v", r)
	}
	if r := got["carol"]; r == nil || r.Score != 0 || !strings.Contains(r.Error, "nothing to run") {
		t.Errorf("carol (cannot load) should be a result with the reason: %+v", r)
	}
	for _, name := range []string{"alice", "bob", "carol"} {
		for _, f := range []string{batch.ResultFile, batch.FeedbackFile, batch.RecordFile} {
			if _, err := os.Stat(filepath.Join(out, name, f)); err != nil {
				t.Errorf("%s: %v", name, err)
			}
		}
	}

	t.Run("unchanged kept", func(t *testing.T) {
		again, err := grade(t, root, out, batch.Config{})
		// carol could not be loaded: she has no digest and is tried again.
		if err != nil || again.Kept != 2 || again.Graded != 1 {
			t.Errorf("a second run kept %d and graded %d, want 2 and 1 (%v)", again.Kept, again.Graded, err)
		}
	})
	t.Run("changed regraded", func(t *testing.T) {
		writeFake(t, filepath.Join(root, "bob"), fake{"right", "bob"}) // bob fixed his Adam
		again, err := grade(t, root, out, batch.Config{})
		if err != nil || again.Kept != 1 || again.Graded != 2 {
			t.Fatalf("kept %d, graded %d; want alice kept, bob and carol graded (%v)", again.Kept, again.Graded, err)
		}
		if r := byStudent(again.Results)["bob"]; r.Score != r.MaxScore {
			t.Errorf("bob's changed submission was not regraded: %g/%g", r.Score, r.MaxScore)
		}
	})
	t.Run("rubric changed", func(t *testing.T) {
		g := newGrader(t)
		again, err := batch.Run(context.Background(), []string{filepath.Join(root, "alice")}, batch.Config{Grader: g, Out: out, Load: fakeLoad, RubricDigest: "rubric-2"})
		if err != nil || again.Kept != 0 || again.Graded != 1 {
			t.Errorf("after a rubric change kept %d, graded %d; want 0 and 1 (%v)", again.Kept, again.Graded, err)
		}
	})
	t.Run("regrade", func(t *testing.T) {
		regraded, err := grade(t, root, out, batch.Config{Regrade: true})
		if err != nil || regraded.Kept != 0 {
			t.Errorf("--regrade should keep nothing, kept %d (%v)", regraded.Kept, err)
		}
	})
}

func TestIdentityErrors(t *testing.T) {
	tests := []struct {
		name    string
		folders map[string]fake
		roster  string
		want    []string // in the error
	}{
		{"duplicate", map[string]fake{"a/x": {"right", "s1"}, "b/y": {"wrong", "s1"}}, "",
			[]string{`student "s1" is named by two folders`, "/a/x", "/b/y"}},
		{"placeholder", map[string]fake{"x": {"right", "your-student-id"}, "y": {"right", "s2"}}, "",
			[]string{"/x: student: \"your-student-id\" is the kit's placeholder"}},
		{"unknown on roster", map[string]fake{"x": {"right", "s9"}, "y": {"right", "s1"}}, "id,username,name\ns1,ann,Ann\n",
			[]string{`/x: student "s9" (its optgrade.yaml's student:) is not on the roster`}},
		{"folder name not on roster", map[string]fake{"zed": {"right", ""}}, "s1,ann,Ann\n",
			[]string{`/zed: student "zed" (its folder name`}},
		{"username and id of one student", map[string]fake{"x": {"right", "ann"}, "y": {"right", "s1"}}, "s1,ann,Ann\n",
			[]string{`student "s1" is named by two folders`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			root := fakeCourse(t, tt.folders)
			out := t.TempDir()
			cfg := batch.Config{}
			if tt.roster != "" {
				ro, err := batch.ParseRoster("roster.csv", strings.NewReader(tt.roster))
				if err != nil {
					t.Fatal(err)
				}
				cfg.Roster = ro
			}
			_, err := grade(t, root, out, cfg)
			if !errors.Is(err, batch.ErrIdentity) {
				t.Fatalf("got %v, want an ErrIdentity", err)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("the error does not say %q:\n%v", w, err)
				}
			}
			if entries, _ := os.ReadDir(out); len(entries) != 0 {
				t.Errorf("something was graded: %v", entries)
			}
		})
	}
}

func TestDiscoverNestedAndSkipped(t *testing.T) {
	root := fakeCourse(t, map[string]fake{
		"alice":                  {"right", "alice"},
		"nested/bob":             {"right", "bob"},
		"deep/er/still/carol":    {"right", "carol"},
		"alice/inner/not-graded": {"right", "x"}, // inside a submission: part of alice's
	})
	os.WriteFile(filepath.Join(root, "notes.txt"), []byte("x"), 0o644)
	os.MkdirAll(filepath.Join(root, "empty-handed"), 0o755)
	os.WriteFile(filepath.Join(root, "empty-handed", "report.pdf"), []byte("x"), 0o644)
	os.MkdirAll(filepath.Join(root, ".git", "dave"), 0o755)
	writeFake(t, filepath.Join(root, ".git", "dave"), fake{"right", "dave"})

	found, err := batch.Discover([]string{root, filepath.Join(root, "notes.txt")}, isFake)
	if err != nil {
		t.Fatal(err)
	}
	var rel []string
	for _, d := range found.Dirs {
		r, _ := filepath.Rel(root, d)
		rel = append(rel, filepath.ToSlash(r))
	}
	if got, want := strings.Join(rel, " "), "alice deep/er/still/carol nested/bob"; got != want {
		t.Errorf("found %s, want %s", got, want)
	}
	skipped := map[string]string{}
	for _, s := range found.Skipped {
		r, _ := filepath.Rel(root, s.Path)
		skipped[filepath.ToSlash(r)] = s.Reason
	}
	if !strings.Contains(skipped["notes.txt"], "file") {
		t.Errorf("the file argument is not listed as skipped: %v", found.Skipped)
	}
	if !strings.Contains(skipped["empty-handed"], "no submission") {
		t.Errorf("a folder with files but no submission is not listed: %v", found.Skipped)
	}
	if _, ok := skipped["."]; ok {
		t.Errorf("the root holds submissions below it, yet is listed as skipped: %v", found.Skipped)
	}

	t.Run("only files", func(t *testing.T) {
		_, err := batch.Discover([]string{filepath.Join(root, "notes.txt")}, isFake)
		if err == nil || !strings.Contains(err.Error(), "no submission found") || !strings.Contains(err.Error(), "a file") {
			t.Errorf("got %v, want no submission found with the reason", err)
		}
	})
}

func readCSV(t *testing.T, path string) [][]string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(bytes.NewReader(data)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

func TestRosterAndOnly(t *testing.T) {
	root := fakeCourse(t, map[string]fake{"a": {"right", "s1"}, "b": {"wrong", "bob"}, "c": {"broken", ""}})
	roster, err := batch.ParseRoster("roster.csv", strings.NewReader("id,username,name,section\ns1,ann,\"Lee, Ann\",L1\ns2,bob,Bob,L2\nc,carl,Carl,L1\ns4,dee,Dee,L2\n"))
	if err != nil {
		t.Fatal(err)
	}
	out := t.TempDir()
	if _, err := grade(t, root, out, batch.Config{Roster: roster}); err != nil {
		t.Fatal(err)
	}
	book, err := batch.WriteBooks(out, batch.BookOptions{Column: "A1"})
	if err != nil {
		t.Fatal(err)
	}
	if len(book.Missing) != 1 || book.Missing[0].ID != "s4" {
		t.Errorf("missing %v, want s4", book.Missing)
	}
	gradebook := readCSV(t, filepath.Join(out, batch.GradebookFile))
	var ids []string
	for _, row := range gradebook[1:] {
		ids = append(ids, row[0])
	}
	// bob named himself by username: his row is his roster id.
	if got := strings.Join(ids, " "); got != "c s1 s2 s4" {
		t.Errorf("gradebook rows %s, want every roster student: c s1 s2 s4", got)
	}
	if last := gradebook[len(gradebook)-1]; last[len(last)-1] != batch.NoSubmission {
		t.Errorf("s4's row %q does not say %q", last, batch.NoSubmission)
	}
	brightspace := readCSV(t, filepath.Join(out, batch.BrightspaceFile))
	for _, row := range brightspace[1:] {
		blank := row[0] == "#c" || row[0] == "#s4" // could not be graded, no submission
		if blank != (row[1] == "") {
			t.Errorf("brightspace row %q: want a blank grade exactly for the ungradable and missing", row)
		}
	}

	t.Run("one student regraded keeps every row", func(t *testing.T) {
		before, _ := os.ReadFile(filepath.Join(out, batch.GradebookFile))
		res, err := grade(t, root, out, batch.Config{Only: []string{"ann"}, Regrade: true})
		if err != nil || len(res.Results) != 1 || res.Results[0].Student != "s1" || res.Graded != 1 {
			t.Fatalf("--only ann: %+v %v", res, err)
		}
		if _, err := batch.WriteBooks(out, batch.BookOptions{Column: "A1"}); err != nil {
			t.Fatal(err)
		}
		after, _ := os.ReadFile(filepath.Join(out, batch.GradebookFile))
		if !bytes.Equal(before, after) {
			t.Errorf("a one-student regrade changed the gradebook:\n%s\nwas\n%s", after, before)
		}
	})
	t.Run("only an unknown student", func(t *testing.T) {
		_, err := grade(t, root, out, batch.Config{Only: []string{"nobody"}})
		if !errors.Is(err, batch.ErrIdentity) || !strings.Contains(err.Error(), "nobody") {
			t.Errorf("got %v", err)
		}
	})
}

func TestParseRosterErrors(t *testing.T) {
	_, err := batch.ParseRoster("r.csv", strings.NewReader("id,username,name\ns1,ann,Ann\ns1,bo,Bo\ns3,ann,Al\n,x,Y\ns5,only-two\n"))
	if !errors.Is(err, batch.ErrRoster) {
		t.Fatalf("got %v", err)
	}
	for _, w := range []string{`r.csv:3: "s1" is already`, `r.csv:4: "ann" is already`, "r.csv:5: empty id", "r.csv:6: want id, username, name"} {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("the error does not say %q:\n%v", w, err)
		}
	}
}

func TestRunInterrupted(t *testing.T) {
	root := fakeCourse(t, map[string]fake{"alice": {"right", "alice"}, "bob": {"right", "bob"}})
	out := t.TempDir()
	found, _ := batch.Discover([]string{root}, isFake)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := batch.Run(ctx, found.Dirs, batch.Config{Grader: newGrader(t), Out: out, Parallel: 1, Load: fakeLoad})
	if !errors.Is(err, batch.ErrInterrupted) {
		t.Fatalf("a cancelled batch returned %v, want ErrInterrupted", err)
	}
	// Nothing half-written: no temporary file, no record without its result.
	filepath.WalkDir(out, func(p string, d os.DirEntry, err error) error {
		if err == nil && strings.HasPrefix(d.Name(), ".tmp-") {
			t.Errorf("temporary file left: %s", p)
		}
		return nil
	})
}

func TestWriteFileAtomicKeepsOldOnFailure(t *testing.T) {
	path := filepath.Join(t.TempDir(), "gradebook.csv")
	if err := batch.WriteFileAtomic(path, func(w io.Writer) error { _, err := w.Write([]byte("old\n")); return err }); err != nil {
		t.Fatal(err)
	}
	boom := errors.New("disk full")
	err := batch.WriteFileAtomic(path, func(w io.Writer) error {
		w.Write([]byte("half a ro"))
		return boom
	})
	if !errors.Is(err, boom) {
		t.Errorf("the write's error was lost: %v", err)
	}
	if data, _ := os.ReadFile(path); string(data) != "old\n" {
		t.Errorf("a failed write changed the file: %q", data)
	}
	entries, _ := os.ReadDir(filepath.Dir(path))
	if len(entries) != 1 {
		t.Errorf("temporary files left: %v", entries)
	}
}

// TestFeedbackHidesHiddenChecks: the student-facing files never show a hidden check's
// inputs, values or named mistake — only with full feedback — while visible checks keep
// theirs.
func TestFeedbackHidesHiddenChecks(t *testing.T) {
	root := fakeCourse(t, map[string]fake{"bob": {"wrong", "bob"}})
	for _, full := range []bool{false, true} {
		out := t.TempDir()
		files, err := batch.StudentFiles([]string{"markdown", "junit", "gradescope", "text"}, full)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := grade(t, root, out, batch.Config{Files: files}); err != nil {
			t.Fatal(err)
		}
		var feedback []string
		for _, f := range files {
			data, err := os.ReadFile(filepath.Join(out, "bob", f.Name))
			if err != nil {
				t.Fatal(err)
			}
			feedback = append(feedback, string(data))
		}
		all := strings.Join(feedback, "\n")
		var stored grader.Result
		data, err := os.ReadFile(filepath.Join(out, "bob", batch.ResultFile))
		if err != nil || json.Unmarshal(data, &stored) != nil {
			t.Fatalf("result.json: %v", err)
		}
		var hidden, visible int
		for _, task := range stored.Tasks {
			for _, c := range task.Checks {
				if c.Status == grader.Pass || c.Message == "" {
					continue
				}
				// The first failing case's expected value, as the message prints it.
				msg := c.Message
				if i := strings.LastIndex(msg, "want "); i >= 0 {
					msg = msg[i:]
				}
				if i := strings.Index(msg, " ("); i > 0 {
					msg = msg[:i]
				}
				shown := strings.Contains(all, msg)
				if c.Visibility == "hidden" {
					hidden++
					if shown != full {
						t.Errorf("full=%t: hidden check %s/%s: its inputs %q shown=%t", full, task.ID, c.Name, msg, shown)
					}
				} else {
					visible++
					if !shown {
						t.Errorf("full=%t: visible check %s/%s lost its message %q", full, task.ID, c.Name, msg)
					}
				}
				if !strings.Contains(all, c.Name) {
					t.Errorf("check %s/%s not named in the feedback", task.ID, c.Name)
				}
			}
		}
		if hidden == 0 || visible == 0 {
			t.Fatalf("the fixture should fail hidden and visible checks: %d hidden, %d visible", hidden, visible)
		}
	}
}

// TestBooksWrittenDespiteOneFailure: brightspace.csv keyed by usernames fails for a roster
// student without one, and says so; every other gradebook file is still written.
func TestBooksWrittenDespiteOneFailure(t *testing.T) {
	root := fakeCourse(t, map[string]fake{"a": {"right", "s1"}})
	roster, err := batch.ParseRoster("roster.csv", strings.NewReader("s1,,Ann\n"))
	if err != nil {
		t.Fatal(err)
	}
	out := t.TempDir()
	if _, err := grade(t, root, out, batch.Config{Roster: roster}); err != nil {
		t.Fatal(err)
	}
	book, err := batch.WriteBooks(out, batch.BookOptions{Column: "A1", BrightspaceUsername: true})
	if err == nil || !strings.Contains(err.Error(), "brightspace.csv not written") || !strings.Contains(err.Error(), "Username") {
		t.Errorf("got %v, want brightspace.csv not written for want of a Username", err)
	}
	for _, f := range []string{batch.GradebookFile, batch.CanvasFile, batch.SummaryMDFile} {
		if _, err := os.Stat(filepath.Join(out, f)); err != nil || !strings.Contains(strings.Join(book.Written, " "), f) {
			t.Errorf("%s was not written: %v", f, err)
		}
	}
}
