package report_test

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"encoding/xml"
	"flag"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/optgrade/optgrade/grader"
	"github.com/optgrade/optgrade/grader/report"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/report")

const goldenDir = "../../testdata/report"

// golden compares got with the golden file name, or rewrites it with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join(goldenDir, name)
	if *update {
		if err := os.MkdirAll(goldenDir, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./grader/report -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file (run with -update if the change is intended)\n--- got\n%s\n--- want\n%s", path, got, want)
	}
}

// ext is the golden-file extension of each format; a format missing here fails the test, so
// every row of the table has golden files.
var ext = map[string]string{
	"text":       "txt",
	"json":       "json",
	"markdown":   "md",
	"junit":      "junit.xml",
	"gradescope": "gradescope.json",
	"classroom":  "classroom.json",
	"html":       "html",
}

// variants are the option sets written for every format; the suffix names the golden file.
var variants = []struct {
	suffix string
	opts   report.Options
}{
	{"", report.Options{}},
	{".color", report.Options{Color: true}},
	{".verbose", report.Options{Verbose: true}},
}

func write(t *testing.T, f report.Format, r *grader.Result, o report.Options) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := f.Write(&b, r, o); err != nil {
		t.Fatalf("%s: %v", f.Name, err)
	}
	return b.Bytes()
}

func TestGolden(t *testing.T) {
	for _, fx := range fixtures() {
		for _, f := range report.Formats() {
			e, ok := ext[f.Name]
			if !ok {
				t.Fatalf("format %q has no golden-file extension in this test", f.Name)
			}
			for _, v := range variants {
				got := write(t, f, fx.result, v.opts)
				plain := write(t, f, fx.result, report.Options{})
				if v.suffix != "" && bytes.Equal(got, plain) {
					continue // the option does not change this format
				}
				name := fx.name + v.suffix + "." + e
				t.Run(name, func(t *testing.T) { golden(t, name, got) })
			}
		}
	}
}

func TestDeterministic(t *testing.T) {
	for _, fx := range fixtures() {
		for _, f := range report.Formats() {
			t.Run(fx.name+"/"+f.Name, func(t *testing.T) {
				a := write(t, f, fx.result, report.Options{Verbose: true, Color: true})
				b := write(t, f, fx.result, report.Options{Verbose: true, Color: true})
				if !bytes.Equal(a, b) {
					t.Error("two writes of the same result differ")
				}
			})
		}
	}
}

func TestColorOnlyWhenAsked(t *testing.T) {
	for _, fx := range fixtures() {
		for _, f := range report.Formats() {
			t.Run(fx.name+"/"+f.Name, func(t *testing.T) {
				for _, verbose := range []bool{false, true} {
					plain := write(t, f, fx.result, report.Options{Verbose: verbose})
					if bytes.IndexByte(plain, 0x1b) >= 0 {
						t.Errorf("verbose=%v: escape character in output without Color:\n%s", verbose, plain)
					}
				}
				colored := write(t, f, fx.result, report.Options{Color: true})
				has := bytes.Contains(colored, []byte("\x1b["))
				if want := f.Name == "text"; has != want {
					t.Errorf("colour codes with Color: got %v, want %v", has, want)
				}
			})
		}
	}
}

func TestNamesAndLookup(t *testing.T) {
	names := report.Names()
	want := []string{"text", "json", "markdown", "junit", "gradescope", "classroom", "html"}
	if !slices.Equal(names, want) {
		t.Errorf("Names() = %q, want %q", names, want)
	}
	for _, tc := range []struct {
		name string
		ok   bool
		want string
	}{
		{"text", true, "text"},
		{"junit", true, "junit"},
		{"JUnit", true, "junit"},
		{"gradescope", true, "gradescope"},
		{"xml", false, ""},
		{"", false, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f, ok := report.Lookup(tc.name)
			if ok != tc.ok || f.Name != tc.want {
				t.Errorf("Lookup(%q) = %q, %v; want %q, %v", tc.name, f.Name, ok, tc.want, tc.ok)
			}
			if ok && (f.Doc == "" || f.Write == nil) {
				t.Errorf("format %q has no Doc or Write", f.Name)
			}
		})
	}
}

