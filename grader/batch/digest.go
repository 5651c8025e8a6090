package batch

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"hash"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime/debug"
	"sort"
	"sync"
	"time"
)

// Bounds on what a submission's digest reads: a folder beyond them cannot be graded.
const (
	maxDigestFiles = 20000
	maxDigestBytes = 512 << 20
)

// Version is optgrade's version as the build recorded it: the module version, else the
// VCS revision (with "+dirty" for uncommitted changes), else "devel". It is part of every
// result's digest, so a new grader regrades a resumed batch.
var Version = sync.OnceValue(func() string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "devel"
	}
	v := info.Main.Version
	var rev, dirty string
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			if s.Value == "true" {
				dirty = "+dirty"
			}
		}
	}
	switch {
	case v != "" && v != "(devel)":
		return v
	case rev != "":
		return rev + dirty
	}
	return "devel"
})

// folderDigest is the SHA-256 of a submission folder's content: every regular file's
// path, executable bit and bytes, in path order (version control and caches left out,
// as Discover leaves them out). Times are not part of it.
func folderDigest(dir string) (string, error) {
	type file struct {
		rel  string
		exec bool
	}
	var files []file
	var total int64
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if p != dir && ignoredDirs[d.Name()] {
				return filepath.SkipDir
			}
			return nil
		}
		if !d.Type().IsRegular() {
			return nil
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		total += info.Size()
		if len(files) >= maxDigestFiles || total > maxDigestBytes {
			return fmt.Errorf("more than %d files or %d MiB", maxDigestFiles, maxDigestBytes>>20)
		}
		rel, _ := filepath.Rel(dir, p)
		files = append(files, file{filepath.ToSlash(rel), info.Mode()&0o111 != 0})
		return nil
	})
	if err != nil {
		return "", fmt.Errorf("read %s: %w", dir, err)
	}
	sort.Slice(files, func(i, j int) bool { return files[i].rel < files[j].rel })
	h := sha256.New()
	for _, f := range files {
		fmt.Fprintf(h, "%q %t\n", f.rel, f.exec)
		if err := hashFile(h, filepath.Join(dir, filepath.FromSlash(f.rel))); err != nil {
			return "", err
		}
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

func hashFile(h hash.Hash, path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	n, err := io.Copy(h, f)
	fmt.Fprintf(h, "\n%d\n", n)
	return err
}

// resultDigest keys a stored result: the submission's content and time, the rubric, the
// grading settings and optgrade's version. A resumed batch keeps a result only when its
// digest is unchanged.
func resultDigest(content, rubric, settings string, submitted *time.Time, source string) string {
	h := sha256.New()
	at := ""
	if submitted != nil {
		at = submitted.UTC().Format(time.RFC3339Nano)
	}
	fmt.Fprintf(h, "optgrade %s\nrubric %s\nsettings %q\ncontent %s\nsubmitted %s %s\n", Version(), rubric, settings, content, at, source)
	return hex.EncodeToString(h.Sum(nil))
}
