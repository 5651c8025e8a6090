package rubric

import (
	"errors"
	"flag"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/optgrade/optgrade/reference"
)

// The -update flag rewrites testdata/rubrics/bad/*.golden: go test ./grader/rubric -run Bad -update.
// Other test files of the package may define -update for their own golden files; it is
// defined here only if none has (package variables are initialized before init runs).
func init() {
	if flag.Lookup("update") == nil {
		flag.Bool("update", false, "rewrite golden files")
	}
}

// updateRubricGolden reports whether -update was given.
func updateRubricGolden() bool {
	f := flag.Lookup("update")
	if f == nil {
		return false
	}
	on, _ := f.Value.(flag.Getter).Get().(bool)
	return on
}

// testdataDir is the module's testdata/rubrics, seen from the package directory.
const testdataDir = "../../testdata/rubrics"

// TestRubricBad loads every testdata/rubrics/bad/<name>.yaml and compares the error text
// with <name>.golden. File names in messages are relative to the module root.
func TestRubricBad(t *testing.T) {
	files, err := filepath.Glob(filepath.Join(testdataDir, "bad", "*.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatal("no bad rubrics found")
	}
	for _, file := range files {
		name := strings.TrimSuffix(filepath.Base(file), ".yaml")
		t.Run(name, func(t *testing.T) {
			data, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			r, err := Parse("testdata/rubrics/bad/"+name+".yaml", data)
			if err == nil {
				t.Fatalf("loaded without error: %+v", r)
			}
			if r != nil {
				t.Errorf("returned a rubric along with the error")
			}
			if !errors.Is(err, ErrInvalid) {
				t.Errorf("errors.Is(err, ErrInvalid) = false for %T", err)
			}
			var list ErrorList
			if !errors.As(err, &list) {
				t.Fatalf("error is a %T, want ErrorList", err)
			}
			for i := 1; i < len(list); i++ {
				a, b := list[i-1], list[i]
				if a.Line > b.Line || a.Line == b.Line && a.Col > b.Col {
					t.Errorf("not sorted: %q before %q", a, b)
				}
			}
			got := err.Error() + "\n"
			golden := strings.TrimSuffix(file, ".yaml") + ".golden"
			if updateRubricGolden() {
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test ./grader/rubric -run Bad -update)", err)
			}
			if got != string(want) {
				t.Errorf("errors differ from %s\ngot:\n%s\nwant:\n%s", golden, got, want)
			}
		})
	}
}

