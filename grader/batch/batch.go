package batch

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"

	"golang.org/x/sync/errgroup"

	"github.com/optgrade/optgrade/grader"
)

// Submission is one loaded submission folder: whose it is, how to start it, and when it
// was handed in.
type Submission struct {
	// Student is the id the submission names (its optgrade.yaml's student:), or empty
	// when it names none: the folder's name is then taken, and reported.
	Student   string
	Runner    grader.Runner
	Submitted grader.Submitted
}

// Config says how to grade a batch. Grader, Out and Load are required.
type Config struct {
	Grader *grader.Grader
	Out    string // the store's folder
	// RubricDigest identifies the rubric (the SHA-256 of its file, rubric.Rubric.SHA256);
	// with the submission's content, its time, Settings and optgrade's Version it keys
	// each stored result.
	RubricDigest string
	// Settings are the grading settings that change results (timeout, interpreter, …),
	// as text: a change regrades a resumed batch.
	Settings string
	// Parallel is how many submissions are graded at once; 0 means one per CPU.
	Parallel int
	// Regrade grades the selected submissions again, even those whose stored result is
	// up to date.
	Regrade bool
	// Only, when not empty, selects the students (ids or roster usernames) to grade;
	// the others keep their stored results.
	Only []string
	// Shard selects this machine's part of the batch.
	Shard Shard
	// Roster, when set, lists the course: every submission's student must be on it. It
	// is saved in the store; nil means the store's saved roster, if any.
	Roster *Roster
	// Load prepares a submission folder. An error is that submission's result (every
	// check scored 0, Error set), not the batch's.
	Load func(dir string) (*Submission, error)
	// Explain, when set, may add advice to a result before it is stored.
	Explain func(*grader.Result)
	// Files are the per-student files besides result.json and record.json; nil means
	// feedback.md for the student (see StudentFiles).
	Files []StudentFile
	// Progress, when set, is told as each submission finishes.
	Progress Progress
	// Key signs the stored results (a MAC in each record); a stored result whose MAC
	// it did not write is graded again. Nil means LoadKey("", Out).
	Key []byte
}

// Outcome is what a batch produced.
type Outcome struct {
	Results []*grader.Result // the selected submissions' results (Slim), sorted by student
	Graded  int              // results graded in this run
	Kept    int              // results kept from an earlier run (their digest unchanged)
	// IDFromFolder lists the submission folders that named no student: they were graded
	// under their folder's name.
	IDFromFolder []string
	// Unsigned lists the students' folders in the store whose stored result carried a
	// MAC that is wrong, or none although it was otherwise up to date: some other
	// program wrote it, and the submission was graded again.
	Unsigned []string
}

// entry is one submission folder of a batch: its student and folder in the store, and the
// loaded submission or why it could not be loaded.
type entry struct {
	dir          string
	id, key      string
	idFromFolder bool
	sub          *Submission
	err          error
	unsigned     bool // its stored result's MAC did not verify
}

// Run grades the submission folders dirs into the store cfg.Out. Before grading anything
// it checks that the folders name their students one to one (see ErrIdentity). A stored
// result whose digest is unchanged is kept unless cfg.Regrade; every other is graded
// again and stored as soon as it is ready. When ctx is cancelled Run stops taking
// submissions, drops the unfinished ones (graded again on resume) and returns
// ErrInterrupted.
func Run(ctx context.Context, dirs []string, cfg Config) (*Outcome, error) {
	parallel := cfg.Parallel
	if parallel <= 0 {
		parallel = runtime.NumCPU()
	}
	entries := make([]entry, len(dirs))
	for i, d := range dirs {
		entries[i].dir = d
		entries[i].sub, entries[i].err = cfg.Load(d)
	}
	if cfg.Roster == nil {
		ro, err := storedRoster(cfg.Out)
		if err != nil {
			return nil, err
		}
		cfg.Roster = ro
	}
	if err := identify(entries, cfg.Roster); err != nil {
		return nil, err
	}
	entries, err := selectEntries(entries, cfg)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(cfg.Out, 0o755); err != nil {
		return nil, err
	}
	if cfg.Roster != nil {
		if err := WriteFileAtomic(filepath.Join(cfg.Out, RosterFile), cfg.Roster.Write); err != nil {
			return nil, err
		}
	}
	if cfg.Key == nil {
		k, err := LoadKey("", cfg.Out)
		if err != nil {
			return nil, err
		}
		cfg.Key = k.Secret
	}
	store := Store{Dir: cfg.Out, Keys: [][]byte{cfg.Key}}
	if cfg.Files == nil {
		cfg.Files, _ = StudentFiles([]string{"markdown"}, false)
	}
	out := &Outcome{}
	for _, e := range entries {
		if e.idFromFolder {
			out.IDFromFolder = append(out.IDFromFolder, e.dir)
		}
	}
	if cfg.Progress != nil {
		cfg.Progress.Start(len(entries))
	}
	var mu sync.Mutex
	done := func(e *entry, res *grader.Result, kept bool) {
		mu.Lock()
		defer mu.Unlock()
		out.Results = append(out.Results, Slim(res))
		if kept {
			out.Kept++
		} else {
			out.Graded++
		}
		if cfg.Progress != nil {
			cfg.Progress.Done(e.id, res, kept)
		}
	}
	// A graded submission is stored by a goroutine of its own while its worker takes the
	// next one: storing waits for the disk (every file is synced, twice), which would
	// otherwise stall the worker with nothing to run. At most `parallel` results wait to
	// be stored; a store that fails stops the batch as before.
	stop, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	var g, storing errgroup.Group
	g.SetLimit(parallel)
	slots := make(chan struct{}, parallel)
	for i := range entries {
		if stop.Err() != nil {
			break
		}
		g.Go(func() error {
			e := &entries[i]
			res, kept, save := gradeOne(stop, cfg, store, e)
			if res == nil {
				return nil
			}
			slots <- struct{}{}
			storing.Go(func() error {
				defer func() { <-slots }()
				if err := save(); err != nil {
					cancel(err)
					return err
				}
				done(e, res, kept)
				return nil
			})
			return nil
		})
	}
	_ = g.Wait() // the workers fail only through storing, below
	err = storing.Wait()
	if cfg.Progress != nil {
		cfg.Progress.Finish()
	}
	sort.Slice(out.Results, func(i, j int) bool { return out.Results[i].Student < out.Results[j].Student })
	for _, e := range entries {
		if e.unsigned {
			out.Unsigned = append(out.Unsigned, filepath.Join(cfg.Out, e.key))
		}
	}
	if err != nil {
		return out, err
	}
	if ctx.Err() != nil {
		return out, ErrInterrupted
	}
	return out, nil
}