func TestJSONRoundTrip(t *testing.T) {
	for _, fx := range fixtures() {
		t.Run(fx.name, func(t *testing.T) {
			sources := map[string][]byte{"written": write(t, report.Formats()[1], fx.result, report.Options{})}
			if !*update {
				b, err := os.ReadFile(filepath.Join(goldenDir, fx.name+".json"))
				if err != nil {
					t.Fatal(err)
				}
				sources["golden"] = b
			}
			for src, b := range sources {
				var got grader.Result
				dec := json.NewDecoder(bytes.NewReader(b))
				dec.DisallowUnknownFields()
				if err := dec.Decode(&got); err != nil {
					t.Fatalf("%s: %v", src, err)
				}
				want := *fx.result
				if want.SubmittedAt != nil && got.SubmittedAt != nil && want.SubmittedAt.Equal(*got.SubmittedAt) {
					got.SubmittedAt = want.SubmittedAt
				}
				// Empty check lists are written as [] and read back empty, not nil.
				for i := range got.Tasks {
					if len(got.Tasks[i].Checks) == 0 && want.Tasks[i].Checks == nil {
						got.Tasks[i].Checks = nil
					}
				}
				if !reflect.DeepEqual(&got, &want) {
					t.Errorf("%s: round trip differs:\ngot  %+v\nwant %+v", src, got, want)
				}
				if got.Version != grader.ResultVersion {
					t.Errorf("%s: version %d, want %d", src, got.Version, grader.ResultVersion)
				}
			}
		})
	}
}

// The JUnit XML as a consumer reads it.
type junitDoc struct {
	XMLName  xml.Name `xml:"testsuites"`
	Tests    int      `xml:"tests,attr"`
	Failures int      `xml:"failures,attr"`
	Errors   int      `xml:"errors,attr"`
	Suites   []struct {
		Name       string `xml:"name,attr"`
		Tests      int    `xml:"tests,attr"`
		Failures   int    `xml:"failures,attr"`
		Errors     int    `xml:"errors,attr"`
		Skipped    int    `xml:"skipped,attr"`
		Properties []struct {
			Name  string `xml:"name,attr"`
			Value string `xml:"value,attr"`
		} `xml:"properties>property"`
		Cases []struct {
			Name      string `xml:"name,attr"`
			Classname string `xml:"classname,attr"`
			Failure   *struct {
				Message string `xml:"message,attr"`
				Body    string `xml:",chardata"`
			} `xml:"failure"`
			Error *struct {
				Message string `xml:"message,attr"`
			} `xml:"error"`
			Skipped *struct {
				Message string `xml:"message,attr"`
			} `xml:"skipped"`
		} `xml:"testcase"`
		SystemOut string `xml:"system-out"`
	} `xml:"testsuite"`
}