// TestRubricGoodMinimal loads the minimal rubric and checks the defaults it fills in.
func TestRubricGoodMinimal(t *testing.T) {
	path := filepath.Join(testdataDir, "good", "minimal.yaml")
	r, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if r.File != path || r.Version != Version || r.Assignment != "opt-a1" || r.Points != 20 {
		t.Errorf("header: file %q version %d assignment %q points %g", r.File, r.Version, r.Assignment, r.Points)
	}
	deadline := time.Date(2026, 12, 2, 14, 30, 0, 0, time.UTC)
	if r.Deadline == nil || !r.Deadline.Equal(deadline) {
		t.Errorf("deadline %v, want %v", r.Deadline, deadline)
	}
	if want := (LatePolicy{Grace: Duration{15 * time.Minute}, PerDay: 10, Cap: 50}); r.Late != want {
		t.Errorf("late %+v, want %+v", r.Late, want)
	}
	tests := []struct {
		task, check int
		name        string
		kind        Kind
		visibility  Visibility
		scoring     Scoring
		mode        Mode
		generate    *Generate
		line        int
	}{
		{0, 0, "lecture example", KindValue, Visible, AllOrNothing, "", nil, 15},
		{0, 1, "value #2", KindValue, Hidden, AllOrNothing, "", &Generate{Seed: 17, Count: 5}, 21},
		{1, 0, "gradient #1", KindGradient, Visible, Proportional, "", nil, 30},
		{2, 0, "ten steps", KindTrajectory, Visible, AllOrNothing, TeacherForced, &Generate{}, 40},
		{2, 1, "free running", KindTrajectory, AfterDueDate, AllOrNothing, FreeRunning, &Generate{Seed: 3, Dim: 2}, 45},
		{3, 0, "convergence #1", KindConvergence, Visible, AllOrNothing, "", nil, 56},
		{4, 0, "classification #1", KindClassification, Visible, AllOrNothing, "", &Generate{Count: 5}, 69},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := r.Tasks[tt.task].Checks[tt.check]
			got := []any{c.Name, c.Kind, c.Visibility, c.Scoring, c.Mode, c.Line}
			want := []any{tt.name, tt.kind, tt.visibility, tt.scoring, tt.mode, tt.line}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("name, kind, visibility, scoring, mode, line = %v, want %v", got, want)
			}
			if !reflect.DeepEqual(c.Generate, tt.generate) {
				t.Errorf("generate = %+v, want %+v", c.Generate, tt.generate)
			}
		})
	}
	if got := []int{r.Tasks[0].Line, r.Tasks[4].Line}; !reflect.DeepEqual(got, []int{10, 65}) {
		t.Errorf("task lines %v, want [10 65]", got)
	}
	// Arguments are shaped like encoding/json's: every number a float64.
	args := r.Tasks[0].Checks[0].Cases[0].Args
	if _, ok := args["base"].(float64); !ok {
		t.Errorf("base is a %T, want float64", args["base"])
	}
	if y, ok := args["y"].([]any); !ok || len(y) != 10 || y[0] != 1.0 {
		t.Errorf("y = %#v, want []any of 10 float64", args["y"])
	}
	if got := r.Tasks[2].Checks[0].Start["t"]; got != 1.0 {
		t.Errorf("start.t = %#v, want float64(1)", got)
	}
	train := r.Tasks[3].Checks[0].Cases[0].Args
	if p, ok := train["problem"].(map[string]any); !ok || p["kind"] != "quadratic" {
		t.Errorf("problem = %#v, want map[string]any with kind quadratic", train["problem"])
	}
}

func TestRubricLoadMissingFile(t *testing.T) {
	_, err := Load(filepath.Join(testdataDir, "no-such-rubric.yaml"))
	if !errors.Is(err, ErrInvalid) || !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("err = %v; want one matching ErrInvalid and fs.ErrNotExist", err)
	}
}

// testHeader is a valid rubric up to its tasks, for small inline tests.
const testHeader = "optgrade: 1\nassignment: a1\npoints: 1\n"

const testTask = `tasks:
  - id: mle
    function: bernoulli_mle
    points: 1
    checks: [{kind: value, points: 1, cases: [{args: {y: [1, 0]}}]}]
`

