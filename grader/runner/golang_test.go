package runner

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/optgrade/optgrade/grader/sandbox"
)

// needGo skips a test without a Go toolchain on a developer's machine; CI has one.
func needGo(t *testing.T) {
	t.Helper()
	if _, err := findGo(""); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal(err)
		}
		t.Skip(err)
	}
}

// startGo loads and starts the submission dir with a private build cache and returns its
// functions, or the start fault's message.
func startGo(t *testing.T, dir string, opt Options) ([]string, string) {
	t.Helper()
	return startGoIn(t, dir, opt, sandbox.Config{})
}

// An unchanged Go source folder is built once: the second start finds the build in the
// cache and does not run the compiler; a build that failed is not retried either, and its
// reason keeps the compiler's positions.
func TestGoSourceBuildIsCached(t *testing.T) {
	needGo(t)
	opt := Options{Cache: t.TempDir()}
	ref := filepath.Join("..", "..", "testdata", "submissions", "go-reference")
	// An old kit version's folder and an old build, unused for a month: the first build
	// sweeps them out of the cache.
	month := time.Now().Add(-30 * 24 * time.Hour)
	olds := []string{"gokit-0123456789abcdef", "go/0123456789abcdef0123456789abcdef"}
	for _, old := range olds {
		os.MkdirAll(filepath.Join(opt.Cache, old), 0o755)
		os.Chtimes(filepath.Join(opt.Cache, old), month, month)
	}
	before := goBuilds.Load()
	fns, fault := startGo(t, ref, opt)
	if fault != "" || len(fns) != 16 {
		t.Fatalf("go-reference: functions %v, fault %q", fns, fault)
	}
	if n := goBuilds.Load() - before; n != 1 {
		t.Errorf("first start compiled %d times, want 1", n)
	}
	for _, old := range olds {
		if _, err := os.Stat(filepath.Join(opt.Cache, old)); err == nil {
			t.Errorf("%s, unused for a month, is still in the cache", old)
		}
	}
	builds, _ := filepath.Glob(filepath.Join(opt.Cache, "go", "*", "solution*"))
	kitDirs, _ := filepath.Glob(filepath.Join(opt.Cache, "gokit-*"))
	if len(builds) != 1 || len(kitDirs) != 1 || !fileExists(filepath.Join(kitDirs[0], "go.mod")) {
		t.Fatalf("cache after the first build: builds %v, kit folders %v; want the new ones only", builds, kitDirs)
	}
	// The build, as if unused for a month, is marked used again by the next start.
	os.Chtimes(filepath.Dir(builds[0]), month, month)
	if fns, fault = startGo(t, ref, opt); fault != "" || len(fns) != 16 {
		t.Fatalf("second start: functions %v, fault %q", fns, fault)
	}
	if n := goBuilds.Load() - before; n != 1 {
		t.Errorf("the second start of an unchanged folder compiled again (%d builds)", n)
	}
	if fi, err := os.Stat(filepath.Dir(builds[0])); err != nil || time.Since(fi.ModTime()) > time.Hour {
		t.Errorf("the cached build was not marked used: %v", err)
	}

	broken := filepath.Join("..", "..", "testdata", "submissions", "go-compile-error")
	for i := range 2 {
		_, fault := startGo(t, broken, opt)
		if !strings.Contains(fault, "your Go code does not build") || !strings.Contains(fault, "solution.go:69:21: undefined: lambda") {
			t.Errorf("start %d of go-compile-error: %q, want the compiler's message with its position", i+1, fault)
		}
	}
	if n := goBuilds.Load() - before; n != 2 {
		t.Errorf("%d builds in all, want 2 (the failed build is remembered)", n)
	}

	// A changed source is built again.
	changed := testSubDir(t, "changed", nil)
	if err := os.CopyFS(changed, os.DirFS(ref)); err != nil {
		t.Fatal(err)
	}
	f, _ := os.OpenFile(filepath.Join(changed, "solution.go"), os.O_APPEND|os.O_WRONLY, 0)
	f.WriteString("\n// an edit\n")
	f.Close()
	if _, fault := startGo(t, changed, opt); fault != "" {
		t.Fatal(fault)
	}
	if n := goBuilds.Load() - before; n != 3 {
		t.Errorf("an edited folder was not rebuilt (%d builds, want 3)", n)
	}
}

