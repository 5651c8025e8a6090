package runner

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"hash"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// shimKey names what decides which interpreter a shim script (pyenv's, asdf's) runs: the
// script, the folder it is run from, every version file from there up (.python-version,
// .tool-versions) and the global ones, the installed versions and shims (their folders'
// times), and the environment the version managers read (PYENV_*, ASDF_*, PATH, HOME).
// "" when it cannot be told (the answer is then not kept).
func shimKey(script string) string {
	st, err := os.Stat(script)
	wd, werr := os.Getwd()
	if err != nil || werr != nil {
		return ""
	}
	h := sha256.New()
	fmt.Fprintf(h, "shim 1\x00%s\x00%d\x00%d\x00%s\x00", script, st.Size(), st.ModTime().UnixNano(), wd)
	var env []string
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(name, "PYENV") || strings.HasPrefix(name, "ASDF") || name == "PATH" || name == "HOME" {
			env = append(env, kv)
		}
	}
	slices.Sort(env)
	for _, kv := range env {
		fmt.Fprintf(h, "%s\x00", kv)
	}
	home, _ := os.UserHomeDir()
	pyenvRoot := os.Getenv("PYENV_ROOT")
	if pyenvRoot == "" && home != "" {
		pyenvRoot = filepath.Join(home, ".pyenv")
	}
	var files []string
	for _, dir := range []string{os.Getenv("PYENV_DIR"), wd} {
		for dir != "" {
			files = append(files, filepath.Join(dir, ".python-version"), filepath.Join(dir, ".tool-versions"))
			parent := filepath.Dir(dir)
			if parent == dir {
				break
			}
			dir = parent
		}
	}
	if pyenvRoot != "" {
		files = append(files, filepath.Join(pyenvRoot, "version"))
		stamp(h, filepath.Join(pyenvRoot, "versions"))
	}
	if home != "" {
		files = append(files, filepath.Join(home, ".tool-versions"))
	}
	stamp(h, filepath.Dir(script))
	for _, f := range files {
		fmt.Fprintf(h, "%s\x00", f)
		if b, err := readSmall(f); err == nil {
			h.Write(b)
		} else {
			h.Write([]byte("\x01absent"))
		}
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil))[:32]
}

// stamp adds a folder's modification time (it changes when entries come or go).
func stamp(h hash.Hash, dir string) {
	if st, err := os.Stat(dir); err == nil {
		fmt.Fprintf(h, "%s\x00%d\x00", dir, st.ModTime().UnixNano())
	}
}

func readSmall(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return io.ReadAll(io.LimitReader(f, 64<<10))
}

// shimCacheDir is where resolved shims are kept: the cache folder's python/.
func shimCacheDir() string {
	root, err := cacheRoot("")
	if err != nil {
		return ""
	}
	return filepath.Join(root, "python")
}

// writeShimCache keeps a shim's answer (best effort: a cache that cannot be written only
// costs the next check the shim's run).
func writeShimCache(path, real string) {
	if os.MkdirAll(filepath.Dir(path), 0o700) != nil {
		return
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".tmp-")
	if err != nil {
		return
	}
	_, err = tmp.WriteString(real)
	if cerr := tmp.Close(); err != nil || cerr != nil || os.Rename(tmp.Name(), path) != nil {
		os.Remove(tmp.Name())
	}
}

// isExecutable reports whether path is a regular file someone may execute.
func isExecutable(path string) bool {
	st, err := os.Stat(path)
	return err == nil && st.Mode().IsRegular() && st.Mode().Perm()&0o111 != 0
}
