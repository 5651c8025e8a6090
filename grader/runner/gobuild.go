package runner

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/optgrade/optgrade/grader/sandbox"
	kits "github.com/optgrade/optgrade/submissions/kit"
)

const (
	goBuildTimeout   = 5 * time.Minute
	goSourceLimit    = 64 << 20 // bytes of sources built
	goBuildOutputCap = 16 << 10 // bytes of compiler output kept
	goFailedFile     = "build-failed.txt"
)

// goBuilds counts the go commands that compiled (not cache hits), for tests.
var goBuilds atomic.Int64

// ErrNoGo says there is no Go toolchain to build Go submissions with.
var ErrNoGo = errors.New("Go submissions are built with the Go toolchain, and no `go` command was found: install Go (https://go.dev/dl/, or apt-get install golang-go) and put it on PATH, or set OPTGRADE_GO to the go command")

// goToolchain is the go command, the version it builds with and its GOROOT.
type goToolchain struct {
	path, version, root string
}

var goToolchains sync.Map // configured → goToolchain

// findGo finds the go command: configured, else $OPTGRADE_GO, else go in PATH, else the
// usual installation folders; and its version, from GOROOT/VERSION next to it (no
// process), else from `go env GOVERSION`.
func findGo(configured string) (goToolchain, error) {
	key := configured + "\x00" + os.Getenv("OPTGRADE_GO")
	if v, ok := goToolchains.Load(key); ok {
		return v.(goToolchain), nil
	}
	candidates := []string{configured}
	if configured == "" {
		candidates = []string{os.Getenv("OPTGRADE_GO"), "go", "/usr/local/go/bin/go", "/usr/lib/go/bin/go"}
	}
	for _, c := range candidates {
		if c == "" {
			continue
		}
		p, err := exec.LookPath(c)
		if err != nil {
			continue
		}
		if abs, err := filepath.Abs(p); err == nil {
			p = abs
		}
		tc := goToolchain{path: p}
		tc.version, tc.root = goVersion(p)
		if tc.version == "" {
			continue
		}
		goToolchains.Store(key, tc)
		return tc, nil
	}
	if configured != "" {
		return goToolchain{}, fmt.Errorf("the go command %q was not found or does not run: %w", configured, ErrNoGo)
	}
	return goToolchain{}, ErrNoGo
}