// A Go module that speaks the protocol itself, without the kit, is built and run the same way.
func TestGoSourceWithoutKit(t *testing.T) {
	needGo(t)
	dir := testSubDir(t, "raw", map[string]string{
		"go.mod": "module raw\n\ngo 1.22\n",
		"main.go": `package main

import (
	"bufio"
	"fmt"
	"os"
)

func main() {
	in := bufio.NewScanner(os.Stdin)
	for in.Scan() {
		var id int
		fmt.Sscanf(in.Text(), "{\"id\":%d", &id)
		if id == 0 {
			fmt.Printf("{\"id\":0,\"result\":{\"protocol\":1,\"functions\":[\"gd_step\"]}}\n")
		} else {
			fmt.Printf("{\"id\":%d,\"error\":\"NotImplementedError: raw\"}\n", id)
		}
	}
}
`})
	fns, fault := startGo(t, dir, Options{Cache: t.TempDir()})
	if fault != "" || strings.Join(fns, ",") != "gd_step" {
		t.Errorf("functions %v, fault %q", fns, fault)
	}
}

func TestGoToolchainMissing(t *testing.T) {
	dir := testSubDir(t, "s", map[string]string{"solution.go": "package main\n"})
	_, fault := startGo(t, dir, Options{Go: "/nonexistent/go", Cache: t.TempDir()})
	if !strings.Contains(fault, "install Go") {
		t.Errorf("fault %q: want what to install", fault)
	}
	if !errors.Is(ErrNoGo, ErrNoGo) || !strings.Contains(ErrNoGo.Error(), "go.dev/dl") {
		t.Error(ErrNoGo)
	}
}

// checkPlugin names both versions and the command to rebuild, for a plugin built by
// another Go version or against another kit, before Go's loader would refuse it.
func TestCheckPluginVersions(t *testing.T) {
	needGo(t)
	tc, _ := findGo("")
	if err := checkPlugin(filepath.Join("..", "..", "go.mod"), tc.version); err == nil || !strings.Contains(err.Error(), "go.mod is not a Go plugin") {
		t.Errorf("a text file: %v", err)
	}
	// A program built without the kit or -buildmode=plugin is named as such.
	bin := filepath.Join(t.TempDir(), "prog")
	src := testSubDir(t, "prog", map[string]string{"go.mod": "module prog\n\ngo 1.22\n", "main.go": "package main\n\nfunc main() {}\n"})
	cmd := exec.Command(tc.path, "build", "-o", bin, ".")
	cmd.Dir, cmd.Env = src, append(os.Environ(), "GOFLAGS=-mod=mod", "GOPROXY=off", "GOWORK=off")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	err := checkPlugin(bin, "go1.0.1")
	for _, want := range []string{"-buildmode=exe, not plugin", "does not use the optgrade Go kit",
		"built with Go " + tc.version + " and kit (none); this grader hosts plugins built with Go go1.0.1 and kit v1.0.0",
		"without -trimpath", "go build -buildmode=plugin -trimpath -o solution.so ."} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("checkPlugin = %v\nwant %q", err, want)
		}
	}
}

// BenchmarkGoStartCached is Load + the cached build + working copy + start + hello + close
// of an unchanged Go source folder, without the sandbox (compare with the built program's
// own hello: go test ./grader/runner -run x -bench GoStart -benchtime 20x).
func BenchmarkGoStartCached(b *testing.B) {
	opt := Options{Cache: b.TempDir()}
	ref := filepath.Join("..", "..", "testdata", "submissions", "go-reference")
	start := func() {
		s, err := Load(ref, opt)
		if err != nil {
			b.Fatal(err)
		}
		c, err := s.Runner(Settings{Sandbox: sandbox.Config{Disable: true}}).Start(context.Background())
		if err != nil {
			b.Fatal(err)
		}
		c.Close()
	}
	start() // the build
	for b.Loop() {
		start()
	}
}

// A student's go.mod may not replace a module by a folder outside the submission (another
// student's, say): only the kit's replacement stays, pointing at the grader's copy.
func TestGoReplaceDropped(t *testing.T) {
	needGo(t)
	other := testSubDir(t, "other", map[string]string{"go.mod": "module other\n\ngo 1.22\n", "o.go": "package other\n\nconst Secret = 42\n"})
	dir := testSubDir(t, "s", map[string]string{
		"go.mod":  "module s\n\ngo 1.22\n\nrequire other v0.0.0\n\nreplace (\n\tother => " + other + " // another folder\n)\n",
		"main.go": "package main\n\nimport \"other\"\n\nfunc main() { println(other.Secret) }\n",
	})
	if got := goReplaced(filepath.Join(dir, "go.mod")); strings.Join(got, ",") != "other" {
		t.Errorf("goReplaced = %v", got)
	}
	_, fault := startGo(t, dir, Options{Cache: t.TempDir()})
	if !strings.Contains(fault, "does not build") || !strings.Contains(fault, "other") {
		t.Errorf("a replacement outside the folder built: %q", fault)
	}
}
