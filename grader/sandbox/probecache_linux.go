package sandbox

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
)

// probeCacheVersion changes whenever the probe's sandbox changes (its bwrapArgs).
const probeCacheVersion = "1"

// cachedProbe runs probe(asNobody) unless an earlier grader on this machine recorded that
// the very same probe succeeded: same bwrap file (path, size, modification time), same
// user, same boot and the same user-namespace settings. Each `optgrade check` is a new
// process, and the probe (starting bwrap once) was a fixed cost of every run. Only
// success is recorded: a stale record can make a start fail with bubblewrap's own
// complaint, never lower the isolation; a failure is probed again next time.
func cachedProbe(asNobody bool, probe func(bool) (string, error)) (string, error) {
	mark := probeMark(asNobody)
	if mark != "" {
		if path, err := os.ReadFile(mark); err == nil && len(path) > 0 {
			return string(path), nil
		}
	}
	path, err := probe(asNobody)
	if err == nil && mark != "" {
		// Best effort: a cache that cannot be written only costs the next probe.
		if os.MkdirAll(filepath.Dir(mark), 0o755) == nil {
			tmp := fmt.Sprintf("%s.%d", mark, os.Getpid())
			if os.WriteFile(tmp, []byte(path), 0o644) == nil {
				_ = os.Rename(tmp, mark)
			}
		}
	}
	return path, err
}

// probeMark is the file recording a successful probe under the conditions it held in, or
// "" when they cannot be known (no bwrap, no cache folder).
func probeMark(asNobody bool) string {
	dir := os.Getenv("OPTGRADE_CACHE")
	if dir == "" {
		d, err := os.UserCacheDir()
		if err != nil {
			return ""
		}
		dir = filepath.Join(d, "optgrade")
	}
	path, err := exec.LookPath("bwrap")
	if err != nil {
		return ""
	}
	if abs, err := filepath.Abs(path); err == nil {
		path = abs
	}
	fi, err := os.Stat(path)
	if err != nil {
		return ""
	}
	h := sha256.New()
	fmt.Fprintf(h, "%s\x00%s\x00%d\x00%d\x00%d\x00%v\x00", probeCacheVersion, path, fi.Size(), fi.ModTime().UnixNano(), os.Geteuid(), asNobody)
	for _, f := range []string{"/proc/sys/kernel/random/boot_id", "/proc/sys/user/max_user_namespaces", "/proc/sys/kernel/unprivileged_userns_clone", "/proc/sys/kernel/apparmor_restrict_unprivileged_userns"} {
		b, _ := os.ReadFile(f)
		fmt.Fprintf(h, "%s=%s\x00", f, b)
	}
	return filepath.Join(dir, "bwrap-ok-"+hex.EncodeToString(h.Sum(nil))[:20])
}
