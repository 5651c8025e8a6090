package batch

import (
	"context"
	"fmt"
	"io"
	"path/filepath"
	"regexp"
	"runtime"
	"sort"
	"sync"

	"golang.org/x/sync/errgroup"

	"github.com/optgrade/optgrade/grader"
)

// Submission is one loaded submission folder: who it belongs to, how to start it, and
// when it was handed in.
type Submission struct {
	Student   string
	Runner    grader.Runner
	Submitted grader.Submitted
}

// Config says how to grade a batch. Grader, Out and Load are required.
type Config struct {
	Grader *grader.Grader
	Out    string // the store's folder
	// Parallel is how many submissions are graded at once; 0 means one per CPU.
	Parallel int
	// Regrade grades every submission again, even those with a stored result.
	Regrade bool
	// Load prepares a submission folder. An error is that submission's result (every
	// check scored 0, Error set), not the batch's.
	Load func(dir string) (*Submission, error)
	// Explain, when set, may add advice to a result before it is stored.
	Explain func(*grader.Result)
	// Progress, when set, receives one line per finished submission.
	Progress io.Writer
}

// Outcome is what a batch produced.
type Outcome struct {
	Results []*grader.Result // one per submission folder, in the order given
	Kept    int              // results kept from an earlier run
}

// entry is one submission folder of a batch: its key in the store and the loaded
// submission, or why it could not be loaded.
type entry struct {
	dir, key string
	sub      *Submission
	err      error
}

// Run grades the submission folders dirs into cfg.Out, keeping the stored results of an
// earlier run unless cfg.Regrade. Each result is stored as soon as it is ready. When ctx is
// cancelled Run stops taking submissions, drops the unfinished ones (graded again on
// resume) and returns ErrInterrupted.
func Run(ctx context.Context, dirs []string, cfg Config) (*Outcome, error) {
	parallel := cfg.Parallel
	if parallel <= 0 {
		parallel = runtime.NumCPU()
	}
	store := Store{Dir: cfg.Out}
	entries := load(dirs, cfg.Load)
	out := &Outcome{Results: make([]*grader.Result, len(entries))}
	var mu sync.Mutex
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(parallel)
	for i := range entries {
		if gctx.Err() != nil {
			break
		}
		g.Go(func() error {
			e := &entries[i]
			res, kept, err := gradeOne(gctx, cfg, store, e)
			if err != nil || res == nil {
				return err
			}
			mu.Lock()
			defer mu.Unlock()
			out.Results[i] = res
			note := ""
			if kept {
				out.Kept++
				note = " (kept from an earlier run)"
			}
			if cfg.Progress != nil {
				fmt.Fprintf(cfg.Progress, "%-24s %6.2f/%g%s\n", e.key, res.Score, res.MaxScore, note)
			}
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return out, err
	}
	if ctx.Err() != nil {
		return out, ErrInterrupted
	}
	return out, nil
}

// gradeOne grades one submission, or reuses its stored result, and stores it. It returns
// a nil result when ctx was cancelled mid-grade: nothing is stored, and a resumed batch
// grades that submission again.
func gradeOne(ctx context.Context, cfg Config, store Store, e *entry) (*grader.Result, bool, error) {
	g := cfg.Grader
	if !cfg.Regrade {
		if res, ok := store.Load(e.key, g.Rubric().Assignment); ok {
			return res, true, nil
		}
	}
	var res *grader.Result
	if e.err != nil {
		res = g.Grade(ctx, failingRunner{e.err}, e.key, e.dir, grader.Submitted{Source: "none"})
	} else {
		res = g.Grade(ctx, e.sub.Runner, e.sub.Student, e.dir, e.sub.Submitted)
		if cfg.Explain != nil {
			cfg.Explain(res)
		}
	}
	if ctx.Err() != nil {
		return nil, false, nil
	}
	if err := store.Save(e.key, res); err != nil {
		return res, false, fmt.Errorf("store the result of %s: %w", e.dir, err)
	}
	return res, false, nil
}

// failingRunner is a Runner for a submission folder that could not even be loaded.
type failingRunner struct{ err error }

func (f failingRunner) Start(context.Context) (grader.Conn, error) { return nil, f.err }

var unsafeKey = regexp.MustCompile(`[^A-Za-z0-9._-]+`)

// load loads every folder and names its folder in the store after its student, made safe
// for a file name and unique (a second "alice" becomes "alice-2", in folder order).
func load(dirs []string, loadFn func(string) (*Submission, error)) []entry {
	entries := make([]entry, len(dirs))
	order := make([]int, len(dirs))
	for i, d := range dirs {
		order[i] = i
		entries[i].dir = d
		entries[i].sub, entries[i].err = loadFn(d)
	}
	sort.SliceStable(order, func(a, b int) bool { return dirs[order[a]] < dirs[order[b]] })
	seen := map[string]int{}
	for _, i := range order {
		name := filepath.Base(filepath.Clean(dirs[i]))
		if e := entries[i]; e.err == nil && e.sub.Student != "" {
			name = e.sub.Student
		}
		key := unsafeKey.ReplaceAllString(name, "_")
		if key == "" || key == "." || key == ".." {
			key = "student"
		}
		seen[key]++
		if n := seen[key]; n > 1 {
			key = fmt.Sprintf("%s-%d", key, n)
		}
		entries[i].key = key
	}
	return entries
}
