package batch

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
)

// Merge gathers the stores ins (the outputs of a sharded batch, one per machine) into the
// store out and rebuilds its gradebooks, exactly as one run over the whole course would
// have written them. It refuses, before copying anything, a result whose MAC none of keys
// wrote (the shards' keys: one key shared by every machine, or each machine's own), results
// graded under different rubrics, a student graded differently in two stores, and
// different rosters. The merged results are signed with keys[0]; nil keys means the key of
// LoadKey("", out). The book options are those the shards used (their books.json), without
// the shard; o, when not nil, replaces them.
func Merge(out string, ins []string, keys [][]byte, o *BookOptions) (*Book, error) {
	if len(ins) == 0 {
		return nil, fmt.Errorf("%w: no store to merge", ErrMerge)
	}
	if len(keys) == 0 {
		k, err := LoadKey("", out)
		if err != nil {
			return nil, err
		}
		keys = [][]byte{k.Secret}
	}
	for _, in := range ins {
		if absOr(in) == absOr(out) {
			return nil, fmt.Errorf("%w: merge into a new folder, not into %s, one of the shards", ErrMerge, in)
		}
	}
	type source struct {
		store  string
		stored Stored
	}
	var all []source
	rubrics := map[string][]string{} // digest → stores
	from := map[string]source{}      // student → where
	var errs []string
	var roster *Roster
	var rosterFrom string
	var books *BookOptions
	for _, in := range ins {
		stored, unsigned, err := Store{Dir: in, Keys: keys}.All()
		if err != nil {
			return nil, fmt.Errorf("%w: %s: %v", ErrMerge, in, err)
		}
		for _, u := range unsigned {
			errs = append(errs, fmt.Sprintf("the result in %s was not signed with the given key(s) (its MAC is missing or wrong): grade every shard with one --key FILE and merge with it, or pass each shard machine's key with --key", filepath.Join(in, u)))
		}
		for _, s := range stored {
			if !slices.Contains(rubrics[s.Record.RubricDigest], in) {
				rubrics[s.Record.RubricDigest] = append(rubrics[s.Record.RubricDigest], in)
			}
			if prev, dup := from[s.Record.Student]; dup {
				if prev.stored.Record.Digest != s.Record.Digest {
					errs = append(errs, fmt.Sprintf("student %q was graded differently in %s and %s", s.Record.Student, prev.store, in))
				}
				continue
			}
			from[s.Record.Student] = source{in, s}
			all = append(all, source{in, s})
		}
		ro, err := storedRoster(in)
		if err != nil {
			return nil, fmt.Errorf("%w: %v", ErrMerge, err)
		}
		if ro != nil {
			if roster != nil && !slices.Equal(roster.Students, ro.Students) {
				errs = append(errs, fmt.Sprintf("the rosters of %s and %s differ", rosterFrom, in))
			}
			roster, rosterFrom = ro, in
		}
		if books == nil {
			var b BookOptions
			if readJSON(filepath.Join(in, BooksFile), &b) == nil {
				books = &b
			}
		}
	}
	if len(rubrics) > 1 {
		var ds []string
		for d, stores := range rubrics {
			ds = append(ds, fmt.Sprintf("rubric %.12s in %s", d, strings.Join(stores, ", ")))
		}
		sort.Strings(ds)
		errs = append(errs, "the results were graded with different rubrics: "+strings.Join(ds, "; "))
	}
	if len(errs) > 0 {
		sort.Strings(errs)
		return nil, fmt.Errorf("%w: nothing was merged:\n  %s", ErrMerge, strings.Join(errs, "\n  "))
	}
	opts := BookOptions{Column: "Assignment 1"}
	if books != nil {
		opts = *books
	}
	if o != nil {
		opts = *o
	}
	opts.Shard = Shard{}
	opts.Key = keys[0]
	if opts.RubricDigest == "" {
		for d := range rubrics {
			opts.RubricDigest = d
		}
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		return nil, err
	}
	for _, src := range all {
		if err := copyStudent(src.store, out, src.stored.Key, keys); err != nil {
			return nil, fmt.Errorf("merge %s from %s: %w", src.stored.Record.Student, src.store, err)
		}
	}
	if roster != nil {
		opts.Roster = roster
		if err := WriteFileAtomic(filepath.Join(out, RosterFile), roster.Write); err != nil {
			return nil, err
		}
	}
	return WriteBooks(out, opts)
}

// copyStudent copies a student's folder from one store to another: its result only when
// its MAC verifies with one of keys, then the record last, signed with keys[0].
func copyStudent(from, to, key string, keys [][]byte) error {
	src, dst := Store{Dir: from}.studentDir(key), Store{Dir: to}.studentDir(key)
	var rec Record
	if err := readJSON(filepath.Join(src, RecordFile), &rec); err != nil {
		return err
	}
	result, err := readStored(filepath.Join(src, ResultFile))
	if err != nil {
		return err
	}
	if !verify(keys, key, rec, result) {
		return fmt.Errorf("%s: %w", src, ErrUnsigned)
	}
	rec.MAC = mac(keys[0], key, rec, result)
	entries, err := os.ReadDir(src)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(dst, 0o755); err != nil {
		return err
	}
	os.Remove(filepath.Join(dst, RecordFile))
	var names []string
	for _, e := range entries {
		if e.Type().IsRegular() && e.Name() != RecordFile && e.Name() != ResultFile && !strings.HasPrefix(e.Name(), ".tmp-") {
			names = append(names, e.Name())
		}
	}
	for _, name := range names {
		err := WriteFileAtomic(filepath.Join(dst, name), func(w io.Writer) error {
			f, err := os.Open(filepath.Join(src, name))
			if err != nil {
				return err
			}
			defer f.Close()
			_, err = io.Copy(w, io.LimitReader(f, maxStoredBytes))
			return err
		})
		if err != nil {
			return err
		}
	}
	if err := WriteFileAtomic(filepath.Join(dst, ResultFile), func(w io.Writer) error { _, err := w.Write(result); return err }); err != nil {
		return err
	}
	return WriteFileAtomic(filepath.Join(dst, RecordFile), func(w io.Writer) error { return writeJSON(w, rec) })
}
