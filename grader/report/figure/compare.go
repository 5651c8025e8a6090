package figure

import (
	"bytes"
	"fmt"
	"html"
	"image/color"
	"math"
	"strconv"
	"strings"
	"unicode"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgsvg"
)

// Compare is one quantity along a run, the student's beside the reference's, as a report
// draws it: "loss", or one coordinate "w[0]" of the weights, "m[1]" of Adam's moment.
type Compare struct {
	Title string
	// Student[k] and Reference[k] are the values at step k (NaN where there is none: the
	// student's run stopped, or a value is not a number).
	Student, Reference []float64
	// Parts is the first step at which the two are out of tolerance, or -1.
	Parts int
}

// Parts returns the first k at which student[k] differs from reference[k] by more than
// atol + rtol·|reference[k]|, or -1 when they never part. A non-finite student value where
// the reference has a number differs; steps past the end of the student's series (the run
// stopped) are not compared.
func Parts(student, reference []float64, atol, rtol float64) int {
	for k := range min(len(student), len(reference)) {
		got, want := student[k], reference[k]
		switch {
		case !finite(want):
			if !math.IsNaN(want) && got != want {
				return k
			}
		case !finite(got) || math.Abs(got-want) > atol+rtol*math.Abs(want):
			return k
		}
	}
	return -1
}

// Compare colours: the student in the first colour of the lecture figures, the reference
// in a dark grey, the parting point in red.
var (
	studentColor   = color.RGBA{R: 0x1f, G: 0x6f, B: 0xc5, A: 0xff}
	referenceColor = color.RGBA{R: 0x55, G: 0x55, B: 0x55, A: 0xff}
	partColor      = color.RGBA{R: 0xd0, G: 0x1c, B: 0x1c, A: 0xff}
)

// CompareSize is the size of a comparison plot.
const (
	CompareWidth  = 5 * vg.Inch
	CompareHeight = 3 * vg.Inch
)

// SVG draws the comparison as an SVG element for inline use in HTML (no XML prolog),
// labelled for screen readers with its title and where the curves part.
func (c Compare) SVG() []byte {
	label := c.Title + ": your values and the reference's"
	if c.Parts >= 0 {
		label += fmt.Sprintf(", parting at step %d", c.Parts)
	}
	return inlineSVG(CompareWidth, CompareHeight, label, func(dc draw.Canvas) { drawWithLegend(c.plot(), dc) })
}

// inlineSVG draws on a white SVG canvas of the given size and returns the <svg> element
// for inline use in HTML: no XML prolog, no namespaces (so the page holds no URL), and
// label (sanitized, escaped) for screen readers.
func inlineSVG(w, h vg.Length, label string, drawOn func(draw.Canvas)) (svg []byte) {
	canvas := vgsvg.New(w, h)
	dc := draw.New(canvas)
	fillWhite(dc)
	defer func() {
		// Numbers from a submission must never crash a report: a plot gonum cannot draw
		// becomes a note.
		if recover() != nil {
			svg = inlineSVG(w, h, label, func(dc draw.Canvas) {
				defer func() { recover() }()
				sty := plot.New().Title.TextStyle
				sty.XAlign, sty.YAlign = draw.XCenter, draw.YCenter
				dc.FillText(sty, dc.Center(), sanitize(label)+": these values cannot be drawn")
			})
		}
	}()
	drawOn(dc)
	var b bytes.Buffer
	canvas.WriteTo(&b)
	svg = b.Bytes()
	if i := bytes.Index(svg, []byte("<svg")); i >= 0 {
		svg = svg[i:]
	}
	for _, ns := range []string{`xmlns="http://www.w3.org/2000/svg"`, `xmlns:xlink="http://www.w3.org/1999/xlink"`} {
		svg = bytes.Replace(svg, []byte(ns), nil, 1)
	}
	attrs := fmt.Sprintf(`<svg role="img" aria-label="%s" preserveAspectRatio="xMidYMid meet"`, html.EscapeString(sanitize(label)))
	return append([]byte(attrs), svg[len("<svg"):]...)
}

