package runner

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"

	"github.com/optgrade/optgrade/grader/sandbox"
)

// errGoSaid marks a go command that ended with its own error status: its output says why
// (the compiler's messages), and the same sources would fail the same way again.
var errGoSaid = errors.New("the go command failed")

// goCacheDir is the go command's build cache for the builds of submissions and of the
// plugin host: $OPTGRADE_GOCACHE, else go-build in optgrade's cache folder. It is the
// grader's own, never the user's GOCACHE: the sandboxed build may write to it.
func goCacheDir(cacheRoot string) (string, error) {
	dir := os.Getenv("OPTGRADE_GOCACHE")
	if dir == "" {
		dir = filepath.Join(cacheRoot, "go-build")
	}
	dir, err := filepath.Abs(dir)
	if err == nil {
		err = os.MkdirAll(dir, 0o755)
	}
	return dir, err
}

// goCmd runs the go command (its first arguments are -C and the module's folder) under
// the submission's kind of isolation, with tmp, the build's own folder, as the working
// copy. Under bubblewrap the go command sees the system folders, its own installation
// and the kit (readOnly) read-only, tmp and the build cache writable, nothing else of the
// file system, and no network. With or without bubblewrap: no module proxy and no module
// cache but an empty one in tmp (only the standard library and the kit build), the local
// toolchain only, cgo as b.cgo says, the sandbox's default resource limits and
// goBuildTimeout. It returns the go command's output (cut at goBuildOutputCap) and an
// error wrapping errGoSaid when the go command failed by itself.
func (b *goBuild) goCmd(ctx context.Context, tmp string, readOnly string, args ...string) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, goBuildTimeout)
	defer cancel()
	gocache, err := goCacheDir(b.cache)
	if err != nil {
		return "", fmt.Errorf("build %s: %w", b.what, err)
	}
	work := filepath.Join(tmp, "tmp")
	if err := os.MkdirAll(work, 0o755); err != nil {
		return "", fmt.Errorf("build %s: %w", b.what, err)
	}
	cgo := "0"
	if b.cgo {
		cgo = "1"
	}
	cmd := exec.Command(b.tc.path, args...)
	cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod", "GOPROXY=off", "GOSUMDB=off", "GOTOOLCHAIN=local",
		"GOWORK=off", "GOENV=off", "CGO_ENABLED="+cgo, "GO111MODULE=on", "GOCACHE="+gocache,
		"GOPATH="+filepath.Join(tmp, "gopath"), "GOMODCACHE="+filepath.Join(tmp, "gopath", "pkg", "mod"),
		"GOTMPDIR="+work, "TMPDIR="+work)
	out := &cappedBuffer{limit: goBuildOutputCap}
	cmd.Stdout, cmd.Stderr = out, out

	cfg := b.sandbox
	// The build is the grader's work on the student's text: the default limits, whatever
	// the submission's own, and the grader's user (the cache is the grader's).
	cfg.CPUSeconds, cfg.MemoryBytes, cfg.Processes, cfg.FileBytes = 0, 0, 0, 0
	cfg.KeepRoot = true
	cfg.ReadOnly = slices.Concat(b.sandbox.ReadOnly, sandbox.InstallDirs(b.tc.path), []string{b.tc.root, readOnly})
	cfg.ReadWrite = []string{gocache}
	p, err := cfg.Start(cmd, tmp)
	if err != nil {
		return "", fmt.Errorf("build %s: start the go command: %w", b.what, err)
	}
	select {
	case <-p.Done():
	case <-ctx.Done():
		p.Kill()
		<-p.Done()
	}
	msg := out.String()
	if ctx.Err() != nil {
		return "", fmt.Errorf("build %s: the go command took longer than %s", b.what, goBuildTimeout)
	}
	st := cmd.ProcessState
	switch {
	case st != nil && st.Success():
		return msg, nil
	case st != nil && st.Exited() && (st.ExitCode() == 1 || st.ExitCode() == 2) && !strings.HasPrefix(msg, "bwrap:"):
		return msg, fmt.Errorf("%w: exit status %d", errGoSaid, st.ExitCode())
	}
	return "", fmt.Errorf("build %s: the go command %s: %s", b.what, p.Wait(), firstLines(msg, 8))
}

// cappedBuffer keeps the first limit bytes written to it and notes that there were more.
type cappedBuffer struct {
	mu    sync.Mutex
	limit int
	buf   []byte
	cut   bool
}

func (c *cappedBuffer) Write(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if room := c.limit - len(c.buf); room < len(p) {
		c.buf = append(c.buf, p[:max(room, 0)]...)
		c.cut = true
	} else {
		c.buf = append(c.buf, p...)
	}
	return len(p), nil
}

func (c *cappedBuffer) String() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.cut {
		return string(c.buf) + "\n… (compiler output cut)"
	}
	return string(c.buf)
}

// firstLines is the first n lines of s, trimmed.
func firstLines(s string, n int) string {
	lines := strings.SplitN(strings.TrimSpace(s), "\n", n+1)
	if len(lines) > n {
		lines = append(lines[:n], "…")
	}
	return strings.Join(lines, "\n")
}
