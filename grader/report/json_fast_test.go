package report

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"strings"
	"testing"

	"github.com/optgrade/optgrade/grader"
	"github.com/optgrade/optgrade/grader/rubric"
	"github.com/optgrade/optgrade/grader/runner"
	"github.com/optgrade/optgrade/reference"
)

// gradedResults grades the course rubric with every hidden check, in process (the
// reference answering, or a known mistake standing in for one function): realistic results
// with failures, runs and non-finite numbers, and no interpreter needed.
func gradedResults(tb testing.TB) map[string]*grader.Result {
	tb.Helper()
	r, err := rubric.Load("../../rubrics/assignment1.yaml")
	if err != nil {
		tb.Fatal(err)
	}
	g, err := grader.New(r, true)
	if err != nil {
		tb.Fatal(err)
	}
	out := map[string]*grader.Result{}
	for _, name := range []string{"", "adam-no-bias-correction", "momentum-polyak", "normalized-step-zero-nan", "bernoulli-nll-log10"} {
		run := runner.ReferenceRunner{}
		if name != "" {
			v, ok := reference.LookupVariant(name)
			if !ok {
				tb.Fatalf("no variant %s", name)
			}
			run.Replace = map[string]reference.Variant{v.Func: v}
		}
		out["graded/"+name] = g.Grade(context.Background(), run, "s1", "", grader.Submitted{})
	}
	return out
}

// oddResult holds what the encoders must keep byte for byte: non-finite numbers, nil and
// empty slices, unicode, HTML and control characters in text, nesting deeper than the
// indentation string.
func oddResult() *grader.Result {
	deep := strings.Repeat("[", 20) + "1" + strings.Repeat("]", 20)
	return &grader.Result{
		Assignment: "Ünïcode ✓ <b>&amp;</b> \"quoted\" \\ back\tslash",
		Output:     "line\nwith \x1b[31mescape\x1b[0m and \u2028 and <script>",
		Tasks: []grader.TaskResult{
			{ID: "none"},
			{ID: "empty", Checks: []grader.CheckResult{}},
			{ID: "odd", Checks: []grader.CheckResult{{
				Name: "[1,2] {a:b}", Message: "expected 1 < 2 && 3 > 2, got NaN", Details: []string{"", "é"},
				Failures: []grader.CaseResult{{
					Args: grader.Value(`{"a":[1,"NaN",-2.5e-7],"b":[],"c":{},"d":` + deep + `}`),
					Got:  grader.JSONValue([]any{math.NaN(), math.Inf(1), math.Inf(-1), 1e300, -0.0}),
				}},
				Runs: []grader.Run{{Series: []grader.Series{
					{Name: "w", Student: []grader.Vec{{math.NaN(), math.Inf(-1)}, nil, {}}, Reference: []grader.Vec{{1, 2}}},
					{Name: "loss"},
				}}},
			}}},
		},
	}
}

// oldJSON is JSON as it was before the indentation was rewritten: the bytes it wrote are
// the ones every reader has.
func oldJSON(r *grader.Result) []byte {
	c := *r
	c.Version = grader.ResultVersion
	c.Tasks = make([]grader.TaskResult, len(r.Tasks))
	for i, t := range r.Tasks {
		if t.Checks == nil {
			t.Checks = []grader.CheckResult{}
		}
		c.Tasks[i] = t
	}
	var compact bytes.Buffer
	enc := json.NewEncoder(&compact)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(&c); err != nil {
		panic(err)
	}
	return oldIndentJSON(compact.Bytes())
}

func oldIndentJSON(src []byte) []byte {
	var out bytes.Buffer
	depth := 0
	newline := func() {
		out.WriteByte('\n')
		for range depth {
			out.WriteString("  ")
		}
	}
	for i := 0; i < len(src); i++ {
		c := src[i]
		switch c {
		case '"':
			j := stringEnd(src, i)
			out.Write(src[i:j])
			i = j - 1
		case '{', '[':
			if c == '[' {
				if j, ok := oldNumberArrayEnd(src, i); ok {
					for _, b := range src[i:j] {
						out.WriteByte(b)
						if b == ',' {
							out.WriteByte(' ')
						}
					}
					i = j - 1
					continue
				}
			}
			close := byte('}')
			if c == '[' {
				close = ']'
			}
			if i+1 < len(src) && src[i+1] == close {
				out.WriteByte(c)
				out.WriteByte(close)
				i++
				continue
			}
			out.WriteByte(c)
			depth++
			newline()
		case '}', ']':
			depth--
			newline()
			out.WriteByte(c)
		case ',':
			out.WriteByte(',')
			newline()
		case ':':
			out.WriteString(": ")
		default:
			out.WriteByte(c)
		}
	}
	return out.Bytes()
}

