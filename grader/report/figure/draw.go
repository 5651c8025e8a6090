package figure

import (
	"fmt"
	"image/color"
	"io"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// Formats are the file formats Render writes.
var Formats = []string{"svg", "png", "pdf"}

// Size is the size a figure is drawn at.
func (f *Figure) Size() (w, h vg.Length) {
	if len(f.Runs) > 0 {
		return 10 * vg.Inch, 7 * vg.Inch
	}
	return 8 * vg.Inch, 4.5 * vg.Inch
}

// Render draws the figure in format ("svg", "png" or "pdf") to w.
func (f *Figure) Render(w io.Writer, format string) error {
	width, height := f.Size()
	c, err := newCanvas(width, height, format)
	if err != nil {
		return err
	}
	f.Draw(draw.New(c))
	_, err = c.WriteTo(w)
	return err
}

func newCanvas(w, h vg.Length, format string) (vg.CanvasWriterTo, error) {
	for _, f := range Formats {
		if f == format {
			return draw.NewFormattedCanvas(w, h, format)
		}
	}
	return nil, fmt.Errorf("figure: unknown format %q (formats: svg, png, pdf)", format)
}

// Draw draws the figure on dc.
func (f *Figure) Draw(dc draw.Canvas) {
	fillWhite(dc)
	title := plot.New().Title.TextStyle
	title.Font.Size = 14
	title.XAlign, title.YAlign = draw.XCenter, draw.YTop
	dc.FillText(title, vg.Point{X: (dc.Min.X + dc.Max.X) / 2, Y: dc.Max.Y - vg.Millimeter}, f.Title)
	dc.Max.Y -= title.Height(f.Title) + 3*vg.Millimeter

	if len(f.Runs) == 0 {
		drawWithLegend(linePlot("", f.XLabel, f.YLabel, f.Series, false), dc)
		return
	}
	top, bottom := dc, dc
	split := dc.Min.Y + 0.42*(dc.Max.Y-dc.Min.Y)
	top.Min.Y, bottom.Max.Y = split+2*vg.Millimeter, split-2*vg.Millimeter

	paths := make([]*plot.Plot, len(f.Runs))
	losses := make([]Series, len(f.Runs))
	for i, r := range f.Runs {
		paths[i] = pathPlot(f.Problem.Func, r, i)
		losses[i] = lossSeries(r.Label, r.Loss)
	}
	tiles := draw.Tiles{Rows: 1, Cols: len(paths), PadX: 4 * vg.Millimeter}
	for i, c := range plot.Align([][]*plot.Plot{paths}, tiles, top)[0] {
		paths[i].Draw(c)
	}
	drawWithLegend(linePlot("loss per step", "step k", "loss", losses, true), bottom)
}

// lossSeries is a loss curve against the step number.
func lossSeries(label string, loss []float64) Series {
	s := Series{Label: label, Y: loss}
	for k := range loss {
		s.X = append(s.X, float64(k))
	}
	return s
}

// pathPlot draws run i's path over the contours of loss around it.
func pathPlot(loss func([]float64) float64, r Run, i int) *plot.Plot {
	p := plot.New()
	p.Title.Text = r.Label
	if r.Diagnosis != "" {
		p.Title.Text += ": " + r.Diagnosis
	}
	p.X.Label.Text, p.Y.Label.Text = "w₁", "w₂"
	pts := make(plotter.XYs, 0, len(r.W))
	for _, w := range r.W {
		if len(w) >= 2 && finite(w[0]) && finite(w[1]) {
			pts = append(pts, plotter.XY{X: w[0], Y: w[1]})
		}
	}
	if len(pts) == 0 {
		return p
	}
	x0, x1, y0, y1 := bounds(pts)
	grid := newGrid(loss, x0, x1, y0, y1)
	contour := plotter.NewContour(grid, grid.levels(), nil)
	contour.LineStyles = []draw.LineStyle{{Color: color.Gray{Y: 190}, Width: vg.Points(0.6)}}
	p.Add(contour)
	line, _ := plotter.NewLine(pts)
	line.Color = plotutil.Color(i)
	line.Width = vg.Points(1.2)
	dots, _ := plotter.NewScatter(pts)
	dots.Color = plotutil.Color(i)
	dots.Radius = vg.Points(1.6)
	dots.Shape = draw.CircleGlyph{}
	start, _ := plotter.NewScatter(pts[:1])
	start.Color = color.Black
	start.Radius = vg.Points(3)
	start.Shape = draw.RingGlyph{}
	p.Add(line, dots, start)
	p.X.Min, p.X.Max, p.Y.Min, p.Y.Max = x0, x1, y0, y1
	return p
}

// linePlot draws series as lines with a legend, on a log scale for y when logY is set
// and every value is positive; points that are not finite (or not positive on a log
// scale) are left out.
func linePlot(title, xlabel, ylabel string, series []Series, logY bool) *plot.Plot {
	p := plot.New()
	p.Title.Text, p.X.Label.Text, p.Y.Label.Text = title, xlabel, ylabel
	p.Add(plotter.NewGrid())
	if logY {
		for _, s := range series {
			for _, y := range s.Y {
				if drawable(y) && y <= 0 {
					logY = false
				}
			}
		}
	}
	if logY {
		p.Y.Scale = plot.LogScale{}
		p.Y.Tick.Marker = plot.LogTicks{Prec: -1}
	}
	for i, s := range series {
		pts := make(plotter.XYs, 0, len(s.Y))
		for k, y := range s.Y {
			if drawable(y) && drawable(s.X[k]) {
				pts = append(pts, plotter.XY{X: s.X[k], Y: y})
			}
		}
		if len(pts) == 0 {
			continue
		}
		line, _ := plotter.NewLine(pts)
		line.Color = plotutil.Color(i)
		line.Width = vg.Points(1.5)
		line.Dashes = plotutil.Dashes(i)
		p.Add(line)
		p.Legend.Add(s.Label, line)
	}
	return p
}

// drawWithLegend draws p on dc with its legend below the plot, where it hides no data.
func drawWithLegend(p *plot.Plot, dc draw.Canvas) {
	l := p.Legend
	p.Legend = plot.NewLegend()
	l.Top, l.Left = true, true
	r := l.Rectangle(dc)
	h := r.Max.Y - r.Min.Y + l.TextStyle.FontExtents().Descent + vg.Millimeter
	area := dc
	area.Min.Y += h + 2*vg.Millimeter
	p.Draw(area)
	legend := dc
	legend.Max.Y = dc.Min.Y + h
	legend.Min.X += 12 * vg.Millimeter
	l.Draw(legend)
}

// bounds is the box around the points and the origin, padded by a tenth on every side.
func bounds(pts plotter.XYs) (x0, x1, y0, y1 float64) {
	x0, x1, y0, y1 = 0, 0, 0, 0
	for _, q := range pts {
		x0, x1 = math.Min(x0, q.X), math.Max(x1, q.X)
		y0, y1 = math.Min(y0, q.Y), math.Max(y1, q.Y)
	}
	dx, dy := 0.1*(x1-x0), 0.1*(y1-y0)
	if dx == 0 {
		dx = 1
	}
	if dy == 0 {
		dy = 1
	}
	return x0 - dx, x1 + dx, y0 - dy, y1 + dy
}

// grid samples a loss of two weights on a regular grid for the contour plotter.
type grid struct {
	x, y []float64
	z    [][]float64 // z[c][r] = loss(x[c], y[r])
	max  float64
}

var _ plotter.GridXYZ = (*grid)(nil)

const gridN = 60

func newGrid(loss func([]float64) float64, x0, x1, y0, y1 float64) *grid {
	g := &grid{x: make([]float64, gridN), y: make([]float64, gridN), z: make([][]float64, gridN)}
	for i := range gridN {
		g.x[i] = x0 + (x1-x0)*float64(i)/(gridN-1)
		g.y[i] = y0 + (y1-y0)*float64(i)/(gridN-1)
	}
	for c := range gridN {
		g.z[c] = make([]float64, gridN)
		for r := range gridN {
			z := loss([]float64{g.x[c], g.y[r]})
			g.z[c][r] = z
			if finite(z) {
				g.max = math.Max(g.max, z)
			}
		}
	}
	return g
}

func (g *grid) Dims() (c, r int)   { return len(g.x), len(g.y) }
func (g *grid) Z(c, r int) float64 { return g.z[c][r] }
func (g *grid) X(c int) float64    { return g.x[c] }
func (g *grid) Y(r int) float64    { return g.y[r] }
func (g *grid) levels() []float64 {
	var ls []float64
	for l := g.max * 0.6; l > g.max*1e-4 && len(ls) < 12; l *= 0.45 {
		ls = append([]float64{l}, ls...)
	}
	return ls
}

func fillWhite(dc draw.Canvas) {
	dc.SetColor(color.White)
	dc.Fill(dc.Rectangle.Path())
}

func finite(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }
