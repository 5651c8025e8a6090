package report_test

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"reflect"
	"strings"
	"testing"

	"github.com/optgrade/optgrade/grader"
	"github.com/optgrade/optgrade/grader/report"
)

// evil is what a hostile submission or rubric might put in any string: markup, a closing
// SVG tag, quotes that would end an attribute, an event handler, and control characters
// (NUL, ESC, BEL, a bidirectional override).
const evil = "<script>alert(1)</script></svg><img src=x onerror=alert(2)>\"' onmouseover=alert(3) x=\x00\x1b[31m\x07\u202e&amp;</style>"

// poison sets every string of v (recursively: structs, slices, pointers) to evil and every
// JSON value (grader.Value) to a JSON string holding evil.
func poison(v reflect.Value) {
	switch v.Kind() {
	case reflect.Pointer:
		if !v.IsNil() {
			poison(v.Elem())
		}
	case reflect.Struct:
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				poison(v.Field(i))
			}
		}
	case reflect.Slice:
		if v.Type() == reflect.TypeOf(grader.Value(nil)) {
			js, _ := json.Marshal(map[string]any{evil: []any{evil, 1.5}})
			v.Set(reflect.ValueOf(grader.Value(js)))
			return
		}
		for i := range v.Len() {
			poison(v.Index(i))
		}
	case reflect.String:
		v.SetString(evil)
	}
}

// htmlTokens reads an HTML page leniently and returns its elements' names, their
// attributes and its text.
func htmlTokens(t *testing.T, page []byte) (elems []string, attrs []xml.Attr, text string) {
	t.Helper()
	d := xml.NewDecoder(bytes.NewReader(page))
	d.Strict = false
	d.AutoClose = xml.HTMLAutoClose
	d.Entity = xml.HTMLEntity
	var b strings.Builder
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("the page does not parse: %v", err)
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			elems = append(elems, strings.ToLower(tok.Name.Local))
			attrs = append(attrs, tok.Attr...)
		case xml.CharData:
			b.Write(tok)
		}
	}
	return elems, attrs, b.String()
}

func TestHTMLEscapesEverything(t *testing.T) {
	for _, fx := range fixtures() {
		t.Run(fx.name, func(t *testing.T) {
			r := fx.result
			poison(reflect.ValueOf(r))
			r.Tasks[0].Checks = append(r.Tasks[0].Checks, grader.CheckResult{Name: evil, Status: grader.Fail, Message: evil,
				Failures: []grader.CaseResult{{Label: evil, Fn: evil, Args: grader.Value(`{"<\/svg>":"<script>"}`), Message: evil}},
				Runs:     []grader.Run{{Label: evil, Leaves: 1, Series: []grader.Series{{Name: evil, Student: []grader.Vec{{1}, {2}}, Reference: []grader.Vec{{1}, {3}}}}}}})
			var b bytes.Buffer
			if err := report.HTML(&b, r, report.Options{Verbose: true}); err != nil {
				t.Fatal(err)
			}
			page := b.Bytes()
			for _, c := range page {
				if c < 0x20 && c != '\n' && c != '\t' {
					t.Fatalf("raw control character %#x in the page", c)
				}
			}
			if strings.Contains(string(page), "\u202e") {
				t.Error("a bidirectional override reached the page unescaped")
			}
			if n, m := bytes.Count(page, []byte("<svg")), bytes.Count(page, []byte("</svg>")); n != m || n == 0 {
				t.Errorf("%d <svg> and %d </svg>: an SVG was closed early or not drawn", n, m)
			}
			elems, attrs, text := htmlTokens(t, page)
			allowed := map[string]bool{}
			for _, e := range strings.Fields(`html head meta title style body main h1 h2 h3 h4 p strong span div table thead tbody tr th td a code section article header pre details summary dl dt dd footer
				svg g path text`) {
				allowed[e] = true
			}
			for _, e := range elems {
				if !allowed[e] {
					t.Errorf("element <%s> in the page", e)
				}
			}
			for _, a := range attrs {
				name := strings.ToLower(a.Name.Local)
				if strings.HasPrefix(name, "on") || name == "src" {
					t.Errorf("attribute %s=%q in the page", name, a.Value)
				}
				if strings.Contains(strings.ToLower(a.Value), "javascript:") {
					t.Errorf("attribute %s=%q carries a script", name, a.Value)
				}
			}
			// The hostile text is shown, as text.
			if !strings.Contains(text, `<script>alert(1)</script></svg><img src=x onerror=alert(2)>"' onmouseover=alert(3)`) {
				t.Error("the hostile string does not show as text")
			}
			for _, scheme := range []string{"http:", "https:", "//"} {
				if i := bytes.Index(bytes.ToLower(page), []byte(scheme)); i >= 0 {
					t.Errorf("a URL in the page: %q", page[max(0, i-40):min(len(page), i+60)])
				}
			}
		})
	}
}