func TestJUnitWellFormed(t *testing.T) {
	junit, _ := report.Lookup("junit")
	for _, fx := range fixtures() {
		t.Run(fx.name, func(t *testing.T) {
			b := write(t, junit, fx.result, report.Options{})
			// Well-formed: a strict decoder reads every token to the end.
			dec := xml.NewDecoder(bytes.NewReader(b))
			for {
				_, err := dec.Token()
				if err != nil {
					if err.Error() != "EOF" {
						t.Fatalf("not well-formed XML: %v", err)
					}
					break
				}
			}
			var doc junitDoc
			if err := xml.Unmarshal(b, &doc); err != nil {
				t.Fatal(err)
			}
			var tests, failures, errors, skipped int
			if fx.result.Error != "" {
				tests, errors = 1, 1
			}
			for _, task := range fx.result.Tasks {
				for _, c := range task.Checks {
					tests++
					switch c.Status {
					case grader.Fail, grader.Partial, grader.NotImplemented:
						// Not attempted is a failure: reporters count <skipped> as passed.
						failures++
					case grader.Error:
						errors++
					}
				}
			}
			if doc.Tests != tests || doc.Failures != failures || doc.Errors != errors {
				t.Errorf("testsuites tests/failures/errors = %d/%d/%d, want %d/%d/%d",
					doc.Tests, doc.Failures, doc.Errors, tests, failures, errors)
			}
			var cases, sf, se, ss, outs int
			for _, s := range doc.Suites {
				if s.Tests != len(s.Cases) {
					t.Errorf("suite %s: tests=%d but %d testcases", s.Name, s.Tests, len(s.Cases))
				}
				var f, e, k int
				for _, c := range s.Cases {
					if c.Failure != nil {
						f++
					}
					if c.Error != nil {
						e++
					}
					if c.Skipped != nil {
						k++
					}
				}
				if f != s.Failures || e != s.Errors || k != s.Skipped {
					t.Errorf("suite %s: attributes say %d/%d/%d failures/errors/skipped, elements %d/%d/%d",
						s.Name, s.Failures, s.Errors, s.Skipped, f, e, k)
				}
				if s.SystemOut != "" {
					outs++
				}
				cases += len(s.Cases)
				sf += f
				se += e
				ss += k
			}
			if want := 0; fx.result.Output != "" && !fx.result.Passed() {
				if outs != 1 {
					t.Errorf("student output in %d suites, want 1", outs)
				}
			} else if outs != want {
				t.Errorf("student output in %d suites, want none", outs)
			}
			if cases != tests || sf != failures || se != errors || ss != skipped {
				t.Errorf("elements: %d cases, %d failures, %d errors, %d skipped; want %d, %d, %d, %d",
					cases, sf, se, ss, tests, failures, errors, skipped)
			}
		})
	}
}

// The Gradescope results.json as Gradescope reads it.
type gradescopeDoc struct {
	Score            *float64 `json:"score"`
	Output           string   `json:"output"`
	OutputFormat     string   `json:"output_format"`
	Visibility       string   `json:"visibility"`
	StdoutVisibility string   `json:"stdout_visibility"`
	Tests            []struct {
		Name       string   `json:"name"`
		Number     string   `json:"number"`
		Score      *float64 `json:"score"`
		MaxScore   *float64 `json:"max_score"`
		Status     string   `json:"status"`
		Output     string   `json:"output"`
		Visibility string   `json:"visibility"`
	} `json:"tests"`
}

func TestGradescope(t *testing.T) {
	gs, _ := report.Lookup("gradescope")
	visibilities := []string{"visible", "hidden", "after_due_date", "after_published"}
	for _, fx := range fixtures() {
		t.Run(fx.name, func(t *testing.T) {
			r := fx.result
			var doc gradescopeDoc
			dec := json.NewDecoder(bytes.NewReader(write(t, gs, r, report.Options{})))
			dec.DisallowUnknownFields()
			if err := dec.Decode(&doc); err != nil {
				t.Fatal(err)
			}
			if doc.Score == nil || *doc.Score != r.Score {
				t.Errorf("score = %v, want %v", doc.Score, r.Score)
			}
			if !slices.Contains(visibilities, doc.Visibility) || !slices.Contains(visibilities, doc.StdoutVisibility) {
				t.Errorf("visibility %q, stdout_visibility %q", doc.Visibility, doc.StdoutVisibility)
			}
			var sum, maxSum float64
			checks := 0
			for _, task := range r.Tasks {
				checks += max(1, len(task.Checks))
			}
			if r.LatePenalty != 0 {
				checks++
			}
			if len(doc.Tests) != checks {
				t.Errorf("%d tests, want %d", len(doc.Tests), checks)
			}
			for _, tc := range doc.Tests {
				if tc.Name == "" || tc.Score == nil || tc.MaxScore == nil {
					t.Fatalf("test %+v lacks name, score or max_score", tc)
				}
				if tc.Status != "passed" && tc.Status != "failed" {
					t.Errorf("test %q: status %q", tc.Name, tc.Status)
				}
				if !slices.Contains(visibilities, tc.Visibility) {
					t.Errorf("test %q: visibility %q", tc.Name, tc.Visibility)
				}
				sum += *tc.Score
				maxSum += *tc.MaxScore
			}
			if math.Abs(sum-r.Score) > 1e-9 {
				t.Errorf("tests' scores sum to %v, want the total %v", sum, r.Score)
			}
			if math.Abs(maxSum-r.MaxScore) > 1e-9 {
				t.Errorf("tests' max_scores sum to %v, want %v", maxSum, r.MaxScore)
			}
			if r.Output != "" && !strings.Contains(doc.Output, strings.Split(r.Output, "\n")[0]) {
				t.Errorf("top-level output lacks the student's output: %q", doc.Output)
			}
			if strings.ContainsRune(doc.Output, 0x1b) {
				t.Errorf("top-level output holds a raw escape character: %q", doc.Output)
			}
		})
	}
}

