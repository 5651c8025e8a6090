package runner

import (
	"context"
	"debug/buildinfo"
	"fmt"
	"path/filepath"
	"runtime"
	"strings"

	kits "github.com/optgrade/optgrade/submissions/kit"
)

// The Go rows of the table of kinds: a Go source folder, built by the grader, and a Go
// plugin, hosted by a small program the grader builds with the same toolchain and kit.
var (
	goSourceKind = Kind{
		Name:   "go",
		Marks:  "go.mod or *.go files",
		Detect: func(dir string, _ *manifest) bool { return goSourceDir(dir) },
		Load:   loadGoSource,
	}
	goPluginKind = Kind{
		Name:   "go-plugin",
		Marks:  "a *.so Go plugin",
		Detect: func(dir string, _ *manifest) bool { return len(goPlugins(dir)) > 0 },
		Load:   loadGoPlugin,
	}
)

func goSourceDir(dir string) bool {
	if fileExists(filepath.Join(dir, "go.mod")) {
		return true
	}
	src, _ := filepath.Glob(filepath.Join(dir, "*.go"))
	return len(src) > 0
}

func goPlugins(dir string) []string {
	so, _ := filepath.Glob(filepath.Join(dir, "*.so"))
	return so
}

// loadGoSource builds the folder's main package with the local Go toolchain, linking the
// grader's own copy of the Go kit (a module that speaks the protocol by itself builds the
// same way), and runs the program. The build is cached by content: an unchanged folder
// is not compiled again. A build that fails costs this submission its grade, with the
// compiler's messages (file:line) as the reason.
func loadGoSource(s *Submission, _ *manifest, opt Options) error {
	s.Language = "go"
	dir := s.Dir
	s.Prepare = func(ctx context.Context, set Settings) (Prepared, error) {
		b, err := newGoBuild(opt, set, dir, "your Go code")
		if err != nil {
			return Prepared{}, err
		}
		bin, err := b.run(ctx)
		if err != nil {
			return Prepared{}, err
		}
		return Prepared{Argv: []string{bin}, ReadOnly: []string{filepath.Dir(bin)}}, nil
	}
	return nil
}

// newGoBuild is a build of the main package in src, isolated like the submission (set).
func newGoBuild(opt Options, set Settings, src, what string) (*goBuild, error) {
	tc, err := findGo(opt.Go)
	if err != nil {
		return nil, err
	}
	cache, err := cacheRoot(opt.Cache)
	if err != nil {
		return nil, err
	}
	abs, err := filepath.Abs(src)
	if err != nil {
		return nil, err
	}
	return &goBuild{tc: tc, cache: cache, src: abs, what: what, sandbox: set.Sandbox}, nil
}

// pluginBuildCommand is how a student builds a plugin the grader can host.
const pluginBuildCommand = "go build -buildmode=plugin -trimpath -o solution.so ."

// loadGoPlugin runs the folder's plugin in the plugin host, a program built (once, and
// cached) from the embedded host source with the local Go toolchain and the embedded kit:
// the grader never loads a plugin into itself. A plugin built by another Go version or
// against another kit version cannot load; the reason names both versions and the
// command to rebuild.
func loadGoPlugin(s *Submission, _ *manifest, opt Options) error {
	s.Language = "go-plugin"
	if runtime.GOOS != "linux" && runtime.GOOS != "darwin" {
		return fmt.Errorf("submission %s: Go plugins run on Linux and macOS only: hand in the source folder (solution.go, go.mod) instead", s.Dir)
	}
	so := goPlugins(s.Dir)
	if len(so) > 1 {
		return fmt.Errorf("submission %s: %d plugins (%s): hand in one", s.Dir, len(so), strings.Join(baseNames(so), ", "))
	}
	plugin := so[0]
	s.Prepare = func(ctx context.Context, set Settings) (Prepared, error) {
		tc, err := findGo(opt.Go)
		if err != nil {
			return Prepared{}, err
		}
		if err := checkPlugin(plugin, tc.version); err != nil {
			return Prepared{}, err
		}
		host, err := buildPluginHost(ctx, opt, set)
		if err != nil {
			return Prepared{}, err
		}
		return Prepared{Argv: []string{host, filepath.Base(plugin)}, ReadOnly: []string{filepath.Dir(host)}}, nil
	}
	return nil
}

// checkPlugin says, before loading, why plugin cannot load into a host built with Go
// goVersion and the embedded kit: another Go version, another kit version, no kit, or
// not built with -trimpath. Go's own loader message ("plugin was built with a different
// version of package …") names neither version.
func checkPlugin(plugin, goVersion string) error {
	name := filepath.Base(plugin)
	bi, err := buildinfo.ReadFile(plugin)
	if err != nil {
		return fmt.Errorf("%s is not a Go plugin (%v): build it with %s", name, err, pluginBuildCommand)
	}
	kitVersion := ""
	for _, d := range bi.Deps {
		if d.Path == kits.GoKitPath {
			kitVersion = d.Version
		}
	}
	settings := map[string]string{}
	for _, s := range bi.Settings {
		settings[s.Key] = s.Value
	}
	var why []string
	if settings["-buildmode"] != "plugin" {
		why = append(why, fmt.Sprintf("it was built with -buildmode=%s, not plugin", settings["-buildmode"]))
	}
	if kitVersion == "" {
		why = append(why, "it does not use the optgrade Go kit (its functions must take and return the kit's types)")
	}
	if bi.GoVersion != goVersion || (kitVersion != "" && kitVersion != kits.GoKitVersion) {
		why = append(why, fmt.Sprintf("it was built with Go %s and kit %s; this grader hosts plugins built with Go %s and kit %s",
			bi.GoVersion, orNone(kitVersion), goVersion, kits.GoKitVersion))
	}
	if settings["-trimpath"] != "true" {
		why = append(why, "it was built without -trimpath")
	}
	if len(why) == 0 {
		return nil
	}
	return fmt.Errorf("the plugin %s cannot be loaded: %s. Rebuild it with Go %s, in the folder `optgrade kit go` wrote (kit %s): %s",
		name, strings.Join(why, "; "), goVersion, kits.GoKitVersion, pluginBuildCommand)
}

func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}

// buildPluginHost builds (or finds in the cache) the plugin host.
func buildPluginHost(ctx context.Context, opt Options, set Settings) (string, error) {
	cache, err := cacheRoot(opt.Cache)
	if err != nil {
		return "", err
	}
	src, err := writeOnce(filepath.Join(cache, "gohost-"+kitHash()[:16]), "main.go", kits.GoPluginHost())
	if err != nil {
		return "", err
	}
	touchUsed(src)
	b, err := newGoBuild(opt, set, src, "the Go plugin host")
	if err != nil {
		return "", err
	}
	b.cgo = true // package plugin needs cgo
	return b.run(ctx)
}

func baseNames(paths []string) []string {
	out := make([]string, len(paths))
	for i, p := range paths {
		out[i] = filepath.Base(p)
	}
	return out
}
