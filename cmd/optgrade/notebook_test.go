package main

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/optgrade/optgrade/grader"
)

func TestNotebookReference(t *testing.T) {
	py := needPython(t)
	dir := "../../testdata/submissions/notebook-reference"
	out, errOut, code := optgrade(t, "check", "--all", "--python", py, "--rubric", courseRubric, "--format", "json", dir)
	res := readJSONResult(t, out)
	if code != 0 || res.Score != 100 {
		t.Fatalf("exit %d, score %g; %s %s", code, res.Score, res.Error, errOut)
	}
	// The training loop, the plot and the !pip line did not run; the notes say so by cell.
	for _, want := range []string{"cell 2, line 1: skipped the IPython line !pip install numpy", "cell 18, line 2: not run at grading time (a for loop", "adam_step (cell 10)"} {
		if !strings.Contains(res.Output, want) {
			t.Errorf("output lacks %q:\n%s", want, res.Output)
		}
	}

	// notebook: {run: all} runs the training loop too; its prints are shown by cell.
	all := filepath.Join(t.TempDir(), "all")
	os.MkdirAll(all, 0o755)
	nbData, _ := os.ReadFile(filepath.Join(dir, "assignment.ipynb"))
	os.WriteFile(filepath.Join(all, "assignment.ipynb"), nbData, 0o644)
	os.WriteFile(filepath.Join(all, "optgrade.yaml"), []byte("notebook: {run: all}\n"), 0o644)
	out, _, code = optgrade(t, "check", "--python", py, "--rubric", courseRubric, "--format", "json", all)
	if res := readJSONResult(t, out); code != 0 || !strings.Contains(res.Output, "[cell 18] 0.48 oscillating") {
		t.Errorf("run: all: exit %d, output:\n%s", code, res.Output)
	}

	// The same notebook as a Jupytext percent-format script.
	var nb struct {
		Cells []struct {
			Type   string          `json:"cell_type"`
			Source json.RawMessage `json:"source"`
		} `json:"cells"`
	}
	data, _ := os.ReadFile(filepath.Join(dir, "assignment.ipynb"))
	if err := json.Unmarshal(data, &nb); err != nil {
		t.Fatal(err)
	}
	var script strings.Builder
	for _, c := range nb.Cells {
		var lines []string
		json.Unmarshal(c.Source, &lines)
		if c.Type == "markdown" {
			script.WriteString("# %% [markdown]\n")
			for _, l := range lines {
				script.WriteString("# " + strings.TrimSuffix(l, "\n") + "\n")
			}
			continue
		}
		script.WriteString("# %%\n" + strings.Join(lines, "") + "\n")
	}
	percent := filepath.Join(t.TempDir(), "percent")
	os.MkdirAll(percent, 0o755)
	os.WriteFile(filepath.Join(percent, "assignment.py"), []byte(script.String()), 0o644)
	out, errOut, code = optgrade(t, "check", "--all", "--python", py, "--rubric", courseRubric, "--format", "json", percent)
	if res := readJSONResult(t, out); code != 0 || res.Score != 100 {
		t.Errorf("percent script: exit %d, score %g; %s %s", code, res.Score, res.Error, errOut)
	}
}

// A syntax error in one cell costs only that cell's function, and says where; a wrong
// function is named with its cell in the task's feedback (the JSON's task location, the
// text report's "Where:").
func TestNotebookCellErrorsNameTheCell(t *testing.T) {
	py := needPython(t)
	dir := "../../testdata/submissions/notebook-syntax-error"
	out, _, _ := optgrade(t, "check", "--python", py, "--rubric", courseRubric, "--format", "json", dir)
	res := readJSONResult(t, out)
	for _, task := range res.Tasks {
		if (task.ID == "diagnose") != (task.Score < task.MaxScore) {
			t.Errorf("task %s: %g/%g; only diagnose may lose points", task.ID, task.Score, task.MaxScore)
		}
		if task.ID == "diagnose" && (task.Location != "cell 16" || !strings.Contains(task.Checks[0].Message, "SyntaxError: expected ':' (cell 16, line 16, `diagnose`)")) {
			t.Errorf("diagnose: %q in %q, want the cell, the line and the function", task.Checks[0].Message, task.Location)
		}
	}
	text, _, _ := optgrade(t, "check", "--python", py, "--rubric", courseRubric, "--color", "never", dir)
	if !strings.Contains(text, "Where: cell 16, `diagnose`") || !strings.Contains(text, "(cell 16, line 16, `diagnose`)") {
		t.Errorf("the text report does not name diagnose's cell and line:\n%s", text)
	}

	dir = "../../testdata/submissions/notebook-broken"
	out, _, _ = optgrade(t, "check", "--python", py, "--rubric", courseRubric, "--format", "json", dir)
	res = readJSONResult(t, out)
	if !strings.Contains(res.Output, "normalized_step (cell 10)") {
		t.Errorf("the output does not say which cell holds normalized_step:\n%s", res.Output)
	}
	// Every function's cell, as the notebook has them (reading its cells here).
	cells := notebookCells(t, filepath.Join(dir, "assignment.ipynb"))
	for _, task := range res.Tasks {
		if want := cells[task.Function]; task.Location != want || want == "" {
			t.Errorf("task %s: location %q, want %q", task.ID, task.Location, want)
		}
	}
	text, _, _ = optgrade(t, "check", "--python", py, "--rubric", courseRubric, "--color", "never", dir)
	for _, want := range []string{"Where: cell 10, `normalized_step`", "Where: cell 14, `train`"} {
		if !strings.Contains(text, want) {
			t.Errorf("the text report lacks %q:\n%s", want, text)
		}
	}
	if strings.Contains(text, "Where: cell 8") {
		t.Errorf("the text report names the cell of a task that passed:\n%s", text)
	}
}

