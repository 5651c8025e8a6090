package figure

import (
	"bytes"
	"testing"

	"gonum.org/v1/plot/vg/draw"
)

// A plot that panics while drawing becomes a note, never a crashed report.
func TestInlineSVGRecovers(t *testing.T) {
	svg := inlineSVG(CompareWidth, CompareHeight, "w[0]", func(dc draw.Canvas) { panic("illegal range") })
	if !bytes.Contains(svg, []byte("w[0]: these values cannot be drawn")) || !bytes.HasSuffix(bytes.TrimSpace(svg), []byte("</svg>")) {
		t.Errorf("no note in the SVG: %s", svg)
	}
}