// A misdiagnosed curve is drawn: the loss the student labelled, and its weights.
func TestHTMLDrawsTheDiagnosedCurve(t *testing.T) {
	r := &grader.Result{Assignment: "a1", Student: "s1", MaxScore: 3, Tasks: []grader.TaskResult{{
		ID: "diagnose", Function: "diagnose", MaxScore: 3,
		Checks: []grader.CheckResult{{
			Name: "lecture curves", Kind: "classification", Visibility: "visible", Status: grader.Fail, MaxScore: 3, Cases: 4, Passed: 3,
			Message: `curve 3: result = "slow", want "oscillating"`,
			Failures: []grader.CaseResult{{
				ID: "diagnose/1/3", Label: "curve 3 (GD α = 0.48)", Fn: "diagnose",
				Args: grader.Value(`{"loss":[10,8,6.4,5.1,4.1,3.3],"w":[[-5,-2],[-4.5,1.84],[-4.1,-1.7],[-3.7,1.56],[-3.3,-1.43],[-3,1.32]]}`),
				Got:  grader.Value(`"slow"`), Want: grader.Value(`"oscillating"`), Atol: 1e-9, Rtol: 1e-6,
				Message: `curve 3: result = "slow", want "oscillating"`,
			}},
		}},
	}}}
	var b bytes.Buffer
	if err := report.HTML(&b, r, report.Options{}); err != nil {
		t.Fatal(err)
	}
	page := b.String()
	for _, want := range []string{"the curve: loss per step", "the curve: weights per step", ">w[1]<", "optgrade check --case diagnose/1/3"} {
		if !strings.Contains(page, want) {
			t.Errorf("the page has no %q", want)
		}
	}
	if strings.Contains(page, "Tolerance") {
		t.Error("a tolerance is shown for a label, which is compared exactly")
	}
}

// A check that fails on many cases shows the first 21 in full and counts the rest.
func TestHTMLCapsFailingCases(t *testing.T) {
	c := grader.CheckResult{Name: "teacher-forced", Kind: "trajectory", Status: grader.Fail, MaxScore: 1, Cases: 30}
	for k := 1; k <= 30; k++ {
		c.Failures = append(c.Failures, grader.CaseResult{ID: fmt.Sprintf("adam/1/%d", k), Label: fmt.Sprintf("step %d", k), Fn: "adam_step",
			Args: grader.Value(`{"t":1}`), Message: fmt.Sprintf("step %d: w[0] = 1, want 2", k)})
	}
	r := &grader.Result{Tasks: []grader.TaskResult{{ID: "adam", Checks: []grader.CheckResult{c}}}}
	var b bytes.Buffer
	if err := report.HTML(&b, r, report.Options{}); err != nil {
		t.Fatal(err)
	}
	page := b.String()
	if !strings.Contains(page, "step 21: w[0]") || strings.Contains(page, "step 22: w[0]") || !strings.Contains(page, "9 more failing cases not shown") {
		t.Error("want steps 1 to 21 shown and the 9 others counted")
	}
}