func batch() []*grader.Result {
	var rs []*grader.Result
	for _, fx := range fixtures() {
		rs = append(rs, fx.result)
	}
	// Out of order on purpose: outputs are sorted by student.
	slices.Reverse(rs)
	return rs
}

func TestGradebook(t *testing.T) {
	rs := batch()
	var b bytes.Buffer
	if err := report.WriteGradebook(&b, rs); err != nil {
		t.Fatal(err)
	}
	golden(t, "gradebook.csv", b.Bytes())
	rows, err := csv.NewReader(&b).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != len(rs)+1 {
		t.Fatalf("%d rows, want a header and %d", len(rows), len(rs))
	}
	// Task columns come from the first result given, in rubric order.
	wantHeader := []string{"student", "score", "max_score", "raw_score", "late_penalty", "submitted_at"}
	for _, task := range rs[0].Tasks {
		wantHeader = append(wantHeader, task.ID)
	}
	wantHeader = append(wantHeader, "error")
	if !slices.Equal(rows[0], wantHeader) {
		t.Errorf("header %q, want %q", rows[0], wantHeader)
	}
	var students []string
	for _, row := range rows[1:] {
		students = append(students, row[0])
	}
	if !slices.IsSorted(students) {
		t.Errorf("rows not sorted by student: %q", students)
	}
	for _, row := range rows[1:] {
		if strings.HasPrefix(row[0], "-") {
			t.Errorf("student cell %q would be read as a formula", row[0])
		}
	}

	t.Run("empty", func(t *testing.T) {
		var b bytes.Buffer
		if err := report.WriteGradebook(&b, nil); err != nil {
			t.Fatal(err)
		}
		if got := b.String(); got != "student,score,max_score,raw_score,late_penalty,submitted_at,error\n" {
			t.Errorf("got %q", got)
		}
	})
}

func TestBrightspace(t *testing.T) {
	rs := batch()
	var b bytes.Buffer
	if err := report.WriteBrightspace(&b, rs, report.BrightspaceOptions{Column: "Optimization A3"}); err != nil {
		t.Fatal(err)
	}
	golden(t, "brightspace.csv", b.Bytes())
	rows, err := csv.NewReader(&b).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"OrgDefinedId", "Optimization A3 Points Grade", "End-of-Line Indicator"}; !slices.Equal(rows[0], want) {
		t.Errorf("header %q, want %q", rows[0], want)
	}
	if len(rows) != len(rs)+1 {
		t.Fatalf("%d rows, want %d", len(rows), len(rs)+1)
	}
	for _, row := range rows[1:] {
		if !strings.HasPrefix(row[0], "#") || row[2] != "#" {
			t.Errorf("row %q lacks Brightspace's # markers", row)
		}
	}

	for _, tc := range []struct {
		name    string
		results []*grader.Result
		column  string
	}{
		{"no column", rs, " "},
		{"no student", []*grader.Result{{Submission: "submissions/x", MaxScore: 10}}, "A3"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if err := report.WriteBrightspace(&bytes.Buffer{}, tc.results, report.BrightspaceOptions{Column: tc.column}); err == nil {
				t.Error("no error")
			}
		})
	}
}

