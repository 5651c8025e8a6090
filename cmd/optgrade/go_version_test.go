package main

import (
	"context"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	kits "github.com/optgrade/optgrade/submissions/kit"
)

// otherGo is a real Go release other than the local toolchain's, for the version mismatch.
const otherGo = "go1.25.0"

// A plugin built by a real other Go release (go1.25.0, which the go command fetches from
// the module proxy into the module cache once: a ~60 MB download) is refused before it is
// loaded, with a plain message naming both Go versions and the command to rebuild.
func TestGoPluginOtherGoVersion(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: fetches a second Go toolchain (" + otherGo + ", ~60 MB) and builds a plugin with it")
	}
	py := needPython(t)
	goCmd := needGo(t)
	local, err := exec.Command(goCmd, "env", "GOVERSION").Output()
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	start := time.Now()
	cmd := exec.CommandContext(ctx, goCmd, "version")
	cmd.Dir, cmd.Env = t.TempDir(), append(os.Environ(), "GOTOOLCHAIN="+otherGo)
	if out, err := cmd.CombinedOutput(); err != nil || !strings.Contains(string(out), otherGo) {
		t.Skipf("the go command could not fetch %s from the module proxy (GOTOOLCHAIN=%s go version: %v): %s", otherGo, otherGo, err, out)
	}
	t.Logf("%s ready in %v", otherGo, time.Since(start).Round(time.Millisecond))
	start = time.Now()
	plugin := buildPluginWith(t, "go-reference", kits.GoKitVersion, otherGo)
	t.Logf("plugin built with %s in %v", otherGo, time.Since(start).Round(time.Millisecond))
	out, _, code := optgrade(t, "check", "--python", py, "--rubric", courseRubric, "--format", "json", plugin)
	res := readJSONResult(t, out)
	hostGo := strings.TrimSpace(string(local))
	for _, want := range []string{
		"the plugin solution.so cannot be loaded",
		"it was built with Go " + otherGo + " and kit " + kits.GoKitVersion + "; this grader hosts plugins built with Go " + hostGo + " and kit " + kits.GoKitVersion,
		"Rebuild it with Go " + hostGo,
		"go build -buildmode=plugin -trimpath -o solution.so .",
	} {
		if code != exitInternal || !strings.Contains(res.Error, want) {
			t.Errorf("exit %d, error %q\nwant %q", code, res.Error, want)
		}
	}
}
