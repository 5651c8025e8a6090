package figure_test

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"image/png"
	"io"
	"math"
	"strings"
	"testing"

	"github.com/optgrade/optgrade/grader/report/figure"
)

func lecture(t *testing.T, name string) *figure.Figure {
	t.Helper()
	l, ok := figure.LookupLecture(name)
	if !ok {
		t.Fatalf("no lecture figure %q", name)
	}
	return l.Make()
}

// The lecture: GD on 0.1·w₁² + 2·w₂² multiplies w₂ by 1 − 4α per step: −0.92 at α = 0.48
// (oscillates, yet the loss falls at every step), −1.04 at α = 0.51 (diverges), and at
// α = 0.01 it crawls (w₁ shrinks by 1 − 0.2α = 0.998 per step). Checked on the data the
// figure draws, against the lecture's numbers written out here.
func TestLRDiagnosticsMatchesLecture(t *testing.T) {
	f := lecture(t, "lr-diagnostics")
	want := []struct {
		label          string
		w1, w2         float64 // factor per step on w₁ and w₂
		diagnosis      string
		lossFallsEvery bool
	}{
		{"α = 0.01", 0.998, 0.96, "slow", true},
		{"α = 0.48", 0.904, -0.92, "oscillating", true},
		{"α = 0.51", 0.898, -1.04, "diverging", false},
	}
	if len(f.Runs) != len(want) {
		t.Fatalf("%d runs, want %d", len(f.Runs), len(want))
	}
	if a := f.Problem.A; len(a) != 2 || a[0] != 0.1 || a[1] != 2 {
		t.Fatalf("problem a = %v, want the lecture's [0.1 2]", a)
	}
	for i, w := range want {
		r := f.Runs[i]
		if r.Label != w.label || r.Diagnosis != w.diagnosis {
			t.Errorf("run %d is %q (%s), want %q (%s)", i, r.Label, r.Diagnosis, w.label, w.diagnosis)
		}
		if len(r.W) < 20 || len(r.Loss) != len(r.W) {
			t.Fatalf("%s: %d weights and %d losses", w.label, len(r.W), len(r.Loss))
		}
		for k := 0; k+1 < len(r.W); k++ {
			for j, factor := range []float64{w.w1, w.w2} {
				got := r.W[k+1][j] / r.W[k][j]
				if math.Abs(got-factor) > 1e-12 {
					t.Fatalf("%s: step %d multiplies w%d by %v, want %v", w.label, k, j+1, got, factor)
				}
			}
			// The loss drawn is the lecture's L at the drawn weights.
			w1, w2 := r.W[k][0], r.W[k][1]
			if l := 0.1*w1*w1 + 2*w2*w2; math.Abs(r.Loss[k]-l) > 1e-12*l {
				t.Fatalf("%s: loss[%d] = %v, want %v", w.label, k, r.Loss[k], l)
			}
			if w.lossFallsEvery && r.Loss[k+1] >= r.Loss[k] {
				t.Errorf("%s: the loss rises at step %d", w.label, k)
			}
		}
		first, last := r.Loss[0], r.Loss[len(r.Loss)-1]
		switch w.diagnosis {
		case "slow":
			if last < 0.1*first {
				t.Errorf("%s does not crawl: loss %v → %v", w.label, first, last)
			}
		case "diverging":
			if last < 10*first {
				t.Errorf("%s does not blow up: loss %v → %v", w.label, first, last)
			}
		}
	}
}

func TestSchedulesMatchFormulas(t *testing.T) {
	f := lecture(t, "schedules")
	if len(f.Series) != 2 {
		t.Fatalf("%d series, want linear and exponential", len(f.Series))
	}
	lin, exp := f.Series[0], f.Series[1]
	for i, k := range lin.X {
		want := 0.05
		if k < 50 {
			want = (1-k/50)*0.5 + k/50*0.05
		}
		if math.Abs(lin.Y[i]-want) > 1e-15 {
			t.Errorf("linear α_%v = %v, want %v", k, lin.Y[i], want)
		}
		if want := 0.5 * math.Exp(-exp.X[i]/25); math.Abs(exp.Y[i]-want) > 1e-15 {
			t.Errorf("exponential α_%v = %v, want %v", exp.X[i], exp.Y[i], want)
		}
	}
}

// svgText checks that an SVG is well-formed XML and returns its text elements and the
// stroke colours its paths use.
func svgText(t *testing.T, svg []byte) (texts []string, strokes map[string]int) {
	t.Helper()
	strokes = map[string]int{}
	dec := xml.NewDecoder(bytes.NewReader(svg))
	inText := false
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("the SVG is not well-formed XML: %v", err)
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			inText = tok.Name.Local == "text"
			for _, a := range tok.Attr {
				if a.Name.Local != "style" {
					continue
				}
				for _, decl := range strings.Split(a.Value, ";") {
					if c, ok := strings.CutPrefix(decl, "stroke:"); ok {
						strokes[c]++
					}
				}
			}
		case xml.CharData:
			if inText {
				texts = append(texts, string(tok))
			}
		case xml.EndElement:
			inText = false
		}
	}
	return texts, strokes
}

func TestLRDiagnosticsSVG(t *testing.T) {
	f := lecture(t, "lr-diagnostics")
	var b bytes.Buffer
	if err := f.Render(&b, "svg"); err != nil {
		t.Fatal(err)
	}
	texts, strokes := svgText(t, b.Bytes())
	all := strings.Join(texts, "\n")
	for _, label := range []string{"α = 0.01: slow", "α = 0.48: oscillating", "α = 0.51: diverging", "α = 0.01", "α = 0.48", "α = 0.51", "loss per step"} {
		if !strings.Contains(all, label) {
			t.Errorf("the SVG has no text %q; texts: %q", label, texts)
		}
	}
	// Three series in three colours (the rest is grey: axes, grid, contours), each drawn
	// as a path, a loss curve and a legend entry.
	var series int
	for c, n := range strokes {
		if len(c) == 7 && (c[1:3] != c[3:5] || c[3:5] != c[5:7]) {
			series++
			if n != 3 {
				t.Errorf("colour %s is stroked %d times, want 3 (path, loss, legend)", c, n)
			}
		}
	}
	if series != 3 {
		t.Errorf("%d series colours in the SVG, want 3: %v", series, strokes)
	}
}

