package main

import (
	"encoding/json"
	"os/exec"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"
)

const brokenAdam = "../../testdata/submissions/broken-adam-no-bias"

// replayed is `check --case ID --format json` as a consumer reads it.
type replayed struct {
	Task string `json:"task"`
	Pass bool   `json:"pass"`
	Case struct {
		ID     string          `json:"id"`
		Fn     string          `json:"fn"`
		Args   json.RawMessage `json:"args"`
		Path   string          `json:"path"`
		Result json.RawMessage `json:"result"`
	} `json:"case"`
	Request string `json:"request"`
	Hint    string `json:"hint"`
	Command string `json:"command"`
}

func TestReplayCase(t *testing.T) {
	py := needPython(t)
	out, _, code := optgrade(t, "check", "--python", py, "--rubric", courseRubric, "--format", "json", brokenAdam)
	res := readJSONResult(t, out)
	if code != exitFail {
		t.Fatalf("check: exit %d", code)
	}
	// Every failing case has an id; replay one of each task that fails.
	var ids []string
	for _, task := range res.Tasks {
		for _, c := range task.Checks {
			for i, f := range c.Failures {
				if f.ID == "" || !strings.HasPrefix(f.ID, task.ID+"/") {
					t.Errorf("%s / %s: failure %d has id %q", task.ID, c.Name, i, f.ID)
				}
			}
			if len(c.Failures) > 0 && c.Kind != "trajectory" {
				ids = append(ids, c.Failures[0].ID)
			}
		}
	}
	if len(ids) < 2 {
		t.Fatalf("want failing cases of adam-step and train, got %v", ids)
	}
	for _, id := range ids {
		t.Run(id, func(t *testing.T) {
			out, errOut, code := optgrade(t, "check", "--python", py, "--rubric", courseRubric, "--format", "json", "--case", id, brokenAdam)
			var rp replayed
			if err := json.Unmarshal([]byte(out), &rp); err != nil || code != exitFail {
				t.Fatalf("exit %d, %v\n%s%s", code, err, out, errOut)
			}
			if rp.Pass || rp.Case.ID != id || rp.Hint == "" || rp.Case.Path == "" {
				t.Errorf("replay: pass %v id %q hint %q path %q", rp.Pass, rp.Case.ID, rp.Hint, rp.Case.Path)
			}
			// The request holds every argument, as the case does.
			var req struct {
				Fn   string          `json:"fn"`
				Args json.RawMessage `json:"args"`
			}
			var reqArgs, caseArgs any
			err := json.Unmarshal([]byte(rp.Request), &req)
			if err == nil {
				err = json.Unmarshal(req.Args, &reqArgs)
			}
			if err == nil {
				err = json.Unmarshal(rp.Case.Args, &caseArgs)
			}
			if err != nil || req.Fn != rp.Case.Fn || !reflect.DeepEqual(reqArgs, caseArgs) {
				t.Errorf("request %s (%v) does not carry the case's args %s", rp.Request, err, rp.Case.Args)
			}
			// The printed command sends that request to the student's program, which
			// answers what the replay showed as its answer.
			cmd := exec.Command("sh", "-c", rp.Command)
			answer, err := cmd.Output()
			if err != nil {
				t.Fatalf("%s: %v", rp.Command, err)
			}
			var resp struct {
				Result any `json:"result"`
			}
			if err := json.Unmarshal(answer, &resp); err != nil {
				t.Fatalf("the command printed %q: %v", answer, err)
			}
			var shown any
			if err := json.Unmarshal(rp.Case.Result, &shown); err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(resp.Result, shown) {
				t.Errorf("the command's answer differs from the replayed one:\n%v\n%v", resp.Result, shown)
			}
		})
	}

	// The text form: the id, every argument, both answers, the mistake, the command.
	out, _, code = optgrade(t, "check", "--python", py, "--rubric", courseRubric, "--case", ids[len(ids)-1], brokenAdam)
	for _, want := range []string{ids[len(ids)-1], "Request: train(", "    schedule = ", "where", "reference", "yours", "✗", "Likely mistake: ", "Send the same request to your program yourself:", "| " + py + " solution.py"} {
		if !strings.Contains(out, want) {
			t.Errorf("replay text lacks %q:\n%s", want, out)
		}
	}
	if code != exitFail {
		t.Errorf("exit %d, want 1", code)
	}
}

