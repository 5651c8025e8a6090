package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
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

// A syntax error in one cell costs only that cell's function, and says where.
func TestNotebookCellErrorsNameTheCell(t *testing.T) {
	py := needPython(t)
	out, _, _ := optgrade(t, "check", "--python", py, "--rubric", courseRubric, "--format", "json", "../../testdata/submissions/notebook-syntax-error")
	res := readJSONResult(t, out)
	for _, task := range res.Tasks {
		if (task.ID == "diagnose") != (task.Score < task.MaxScore) {
			t.Errorf("task %s: %g/%g; only diagnose may lose points", task.ID, task.Score, task.MaxScore)
		}
		if task.ID == "diagnose" && !strings.Contains(task.Checks[0].Message, "SyntaxError: expected ':' (cell 16, line 16, `diagnose`)") {
			t.Errorf("diagnose: %q, want the cell, the line and the function", task.Checks[0].Message)
		}
	}
	out, _, _ = optgrade(t, "check", "--python", py, "--rubric", courseRubric, "--format", "json", "../../testdata/submissions/notebook-broken")
	if res := readJSONResult(t, out); !strings.Contains(res.Output, "normalized_step (cell 10)") {
		t.Errorf("the output does not say which cell holds normalized_step:\n%s", res.Output)
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
