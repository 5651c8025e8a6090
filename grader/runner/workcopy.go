package runner

import (
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"

	"github.com/optgrade/optgrade/grader/sandbox"
)

// workPrefix starts the name of every working copy's temporary folder; the grader's pid
// follows, so that a later grader knows whose it is.
const workPrefix = "optgrade-run-"

var cleanStaleOnce sync.Once

// newWorkRoot makes the temporary folder of a Conn's working copy, named after this
// process. The first call also removes the folders that graders killed before they could
// clean up (SIGKILL, a power cut) left behind: only those whose process is gone.
func newWorkRoot() (string, error) {
	cleanStaleOnce.Do(func() { removeStale(os.TempDir()) })
	return os.MkdirTemp("", fmt.Sprintf("%s%d-", workPrefix, os.Getpid()))
}

// removeStale removes tmp's working copies whose grader process is gone.
func removeStale(tmp string) {
	entries, err := os.ReadDir(tmp)
	if err != nil {
		return
	}
	for _, e := range entries {
		pid, ok := workOwner(e.Name())
		if ok && e.IsDir() && pid != os.Getpid() && !sandbox.Alive(pid) {
			_ = removeAll(filepath.Join(tmp, e.Name()))
		}
	}
}

// workOwner reads the pid out of a working copy's folder name, optgrade-run-<pid>-<random>.
func workOwner(name string) (int, bool) {
	rest, ok := strings.CutPrefix(name, workPrefix)
	if !ok {
		return 0, false
	}
	pidText, random, ok := strings.Cut(rest, "-")
	if !ok || random == "" {
		return 0, false
	}
	pid, err := strconv.Atoi(pidText)
	return pid, err == nil && pid > 0
}

// copyTree copies the folder src to dst (which must not exist): directories, regular
// files with their permissions, symbolic links as links; .git folders, sockets and devices
// are left out. It refuses folders over copyLimit bytes.
func copyTree(src, dst string) error {
	var total int64
	return filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, path)
		if err != nil {
			return err
		}
		target := filepath.Join(dst, rel)
		info, err := d.Info()
		if err != nil {
			return err
		}
		switch mode := info.Mode(); {
		case mode.IsDir():
			if d.Name() == ".git" && path != src {
				return filepath.SkipDir
			}
			return os.Mkdir(target, mode.Perm()|0o700)
		case mode&fs.ModeSymlink != 0:
			link, err := os.Readlink(path)
			if err != nil {
				return err
			}
			return os.Symlink(link, target)
		case mode.IsRegular():
			if total += info.Size(); total > copyLimit {
				return fmt.Errorf("the submission folder holds more than %s", byteSize(copyLimit))
			}
			return copyFile(path, target, mode.Perm())
		}
		return nil
	})
}

func copyFile(src, dst string, perm fs.FileMode) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, perm|0o600)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// removeAll removes path even where the submission took away write permission.
func removeAll(path string) error {
	if path == "" {
		return nil
	}
	if err := os.RemoveAll(path); err == nil {
		return nil
	}
	_ = filepath.WalkDir(path, func(p string, d fs.DirEntry, err error) error {
		if err == nil && d.IsDir() {
			_ = os.Chmod(p, 0o700)
		}
		return nil
	})
	return os.RemoveAll(path)
}