// goVersion returns the version and the GOROOT of the go command: from the VERSION file
// of the installation it lies in (no process), else from `go env`.
func goVersion(goCmd string) (version, root string) {
	if real, err := filepath.EvalSymlinks(goCmd); err == nil {
		root := filepath.Dir(filepath.Dir(real))
		data, err := os.ReadFile(filepath.Join(root, "VERSION"))
		if first, _, _ := strings.Cut(string(data), "\n"); err == nil && strings.HasPrefix(first, "go1") {
			return strings.TrimSpace(first), root
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	out, err := exec.CommandContext(ctx, goCmd, "env", "GOVERSION", "GOROOT").Output()
	if v, root, _ := strings.Cut(strings.TrimSpace(string(out)), "\n"); err == nil && strings.HasPrefix(v, "go") {
		return strings.TrimSpace(v), strings.TrimSpace(root)
	}
	return "", ""
}

// cacheRoot is the folder of optgrade's caches: configured, else $OPTGRADE_CACHE, else
// the user's cache folder + /optgrade.
func cacheRoot(configured string) (string, error) {
	if configured == "" {
		configured = os.Getenv("OPTGRADE_CACHE")
	}
	if configured != "" {
		return filepath.Abs(configured)
	}
	dir, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("no cache folder for Go builds (%v): set --cache or XDG_CACHE_HOME", err)
	}
	return filepath.Join(dir, "optgrade"), nil
}

// goBuild is one build of a Go main package with the local toolchain.
type goBuild struct {
	tc    goToolchain
	cache string // cacheRoot
	src   string // the folder of the main package (a submission folder, never written to)
	what  string // for messages: "your Go code", "the plugin host"
	flags []string
	cgo   bool
	// sandbox is the submission's isolation: the go command runs under the same kind.
	sandbox sandbox.Config
}

// goSourceFile reports whether a file of a submission folder takes part in its build:
// not hidden, not a plugin, not the manifest, not a symbolic link.
func goSourceFile(rel string, d fs.DirEntry) bool {
	return !strings.HasPrefix(d.Name(), ".") && !strings.HasSuffix(d.Name(), ".so") &&
		rel != ManifestFile && d.Type().IsRegular()
}

// sources lists the files of the build, sorted, and hashes them with everything else the
// build depends on (the toolchain's version, the target, the flags and the kit).
func (b *goBuild) sources() ([]string, string, error) {
	h := sha256.New()
	fmt.Fprintf(h, "optgrade go build 1\n%s %s/%s cgo=%v %q\n", b.tc.version, runtime.GOOS, runtime.GOARCH, b.cgo, b.flags)
	h.Write([]byte(kitHash()))
	var files []string
	var total int64
	err := filepath.WalkDir(b.src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(b.src, p)
		rel = filepath.ToSlash(rel)
		if d.IsDir() {
			if p != b.src && strings.HasPrefix(d.Name(), ".") {
				return filepath.SkipDir
			}
			return nil
		}
		if !goSourceFile(rel, d) {
			return nil
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		if total += int64(len(data)); total > goSourceLimit {
			return fmt.Errorf("the folder holds more than %s of files to build", byteSize(goSourceLimit))
		}
		fmt.Fprintf(h, "file %q %d\n", rel, len(data))
		h.Write(data)
		files = append(files, rel)
		return nil
	})
	return files, hex.EncodeToString(h.Sum(nil))[:32], err
}

// run returns the built program, from the cache when these sources were built before
// (a build that failed is remembered too: its compiler messages are the error again).
func (b *goBuild) run(ctx context.Context) (string, error) {
	files, key, err := b.sources()
	if err != nil {
		return "", fmt.Errorf("build %s: %w", b.what, err)
	}
	out := filepath.Join(b.cache, "go", key)
	bin := filepath.Join(out, "solution")
	if runtime.GOOS == "windows" {
		bin += ".exe"
	}
	if fileExists(bin) {
		touchUsed(out)
		return bin, nil
	}
	if msg, err := os.ReadFile(filepath.Join(out, goFailedFile)); err == nil {
		touchUsed(out)
		return "", errors.New(string(msg))
	}
	pruneCache(b.cache, time.Now())
	if err := os.MkdirAll(filepath.Join(b.cache, "go"), 0o755); err != nil {
		return "", fmt.Errorf("build %s: %w", b.what, err)
	}
	tmp, err := os.MkdirTemp(filepath.Join(b.cache, "go"), "build-")
	if err != nil {
		return "", fmt.Errorf("build %s: %w", b.what, err)
	}
	defer os.RemoveAll(tmp)
	src := filepath.Join(tmp, "src")
	for _, rel := range files {
		if err := copyFileMkdir(filepath.Join(b.src, filepath.FromSlash(rel)), filepath.Join(src, filepath.FromSlash(rel))); err != nil {
			return "", fmt.Errorf("build %s: %w", b.what, err)
		}
	}
	kitDir, err := b.kitModule()
	if err != nil {
		return "", fmt.Errorf("build %s: %w", b.what, err)
	}
	if fileExists(filepath.Join(src, "go.mod")) {
		// The student's module: its kit is the grader's own copy, whatever it says, and no
		// other replacement may reach outside the folder (another student's, say).
		edit := []string{"-C", src, "mod", "edit", "-replace=" + kits.GoKitPath + "=" + kitDir}
		for _, old := range goReplaced(filepath.Join(src, "go.mod")) {
			if old != kits.GoKitPath {
				edit = append(edit, "-dropreplace="+old)
			}
		}
		if msg, err := b.goCmd(ctx, tmp, kitDir, edit...); err != nil {
			return "", b.failed(out, msg, err)
		}
	} else if err := os.WriteFile(filepath.Join(src, "go.mod"), []byte(kits.StudentGoMod("solution", kitDir)), 0o644); err != nil {
		return "", fmt.Errorf("build %s: %w", b.what, err)
	}
	args := append([]string{"-C", src, "build", "-trimpath"}, b.flags...)
	args = append(args, "-o", filepath.Join(tmp, filepath.Base(bin)), ".")
	goBuilds.Add(1)
	if msg, err := b.goCmd(ctx, tmp, kitDir, args...); err != nil {
		return "", b.failed(out, msg, err)
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		return "", err
	}
	if err := os.Rename(filepath.Join(tmp, filepath.Base(bin)), bin); err != nil && !fileExists(bin) {
		return "", fmt.Errorf("build %s: %w", b.what, err)
	}
	return bin, nil
}

// failed turns a failed go command into the error shown as feedback, and remembers it
// for the same sources when the go command itself said why (not a timeout or a crash).
func (b *goBuild) failed(out, msg string, err error) error {
	if !errors.Is(err, errGoSaid) {
		return err
	}
	var lines []string
	for _, l := range strings.Split(strings.TrimSpace(msg), "\n") {
		if strings.HasPrefix(l, "# ") { // "# solution": the package name header
			continue
		}
		lines = append(lines, strings.TrimPrefix(l, "./"))
	}
	text := fmt.Sprintf("%s does not build (%s):\n%s", b.what, b.tc.version, strings.Join(lines, "\n"))
	if strings.Contains(msg, "GOPROXY=off") || strings.Contains(msg, "cannot find module") {
		text += "\n(only the standard library and the optgrade kit are available to submissions)"
	}
	if os.MkdirAll(out, 0o755) == nil {
		os.WriteFile(filepath.Join(out, goFailedFile), []byte(text), 0o644)
	}
	return errors.New(text)
}

// kitModule writes the embedded Go kit module into the cache once and returns its folder.
func (b *goBuild) kitModule() (string, error) {
	kit := kits.GoKit()
	dir := filepath.Join(b.cache, "gokit-"+kitHash()[:16])
	if fileExists(filepath.Join(dir, "go.mod")) {
		touchUsed(dir)
		return dir, nil
	}
	tmp, err := os.MkdirTemp(b.cache, "gokit-")
	if err != nil {
		return "", err
	}
	for name, data := range kit {
		if err := os.WriteFile(filepath.Join(tmp, name), data, 0o644); err != nil {
			os.RemoveAll(tmp)
			return "", err
		}
	}
	if err := os.Rename(tmp, dir); err != nil {
		os.RemoveAll(tmp)
		if !fileExists(filepath.Join(dir, "go.mod")) {
			return "", err
		}
	}
	return dir, nil
}

// kitHash is a hash of the embedded Go kit module's files.
var kitHash = sync.OnceValue(func() string {
	kit := kits.GoKit()
	names := make([]string, 0, len(kit))
	for name := range kit {
		names = append(names, name)
	}
	sort.Strings(names)
	h := sha256.New()
	for _, name := range names {
		fmt.Fprintf(h, "%s %d\n", name, len(kit[name]))
		h.Write(kit[name])
	}
	return hex.EncodeToString(h.Sum(nil))
})

func copyFileMkdir(src, dst string) error {
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return err
	}
	return copyFile(src, dst, 0o644)
}

