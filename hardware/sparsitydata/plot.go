package sparsitydata

import (
	"bytes"
	"fmt"
	"image/color"
	"slices"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// domainColors keep a domain's colour the same in every figure.
var domainColors = map[string]color.RGBA{
	DomainPhoto:    {R: 0x1f, G: 0x77, B: 0xb4, A: 0xff},
	DomainLowLight: {R: 0xd6, G: 0x27, B: 0x28, A: 0xff},
}

// DepthPlot draws the model's sparsity by depth across inputs: per domain
// the mean over inputs as a line and the band from the 10th to the 90th
// percentile, against the layer index. format is "svg", "png" or "pdf".
func (m *Model) DepthPlot(format string) ([]byte, error) {
	p := plot.New()
	p.Title.Text = fmt.Sprintf("%s: input activation sparsity by depth (%d inputs)", m.Name, len(m.Inputs))
	p.X.Label.Text = "layer (execution order)"
	p.Y.Label.Text = "fraction of zeros in the layer's input"
	p.Y.Min, p.Y.Max = 0, 1
	p.Legend.Top, p.Legend.Left = true, true
	for _, dom := range m.Domains() {
		col, ok := domainColors[dom]
		if !ok {
			col = color.RGBA{A: 0xff}
		}
		mean := make(plotter.XYs, len(m.Layers))
		lo, hi := make(plotter.XYs, len(m.Layers)), make(plotter.XYs, len(m.Layers))
		for i := range m.Layers {
			c := m.Column(i, dom)
			slices.Sort(c)
			var s float64
			for _, x := range c {
				s += x
			}
			x := float64(i)
			mean[i] = plotter.XY{X: x, Y: s / float64(len(c))}
			lo[i] = plotter.XY{X: x, Y: Quantile(c, 0.1)}
			hi[i] = plotter.XY{X: x, Y: Quantile(c, 0.9)}
		}
		band := append(slices.Clone(lo), reversed(hi)...)
		poly, err := plotter.NewPolygon(band)
		if err != nil {
			return nil, err
		}
		// Non-premultiplied: a translucent band of the domain's colour.
		poly.Color = color.NRGBA{R: col.R, G: col.G, B: col.B, A: 0x50}
		poly.LineStyle.Width = 0
		poly.LineStyle.Color = color.Transparent
		line, err := plotter.NewLine(mean)
		if err != nil {
			return nil, err
		}
		line.Color, line.Width = col, vg.Points(1.5)
		p.Add(poly, line)
		p.Legend.Add(fmt.Sprintf("%s: mean, 10th–90th percentile", dom), line, poly)
	}
	w, h := 18*vg.Centimeter, 10*vg.Centimeter
	cw, err := draw.NewFormattedCanvas(w, h, format)
	if err != nil {
		return nil, err
	}
	p.Draw(draw.New(cw))
	var buf bytes.Buffer
	if _, err := cw.WriteTo(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// Quantile is the type-7 quantile q ∈ [0, 1] of sorted xs (SPEC §3.1's
// interpolation).
func Quantile(sorted []float64, q float64) float64 {
	if len(sorted) == 1 {
		return sorted[0]
	}
	h := q * float64(len(sorted)-1)
	i := int(h)
	if i >= len(sorted)-1 {
		return sorted[len(sorted)-1]
	}
	return sorted[i] + (h-float64(i))*(sorted[i+1]-sorted[i])
}

func reversed(xs plotter.XYs) plotter.XYs {
	out := slices.Clone(xs)
	slices.Reverse(out)
	return out
}