// selectEntries keeps the entries of cfg.Only and cfg.Shard, sorted by student id.
func selectEntries(entries []entry, cfg Config) ([]entry, error) {
	only := map[string]bool{}
	var unknown []string
	for _, id := range cfg.Only {
		if s, ok := cfg.Roster.Lookup(id); ok {
			id = s.ID
		}
		found := slices.ContainsFunc(entries, func(e entry) bool { return e.id == id })
		if !found {
			unknown = append(unknown, fmt.Sprintf("%q", id))
		}
		only[id] = true
	}
	if len(unknown) > 0 {
		return nil, fmt.Errorf("%w: --only: no submission for %s", ErrIdentity, strings.Join(unknown, ", "))
	}
	var kept []entry
	for _, e := range entries {
		if (len(only) == 0 || only[e.id]) && cfg.Shard.Has(e.id) {
			kept = append(kept, e)
		}
	}
	sort.Slice(kept, func(i, j int) bool { return kept[i].id < kept[j].id })
	return kept, nil
}

// gradeOne grades one submission, or keeps its stored result when its digest is
// unchanged, and returns it with what stores it (the caller runs it, possibly later). It
// returns a nil result when ctx was cancelled mid-grade: nothing is to be stored, and a
// resumed batch grades that submission again.
func gradeOne(ctx context.Context, cfg Config, store Store, e *entry) (*grader.Result, bool, func() error) {
	g := cfg.Grader
	rec := Record{Student: e.id, Folder: e.dir, RubricDigest: cfg.RubricDigest, Optgrade: Version(), IDFromFolder: e.idFromFolder}
	loadErr := e.err
	if loadErr == nil {
		content, err := folderDigest(e.dir)
		if err != nil {
			loadErr = err
		} else {
			rec.Digest = resultDigest(content, cfg.RubricDigest, cfg.Settings, e.sub.Submitted.At, e.sub.Submitted.Source)
		}
	}
	if !cfg.Regrade && rec.Digest != "" {
		res, old, err := store.Load(e.key)
		// A wrong MAC is always news; a missing one only where the result would have
		// been kept (an older grader's store has none, and is regraded anyway).
		e.unsigned = errors.Is(err, ErrUnsigned) && (old.MAC != "" || old.Digest == rec.Digest)
		if err == nil && old.Digest == rec.Digest && old.Student == e.id {
			// The per-student files are rendered from the result: write them again, so
			// a change of --formats or --feedback reaches kept results too.
			return res, true, func() error {
				if err := store.WriteFiles(e.key, studentOutputs(cfg.Files, res)); err != nil {
					return fmt.Errorf("store the files of %s: %w", e.dir, err)
				}
				return nil
			}
		}
	}
	var res *grader.Result
	if loadErr != nil {
		res = g.Grade(ctx, failingRunner{loadErr}, e.id, e.dir, grader.Submitted{Source: "none"})
	} else {
		res = g.Grade(ctx, e.sub.Runner, e.id, e.dir, e.sub.Submitted)
		if cfg.Explain != nil {
			cfg.Explain(res)
		}
	}
	if ctx.Err() != nil {
		return nil, false, nil
	}
	return res, false, func() error {
		if err := store.Save(e.key, rec, res, studentOutputs(cfg.Files, res)); err != nil {
			return fmt.Errorf("store the result of %s: %w", e.dir, err)
		}
		return nil
	}
}

// Unloadable is a Runner for a submission folder that could not even be loaded: grading it
// gives a result with the reason as its Error and every check scored 0.
func Unloadable(err error) grader.Runner { return failingRunner{err} }

type failingRunner struct{ err error }

func (f failingRunner) Start(context.Context) (grader.Conn, error) { return nil, f.err }

// studentOutputs are the per-student files of one result.
func studentOutputs(files []StudentFile, res *grader.Result) []Output {
	outputs := make([]Output, len(files))
	for i, f := range files {
		outputs[i] = Output{Name: f.Name, Write: func(w io.Writer) error { return f.Write(w, res) }}
	}
	return outputs
}
