package batch

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"sync"
	"sync/atomic"

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
	// MAC is the HMAC-SHA256, under the store's key, of this record (the MAC aside), the
	// student's folder in the store and the bytes of result.json: only a grader holding
	// the key writes one that verifies.
	MAC string `json:"mac,omitempty"`
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
	// Keys are the secrets of the results' MACs: Save signs with the first, Load
	// accepts a MAC written with any.
	Keys [][]byte
}

// Why Load did not return a result.
var (
	// errNotStored: the student has no whole result in the store.
	errNotStored = errors.New("no whole result")
	// ErrUnsigned: a result and record are there, but the record's MAC is missing or was
	// not written with the store's key — some other program wrote them.
	ErrUnsigned = errors.New("its MAC is missing or wrong: this grader did not write it")
)

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
	if len(s.Keys) == 0 {
		return errors.New("the store has no key to sign results with")
	}
	js, _ := report.Lookup("json")
	var buf bytes.Buffer
	if err := js.Write(&buf, res, report.Options{}); err != nil {
		return err
	}
	if err := WriteFileAtomic(filepath.Join(dir, ResultFile), func(w io.Writer) error { _, err := w.Write(buf.Bytes()); return err }); err != nil {
		return err
	}
	rec.MAC = mac(s.Keys[0], key, rec, buf.Bytes())
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

// Load returns a student's stored result and record, when both are whole and the
// record's MAC verifies. Otherwise the error is ErrUnsigned when the MAC is the reason
// (the record is returned then), or another when there is no whole result.
func (s Store) Load(key string) (*grader.Result, Record, error) {
	var rec Record
	if readJSON(filepath.Join(s.studentDir(key), RecordFile), &rec) != nil {
		return nil, rec, errNotStored
	}
	data, err := readStored(filepath.Join(s.studentDir(key), ResultFile))
	if err != nil {
		return nil, rec, errNotStored
	}
	var res grader.Result
	if json.Unmarshal(data, &res) != nil || res.Version != grader.ResultVersion {
		return nil, rec, errNotStored
	}
	if !verify(s.Keys, key, rec, data) {
		return nil, rec, ErrUnsigned
	}
	return &res, rec, nil
}

// All returns every whole result in the store whose MAC verifies, sorted by student, and
// the folders holding a result whose MAC does not (see ErrUnsigned), in folder order. The
// results are Slim: a course's full results (every failing case, every trajectory) need
// not fit in memory. The folders are read by one worker per CPU, each holding one full
// result at a time: decoding them is most of the work, and in a batch it comes after the
// last submission, when nothing else runs.
func (s Store) All() (all []Stored, unsigned []string, err error) {
	entries, err := os.ReadDir(s.Dir)
	if err != nil {
		return nil, nil, err
	}
	type slot struct {
		stored   *Stored
		unsigned bool
	}
	slots := make([]slot, len(entries))
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), len(entries)) {
		wg.Go(func() {
			for i := int(next.Add(1) - 1); i < len(entries); i = int(next.Add(1) - 1) {
				if !entries[i].IsDir() {
					continue
				}
				key := entries[i].Name()
				res, rec, err := s.Load(key)
				switch {
				case err == nil:
					slots[i].stored = &Stored{Key: key, Record: rec, Result: Slim(res)}
				case errors.Is(err, ErrUnsigned):
					slots[i].unsigned = true
				}
			}
		})
	}
	wg.Wait()
	for i, sl := range slots {
		switch {
		case sl.stored != nil:
			all = append(all, *sl.stored)
		case sl.unsigned:
			unsigned = append(unsigned, entries[i].Name())
		}
	}
	sort.Slice(all, func(i, j int) bool { return all[i].Record.Student < all[j].Record.Student })
	return all, unsigned, nil
}

// readStored reads a file of the store whole, refusing one over maxStoredBytes.
func readStored(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxStoredBytes+1))
	if err == nil && len(data) > maxStoredBytes {
		err = fmt.Errorf("%s is over %d MiB", path, maxStoredBytes>>20)
	}
	return data, err
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
	tmp, err := writeTemp(path, write)
	defer os.Remove(tmp) // a no-op once renamed
	if err != nil {
		return err
	}
	if err := os.Rename(tmp, path); err != nil {
		return err
	}
	return syncDir(filepath.Dir(path))
}

// writeTemp writes a temporary file beside path (mode 0600) with write, syncs and closes
// it, and returns its name ("" when it could not be created) for the caller to move into
// place and to remove.
func writeTemp(path string, write func(io.Writer) error) (string, error) {
	f, err := os.CreateTemp(filepath.Dir(path), ".tmp-"+filepath.Base(path)+"-*")
	if err != nil {
		return "", err
	}
	if err := write(f); err != nil {
		f.Close()
		return f.Name(), fmt.Errorf("write %s: %w", path, err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return f.Name(), err
	}
	return f.Name(), f.Close()
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
