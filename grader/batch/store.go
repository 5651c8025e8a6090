package batch

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"

	"github.com/optgrade/optgrade/grader"
	"github.com/optgrade/optgrade/grader/report"
)

// The files of one student's folder in the store.
const (
	ResultFile   = "result.json" // the full grader.Result (report's json format)
	FeedbackFile = "feedback.md" // the feedback for the student (report's markdown format)
)

// Store is a batch's output folder: OUT/<key>/result.json and feedback.md per student,
// and the gradebooks at the top. Every file is written through a temporary file that is
// synced, renamed into place, and whose folder is synced, so a crash or an interrupt at
// any moment leaves either the old file or the new one, never half of one.
type Store struct {
	Dir string
}

// studentDir is the folder of one student's files.
func (s Store) studentDir(key string) string { return filepath.Join(s.Dir, key) }

// Save writes a student's feedback and result; result.json is written last, so its presence
// marks the student as done.
func (s Store) Save(key string, res *grader.Result) error {
	dir := s.studentDir(key)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	md, _ := report.Lookup("markdown")
	if err := WriteFileAtomic(filepath.Join(dir, FeedbackFile), func(w io.Writer) error { return md.Write(w, res, report.Options{}) }); err != nil {
		return err
	}
	js, _ := report.Lookup("json")
	return WriteFileAtomic(filepath.Join(dir, ResultFile), func(w io.Writer) error { return js.Write(w, res, report.Options{}) })
}

// Load returns the stored result of a student when there is one for the assignment.
func (s Store) Load(key, assignment string) (*grader.Result, bool) {
	data, err := os.ReadFile(filepath.Join(s.studentDir(key), ResultFile))
	if err != nil {
		return nil, false
	}
	var res grader.Result
	if json.Unmarshal(data, &res) != nil || res.Version != grader.ResultVersion || res.Assignment != assignment {
		return nil, false
	}
	return &res, true
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

// syncDir makes a rename in dir durable. Where folders cannot be opened for syncing
// (Windows), it does nothing: the rename is then as durable as the OS makes it.
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