func oldNumberArrayEnd(src []byte, i int) (int, bool) {
	n := 0
	for j := i + 1; j < len(src); j++ {
		switch c := src[j]; {
		case c == ']':
			return j + 1, n > 0
		case c == ',':
		case c == '"':
			k := stringEnd(src, j)
			switch string(src[j:k]) {
			case `"NaN"`, `"Infinity"`, `"-Infinity"`:
			default:
				return 0, false
			}
			n++
			j = k - 1
		case c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E' || (c >= '0' && c <= '9'):
			n++
		default:
			return 0, false
		}
	}
	return 0, false
}

// TestJSONSameBytesAsBefore: the faster writer writes exactly what the old one did, on
// graded results of the course rubric and on one full of edge cases.
func TestJSONSameBytesAsBefore(t *testing.T) {
	results := gradedResults(t)
	results["odd"] = oddResult()
	for name, r := range results {
		var got bytes.Buffer
		if err := JSON(&got, r, Options{}); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if want := oldJSON(r); !bytes.Equal(got.Bytes(), want) {
			i := 0
			for i < min(got.Len(), len(want)) && got.Bytes()[i] == want[i] {
				i++
			}
			t.Errorf("%s: differs from the old writer at byte %d: got …%q…, want …%q…", name, i,
				got.Bytes()[max(0, i-40):min(got.Len(), i+40)], want[max(0, i-40):min(len(want), i+40)])
		}
	}
	if r := results["graded/adam-no-bias-correction"]; r.Score == r.MaxScore {
		t.Errorf("the mistaken Adam scored full marks: the comparison saw no failures")
	}
}

// TestIndentJSONSameAsBefore compares the indentation alone on inputs a Result never holds.
func TestIndentJSONSameAsBefore(t *testing.T) {
	for _, src := range []string{
		"", "[]", "{}", "[1]", "[1E5,+2]", `["NaN"]`, `["nan"]`, "[1,[2]]", "[[],[1,2],{}]",
		`{"a":"\\","b":"\"[1,2]\"","c":[1e-7,-0,"-Infinity"]}`,
		strings.Repeat(`{"x":[`, 40) + "1,2" + strings.Repeat("]}", 40),
		`[1,2`, `{"a":"unterminated`, `[1,"NaN"`,
	} {
		if got, want := indentJSON([]byte(src)), oldIndentJSON([]byte(src)); !bytes.Equal(got, want) {
			t.Errorf("indentJSON(%q) = %q, want %q", src, got, want)
		}
	}
}

// BenchmarkJSON measures writing result.json for a graded submission of the course rubric
// (every check, a mistaken Adam: failures and both sides' runs in full).
func BenchmarkJSON(b *testing.B) {
	r := gradedResults(b)["graded/adam-no-bias-correction"]
	var size int
	b.ReportAllocs()
	for b.Loop() {
		var w countWriter
		if err := JSON(&w, r, Options{}); err != nil {
			b.Fatal(err)
		}
		size = int(w)
	}
	b.ReportMetric(float64(size), "bytes")
}

type countWriter int

func (w *countWriter) Write(p []byte) (int, error) { *w += countWriter(len(p)); return len(p), nil }

var _ io.Writer = (*countWriter)(nil)

// TestJSONConcurrent: writers running at once (a batch with -j2) do not share buffers.
func TestJSONConcurrent(t *testing.T) {
	results := []*grader.Result{gradedResults(t)["graded/adam-no-bias-correction"], oddResult()}
	want := [][]byte{oldJSON(results[0]), oldJSON(results[1])}
	errs := make(chan string, 40)
	done := make(chan struct{})
	for k := range 8 {
		go func() {
			defer func() { done <- struct{}{} }()
			for range 5 {
				var b bytes.Buffer
				if err := JSON(&b, results[k%2], Options{}); err != nil || !bytes.Equal(b.Bytes(), want[k%2]) {
					errs <- fmt.Sprintf("writer %d: wrong bytes (%v)", k, err)
					return
				}
			}
		}()
	}
	for range 8 {
		<-done
	}
	close(errs)
	for e := range errs {
		t.Error(e)
	}
}