func TestReplayPassingStepAndBadIDs(t *testing.T) {
	py := needPython(t)
	// A passing case replays too (exit 0); a free-running step runs the steps before it.
	out, errOut, code := optgrade(t, "check", "--python", py, "--rubric", courseRubric, "--case", "momentum-step/1/3", "--format", "json", brokenAdam)
	var rp struct {
		Pass  bool `json:"pass"`
		Steps int  `json:"steps"`
	}
	if err := json.Unmarshal([]byte(out), &rp); err != nil || code != exitPass || !rp.Pass {
		t.Errorf("passing case: exit %d pass %v (%v)\n%s%s", code, rp.Pass, err, out, errOut)
	}
	for _, tt := range []struct{ id, msg string }{
		{"adam-step/1", "task/check/case"},
		{"adam-stp/1/1", `no task "adam-stp"`},
		{"adam-step/9/1", "no check 9"},
		{"adam-step/1/99", "cases 1 to"},
	} {
		_, errOut, code := optgrade(t, "check", "--python", py, "--rubric", courseRubric, "--case", tt.id, brokenAdam)
		if code != exitUsage || !strings.Contains(errOut, tt.msg) {
			t.Errorf("--case %s: exit %d, stderr %q; want 2 saying %q", tt.id, code, errOut, tt.msg)
		}
	}
}

func TestCheckOneTask(t *testing.T) {
	py := needPython(t)
	out, _, code := optgrade(t, "check", "--python", py, "--rubric", courseRubric, "--format", "json", "--task", "adam-step", brokenAdam)
	res := readJSONResult(t, out)
	if code != exitFail || len(res.Tasks) != 1 || res.Tasks[0].ID != "adam-step" {
		t.Errorf("exit %d, %d tasks", code, len(res.Tasks))
	}
	if _, errOut, code := optgrade(t, "check", "--python", py, "--rubric", courseRubric, "--task", "adam", brokenAdam); code != exitUsage || !strings.Contains(errOut, "adam-step") {
		t.Errorf("unknown task: exit %d, %q", code, errOut)
	}
}

// TestReportReadsFirstTime grades a solution with three mistakes: each failing task names
// its mistake first, shows one case in full with its id, and every line fits the width.
func TestReportReadsFirstTime(t *testing.T) {
	py := needPython(t)
	for _, width := range []string{"100", "72"} {
		t.Setenv("COLUMNS", width)
		out, _, code := optgrade(t, "check", "--python", py, "--rubric", "../../submissions/kit/python/rubric.yaml", "../../testdata/students/three-bugs")
		if code != exitFail {
			t.Fatalf("exit %d", code)
		}
		ls := strings.Split(strings.TrimRight(out, "\n"), "\n")
		w, _ := strconv.Atoi(width)
		for _, l := range ls {
			if n := utf8.RuneCountInString(l); n > w {
				t.Errorf("width %d: line of %d: %q", w, n, l)
			}
		}
		if limit := map[int]int{100: 55, 72: 65}[w]; len(ls) > limit {
			t.Errorf("width %d: %d lines, want at most %d:\n%s", w, len(ls), limit, out)
		}
		for _, task := range []string{"momentum-step", "adam-step", "lr-linear"} {
			i := slices.IndexFunc(ls, func(l string) bool { return strings.HasPrefix(l, "FAIL  "+task+" ") })
			if i < 0 || i+2 >= len(ls) || !strings.HasPrefix(ls[i+1], "  Likely mistake: ") {
				t.Errorf("width %d: task %s does not open with its mistake:\n%s", w, task, out)
				continue
			}
			j := slices.IndexFunc(ls[i+1:], func(l string) bool { return strings.HasPrefix(l, "  FAIL ") })
			if j < 0 || !strings.HasPrefix(ls[i+1+j], "  FAIL "+task+"/") {
				t.Errorf("width %d: task %s shows no case with its id", w, task)
			}
		}
		flat := strings.Join(strings.Fields(out), " ")
		if !strings.Contains(flat, "5 more cases fail the same way (adam-step/2/1 …") {
			t.Errorf("width %d: the other Adam cases are not summed up:\n%s", w, out)
		}
		if !strings.Contains(flat, "Score: 36/50 on the public checks; the final grade adds hidden checks") {
			t.Errorf("width %d: the score line does not say what it covers:\n%s", w, out)
		}
	}
}