// notebookCells reads which cell (numbered among all cells from 1) defines each function
// of a notebook, with Go's JSON and a plain "def name(" scan.
func notebookCells(t *testing.T, path string) map[string]string {
	t.Helper()
	var nb struct {
		Cells []struct {
			Type   string   `json:"cell_type"`
			Source []string `json:"source"`
		} `json:"cells"`
	}
	data, err := os.ReadFile(path)
	if err == nil {
		err = json.Unmarshal(data, &nb)
	}
	if err != nil {
		t.Fatal(err)
	}
	cells := map[string]string{}
	for i, c := range nb.Cells {
		for _, l := range c.Source {
			if name, ok := strings.CutPrefix(l, "def "); ok && c.Type == "code" {
				name, _, _ = strings.Cut(name, "(")
				cells[name] = fmt.Sprintf("cell %d", i+1)
			}
		}
	}
	return cells
}

// A stub (only `raise NotImplementedError`) in a notebook is not attempted as it is in
// solution.py: left out of the hello — even when a later cell clears linecache, where the
// kit reads the cells' sources back — and every other function graded.
func TestNotebookStubNotAttempted(t *testing.T) {
	py := needPython(t)
	var nb map[string]any
	data, _ := os.ReadFile("../../testdata/submissions/notebook-reference/assignment.ipynb")
	if err := json.Unmarshal(data, &nb); err != nil {
		t.Fatal(err)
	}
	cells := nb["cells"].([]any)
	src := func(i int) string {
		var s string
		for _, l := range cells[i-1].(map[string]any)["source"].([]any) {
			s += l.(string)
		}
		return s
	}
	if !strings.HasPrefix(strings.TrimSpace(src(12)), "# ---- schedules") || !strings.Contains(src(12), "def lr_linear(") {
		t.Fatalf("cell 12 of the reference notebook is not the schedules' cell:\n%s", src(12))
	}
	cells[11].(map[string]any)["source"] = []string{
		"def lr_linear(k, lr0, lr_tau, tau):\n", "    \"\"\"Linear decay: to do.\"\"\"\n", "    # YOUR CODE HERE\n", "    raise NotImplementedError()\n",
		"\n", "\n", "def lr_exponential(k, lr0, tau):\n", "    return float(lr0 * np.exp(-k / tau))\n",
	}
	// run: all runs this cell, after every definition, as a library's import might.
	cells[17].(map[string]any)["source"] = []string{"import linecache\n", "linecache.clearcache()\n"}
	for _, run := range []string{"defs", "all"} {
		dir := filepath.Join(t.TempDir(), "stub")
		os.MkdirAll(dir, 0o755)
		out, _ := json.Marshal(nb)
		os.WriteFile(filepath.Join(dir, "assignment.ipynb"), out, 0o644)
		os.WriteFile(filepath.Join(dir, "optgrade.yaml"), []byte("notebook: {run: "+run+"}\n"), 0o644)
		stdout, errOut, _ := optgrade(t, "check", "--python", py, "--rubric", courseRubric, "--format", "json", dir)
		res := readJSONResult(t, stdout)
		for _, task := range res.Tasks {
			if task.Function != "lr_linear" {
				// train runs the linear schedule with lr_linear: it is graded, and may lose points.
				if task.Score != task.MaxScore && (task.Function != "train" || task.Score == 0) {
					t.Errorf("run %s: task %s: %g/%g; only lr_linear may lose points %s", run, task.ID, task.Score, task.MaxScore, errOut)
				}
				continue
			}
			for _, c := range task.Checks {
				if c.Status != grader.NotImplemented || !strings.Contains(c.Message, "lr_linear is not in the functions your submission's hello lists") {
					t.Errorf("run %s: lr_linear's check %s: %s %q, want not attempted and not in the hello", run, c.Name, c.Status, c.Message)
				}
			}
			if task.Location != "cell 12" {
				t.Errorf("run %s: lr_linear's location %q, want cell 12", run, task.Location)
			}
		}
	}
}