func TestSummary(t *testing.T) {
	rs := batch()
	st := report.Summary(rs)
	if st.N != 3 || st.Errors != 1 || st.FullMarks != 1 || st.Late != 1 {
		t.Errorf("N, Errors, FullMarks, Late = %d, %d, %d, %d; want 3, 1, 1, 1", st.N, st.Errors, st.FullMarks, st.Late)
	}
	// Scores 0, 27.9, 30.
	if st.Min != 0 || st.Max != 30 || st.Median != 27.9 || math.Abs(st.Mean-(27.9+30)/3) > 1e-12 {
		t.Errorf("min, median, max, mean = %v, %v, %v, %v", st.Min, st.Median, st.Max, st.Mean)
	}
	// Tasks of the first result given (couldNotGrade: bernoulli only).
	if len(st.Tasks) != 1 || st.Tasks[0].ID != "bernoulli" || st.Tasks[0].N != 3 || st.Tasks[0].FullMarks != 2 {
		t.Errorf("tasks %+v", st.Tasks)
	}
	var b bytes.Buffer
	if err := report.WriteSummary(&b, st); err != nil {
		t.Fatal(err)
	}
	golden(t, "summary.txt", b.Bytes())

	t.Run("median of even count", func(t *testing.T) {
		st := report.Summary([]*grader.Result{{Score: 1, MaxScore: 4}, {Score: 4, MaxScore: 4}, nil})
		if st.N != 2 || st.Median != 2.5 || st.FullMarks != 1 {
			t.Errorf("%+v", st)
		}
	})
	t.Run("empty", func(t *testing.T) {
		st := report.Summary(nil)
		var b bytes.Buffer
		if err := report.WriteSummary(&b, st); err != nil || st.N != 0 {
			t.Fatal(st, err)
		}
	})
}

func TestTextContent(t *testing.T) {
	text, _ := report.Lookup("text")
	fail := string(write(t, text, withFailures(), report.Options{}))
	pass := string(write(t, text, allPass(), report.Options{}))
	for _, tc := range []struct {
		name, out, want string
		present         bool
	}{
		{"mistake first", fail, "FAIL  adam       Adam (adam_step)                       0.0/30.0\n  Likely mistake: Your update matches Adam without bias correction: divide m and v by (1 − βᵗ).\n", true},
		{"one case in full, with its id", fail, "  FAIL adam/1/1: free-running, step 1\n       adam_step(beta1=0.9, beta2=0.999, eps=1e-8, g=[1, 1], lr=0.01, m=[0, 0], t=1, v=[0, 0],\n         w=[1, 1])\n       w[0] = 0.999, want 0.99 (atol 0, rtol 1e-06)\n       the 49 steps after it were not run\n", true},
		{"hidden check without inputs", fail, "  FAIL teacher-forced (hidden check): 9 of 50 cases fail\n", true},
		{"hidden check values not shown", fail, "0.9980000", false},
		{"replay hint", fail, "Replay a case in full: optgrade check --case adam/1/1\n", true},
		{"not attempted task", fail, "FAIL  momentum   Momentum (momentum_step)", true},
		{"not attempted summary", fail, "  not attempted\n", true},
		{"not attempted within a task", fail, "  not attempted: slow curves\n", true},
		{"no message for not attempted", fail, "NotImplementedError", false},
		{"error check", fail, "  ERROR lecture curves (hidden check): 4 of 4 cases fail\n", true},
		{"student output capped", fail, "    … and 4 more lines\n", true},
		{"student escape shown, not sent", fail, `\x1b[31mred text`, true},
		{"late penalty", fail, "Late penalty: -3.1 points (2 days late; submitted 2026-03-03 09:15:00 UTC, time from manifest)\n", true},
		{"total", fail, "Score: 27.9/100 (31 before the late penalty)\n", true},
		{"pass total", pass, "Score: 30/30 on the public checks; the final grade adds hidden checks with other inputs.\n", true},
		{"no output when all passed", pass, "hello from solution.py", false},
		{"no elapsed unless verbose", pass, "Graded in", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if strings.Contains(tc.out, tc.want) != tc.present {
				t.Errorf("contains %q = %v, want %v; output:\n%s", tc.want, !tc.present, tc.present, tc.out)
			}
		})
	}
}

