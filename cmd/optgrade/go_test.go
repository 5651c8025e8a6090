package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/optgrade/optgrade/grader"
	"github.com/optgrade/optgrade/grader/batch"
	kits "github.com/optgrade/optgrade/submissions/kit"
)

// needGo returns the go command for the Go samples. Without one the test is skipped on a
// developer's machine, and fails in CI (which has Go).
func needGo(t *testing.T) string {
	t.Helper()
	goCmd, err := exec.LookPath("go")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("no go command in CI")
		}
		t.Skip("no go command")
	}
	return goCmd
}

var plugins sync.Map // sample + kit version → folder holding solution.so

// buildPlugin builds the Go sample as a plugin the way a student does in the folder
// `optgrade kit go` writes (the kit in optgradekit/, required at kitVersion), and returns
// a submission folder holding only the plugin and a manifest.
func buildPlugin(t *testing.T, sample, kitVersion string) string {
	t.Helper()
	return buildPluginWith(t, sample, kitVersion, "")
}

// buildPluginWith is buildPlugin with the Go release toolchain (GOTOOLCHAIN; "" for the
// local one).
func buildPluginWith(t *testing.T, sample, kitVersion, toolchain string) string {
	t.Helper()
	goCmd := needGo(t)
	key := sample + " " + kitVersion + " " + toolchain
	if dir, ok := plugins.Load(key); ok {
		return dir.(string)
	}
	src := filepath.Join(pluginRoot, key, "src")
	out := filepath.Join(pluginRoot, key, sample+"-plugin")
	for _, d := range []string{src, out, filepath.Join(src, kits.GoKitDir)} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	code, err := os.ReadFile(filepath.Join("../../testdata/submissions", sample, "solution.go"))
	if err != nil {
		t.Fatal(err)
	}
	files := map[string][]byte{
		"solution.go": code,
		"go.mod":      []byte(strings.Replace(kits.StudentGoMod("solution", "./"+kits.GoKitDir), " "+kits.GoKitVersion, " "+kitVersion, 1)),
	}
	for name, data := range kits.GoKit() {
		files[filepath.Join(kits.GoKitDir, name)] = data
	}
	for name, data := range files {
		if err := os.WriteFile(filepath.Join(src, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	os.WriteFile(filepath.Join(out, "optgrade.yaml"), []byte("student: "+sample+"-plugin\n"), 0o644)
	cmd := exec.Command(goCmd, "build", "-buildmode=plugin", "-trimpath", "-o", filepath.Join(out, "solution.so"), ".")
	cmd.Dir = src
	cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod", "GOPROXY=off", "GOWORK=off", "CGO_ENABLED=1")
	if toolchain != "" {
		cmd.Env = append(cmd.Env, "GOTOOLCHAIN="+toolchain)
	}
	if msg, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("build the %s plugin: %v\n%s", sample, err, msg)
	}
	plugins.Store(key, out)
	return out
}

var pluginRoot string

// pluginRootPrefix names the tests' temporary folder, with the process id of the test run.
const pluginRootPrefix = "optgrade-plugins-"

func TestMain(m *testing.M) {
	var err error
	// A run that dies on its timeout leaves its folder (its plugin builds): the next run
	// removes those of runs that have ended.
	removeStalePluginRoots(os.TempDir(), time.Now())
	if pluginRoot, err = os.MkdirTemp("", fmt.Sprintf("%s%d-", pluginRootPrefix, os.Getpid())); err != nil {
		panic(err)
	}
	// The tests' result key stays out of the user's configuration folder.
	os.Setenv(batch.KeyEnv, filepath.Join(pluginRoot, "result-key"))
	// One build cache for every Go build of the tests, also of those with a private
	// optgrade cache: the standard library is compiled once.
	if os.Getenv("OPTGRADE_GOCACHE") == "" {
		root := os.Getenv("OPTGRADE_CACHE")
		if dir, err := os.UserCacheDir(); root == "" && err == nil {
			root = filepath.Join(dir, "optgrade")
		}
		if root != "" {
			os.Setenv("OPTGRADE_GOCACHE", filepath.Join(root, "go-build"))
		}
	}
	code := m.Run()
	os.RemoveAll(pluginRoot)
	os.Exit(code)
}

// removeStalePluginRoots removes the plugin folders in tmp of test runs that have ended:
// those whose process is gone, or older than a day (its process id reused); a folder
// without a process id in its name (made before they had one) when older than two hours.
// Another run still going keeps its folder.
func removeStalePluginRoots(tmp string, now time.Time) {
	dirs, _ := filepath.Glob(filepath.Join(tmp, pluginRootPrefix+"*"))
	for _, dir := range dirs {
		fi, err := os.Stat(dir)
		if err != nil {
			continue
		}
		age := now.Sub(fi.ModTime())
		pid, _, hasPid := strings.Cut(strings.TrimPrefix(filepath.Base(dir), pluginRootPrefix), "-")
		n, err := strconv.Atoi(pid)
		if hasPid && err == nil && n > 0 {
			if n != os.Getpid() && (age > 24*time.Hour || !processAlive(n)) {
				os.RemoveAll(dir)
			}
		} else if age > 2*time.Hour {
			os.RemoveAll(dir)
		}
	}
}

// processAlive reports whether process pid may still run (on Windows: whether it exists).
func processAlive(pid int) bool {
	p, err := os.FindProcess(pid)
	if err != nil {
		return false
	}
	defer p.Release()
	if runtime.GOOS == "windows" {
		return true
	}
	// Signal 0 checks without sending; a process of another user answers "not permitted".
	return !errors.Is(p.Signal(syscall.Signal(0)), os.ErrProcessDone)
}

func taskScores(r *grader.Result) map[string]float64 {
	scores := map[string]float64{}
	for _, task := range r.Tasks {
		scores[task.ID] = task.Score
	}
	return scores
}

// The same rubric gives the Python reference, the Go source reference and the Go plugin
// built from it identical full marks, every check included.
func TestGoReferenceFullMarks(t *testing.T) {
	py := needPython(t)
	samples := map[string]string{
		"python":    "../../testdata/submissions/python-reference",
		"go source": "../../testdata/submissions/go-reference",
		"go plugin": buildPlugin(t, "go-reference", kits.GoKitVersion),
	}
	var want map[string]float64
	for _, name := range []string{"python", "go source", "go plugin"} {
		out, errOut, code := optgrade(t, "check", "--all", "--python", py, "--rubric", courseRubric, "--format", "json", samples[name])
		res := readJSONResult(t, out)
		if code != 0 || res.Score != 100 || res.Error != "" {
			t.Errorf("%s: exit %d, score %g, error %q; stderr %s", name, code, res.Score, res.Error, errOut)
		}
		got := taskScores(res)
		if want == nil {
			want = got
			continue
		}
		for id, s := range want {
			if got[id] != s {
				t.Errorf("%s: task %s scored %g, the Python reference %g", name, id, got[id], s)
			}
		}
	}
}

// A plugin that panics or hangs in one function loses that task only; a plugin built
// against another kit version is refused with both versions and the rebuild command.
func TestGoPlugins(t *testing.T) {
	py := needPython(t)
	for sample, lost := range map[string]string{"go-panic": "quadratic-grad", "go-hang": "lr-exponential"} {
		t.Run(sample, func(t *testing.T) {
			out, _, code := optgrade(t, "check", "--all", "--timeout", "1s", "--python", py, "--rubric", courseRubric, "--format", "json", buildPlugin(t, sample, kits.GoKitVersion))
			res := readJSONResult(t, out)
			if code != exitFail || res.Error != "" {
				t.Errorf("exit %d, error %q", code, res.Error)
			}
			for _, task := range res.Tasks {
				if (task.ID == lost) != (task.Score < task.MaxScore) {
					t.Errorf("task %s scored %g/%g; only %s may lose points", task.ID, task.Score, task.MaxScore, lost)
				}
			}
		})
	}
	t.Run("kit version mismatch", func(t *testing.T) {
		out, _, code := optgrade(t, "check", "--python", py, "--rubric", courseRubric, "--format", "json", buildPlugin(t, "go-reference", "v0.9.0"))
		res := readJSONResult(t, out)
		for _, want := range []string{"solution.so cannot be loaded", "kit v0.9.0", "kit " + kits.GoKitVersion, "go build -buildmode=plugin -trimpath -o solution.so ."} {
			if code != exitInternal || !strings.Contains(res.Error, want) {
				t.Errorf("exit %d, error %q\nwant %q", code, res.Error, want)
			}
		}
	})
}

// A second check of an unchanged Go source folder does not run the compiler: the go
// command is a script that logs its arguments (into the build cache, the one folder
// outside its module that the sandboxed go command may write).
func TestGoSecondCheckDoesNotCompile(t *testing.T) {
	py := needPython(t)
	goCmd := needGo(t)
	tmp := t.TempDir()
	logFile := filepath.Join(os.Getenv("OPTGRADE_GOCACHE"), fmt.Sprintf("go-%d.log", os.Getpid()))
	defer os.Remove(logFile)
	wrapper := filepath.Join(tmp, "wrapper", "go")
	os.Mkdir(filepath.Dir(wrapper), 0o755)
	os.WriteFile(wrapper, []byte("#!/bin/sh\n[ -z \"$GOCACHE\" ] || echo \"$@\" >> \"$GOCACHE/"+filepath.Base(logFile)+"\"\nexec "+goCmd+" \"$@\"\n"), 0o755)
	t.Setenv("OPTGRADE_GO", wrapper)
	t.Setenv("OPTGRADE_CACHE", filepath.Join(tmp, "cache"))
	sample := "../../testdata/submissions/go-reference"
	check := func() time.Duration {
		start := time.Now()
		out, errOut, code := optgrade(t, "check", "--python", py, "--rubric", courseRubric, "--format", "json", sample)
		if res := readJSONResult(t, out); code != 0 || res.Score != res.MaxScore {
			t.Fatalf("exit %d, score %g/%g; %s", code, res.Score, res.MaxScore, errOut)
		}
		return time.Since(start)
	}
	check()
	first, _ := os.ReadFile(logFile)
	if !strings.Contains(string(first), "build -trimpath") {
		t.Fatalf("the first check did not build with the configured go command:\n%s", first)
	}
	second := check()
	log, _ := os.ReadFile(logFile)
	if extra := strings.TrimPrefix(string(log), string(first)); strings.Contains(extra, "build") {
		t.Errorf("the second check ran the compiler:\n%s", extra)
	}

	// The time it took against the built program's own hello (measured, logged).
	bins, _ := filepath.Glob(filepath.Join(tmp, "cache", "go", "*", "solution"))
	if len(bins) != 1 {
		t.Fatalf("cached programs: %v", bins)
	}
	hello := time.Duration(1 << 62)
	for range 3 {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		cmd := exec.CommandContext(ctx, bins[0])
		cmd.Stdin = strings.NewReader(`{"id":0,"fn":"hello","args":{"protocol":1}}` + "\n")
		start := time.Now()
		if err := cmd.Run(); err != nil {
			t.Fatal(err)
		}
		hello = min(hello, time.Since(start))
		cancel()
	}
	t.Logf("second check %v, the built program's hello %v: ratio %.1f", second, hello, float64(second)/float64(hello))
}

// The folders of test runs that ended are removed at the start of the next; those of runs
// still going are not.
func TestRemoveStalePluginRoots(t *testing.T) {
	tmp := t.TempDir()
	ended := exec.Command(os.Args[0], "-test.run=^$")
	if err := ended.Run(); err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	dirs := map[string]struct {
		age  time.Duration
		stay bool
	}{
		fmt.Sprintf("%d-1", os.Getpid()):       {48 * time.Hour, true}, // this run's
		fmt.Sprintf("%d-2", os.Getppid()):      {time.Minute, true},    // a run going on
		fmt.Sprintf("%d-3", os.Getppid()):      {48 * time.Hour, false},
		fmt.Sprintf("%d-4", ended.Process.Pid): {time.Minute, runtime.GOOS == "windows"},
		"123456789":                            {3 * time.Hour, false}, // no process id
		"987654321":                            {time.Hour, true},
	}
	for name, d := range dirs {
		p := filepath.Join(tmp, pluginRootPrefix+name)
		os.MkdirAll(filepath.Join(p, "go-reference-plugin"), 0o755)
		os.Chtimes(p, now.Add(-d.age), now.Add(-d.age))
	}
	other := filepath.Join(tmp, "optgrade-shared-1")
	os.Mkdir(other, 0o755)
	os.Chtimes(other, now.Add(-48*time.Hour), now.Add(-48*time.Hour))
	removeStalePluginRoots(tmp, now)
	if _, err := os.Stat(other); err != nil {
		t.Errorf("another folder was removed: %v", err)
	}
	for name, d := range dirs {
		if _, err := os.Stat(filepath.Join(tmp, pluginRootPrefix+name)); (err == nil) != d.stay {
			t.Errorf("%s (%v old): stayed %v, want %v", name, d.age, err == nil, d.stay)
		}
	}
}
