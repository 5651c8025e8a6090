// Package kits holds what students receive, embedded in the optgrade binary: the Python
// kit (python/), the Go kit (go/: the kit package, its starter folder and the plugin
// host), so that `optgrade kit NAME DIR` writes a student's starting folder and the grader
// builds Go submissions against the very kit it hands out.
package kits

import (
	"embed"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	kit "github.com/optgrade/optgrade/submissions/kit/go"
)

//go:embed python go notebook
var files embed.FS

// GoKitPath is the Go kit's module (and package) path; GoKitVersion the version a
// student's go.mod requires, "v" + the kit's Version.
const GoKitPath = "github.com/optgrade/optgrade/submissions/kit/go"

// GoKitVersion is the module version of the embedded Go kit.
const GoKitVersion = "v" + kit.Version

// GoKitDir is the folder of a student's Go kit folder that holds the kit module.
const GoKitDir = "optgradekit"

// Names lists the kits `Write` knows, sorted.
func Names() []string { return []string{"go", "notebook", "python"} }

// Write writes the kit name ("python" or "go") into dir, a student's starting folder.
// dir is created if needed; existing files are never overwritten (an error names them).
func Write(name, dir string) error {
	var out map[string][]byte
	switch name {
	case "python":
		out = tree("python")
	case "go":
		out = tree("go/starter")
		out["go.mod"] = []byte(StudentGoMod("solution", "./"+GoKitDir))
		for file, data := range GoKit() {
			out[GoKitDir+"/"+file] = data
		}
	case "notebook":
		out = tree("notebook")
		for file := range out {
			if strings.HasPrefix(file, "runner/") {
				delete(out, file) // the grader's side
			}
		}
	default:
		return fmt.Errorf("no kit %q (kits: %s)", name, strings.Join(Names(), ", "))
	}
	var exist []string
	for file := range out {
		if _, err := os.Lstat(filepath.Join(dir, filepath.FromSlash(file))); err == nil {
			exist = append(exist, file)
		}
	}
	if len(exist) > 0 {
		sort.Strings(exist)
		return fmt.Errorf("%s already holds %s: choose an empty folder", dir, strings.Join(exist, ", "))
	}
	for file, data := range out {
		p := filepath.Join(dir, filepath.FromSlash(file))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(p, data, 0o644); err != nil {
			return err
		}
	}
	return nil
}

// GoKit returns the Go kit module as files by slash-separated path: the package's
// source (no tests) and its go.mod.
func GoKit() map[string][]byte {
	out := map[string][]byte{}
	entries, _ := files.ReadDir("go")
	for _, e := range entries {
		if e.IsDir() || !strings.HasSuffix(e.Name(), ".go") || strings.HasSuffix(e.Name(), "_test.go") {
			continue
		}
		out[e.Name()], _ = files.ReadFile("go/" + e.Name())
	}
	out["go.mod"] = []byte("module " + GoKitPath + "\n\ngo 1.22\n")
	return out
}

// GoPluginHost returns the source of the plugin host's main package.
func GoPluginHost() []byte {
	data, _ := files.ReadFile("go/pluginhost/main.go")
	return data
}

// NotebookRunner returns the files that serve a notebook with the Python kit:
// optgrade_notebook.py and optgrade_kit.py.
func NotebookRunner() map[string][]byte {
	runner, _ := files.ReadFile("notebook/runner/optgrade_notebook.py")
	kit, _ := files.ReadFile("python/optgrade_kit.py")
	return map[string][]byte{"optgrade_notebook.py": runner, "optgrade_kit.py": kit}
}

// StudentGoMod is the go.mod of a module that uses the Go kit from the folder kitDir.
func StudentGoMod(module, kitDir string) string {
	return fmt.Sprintf("module %s\n\ngo 1.22\n\nrequire %s %s\n\nreplace %s => %s\n",
		module, GoKitPath, GoKitVersion, GoKitPath, kitDir)
}

// tree returns the regular files under dir of the embedded kits, by path relative to dir.
func tree(dir string) map[string][]byte {
	out := map[string][]byte{}
	fs.WalkDir(files, dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := files.ReadFile(p)
		if err != nil {
			return err
		}
		if !strings.Contains(p, "__pycache__") {
			out[strings.TrimPrefix(p, dir+"/")] = data
		}
		return nil
	})
	return out
}