func (c Compare) plot() *plot.Plot {
	p := plot.New()
	p.Title.Text = sanitize(c.Title)
	p.X.Label.Text = "step"
	p.X.Tick.Marker = wholeTicks{}
	p.Add(plotter.NewGrid())
	logY := true
	var lo, hi float64 = math.Inf(1), math.Inf(-1)
	for _, s := range [][]float64{c.Student, c.Reference} {
		for _, y := range s {
			if drawable(y) {
				logY = logY && y > 0
				lo, hi = math.Min(lo, y), math.Max(hi, y)
			}
		}
	}
	logY = logY && hi > 100*lo
	p.Y.Tick.Marker = distinctTicks{}
	if logY {
		p.Y.Scale = plot.LogScale{}
		p.Y.Tick.Marker = plot.LogTicks{Prec: -1}
	}
	ref := addCurve(p, "reference", c.Reference, referenceColor, []vg.Length{vg.Points(4), vg.Points(3)}, false)
	stu := addCurve(p, "your submission", c.Student, studentColor, nil, true)
	if ref != nil {
		p.Legend.Add("reference", ref)
	}
	if stu != nil {
		p.Legend.Add("your submission", stu)
	}
	if c.Parts >= 0 && hi >= lo {
		x := float64(c.Parts)
		mark, _ := plotter.NewLine(plotter.XYs{{X: x, Y: lo}, {X: x, Y: hi}})
		mark.Color = partColor
		mark.Width = vg.Points(1)
		mark.Dashes = []vg.Length{vg.Points(2), vg.Points(2)}
		p.Add(mark)
		if c.Parts < len(c.Student) && drawable(c.Student[c.Parts]) {
			ring, _ := plotter.NewScatter(plotter.XYs{{X: x, Y: c.Student[c.Parts]}})
			ring.Color = partColor
			ring.Radius = vg.Points(4.5)
			ring.Shape = draw.RingGlyph{}
			p.Add(ring)
		}
		p.Legend.Add(fmt.Sprintf("parts at step %d", c.Parts), mark)
	}
	return p
}

// distinctTicks are gonum's default ticks with labels precise enough to tell apart (on a
// narrow range such as 1.1001 … 1.1004 the default labels all read "1.1").
type distinctTicks struct{}

func (distinctTicks) Ticks(lo, hi float64) []plot.Tick {
	ticks := plot.DefaultTicks{}.Ticks(lo, hi)
	for prec := 3; prec <= 12; prec++ {
		seen := map[string]bool{}
		distinct := true
		for i, t := range ticks {
			if t.Label == "" {
				continue
			}
			ticks[i].Label = strconv.FormatFloat(t.Value, 'g', prec, 64)
			distinct = distinct && !seen[ticks[i].Label]
			seen[ticks[i].Label] = true
		}
		if distinct {
			break
		}
	}
	return ticks
}

// drawable reports whether y can be drawn: finite, and small enough that the axis range
// does not overflow (gonum/plot's tick search never ends on an infinite range).
func drawable(y float64) bool { return finite(y) && math.Abs(y) <= maxDrawable }

const maxDrawable = 1e300

// wholeTicks mark whole numbers (steps, counts): every one on a short range, round
// numbers on a long one.
type wholeTicks struct{}

func (wholeTicks) Ticks(lo, hi float64) []plot.Tick {
	first, last := math.Ceil(lo), math.Floor(hi)
	every := 1.0
	for _, e := range []float64{1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000} {
		every = e
		if (last-first)/e <= 8 {
			break
		}
	}
	var ticks []plot.Tick
	for x := math.Ceil(first/every) * every; x <= last && len(ticks) < 100; x += every {
		ticks = append(ticks, plot.Tick{Value: x, Label: strconv.FormatFloat(x, 'f', 0, 64)})
	}
	return ticks
}

// addCurve draws the finite points of ys against their step, returning the line for the
// legend (nil when there is no finite point).
func addCurve(p *plot.Plot, label string, ys []float64, c color.Color, dashes []vg.Length, dots bool) *plotter.Line {
	pts := make(plotter.XYs, 0, len(ys))
	for k, y := range ys {
		if drawable(y) {
			pts = append(pts, plotter.XY{X: float64(k), Y: y})
		}
	}
	if len(pts) == 0 {
		return nil
	}
	line, _ := plotter.NewLine(pts)
	line.Color = c
	line.Width = vg.Points(1.5)
	line.Dashes = dashes
	p.Add(line)
	if dots && len(pts) <= 200 {
		s, _ := plotter.NewScatter(pts)
		s.Color = c
		s.Radius = vg.Points(1.8)
		s.Shape = draw.CircleGlyph{}
		p.Add(s)
	}
	return line
}

// sanitize keeps text drawn in a figure printable: control characters and bidirectional
// overrides become spaces.
func sanitize(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || unicode.Is(unicode.Bidi_Control, r) {
			return ' '
		}
		return r
	}, s)
}