// The notebook starter is valid nbformat 4, stubs every function, and its last cell runs
// optgrade check on its own folder.
func TestKitNotebook(t *testing.T) {
	dir := t.TempDir()
	if _, stderr, code := optgrade(t, "kit", "notebook", dir); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	got := readTree(t, dir)
	if len(got) != 2 || got["assignment.ipynb"] == nil || got["rubric.yaml"] == nil {
		t.Fatalf("the notebook kit wrote %d files", len(got))
	}
	var nb struct {
		Format int `json:"nbformat"`
		Cells  []struct {
			ID      string         `json:"id"`
			Type    string         `json:"cell_type"`
			Source  []string       `json:"source"`
			Meta    map[string]any `json:"metadata"`
			Outputs []any          `json:"outputs"`
			Count   any            `json:"execution_count"`
		} `json:"cells"`
		Meta map[string]any `json:"metadata"`
	}
	if err := json.Unmarshal(got["assignment.ipynb"], &nb); err != nil {
		t.Fatal(err)
	}
	if nb.Format != 4 || nb.Meta == nil || len(nb.Cells) < 10 {
		t.Fatalf("not an nbformat 4 notebook: format %d, %d cells", nb.Format, len(nb.Cells))
	}
	all := ""
	for i, c := range nb.Cells {
		if c.ID == "" || c.Meta == nil || (c.Type != "code" && c.Type != "markdown") || (c.Type == "code" && c.Outputs == nil) {
			t.Errorf("cell %d is not a valid nbformat 4 cell: %+v", i+1, c)
		}
		all += strings.Join(c.Source, "")
	}
	for _, fn := range []string{"bernoulli_nll", "adam_step", "train", "diagnose"} {
		if !strings.Contains(all, "def "+fn+"(") {
			t.Errorf("no stub for %s", fn)
		}
	}
	// nbformat's own schema (Debian's python3-nbformat, installed by .ci/setup).
	validate := "import nbformat, sys; nbformat.validate(nbformat.read(sys.argv[1], as_version=4))"
	if out, err := exec.Command(needPython(t), "-c", validate, filepath.Join(dir, "assignment.ipynb")).CombinedOutput(); err != nil {
		if os.Getenv("CI") != "" || !strings.Contains(string(out), "No module named 'nbformat'") {
			t.Errorf("nbformat.validate: %v\n%s", err, out)
		}
	}
	if nbconvert, err := exec.LookPath("jupyter-nbconvert"); err == nil {
		if out, err := exec.Command(nbconvert, "--to", "script", "--stdout", filepath.Join(dir, "assignment.ipynb")).CombinedOutput(); err != nil {
			t.Errorf("jupyter nbconvert: %v\n%s", err, out)
		}
	}

	// The last cell, run as Jupyter would (python, in the folder), calls optgrade check there.
	py := needPython(t)
	bin := t.TempDir()
	log := filepath.Join(bin, "args")
	os.WriteFile(filepath.Join(bin, "optgrade"), []byte("#!/bin/sh\npwd > "+log+"\necho \"$@\" >> "+log+"\necho Score: 0/50\n"), 0o755)
	last := nb.Cells[len(nb.Cells)-1]
	cmd := exec.Command(py, "-c", strings.Join(last.Source, ""))
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "PATH="+bin+string(os.PathListSeparator)+os.Getenv("PATH"), "OPTGRADE_NOTEBOOK_GRADING=")
	out, err := cmd.CombinedOutput()
	args, _ := os.ReadFile(log)
	if err != nil || !strings.Contains(string(out), "Score: 0/50") || !strings.Contains(string(args), "check") {
		t.Errorf("the last cell: %v\n%s\noptgrade ran with %q", err, out, args)
	}
}
