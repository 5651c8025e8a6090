package runner

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"
)

// What no grader used for two weeks leaves the cache; what was used since (by a grader of
// any version), the current kit's folders and everything else in the cache folder stay;
// a second sweep within a day does nothing.
func TestPruneCache(t *testing.T) {
	root := t.TempDir()
	now := time.Now()
	cur := kitHash()[:16]
	entries := map[string]time.Duration{ // entry → unused for
		"gokit-00000000000000aa":        20 * 24 * time.Hour,
		"gokit-00000000000000bb":        3 * 24 * time.Hour,  // another version, in use
		"gokit-123456":                  15 * 24 * time.Hour, // a temporary folder left by a killed grader
		"gohost-00000000000000aa":       20 * 24 * time.Hour,
		"gokit-" + cur:                  60 * 24 * time.Hour,
		"gohost-" + cur:                 60 * 24 * time.Hour,
		"go/aaaaaaaaaaaaaaaaaaaaaaaa":   15 * 24 * time.Hour,
		"go/bbbbbbbbbbbbbbbbbbbbbbbb":   10 * 24 * time.Hour,
		"go/build-99":                   30 * 24 * time.Hour,
		"go/build-100":                  time.Minute, // a build in progress
		"go/prune-cccccccccccccccccccc": time.Minute, // left by a sweep that died
		"go-build":                      90 * 24 * time.Hour,
		"bwrap-probe":                   90 * 24 * time.Hour,
	}
	for name, age := range entries {
		p := filepath.Join(root, name)
		if err := os.MkdirAll(p, 0o755); err != nil {
			t.Fatal(err)
		}
		os.WriteFile(filepath.Join(p, "solution"), []byte("x"), 0o755)
		os.Chtimes(p, now.Add(-age), now.Add(-age))
	}
	removed := pruneCache(root, now)
	slices.Sort(removed)
	want := []string{"go/aaaaaaaaaaaaaaaaaaaaaaaa", "go/build-99", "gohost-00000000000000aa", "gokit-00000000000000aa", "gokit-123456"}
	for i := range want {
		want[i] = filepath.FromSlash(want[i])
	}
	if !slices.Equal(removed, want) {
		t.Errorf("removed %v\nwant %v", removed, want)
	}
	for name := range entries {
		_, err := os.Stat(filepath.Join(root, name))
		gone := slices.Contains(want, filepath.FromSlash(name)) || name == "go/prune-cccccccccccccccccccc"
		if gone != (err != nil) {
			t.Errorf("%s: gone %v, want %v", name, err != nil, gone)
		}
	}

	// Within a day nothing is swept; after a day, what has aged since is.
	old := filepath.Join(root, "go", "dddddddddddddddddddddddd")
	os.MkdirAll(old, 0o755)
	month := now.Add(-30 * 24 * time.Hour)
	os.Chtimes(old, month, month)
	if got := pruneCache(root, now.Add(23*time.Hour)); got != nil {
		t.Errorf("a second sweep within a day removed %v", got)
	}
	if got := pruneCache(root, now.Add(25*time.Hour)); len(got) != 1 || got[0] != filepath.Join("go", "dddddddddddddddddddddddd") {
		t.Errorf("the sweep a day later removed %v", got)
	}

	// No cache folder yet: nothing to do, nothing created.
	if got := pruneCache(filepath.Join(root, "none"), now); got != nil || fileExists(filepath.Join(root, "none")) {
		t.Errorf("a missing cache folder: removed %v", got)
	}
}

// A use marks an entry used now, writing only when its time is over an hour old.
func TestTouchUsed(t *testing.T) {
	dir := t.TempDir()
	month := time.Now().Add(-30 * 24 * time.Hour)
	recent := time.Now().Add(-10 * time.Minute).Truncate(time.Second)
	for name, at := range map[string]time.Time{"old": month, "recent": recent} {
		os.Mkdir(filepath.Join(dir, name), 0o755)
		os.Chtimes(filepath.Join(dir, name), at, at)
		touchUsed(filepath.Join(dir, name))
	}
	if fi, _ := os.Stat(filepath.Join(dir, "old")); time.Since(fi.ModTime()) > time.Minute {
		t.Errorf("an entry unused for a month, used now: its time is %v", fi.ModTime())
	}
	if fi, _ := os.Stat(filepath.Join(dir, "recent")); !fi.ModTime().Equal(recent) {
		t.Errorf("an entry used 10 minutes ago was written again: %v, was %v", fi.ModTime(), recent)
	}
}
