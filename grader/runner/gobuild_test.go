package runner

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/optgrade/optgrade/grader/sandbox"
)

// TestMain gives the package's Go builds one build cache, optgrade's default one, so that
// the standard library is compiled once (for all tests, and for later runs), not once per
// test's private optgrade cache.
func TestMain(m *testing.M) {
	if os.Getenv("OPTGRADE_GOCACHE") == "" {
		if root, err := cacheRoot(""); err == nil {
			os.Setenv("OPTGRADE_GOCACHE", filepath.Join(root, "go-build"))
		}
	}
	os.Exit(m.Run())
}

// isolations are the two ways a build runs: under bubblewrap (where it works) and without.
func isolations(t *testing.T) map[string]sandbox.Config {
	modes := map[string]sandbox.Config{"none": {NoBwrap: true}}
	if _, err := sandbox.Bubblewrap(); err == nil {
		modes["bwrap"] = sandbox.Config{}
	} else {
		t.Logf("bubblewrap cannot run here, only --sandbox none is tested: %v", err)
	}
	return modes
}

// startGoIn is startGo under the isolation cfg.
func startGoIn(t *testing.T, dir string, opt Options, cfg sandbox.Config) ([]string, string) {
	t.Helper()
	s, err := Load(dir, opt)
	if err != nil {
		t.Fatal(err)
	}
	c, err := s.Runner(Settings{Sandbox: cfg}).Start(context.Background())
	if err != nil {
		return nil, err.Error()
	}
	defer c.Close()
	return c.Functions(), ""
}

// Under bubblewrap the go command that builds a submission sees its module and the build
// cache (writable), and nothing else outside the system folders and its toolchain: a go
// command that looks around — a script that then runs the real one — cannot read a file
// beside the submission, nor the submission's own folder, nor write outside; and the
// build still succeeds. Without bubblewrap the same script sees all of it (so the
// looking around works).
func TestGoBuildConfined(t *testing.T) {
	needGo(t)
	real, _ := findGo("")
	tmp := t.TempDir()
	secret := filepath.Join(tmp, "secret.txt")
	os.WriteFile(secret, []byte("another student's work\n"), 0o644)
	sub := filepath.Join(tmp, "submission")
	if err := os.CopyFS(sub, os.DirFS(filepath.Join("..", "..", "testdata", "submissions", "go-reference"))); err != nil {
		t.Fatal(err)
	}
	for mode, cfg := range isolations(t) {
		t.Run(mode, func(t *testing.T) {
			outside := filepath.Join(tmp, "outside-"+mode)
			probe := fmt.Sprintf("probe-%s-%d.txt", mode, os.Getpid())
			wrapper := filepath.Join(tmp, "go-"+mode, "go") // its folder is visible, read-only
			os.MkdirAll(filepath.Dir(wrapper), 0o755)
			script := `#!/bin/sh
if [ "$1" = -C ] && [ "$3" = build ]; then
  {
    cat '` + secret + `' >/dev/null 2>&1 && echo read-secret
    ls '` + sub + `' >/dev/null 2>&1 && echo saw-submission
    echo x 2>/dev/null > '` + outside + `'
    echo x 2>/dev/null > "$2/written" && echo wrote-module
  } > "$GOCACHE/` + probe + `"
fi
exec '` + real.path + `' "$@"
`
			if err := os.WriteFile(wrapper, []byte(script), 0o755); err != nil {
				t.Fatal(err)
			}
			fns, fault := startGoIn(t, sub, Options{Go: wrapper, Cache: t.TempDir()}, cfg)
			if fault != "" || len(fns) != 16 {
				t.Fatalf("the build under %s: functions %v, fault %q", mode, fns, fault)
			}
			gocache, _ := goCacheDir("")
			got, err := os.ReadFile(filepath.Join(gocache, probe))
			os.Remove(filepath.Join(gocache, probe))
			if err != nil {
				t.Fatalf("the go command could not write its build cache: %v", err)
			}
			want := "wrote-module\n"
			if mode == "none" {
				want = "read-secret\nsaw-submission\nwrote-module\n"
			}
			if string(got) != want {
				t.Errorf("the go command under %s:\n%s\nwant:\n%s", mode, got, want)
			}
			// (Under bubblewrap the write lands in the sandbox's private /tmp, if anywhere.)
			if _, err := os.Stat(outside); (err == nil) != (mode == "none") {
				t.Errorf("under %s the go command wrote beside the submission: %v", mode, err == nil)
			}
		})
	}
}

// A module in the grader's own module cache (optgrade's dependency golang.org/x/sys is
// there: this test was built with it) is not available to a submission: only the standard
// library and the kit are, with or without bubblewrap.
func TestGoBuildNoModuleCache(t *testing.T) {
	needGo(t)
	gomod, err := os.ReadFile(filepath.Join("..", "..", "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`golang\.org/x/sys (v\S+)`).FindSubmatch(gomod)
	if m == nil {
		t.Fatal("go.mod does not require golang.org/x/sys")
	}
	tc, _ := findGo("")
	if out, err := exec.Command(tc.path, "env", "GOMODCACHE").Output(); err == nil {
		if _, err := os.Stat(filepath.Join(strings.TrimSpace(string(out)), "golang.org", "x", "sys@"+string(m[1]))); err != nil {
			t.Logf("golang.org/x/sys %s is not in the module cache (%v): the test shows less", m[1], err)
		}
	}
	dir := testSubDir(t, "s", map[string]string{
		"go.mod":  "module s\n\ngo 1.22\n\nrequire golang.org/x/sys " + string(m[1]) + "\n",
		"main.go": "package main\n\nimport \"golang.org/x/sys/unix\"\n\nfunc main() { println(unix.Getpid()) }\n",
	})
	for mode, cfg := range isolations(t) {
		t.Run(mode, func(t *testing.T) {
			_, fault := startGoIn(t, dir, Options{Cache: t.TempDir()}, cfg)
			for _, want := range []string{"your Go code does not build", "golang.org/x/sys", "only the standard library and the optgrade kit are available"} {
				if !strings.Contains(fault, want) {
					t.Errorf("fault %q\nwant %q", fault, want)
				}
			}
		})
	}
}
