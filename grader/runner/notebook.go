package runner

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"

	"github.com/optgrade/optgrade/reference"
	kits "github.com/optgrade/optgrade/submissions/kit"
)

// notebookKind grades the functions of a Jupyter notebook (one *.ipynb, or the manifest's
// `notebook:`) or of a Jupytext percent-format script (a *.py with `# %%` cells): the
// Python kit serves them through optgrade_notebook.py, which reads the notebook with the
// standard json module and, by default, runs only its definitions, imports and constants.
var notebookKind = Kind{
	Name:  "notebook",
	Marks: "one *.ipynb notebook (or a Jupytext # %% script)",
	Detect: func(dir string, m *manifest) bool {
		if m != nil && m.hasNotebook {
			return true
		}
		return pythonMain(dir) == "" && len(notebookFiles(dir)) > 0
	},
	Load: loadNotebook,
}

// notebookFiles lists the notebooks of dir: its *.ipynb files, else its *.py files in
// the percent format.
func notebookFiles(dir string) []string {
	nb, _ := filepath.Glob(filepath.Join(dir, "*.ipynb"))
	if len(nb) > 0 {
		return nb
	}
	py, _ := filepath.Glob(filepath.Join(dir, "*.py"))
	var out []string
	for _, p := range py {
		data, err := os.ReadFile(p)
		if err == nil && (bytes.HasPrefix(data, []byte("# %%")) || bytes.Contains(data, []byte("\n# %%"))) {
			out = append(out, p)
		}
	}
	return out
}

func loadNotebook(s *Submission, m *manifest, opt Options) error {
	file, run := "", "defs"
	if m != nil && m.hasNotebook {
		file, run = m.notebook, m.notebookRun
	}
	if file == "" {
		nbs := notebookFiles(s.Dir)
		switch len(nbs) {
		case 0:
			return fmt.Errorf("submission %s: no notebook (*.ipynb, or a *.py with # %%%% cells)", s.Dir)
		case 1:
			file = filepath.Base(nbs[0])
		default:
			return fmt.Errorf("submission %s: %d notebooks (%s): name the one to grade in %s (notebook: FILE)", s.Dir, len(nbs), strings.Join(baseNames(nbs), ", "), ManifestFile)
		}
	}
	if filepath.IsAbs(file) || strings.Contains(filepath.ToSlash(file), "../") || !fileExists(filepath.Join(s.Dir, file)) {
		return fmt.Errorf("submission %s: notebook %q is not a file in the folder", s.Dir, file)
	}
	py, err := findPython(opt.Python)
	if err != nil {
		return fmt.Errorf("submission %s: %w", s.Dir, err)
	}
	s.Language = "python"
	s.Argv = []string{py, "-c", notebookBootstrap(), file, "--run", run}
	return nil
}

// notebookBootstrap is a python -c program that loads the embedded Python kit and notebook
// runner from its own text and runs the runner: nothing to install, nothing outside the
// working copy for the sandbox to make visible.
func notebookBootstrap() string {
	files := kits.NotebookRunner()
	return "import sys, types\n" +
		"k = types.ModuleType('optgrade_kit'); k.__file__ = 'optgrade_kit.py'\n" +
		"exec(compile(" + pyString(files["optgrade_kit.py"]) + ", 'optgrade_kit.py', 'exec'), k.__dict__)\n" +
		"sys.modules['optgrade_kit'] = k\n" +
		"exec(compile(" + pyString(files["optgrade_notebook.py"]) + ", 'optgrade_notebook.py', 'exec'), {'__name__': '__main__', '__file__': 'optgrade_notebook.py'})\n"
}

// pyString is data as a Python string literal (JSON's escapes are Python's too).
func pyString(data []byte) string {
	b, _ := json.Marshal(string(data))
	return string(b)
}

// helloCells reads the optional "cells" object of a hello answer: the notebook cell
// (numbered among all cells from 1) that defines each function, which the notebook runner
// sends. Only catalog names with a whole cell number in 1…1,000,000 are kept; anything
// else in it is ignored, as the protocol wants of informational keys.
func helloCells(r response) map[string]int {
	obj, _ := r.Result.(map[string]any)
	in, _ := obj["cells"].(map[string]any)
	var cells map[string]int
	for fn, v := range in {
		n, ok := v.(float64)
		if _, known := reference.Lookup(fn); !known || !ok || n != math.Trunc(n) || n < 1 || n > 1e6 {
			continue
		}
		if cells == nil {
			cells = map[string]int{}
		}
		cells[fn] = int(n)
	}
	return cells
}

// Location says where the submission defines fn, when its hello said so: "cell 7" for a
// notebook; "" otherwise.
func (c *ProcessConn) Location(fn string) string {
	if n, ok := c.cells[fn]; ok {
		return fmt.Sprintf("cell %d", n)
	}
	return ""
}