func TestEveryLectureFigureRenders(t *testing.T) {
	seen := map[string]bool{}
	for _, l := range figure.Lectures() {
		if seen[l.Name] || l.Doc == "" {
			t.Errorf("lecture figure %q: duplicate or undocumented", l.Name)
		}
		seen[l.Name] = true
		f := l.Make()
		for _, format := range figure.Formats {
			t.Run(fmt.Sprintf("%s.%s", l.Name, format), func(t *testing.T) {
				var b bytes.Buffer
				if err := f.Render(&b, format); err != nil {
					t.Fatal(err)
				}
				switch format {
				case "svg":
					svgText(t, b.Bytes())
				case "png":
					img, err := png.Decode(&b)
					if err != nil {
						t.Fatal(err)
					}
					// Not blank: some pixels are dark (lines, text).
					r := img.Bounds()
					dark := 0
					for y := r.Min.Y; y < r.Max.Y; y += 2 {
						for x := r.Min.X; x < r.Max.X; x += 2 {
							if c, _, _, _ := img.At(x, y).RGBA(); c < 0x8000 {
								dark++
							}
						}
					}
					if dark < 500 {
						t.Errorf("the PNG is nearly blank: %d dark pixels", dark)
					}
				case "pdf":
					if !bytes.HasPrefix(b.Bytes(), []byte("%PDF-")) {
						t.Errorf("not a PDF: %q", b.Bytes()[:min(20, b.Len())])
					}
				}
			})
		}
	}
	if err := lecture(t, "schedules").Render(io.Discard, "gif"); err == nil {
		t.Error("rendering to an unknown format did not fail")
	}
}

func TestParts(t *testing.T) {
	nan, inf := math.NaN(), math.Inf(1)
	tests := []struct {
		name               string
		student, reference []float64
		want               int
	}{
		{"equal", []float64{1, 2, 3}, []float64{1, 2, 3}, -1},
		{"within tolerance", []float64{1, 2.0000001, 3}, []float64{1, 2, 3}, -1},
		{"out at step 1", []float64{1, 2.1, 3}, []float64{1, 2, 3}, 1},
		{"the student stopped early: not a parting", []float64{1, 2}, []float64{1, 2, 3, 4}, -1},
		{"a NaN parts", []float64{1, nan}, []float64{1, 2}, 1},
		{"both infinite alike", []float64{inf}, []float64{inf}, -1},
		{"infinite against a number", []float64{1, inf}, []float64{1, 5}, 1},
	}
	for _, tt := range tests {
		if got := figure.Parts(tt.student, tt.reference, 1e-9, 1e-6); got != tt.want {
			t.Errorf("%s: Parts = %d, want %d", tt.name, got, tt.want)
		}
	}
}

func TestCompareSVG(t *testing.T) {
	c := figure.Compare{Title: "w[0]\x1b\u202e", Student: []float64{1, 0.999}, Reference: []float64{1, 0.99, 0.98}, Parts: 1}
	svg := c.SVG()
	if !bytes.HasPrefix(svg, []byte("<svg ")) || !bytes.HasSuffix(bytes.TrimSpace(svg), []byte("</svg>")) {
		t.Fatalf("not one inline <svg> element: %.80q…", svg)
	}
	texts, _ := svgText(t, svg)
	all := strings.Join(texts, "\n")
	for _, want := range []string{"reference", "your submission", "parts at step 1"} {
		if !strings.Contains(all, want) {
			t.Errorf("no %q in the plot: %q", want, texts)
		}
	}
	if bytes.Contains(svg, []byte("\x1b")) || bytes.Contains(svg, []byte("\u202e")) || bytes.Contains(svg, []byte("http")) {
		t.Error("a control character or URL in the SVG")
	}
}

// A comparison draws whatever a submission sent without failing: empty, constant,
// non-finite, negative or huge series.
func TestCompareOddSeries(t *testing.T) {
	nan, inf := math.NaN(), math.Inf(1)
	series := map[string][]float64{
		"empty":    nil,
		"one":      {1},
		"constant": {2, 2, 2},
		"all NaN":  {nan, nan},
		"infinite": {inf, -inf, 1},
		"negative": {-1, -100, -1e6},
		"huge":     {1e300, -1e300, 1e-300},
		"tiny":     {1e-300, 2e-300, 1e-299},
		"zero":     {0, 0, 1e-320},
		"extreme":  {math.MaxFloat64, -math.MaxFloat64},
		"near":     {1e300, math.Nextafter(1e300, inf), 1e300},
		"subnorm":  {5e-324, 1e-323},
	}
	for name, s := range series {
		for name2, r := range series {
			for _, parts := range []int{-1, 2} {
				c := figure.Compare{Title: name + " vs " + name2, Student: s, Reference: r, Parts: parts}
				svg := c.SVG()
				if !bytes.Contains(svg, []byte("</svg>")) {
					t.Fatalf("%s vs %s: no SVG", name, name2)
				}
			}
		}
	}
	long := make([]float64, 5000)
	for i := range long {
		long[i] = math.Sin(float64(i))
	}
	figure.Compare{Title: "long", Student: long, Reference: long, Parts: 4000}.SVG()
}