func TestRubricDurationAndDeadline(t *testing.T) {
	tests := []struct {
		name    string
		yaml    string
		grace   time.Duration
		wantErr string
	}{
		{"minutes", "deadline: 2026-12-02T15:30:00Z\nlate: {grace: 15m}\n", 15 * time.Minute, ""},
		{"hours", "deadline: 2026-12-02T15:30:00Z\nlate: {grace: 2h}\n", 2 * time.Hour, ""},
		{"mixed", "deadline: 2026-12-02T15:30:00Z\nlate: {grace: 1h30m}\n", 90 * time.Minute, ""},
		{"days as hours", "deadline: 2026-12-02T15:30:00Z\nlate: {grace: 36h}\n", 36 * time.Hour, ""},
		{"quoted deadline", "deadline: \"2026-12-02T15:30:00-05:00\"\n", 0, ""},
		{"no unit", "deadline: 2026-12-02T15:30:00Z\nlate: {grace: 15}\n", 0, `x.yaml:5:15: late.grace: "15" is not a duration`},
		{"negative", "deadline: 2026-12-02T15:30:00Z\nlate: {grace: -1h}\n", 0, `x.yaml:5:15: late.grace: must not be negative, got -1h0m0s`},
		{"date only", "deadline: 2026-12-02\n", 0, `x.yaml:4:11: deadline: "2026-12-02" has no time zone`},
		{"space, no zone", "deadline: 2026-12-02 15:30:00\n", 0, `x.yaml:4:11: deadline: "2026-12-02 15:30:00" has no time zone`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := Parse("x.yaml", []byte(testHeader+tt.yaml+testTask))
			if tt.wantErr != "" {
				if err == nil || !strings.HasPrefix(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want one starting %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if r.Late.Grace.Duration != tt.grace {
				t.Errorf("grace = %v, want %v", r.Late.Grace.Duration, tt.grace)
			}
			if r.Deadline == nil || r.Deadline.Location() == time.Local && r.Deadline.Location().String() == "Local" {
				t.Errorf("deadline %v: want a time with its own zone", r.Deadline)
			}
		})
	}
}

func TestRubricEdgeCases(t *testing.T) {
	tests := []struct {
		name    string
		yaml    string
		wantErr string // "" for a rubric that loads
	}{
		{"not a mapping", "- a\n- b\n", `x.yaml:1:1: want a mapping (key: value lines) starting with "optgrade: 1", got a list`},
		{"two documents", testHeader + testTask + "---\noptgrade: 1\n", "a second YAML document"},
		{"tasks not a list", testHeader + "tasks: {}\n", "x.yaml:4:8: tasks: want a list, got a mapping"},
		{"check not a mapping", testHeader + "tasks:\n  - id: x\n    function: gd_step\n    points: 1\n    checks: [value]\n",
			`x.yaml:8:14: task "x", check "check #1": want a mapping (key: value), got "value"`},
		{"string version", "optgrade: \"1\"\nassignment: a1\npoints: 1\n" + testTask, `x.yaml:1:11: optgrade: want an integer, got "1"`},
		{"merge keys and aliases", testHeader + `tasks:
  - id: nll
    function: bernoulli_nll
    points: 1
    checks:
      - &c {kind: value, points: 0.5, cases: [{args: &a {lam: 0.3, y: [1, 0]}}]}
      - <<: *c
        name: base 2
        cases: [{args: {<<: *a, base: 2}}]
`, ""},
		{"problem in a merged mapping", testHeader + `x: &bad {colour: red}
tasks:
  - id: mle
    function: bernoulli_mle
    points: 1
    checks:
      - {<<: *bad, kind: value, points: 1, cases: [{args: {y: [1, 0]}}]}
`, `x.yaml:4:10: task "mle", check "value #1": unknown key "colour"`},
		{"classification dim", testHeader + "tasks:\n  - id: x\n    function: diagnose\n    points: 1\n    checks: [{kind: classification, points: 1, generate: {seed: 2, dim: 3}}]\n",
			"generate.dim does not apply to a classification check"},
		{"ragged matrix", testHeader + "tasks:\n  - id: x\n    function: logistic_loss\n    points: 1\n    checks: [{kind: value, points: 1, cases: [{args: {w: [1], X: [[1], [2, 3]], y: [1, 0]}}]}]\n",
			"args.X: want a matrix (a list of rows of numbers, all of one length), got rows of different lengths"},
		{"batch out of range", testHeader + "tasks:\n  - id: x\n    function: logistic_grad\n    points: 1\n    checks: [{kind: gradient, points: 1, cases: [{args: {w: [1], X: [[1], [2]], y: [1, 0], batch: [0, 5]}}]}]\n",
			`x.yaml:8:99: task "x", check "gradient #1", case 1: the reference rejects these arguments: logistic_grad: argument "batch"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			parseWant(t, tt.yaml, tt.wantErr)
		})
	}
}

func TestRubricArgsShape(t *testing.T) {
	tests := []struct {
		name string
		yaml string
		want any
	}{
		{"integer", "3", 3.0},
		{"float", "0.5", 0.5},
		{"exponent", "1e-8", 1e-8},
		{"hex", "0x10", 16.0},
		{"string", "quadratic", "quadratic"},
		{"bool", "true", true},
		{"list", "[1, 2.5]", []any{1.0, 2.5}},
		{"matrix", "[[1, 0], [0, 1]]", []any{[]any{1.0, 0.0}, []any{0.0, 1.0}}},
		{"mapping", "{kind: gd, lr: 1}", map[string]any{"kind": "gd", "lr": 1.0}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := &decoder{file: "x.yaml"}
			_, args, ok := d.args(testNode(t, "{v: "+tt.yaml+"}"), "", "args")
			if !ok || len(d.errs) > 0 {
				t.Fatalf("errors: %v", d.errs)
			}
			if !reflect.DeepEqual(args["v"], tt.want) {
				t.Errorf("v = %#v, want %#v", args["v"], tt.want)
			}
		})
	}
}

func TestRubricTol(t *testing.T) {
	f := func(x float64) *float64 { return &x }
	r := &Rubric{Tolerance: Tolerance{Atol: f(1e-3)}}
	task := &Task{Tolerance: Tolerance{Rtol: f(1e-4)}}
	check := &Check{Tolerance: Tolerance{Atol: f(0)}}
	tests := []struct {
		name       string
		t          *Task
		c          *Check
		atol, rtol float64
	}{
		{"rubric only", nil, nil, 1e-3, reference.DefaultRtol},
		{"task overrides rtol", task, nil, 1e-3, 1e-4},
		{"check overrides atol with zero", task, check, 0, 1e-4},
		{"empty levels inherit", &Task{}, &Check{}, 1e-3, reference.DefaultRtol},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			atol, rtol := r.Tol(tt.t, tt.c)
			if atol != tt.atol || rtol != tt.rtol {
				t.Errorf("Tol = %g, %g; want %g, %g", atol, rtol, tt.atol, tt.rtol)
			}
		})
	}
	if atol, rtol := (&Rubric{}).Tol(nil, nil); atol != reference.DefaultAtol || rtol != reference.DefaultRtol {
		t.Errorf("zero rubric: Tol = %g, %g; want the reference defaults", atol, rtol)
	}
}

func TestRubricSuggest(t *testing.T) {
	tests := []struct {
		name       string
		candidates []string
		want       string
	}{
		{"tolerence", taskKeys, "tolerance"},
		{"per-day", lateKeys, "per_day"},
		{"Points", taskKeys, "points"},
		{"adam", []string{"gd_step", "adam_step"}, "adam_step"},
		{"valeu", kindNames(), "value"},
		{"colour", checkKeys, ""},
		{"points", taskKeys, ""}, // exact: nothing to suggest
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			want := ""
			if tt.want != "" {
				want = ` (did you mean "` + tt.want + `"?)`
			}
			if got := suggest(tt.name, tt.candidates); got != want {
				t.Errorf("suggest(%q) = %q, want %q", tt.name, got, want)
			}
		})
	}
}

func TestRubricErrorsFormat(t *testing.T) {
	list := ErrorList{
		{File: "a.yaml", Line: 14, Col: 7, Msg: `task "adam": unknown key "tolerence" (did you mean "tolerance"?)`},
		{File: "a.yaml", Line: 2, Msg: "YAML syntax: bad"},
		{File: "a.yaml", Msg: "empty file"},
	}
	list.Sort()
	want := "a.yaml: empty file\na.yaml:2: YAML syntax: bad\n" +
		`a.yaml:14:7: task "adam": unknown key "tolerence" (did you mean "tolerance"?)`
	if got := list.Error(); got != want {
		t.Errorf("Error() =\n%s\nwant\n%s", got, want)
	}
	var err error = list
	if !errors.Is(err, ErrInvalid) {
		t.Error("ErrorList does not match ErrInvalid")
	}
	var one Error
	if !errors.As(err, &one) || one.Line != 0 {
		t.Errorf("errors.As found %+v, want the first problem", one)
	}
	if ErrorList(nil).Err() != nil {
		t.Error("empty list: Err() != nil")
	}
}

func TestRubricPublic(t *testing.T) {
	r, err := Load(filepath.Join(testdataDir, "good", "minimal.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	p := r.Public()
	if p.Points != 14 || len(p.Tasks) != 5 || p.Tasks[0].Points != 2 || len(p.Tasks[2].Checks) != 1 {
		t.Errorf("public: points %g, %d tasks, nll points %g, adam checks %d; want 14, 5, 2, 1",
			p.Points, len(p.Tasks), p.Tasks[0].Points, len(p.Tasks[2].Checks))
	}
	if r.Points != 20 || len(r.Tasks[0].Checks) != 2 {
		t.Error("Public modified the rubric")
	}
	p.Tasks[0].Checks[0].Cases[0].Args["lam"] = 0.9
	if r.Tasks[0].Checks[0].Cases[0].Args["lam"] != 0.3 {
		t.Error("Public shares arguments with the rubric")
	}

}

// TestRubricMarshalRoundTrip writes every good and shipped rubric, and its public copy, back
// to YAML and reads it again.
func TestRubricMarshalRoundTrip(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join(testdataDir, "good", "*.yaml"))
	shipped, _ := filepath.Glob(filepath.Join("..", "..", "rubrics", "*.yaml"))
	for _, file := range append(files, shipped...) {
		r, err := Load(file)
		if err != nil {
			t.Fatal(err)
		}
		for _, tt := range []struct {
			name string
			r    *Rubric
		}{{"full", r}, {"public", r.Public()}} {
			t.Run(filepath.Base(file)+"/"+tt.name, func(t *testing.T) {
				data, err := Marshal(tt.r)
				if err != nil {
					t.Fatal(err)
				}
				back, err := Parse(r.File, data)
				if err != nil {
					t.Fatalf("%v\n%s", err, data)
				}
				if !reflect.DeepEqual(stripLines(back), stripLines(tt.r)) {
					t.Errorf("round trip differs:\n%s", data)
				}
			})
		}
	}
}

// stripLines clears what a round trip through YAML does not keep (line numbers).
func stripLines(r *Rubric) *Rubric {
	c := *r
	c.SHA256 = ""
	c.Tasks = nil
	for _, t := range r.Tasks {
		t.Line = 0
		checks := t.Checks
		t.Checks = nil
		for _, ch := range checks {
			ch.Line = 0
			t.Checks = append(t.Checks, ch)
		}
		c.Tasks = append(c.Tasks, t)
	}
	return &c
}

// testNode parses src and returns its root node.
func testNode(t *testing.T, src string) *yaml.Node {
	t.Helper()
	var doc yaml.Node
	if err := yaml.Unmarshal([]byte(src), &doc); err != nil {
		t.Fatal(err)
	}
	return doc.Content[0]
}

// parseWant parses src as x.yaml and checks that it loads (wantErr "") or fails with an
// error containing wantErr.
func parseWant(t *testing.T, src, wantErr string) {
	t.Helper()
	_, err := Parse("x.yaml", []byte(src))
	switch {
	case wantErr == "" && err != nil:
		t.Fatal(err)
	case wantErr != "" && (err == nil || !strings.Contains(err.Error(), wantErr)):
		t.Fatalf("err = %v, want one containing %q", err, wantErr)
	}
}

func TestRubricPrecision(t *testing.T) {
	const doc = `optgrade: 1
assignment: p
points: 2
precision: float64
tasks:
  - id: a
    function: quadratic_loss
    points: 1
    precision: auto
    checks: [{kind: value, points: 1, cases: [{args: {w: [1], a: [2]}}]}]
  - id: b
    function: quadratic_loss
    points: 1
    checks: [{kind: value, points: 1, cases: [{args: {w: [1], a: [2]}}]}]
`
	r, err := Parse("p.yaml", []byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	// A task's own "auto" is the default, so it inherits the rubric's float64.
	if r.Precision != PrecisionFloat64 || r.PrecisionOf(&r.Tasks[0]) != PrecisionFloat64 || r.PrecisionOf(&r.Tasks[1]) != PrecisionFloat64 {
		t.Errorf("precision %q, tasks %q %q", r.Precision, r.PrecisionOf(&r.Tasks[0]), r.PrecisionOf(&r.Tasks[1]))
	}
	data, err := Marshal(r)
	if err != nil || !strings.Contains(string(data), "precision: float64") {
		t.Errorf("Marshal: %v\n%s", err, data)
	}
	_, err = Parse("p.yaml", []byte(strings.Replace(doc, "precision: float64", "precision: double", 1)))
	if err == nil || !strings.Contains(err.Error(), `p.yaml:4:12: precision: "double": want float64`) {
		t.Errorf("bad precision: %v", err)
	}
}