// TestTextWraps checks that no line of the text report is wider than the width asked for,
// except the student's own output.
func TestTextWraps(t *testing.T) {
	text, _ := report.Lookup("text")
	for _, width := range []int{60, 80, 100} {
		out := string(write(t, text, withFailures(), report.Options{Width: width}))
		inOutput := false
		for _, l := range strings.Split(out, "\n") {
			inOutput = inOutput || strings.HasPrefix(l, "Your program's output")
			if n := utf8.RuneCountInString(l); n > width && !inOutput {
				t.Errorf("width %d: a line of %d: %q", width, n, l)
			}
		}
	}
}

func ExampleNames() {
	fmt.Println(strings.Join(report.Names(), ", "))
	// Output: text, json, markdown, junit, gradescope, classroom, html
}

// TestClassroom: the reporter sums the tests' scores, so they must add up to the result's
// points, with partial credit per task; status is fail when a task lost points.
func TestClassroom(t *testing.T) {
	f, _ := report.Lookup("classroom")
	for _, fx := range fixtures() {
		var got struct {
			Version  int     `json:"version"`
			Status   string  `json:"status"`
			MaxScore float64 `json:"max_score"`
			Tests    []struct {
				Status string  `json:"status"`
				Score  float64 `json:"score"`
			} `json:"tests"`
		}
		if err := json.Unmarshal(write(t, f, fx.result, report.Options{}), &got); err != nil {
			t.Fatal(err)
		}
		sum := 0.0
		for _, tc := range got.Tests {
			sum += tc.Score
		}
		want := map[string]string{"pass": "pass", "fail": "fail", "error": "error"}[fx.name]
		if got.Version != 1 || got.Status != want || got.MaxScore != fx.result.MaxScore || math.Abs(sum-fx.result.RawScore) > 1e-9 || len(got.Tests) != len(fx.result.Tasks) {
			t.Errorf("%s: %+v (sum %g, want %g)", fx.name, got, sum, fx.result.RawScore)
		}
	}
}

// TestFloat32Note: a submission whose numbers were judged as float32 is told so in every
// human-readable report (text, markdown, html, gradescope's output) and JUnit marks the task's suite; a float64
// submission is told nothing.
func TestFloat32Note(t *testing.T) {
	for _, single := range []bool{false, true} {
		r := allPass()
		r.Tasks[1].Checks[0].Float32 = single
		for _, name := range []string{"text", "markdown", "html", "gradescope", "junit"} {
			f, _ := report.Lookup(name)
			var b bytes.Buffer
			if err := f.Write(&b, r, report.Options{}); err != nil {
				t.Fatal(err)
			}
			want := "judged with a float32 tolerance"
			if name == "junit" {
				want = `<property name="precision" value="float32"></property>`
			}
			if got := strings.Contains(b.String(), want); got != single {
				t.Errorf("%s report, float32=%v: contains %q = %v\n%s", name, single, want, got, b.String())
			}
		}
		if single {
			var b bytes.Buffer
			if err := report.JUnit(&b, r, report.Options{}); err != nil {
				t.Fatal(err)
			}
			var doc struct {
				Suites []struct {
					Name  string `xml:"name,attr"`
					Props []struct {
						Name  string `xml:"name,attr"`
						Value string `xml:"value,attr"`
					} `xml:"properties>property"`
				} `xml:"testsuite"`
			}
			if err := xml.Unmarshal(b.Bytes(), &doc); err != nil {
				t.Fatal(err)
			}
			for _, s := range doc.Suites {
				has := false
				for _, p := range s.Props {
					has = has || p.Name == "precision" && p.Value == "float32"
				}
				if has != (s.Name == "adam") {
					t.Errorf("suite %s: precision float32 property = %v", s.Name, has)
				}
			}
		}
	}
}
