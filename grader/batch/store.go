package batch

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"sort"

	"github.com/optgrade/optgrade/grader"
	"github.com/optgrade/optgrade/grader/report"
)

// The files of one student's folder in the store.
const (
	ResultFile   = "result.json" // the full grader.Result (report's json format), for the TA
	FeedbackFile = "feedback.md" // the feedback for the student (report's markdown format)
	RecordFile   = "record.json" // the store's record: who, from where, and the digest
)

// maxStoredBytes bounds a file read back from the store.
const maxStoredBytes = 64 << 20

// Record is the store's note of one result: whose it is, which folder was graded, and the
// digest of everything the result depends on (the submission's content and time, the
// rubric, the settings, optgrade's version). It is written after every other file of the
// student, so its presence marks the result as whole.
type Record struct {
	Student      string `json:"student"`
	Folder       string `json:"folder"`
	Digest       string `json:"digest"`
	RubricDigest string `json:"rubric_digest"`
	Optgrade     string `json:"optgrade"`
	// IDFromFolder is true when the submission named no student and its folder's name
	// was taken as the id.
	IDFromFolder bool `json:"id_from_folder,omitempty"`
}

// Stored is one student's result in the store.
type Stored struct {
	Key    string // the student's folder in the store
	Record Record
	Result *grader.Result
}

// Store is a batch's output folder: OUT/<student>/result.json, feedback.md, record.json and
// the other per-student formats, and the gradebooks at the top. Every file is written
// through a temporary file that is synced, renamed into place, and whose folder is synced,
// so a crash or an interrupt at any moment leaves either the old file or the new one.
type Store struct {
	Dir string
}

// studentDir is the folder of one student's files.
func (s Store) studentDir(key string) string { return filepath.Join(s.Dir, key) }

// Output is one per-student file: its name in the student's folder and how to write it.
type Output struct {
	Name  string
	Write func(io.Writer) error
}

// Save writes a student's files, then result.json, then the record last: a student
// without a whole record is graded again on resume.
func (s Store) Save(key string, rec Record, res *grader.Result, outputs []Output) error {
	dir := s.studentDir(key)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	// An old record goes first: from here until the new one is written, the student's
	// folder is incomplete and a resumed batch grades it again.
	if err := os.Remove(filepath.Join(dir, RecordFile)); err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	if err := s.WriteFiles(key, outputs); err != nil {
		return err
	}
	js, _ := report.Lookup("json")
	if err := WriteFileAtomic(filepath.Join(dir, ResultFile), func(w io.Writer) error { return js.Write(w, res, report.Options{}) }); err != nil {
		return err
	}
	return WriteFileAtomic(filepath.Join(dir, RecordFile), func(w io.Writer) error { return writeJSON(w, rec) })
}

// WriteFiles writes files in a student's folder.
func (s Store) WriteFiles(key string, outputs []Output) error {
	for _, o := range outputs {
		if err := WriteFileAtomic(filepath.Join(s.studentDir(key), o.Name), o.Write); err != nil {
			return err
		}
	}
	return nil
}

// Load returns a student's stored result and record, when both are whole.
func (s Store) Load(key string) (*grader.Result, Record, bool) {
	var rec Record
	if readJSON(filepath.Join(s.studentDir(key), RecordFile), &rec) != nil {
		return nil, rec, false
	}
	var res grader.Result
	if readJSON(filepath.Join(s.studentDir(key), ResultFile), &res) != nil || res.Version != grader.ResultVersion {
		return nil, rec, false
	}
	return &res, rec, true
}

// All returns every whole result in the store, sorted by student. The results are Slim:
// a course's full results (every failing case, every trajectory) need not fit in memory.
func (s Store) All() ([]Stored, error) {
	entries, err := os.ReadDir(s.Dir)
	if err != nil {
		return nil, err
	}
	var all []Stored
	for _, e := range entries {
		if !e.IsDir() {
			continue
		}
		if res, rec, ok := s.Load(e.Name()); ok {
			all = append(all, Stored{Key: e.Name(), Record: rec, Result: Slim(res)})
		}
	}
	sort.Slice(all, func(i, j int) bool { return all[i].Record.Student < all[j].Record.Student })
	return all, nil
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

// readJSON decodes a file of the store, bounded in size.
func readJSON(path string, v any) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	return json.NewDecoder(io.LimitReader(f, maxStoredBytes)).Decode(v)
}

// WriteFileAtomic writes path through a temporary file in the same folder: write fills it,
// it is synced to disk and renamed over path, and the folder is synced so the rename
// itself survives a crash.
func WriteFileAtomic(path string, write func(io.Writer) error) error {
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, ".tmp-"+filepath.Base(path)+"-*")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name()) // a no-op once renamed
	if err := write(f); err != nil {
		f.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	if err := os.Rename(f.Name(), path); err != nil {
		return err
	}
	return syncDir(dir)
}

// syncDir makes a rename in dir durable. Windows cannot sync a folder: there the rename
// is as durable as the OS makes it.
func syncDir(dir string) error {
	if runtime.GOOS == "windows" {
		return nil
	}
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("sync %s: %w", dir, err)
	}
	return nil
}

// Slim returns what gradebooks and summaries read of a result: scores, statuses, named
// mistakes, errors and times — without the student's output, the failing cases and the
// trajectories, which make a result hundreds of kilobytes.
func Slim(r *grader.Result) *grader.Result {
	c := *r
	c.Output = ""
	c.Tasks = make([]grader.TaskResult, len(r.Tasks))
	for i, t := range r.Tasks {
		checks := make([]grader.CheckResult, len(t.Checks))
		for j, ch := range t.Checks {
			checks[j] = bareCheck(ch)
			checks[j].Misconception, checks[j].Hint = ch.Misconception, ch.Hint
		}
		t.Checks = checks
		c.Tasks[i] = t
	}
	return &c
}
