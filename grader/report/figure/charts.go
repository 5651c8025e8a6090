package figure

import (
	"image/color"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// Bar is one bar of a chart.
type Bar struct {
	Label string
	Value float64
}

var barColor = color.RGBA{R: 0x1f, G: 0x6f, B: 0xc5, A: 0xff}

// BarsSVG draws a bar chart as an inline SVG element (see Compare.SVG): vertical bars with
// their labels below (a histogram), or, when horizontal, one bar per row with its label on
// the left (long names). valueLabel names the value axis; valueMax, when positive, fixes
// the value axis's end (1 for rates); otherwise the values are counts, ticked at whole
// numbers.
func BarsSVG(title, valueLabel string, bars []Bar, horizontal bool, valueMax float64) []byte {
	w, h := 6*vg.Inch, 3*vg.Inch
	if horizontal {
		h = vg.Length(len(bars))*0.32*vg.Inch + 1.1*vg.Inch
	}
	return inlineSVG(w, h, title, func(dc draw.Canvas) {
		p := plot.New()
		p.Title.Text = sanitize(title)
		values := make(plotter.Values, len(bars))
		labels := make([]string, len(bars))
		for i, b := range bars {
			values[i], labels[i] = b.Value, sanitize(b.Label)
			if !finite(b.Value) {
				values[i] = 0
			}
		}
		if len(bars) == 0 {
			p.Draw(dc)
			return
		}
		width := vg.Length(0.6) * (w - vg.Inch) / vg.Length(len(bars))
		if horizontal {
			width = 0.2 * vg.Inch
		}
		chart, _ := plotter.NewBarChart(values, width)
		chart.Color = barColor
		chart.LineStyle.Width = 0
		chart.Horizontal = horizontal
		p.Add(plotter.NewGrid(), chart)
		if horizontal {
			p.NominalY(labels...)
			p.X.Label.Text = valueLabel
			p.X.Min = 0
			if valueMax > 0 {
				p.X.Max = valueMax
			} else {
				p.X.Tick.Marker = wholeTicks{}
			}
		} else {
			p.NominalX(labels...)
			p.Y.Label.Text = valueLabel
			p.Y.Min = 0
			if valueMax > 0 {
				p.Y.Max = valueMax
			} else {
				p.Y.Tick.Marker = wholeTicks{}
			}
		}
		p.Draw(dc)
	})
}

// CurvesSVG draws series against the step as an inline SVG element (see Compare.SVG), on a
// log scale when logY is set and every value is positive: the training curve a student
// was asked to diagnose, or its weights.
func CurvesSVG(title string, series []Series, logY bool) []byte {
	return inlineSVG(CompareWidth, CompareHeight, title, func(dc draw.Canvas) {
		for i := range series {
			series[i].Label = sanitize(series[i].Label)
		}
		p := linePlot(sanitize(title), "step", "", series, logY)
		p.X.Tick.Marker = wholeTicks{}
		drawWithLegend(p, dc)
	})
}
