package runner

import (
	"os"
	"path/filepath"
	"strings"
	"time"
)

// The cache folder keeps a kit folder (gokit-<hash>) and a plugin host source
// (gohost-<hash>) per kit version, and a build (go/<key>) per set of sources. What no
// grader used for cacheUnused is removed, in a sweep made at most once per pruneEvery,
// when a build is made. "Used" is an entry's modification time, touched on use: never
// "not the current one", so a concurrent grader of another version (a batch still
// running) keeps what it uses. Go's own build cache (go-build) trims itself.
const (
	cacheUnused = 14 * 24 * time.Hour
	pruneEvery  = 24 * time.Hour
	// pruneStamp is the file whose modification time is the last sweep's.
	pruneStamp = "pruned"
	// touchAfter: an entry's time is refreshed on use when older than this (a use costs
	// a stat, not a write, most of the time).
	touchAfter = time.Hour
)

// touchUsed marks a cache entry as used now.
func touchUsed(path string) {
	if fi, err := os.Stat(path); err == nil && time.Since(fi.ModTime()) > touchAfter {
		now := time.Now()
		os.Chtimes(path, now, now)
	}
}

// pruneCache removes from the cache folder root the kit folders, plugin host sources and
// builds unused since now-cacheUnused, except the current kit's, unless root was swept
// less than pruneEvery ago. It returns the names removed (relative to root). Best effort:
// an entry that cannot be removed stays.
func pruneCache(root string, now time.Time) []string {
	stamp := filepath.Join(root, pruneStamp)
	if fi, err := os.Stat(stamp); err == nil && now.Sub(fi.ModTime()) < pruneEvery {
		return nil
	}
	if err := os.WriteFile(stamp, nil, 0o644); err != nil {
		return nil // no cache folder yet, or not writable: nothing to sweep
	}
	os.Chtimes(stamp, now, now)
	current := map[string]bool{"gokit-" + kitHash()[:16]: true, "gohost-" + kitHash()[:16]: true}
	var removed []string
	sweep := func(dir, rel string, match func(string) bool) {
		entries, _ := os.ReadDir(dir)
		for _, e := range entries {
			name := e.Name()
			if !e.IsDir() || !match(name) || current[name] {
				continue
			}
			p := filepath.Join(dir, name)
			if strings.HasPrefix(name, "prune-") {
				os.RemoveAll(p) // left by a sweep that died: nobody uses it
				continue
			}
			// Stat again at the last moment: a grader may have just used it.
			if fi, err := os.Stat(p); err != nil || now.Sub(fi.ModTime()) < cacheUnused {
				continue
			}
			// Moved aside first, so a grader looking it up finds all of it or nothing.
			gone := filepath.Join(dir, "prune-"+name)
			if os.Rename(p, gone) != nil {
				continue
			}
			os.RemoveAll(gone)
			removed = append(removed, filepath.Join(rel, name))
		}
	}
	sweep(root, "", func(name string) bool {
		return strings.HasPrefix(name, "gokit-") || strings.HasPrefix(name, "gohost-") || strings.HasPrefix(name, "prune-")
	})
	sweep(filepath.Join(root, "go"), "go", func(string) bool { return true })
	return removed
}