// writeOnce writes data to dir/name unless that file exists, and returns dir.
func writeOnce(dir, name string, data []byte) (string, error) {
	p := filepath.Join(dir, name)
	if old, err := os.ReadFile(p); err == nil && bytes.Equal(old, data) {
		return dir, nil
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	tmp, err := os.CreateTemp(dir, name+".tmp-")
	if err != nil {
		return "", err
	}
	_, err = tmp.Write(data)
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), p)
	}
	if err != nil {
		os.Remove(tmp.Name())
	}
	return dir, err
}

// goReplaced lists the module paths a go.mod replaces (its replace directives, one per
// line or in a block), read as text: a malformed go.mod is the go command's to report.
func goReplaced(gomod string) []string {
	data, err := os.ReadFile(gomod)
	if err != nil {
		return nil
	}
	var out []string
	inBlock := false
	for _, line := range strings.Split(string(data), "\n") {
		f := strings.Fields(strings.SplitN(line, "//", 2)[0])
		switch {
		case len(f) == 0:
		case inBlock && f[0] == ")":
			inBlock = false
		case inBlock:
			out = append(out, f[0])
		case f[0] == "replace" && len(f) >= 2 && f[1] == "(":
			inBlock = true
		case f[0] == "replace" && len(f) >= 2:
			out = append(out, f[1])
		}
	}
	return out
}
