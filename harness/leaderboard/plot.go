package leaderboard

import (
	"bytes"
	"fmt"
	"image/color"
	"math"
	"regexp"
	"strconv"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
)

// CDF is the distribution of normalized turnaround of each scheduler at one
// operating point, pooled over seeds.
type CDF struct {
	Scenario string
	Point    string
	Curves   []Curve
}

// Curve is one scheduler's sorted sample (downsampled to quantiles).
type Curve struct {
	Scheduler string
	Sorted    []float64
}

// Figure is one plot, rendered as SVG and PNG.
type Figure struct {
	Name  string // file stem, e.g. "tradeoff-toy-v1-busy"
	Title string
	SVG   []byte
	PNG   []byte
}

var unsafeChars = regexp.MustCompile(`[^a-z0-9.]+`)

func stem(parts ...string) string {
	s := strings.ToLower(strings.Join(parts, "-"))
	return strings.Trim(unsafeChars.ReplaceAllString(s, "-"), "-")
}

// Plots draws the figures of a board: per operating point the violation
// rate vs ANTT trade-off with 95% whiskers and the CDF of normalized
// turnaround; per scenario violation rate and ANTT across each sweep.
// done, when not nil, is called after each figure (for a progress bar).
func Plots(b *Standings, cdfs []CDF, done func()) ([]Figure, error) {
	var figs []Figure
	add := func(name, title string, p *plot.Plot, leg *plot.Legend, w, h vg.Length) error {
		f := Figure{Name: name, Title: title}
		for _, format := range []string{"svg", "png"} {
			b, err := render(p, leg, w, h, format)
			if err != nil {
				return fmt.Errorf("%s.%s: %w", name, format, err)
			}
			if format == "svg" {
				f.SVG = b
			} else {
				f.PNG = b
			}
		}
		figs = append(figs, f)
		if done != nil {
			done()
		}
		return nil
	}
	for _, t := range b.OperatingTables() {
		p, err := tradeoff(t)
		if err != nil {
			return nil, err
		}
		if err := add(stem("tradeoff", t.Scenario, t.Point), "Trade-off: "+t.Heading(), p, nil, figWidth, 10*vg.Centimeter); err != nil {
			return nil, err
		}
	}
	order, sweeps := b.sweeps()
	for _, k := range order {
		for _, m := range []Metric{ViolationRate, ANTT} {
			p, leg, err := sweepPlot(sweeps[k], k.sweep, m)
			if err != nil {
				return nil, err
			}
			title := fmt.Sprintf("%s across sweep %s: %s", Metrics[m].Title, k.sweep, k.scen)
			if err := add(stem("sweep", k.scen, k.sweep, Metrics[m].Key), title, p, leg, figWidth, 9*vg.Centimeter); err != nil {
				return nil, err
			}
		}
	}
	for _, c := range cdfs {
		p, leg := cdfPlot(c)
		if err := add(stem("cdf", c.Scenario, c.Point), "CDF of normalized turnaround: "+c.Scenario+" — "+c.Point, p, leg,
			figWidth, 9*vg.Centimeter); err != nil {
			return nil, err
		}
	}
	return figs, nil
}

// sweepKey names one sweep of one scenario.
type sweepKey struct{ scen, sweep string }

// sweeps groups the sweep tables by scenario and sweep, in order of
// appearance.
func (b *Standings) sweeps() ([]sweepKey, map[sweepKey][]*Table) {
	var order []sweepKey
	sweeps := map[sweepKey][]*Table{}
	for i := range b.Tables {
		t := &b.Tables[i]
		if t.Sweep == "" {
			continue
		}
		k := sweepKey{t.Scenario, t.Sweep}
		if _, ok := sweeps[k]; !ok {
			order = append(order, k)
		}
		sweeps[k] = append(sweeps[k], t)
	}
	return order, sweeps
}

// NumPlots is the number of figures Plots draws.
func NumPlots(b *Standings, cdfs []CDF) int {
	order, _ := b.sweeps()
	return len(b.OperatingTables()) + 2*len(order) + len(cdfs)
}

// render draws a plot in format ("svg" or "png"). A legend, when given,
// goes in a column right of the plot, level with the top of the data
// area, where it cannot hide any curve.
func render(p *plot.Plot, leg *plot.Legend, w, h vg.Length, format string) ([]byte, error) {
	var cw vg.CanvasWriterTo
	if format == "png" {
		cw = vgimg.PngCanvas{Canvas: vgimg.NewWith(vgimg.UseWH(w, h), vgimg.UseDPI(pngDPI))}
	} else {
		var err error
		if cw, err = draw.NewFormattedCanvas(w, h, format); err != nil {
			return nil, err
		}
	}
	dc := draw.New(cw)
	if leg == nil {
		p.Draw(dc)
	} else {
		gap := vg.Points(6)
		lw := leg.Rectangle(dc).Size().X + gap
		p.Draw(draw.Crop(dc, 0, -lw, 0, 0))
		top := vg.Length(0)
		if p.Title.Text != "" {
			top = p.Title.TextStyle.Rectangle(p.Title.Text).Size().Y + p.Title.Padding
		}
		leg.Top, leg.Left = true, true
		leg.Draw(draw.Crop(dc, w-lw+gap, 0, 0, -top))
	}
	var buf bytes.Buffer
	if _, err := cw.WriteTo(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

const (
	// figWidth is the width of every figure: with gonum's default fonts
	// (10–12 pt) the text stays legible when a page scales the SVG down to
	// a phone's width.
	figWidth = 13 * vg.Centimeter
	// pngDPI renders the PNG files at twice the screen resolution, sharp
	// enough for a paper.
	pngDPI = 192
	// labelSize is the font size of point labels and legends.
	labelSize = 8.5
)

func newLegend() *plot.Legend {
	l := plot.NewLegend()
	l.TextStyle.Font.Size = vg.Points(labelSize)
	l.ThumbnailWidth = vg.Points(18)
	return &l
}

// errPoints is scheduler means with their 95% intervals on both axes.
type errPoints struct {
	x, y     []float64
	xlo, xhi []float64
	ylo, yhi []float64
	labels   []string
	oracle   []bool
}

func (e *errPoints) Len() int                    { return len(e.x) }
func (e *errPoints) XY(i int) (float64, float64) { return e.x[i], e.y[i] }
func (e *errPoints) XError(i int) (float64, float64) {
	return math.Max(0, e.x[i]-e.xlo[i]), math.Max(0, e.xhi[i]-e.x[i])
}
func (e *errPoints) YError(i int) (float64, float64) {
	return math.Max(0, e.y[i]-e.ylo[i]), math.Max(0, e.yhi[i]-e.y[i])
}

func tradeoff(t *Table) (*plot.Plot, error) {
	p := plot.New()
	p.Title.Text = t.Heading()
	p.X.Label.Text = "ANTT (mean, 95% interval)"
	p.Y.Label.Text = "SLO violation rate, % (mean, 95% interval)"
	p.X.Tick.Marker, p.Y.Tick.Marker = plainTicks{}, plainTicks{}
	p.Add(plotter.NewGrid())
	pts := &errPoints{}
	for _, r := range append(append([]Row(nil), t.Ranked...), t.Oracles...) {
		a, v := r.Cells[ANTT], r.Cells[ViolationRate]
		if !finite(a.Center) || !finite(v.Center) {
			continue
		}
		// Whiskers stop at the possible range (few seeds make wide
		// intervals): a turnaround is never below the isolated latency
		// (NTT ≥ 1), a rate is within 0–100%.
		pts.x = append(pts.x, a.Center)
		pts.xlo = append(pts.xlo, math.Max(1, orSelf(a.Lo, a.Center)))
		pts.xhi = append(pts.xhi, orSelf(a.Hi, a.Center))
		pts.y = append(pts.y, 100*v.Center)
		pts.ylo = append(pts.ylo, 100*math.Max(0, orSelf(v.Lo, v.Center)))
		pts.yhi = append(pts.yhi, 100*math.Min(1, orSelf(v.Hi, v.Center)))
		name := r.Scheduler
		if r.Oracle {
			name += " (oracle)"
		}
		pts.labels = append(pts.labels, name)
		pts.oracle = append(pts.oracle, r.Oracle)
	}
	if pts.Len() == 0 {
		return p, nil
	}
	xe, err := plotter.NewXErrorBars(pts)
	if err != nil {
		return nil, err
	}
	ye, err := plotter.NewYErrorBars(pts)
	if err != nil {
		return nil, err
	}
	xe.Color, ye.Color = color.Gray{Y: 120}, color.Gray{Y: 120}
	sc, err := plotter.NewScatter(pts)
	if err != nil {
		return nil, err
	}
	sc.GlyphStyleFunc = func(i int) draw.GlyphStyle {
		gs := draw.GlyphStyle{Color: plotutil.Color(0), Radius: vg.Points(3), Shape: draw.CircleGlyph{}}
		if pts.oracle[i] {
			gs.Color, gs.Shape = plotutil.Color(1), draw.PyramidGlyph{}
		}
		return gs
	}
	lbl := &pointLabels{XYs: xyOf(pts), Labels: pts.labels, Clear: vg.Points(3.5)}
	lbl.TextStyle = plot.NewLegend().TextStyle
	lbl.TextStyle.Font.Size = vg.Points(labelSize)
	p.Add(xe, ye, sc, lbl)
	return p, nil
}

// pointLabels labels scatter points without overlaps. In order, each
// label takes the first free spot on rings of growing radius around its
// point — free: inside the data area and clear of the labels placed so
// far and of every point's glyph — and is joined to its point by a thin
// leader line when it had to move away from it.
type pointLabels struct {
	XYs       plotter.XYs
	Labels    []string
	TextStyle text.Style
	Clear     vg.Length // radius around each point kept free of labels
}

// labelRings are the distances (in points, from a glyph's edge) tried
// for a label, and labelAngles the directions, in order of preference.
var (
	labelRings  = []float64{2, 8, 15, 24, 35, 48, 63, 80, 100, 125}
	labelAngles = []float64{0, 45, -45, 90, -90, 180, 135, -135, 22.5, -22.5, 67.5, -67.5, 157.5, -157.5, 112.5, -112.5}
)

// labelSpot is where a label went.
type labelSpot struct {
	text   string
	point  vg.Point // the labelled point
	style  text.Style
	anchor vg.Point
	rect   vg.Rectangle // the text's box
	leader bool         // joined to its point by a line
}

// Plot implements plot.Plotter.
func (l *pointLabels) Plot(c draw.Canvas, p *plot.Plot) {
	leader := draw.LineStyle{Color: color.Gray{Y: 100}, Width: vg.Points(0.5)}
	for _, s := range l.layout(c, p) {
		if s.leader {
			end := vg.Point{X: clampLen(s.point.X, s.rect.Min.X, s.rect.Max.X), Y: clampLen(s.point.Y, s.rect.Min.Y, s.rect.Max.Y)}
			c.StrokeLine2(leader, s.point.X, s.point.Y, end.X, end.Y)
		}
		// A light backing keeps the text readable over whiskers and grid.
		c.SetColor(color.NRGBA{R: 255, G: 255, B: 255, A: 200})
		c.Fill(s.rect.Path())
		c.FillText(s.style, s.anchor, s.text)
	}
}

// layout places every non-empty label (see pointLabels).
func (l *pointLabels) layout(c draw.Canvas, p *plot.Plot) []labelSpot {
	trX, trY := p.Transforms(&c)
	pts := make([]vg.Point, len(l.XYs))
	var taken []vg.Rectangle
	for i, xy := range l.XYs {
		pts[i] = vg.Point{X: trX(xy.X), Y: trY(xy.Y)}
		d := vg.Point{X: l.Clear, Y: l.Clear}
		taken = append(taken, vg.Rectangle{Min: pts[i].Sub(d), Max: pts[i].Add(d)})
	}
	free := func(r vg.Rectangle) bool {
		if r.Min.X < c.Min.X || r.Max.X > c.Max.X || r.Min.Y < c.Min.Y || r.Max.Y > c.Max.Y {
			return false
		}
		for _, o := range taken {
			if overlaps(r, o) {
				return false
			}
		}
		return true
	}
	var spots []labelSpot
	for i, label := range l.Labels {
		if label == "" {
			continue
		}
		spot := labelSpot{text: label, point: pts[i]}
		ring := -1
	search:
		for k, d := range labelRings {
			for _, deg := range labelAngles {
				sty, a, r := l.place(pts[i], label, vg.Points(d)+l.Clear, deg)
				if free(r) {
					spot.style, spot.anchor, spot.rect, ring = sty, a, r, k
					break search
				}
			}
		}
		if ring < 0 { // nowhere free: right of the point, overlapping
			spot.style, spot.anchor, spot.rect = l.place(pts[i], label, vg.Points(labelRings[0])+l.Clear, 0)
		}
		spot.leader = ring > 1
		taken = append(taken, spot.rect)
		spots = append(spots, spot)
	}
	return spots
}

func overlaps(a, b vg.Rectangle) bool {
	return a.Min.X < b.Max.X && b.Min.X < a.Max.X && a.Min.Y < b.Max.Y && b.Min.Y < a.Max.Y
}

// place puts a label at distance d from pt in direction deg (degrees,
// counterclockwise from the right), aligned so that the text extends away
// from the point; it returns the style, the anchor and the text's box.
func (l *pointLabels) place(pt vg.Point, label string, d vg.Length, deg float64) (text.Style, vg.Point, vg.Rectangle) {
	rad := deg * math.Pi / 180
	dx, dy := math.Cos(rad), math.Sin(rad)
	sty := l.TextStyle
	sty.XAlign = text.XAlignment(-(1 - dx) / 2)
	sty.YAlign = text.YAlignment(-(1 - dy) / 2)
	anchor := vg.Point{X: pt.X + d*vg.Length(dx), Y: pt.Y + d*vg.Length(dy)}
	return sty, anchor, sty.Rectangle(label).Add(anchor)
}

func clampLen(x, lo, hi vg.Length) vg.Length { return max(lo, min(hi, x)) }

func xyOf(e *errPoints) plotter.XYs {
	xy := make(plotter.XYs, e.Len())
	for i := range xy {
		xy[i].X, xy[i].Y = e.x[i], e.y[i]
	}
	return xy
}

func sweepPlot(ts []*Table, sweep string, m Metric) (*plot.Plot, *plot.Legend, error) {
	p := plot.New()
	p.Title.Text = fmt.Sprintf("%s — %s across %s", ts[0].Scenario, Metrics[m].Title, sweep)
	xOf := func(t *Table) float64 { return t.SLOMult }
	p.X.Label.Text = "SLO multiplier"
	if sweep == "rate" {
		xOf = func(t *Table) float64 { return t.Rate }
		p.X.Label.Text = "arrival rate, requests/s"
	}
	p.Y.Label.Text = Metrics[m].Title + " (mean over seeds)"
	p.X.Tick.Marker, p.Y.Tick.Marker = plainTicks{}, plainTicks{}
	scale := 1.0
	if m == ViolationRate {
		p.Y.Label.Text = "SLO violation rate, % (mean over seeds)"
		scale = 100
	}
	p.Add(plotter.NewGrid())
	leg := newLegend()
	// One line per scheduler, in the order of the first table's rows.
	var names []string
	series := map[string]plotter.XYs{}
	for _, t := range ts {
		for _, r := range t.Rows() {
			if r.Error != "" || !finite(r.Cells[m].Center) {
				continue
			}
			if _, ok := series[r.Scheduler]; !ok {
				names = append(names, r.Scheduler)
			}
			series[r.Scheduler] = append(series[r.Scheduler], plotter.XY{X: xOf(t), Y: scale * r.Cells[m].Center})
		}
	}
	for i, n := range names {
		l, s, err := plotter.NewLinePoints(series[n])
		if err != nil {
			return nil, nil, err
		}
		l.Color, s.Color = plotutil.Color(i), plotutil.Color(i)
		l.Dashes = plotutil.Dashes(i / len(plotutil.DefaultColors))
		s.Shape = plotutil.Shape(i)
		p.Add(l, s)
		leg.Add(n, l, s)
	}
	return p, leg, nil
}

func cdfPlot(c CDF) (*plot.Plot, *plot.Legend) {
	p := plot.New()
	p.Title.Text = c.Scenario + " — " + c.Point
	p.X.Label.Text = "normalized turnaround time (log scale)"
	p.Y.Label.Text = "fraction of requests"
	// The x axis is linear in log10(NTT) with decade ticks: gonum's
	// LogScale centres the axis label on the arithmetic middle of the
	// range, which squeezes the plot to make room for it.
	p.X.Tick.Marker = log10Ticks{}
	p.Y.Min, p.Y.Max = 0, 1
	p.Y.Tick.Marker = plot.ConstantTicks([]plot.Tick{{Value: 0, Label: "0"}, {Value: 0.25, Label: "0.25"},
		{Value: 0.5, Label: "0.5"}, {Value: 0.75, Label: "0.75"}, {Value: 1, Label: "1"}})
	p.Add(plotter.NewGrid())
	leg := newLegend()
	for i, cv := range c.Curves {
		var xy plotter.XYs
		n := len(cv.Sorted)
		for j, x := range cv.Sorted {
			if x > 0 && finite(x) {
				xy = append(xy, plotter.XY{X: math.Log10(x), Y: float64(j+1) / float64(n)})
			}
		}
		if len(xy) == 0 {
			continue
		}
		l, err := plotter.NewLine(xy)
		if err != nil {
			continue
		}
		l.Color = plotutil.Color(i)
		l.Dashes = plotutil.Dashes(i / len(plotutil.DefaultColors))
		p.Add(l)
		leg.Add(cv.Scheduler, l)
	}
	return p, leg
}

// plainTicks are gonum's default ticks labelled without trailing zeros
// (25, 2.5 rather than 25.00, 2.50).
type plainTicks struct{}

// Ticks implements plot.Ticker.
func (plainTicks) Ticks(min, max float64) []plot.Tick {
	ticks := plot.DefaultTicks{}.Ticks(min, max)
	for i := range ticks {
		if ticks[i].Label != "" {
			ticks[i].Label = strconv.FormatFloat(ticks[i].Value, 'g', 10, 64)
		}
	}
	return ticks
}

// log10Ticks marks an axis of log10 values with its decades, labelled
// 1, 10, 100…, and minor ticks at 2–9 times each (labelled too when the
// axis spans less than a decade).
type log10Ticks struct{}

// Ticks implements plot.Ticker.
func (log10Ticks) Ticks(min, max float64) []plot.Tick {
	var ticks []plot.Tick
	for d := math.Floor(min); d <= math.Ceil(max); d++ {
		for k := 1; k <= 9; k++ {
			v := d + math.Log10(float64(k))
			if v < min-1e-9 || v > max+1e-9 {
				continue
			}
			t := plot.Tick{Value: v}
			if k == 1 || max-min < 1 {
				prec := 0 // 1, 20, 300
				if d < 0 {
					prec = int(-d) // 0.1, 0.02
				}
				t.Label = strconv.FormatFloat(float64(k)*math.Pow(10, d), 'f', prec, 64)
			}
			ticks = append(ticks, t)
		}
	}
	return ticks
}

func finite(x float64) bool { return x == x && x-x == 0 }

func orSelf(x, self float64) float64 {
	if finite(x) {
		return x
	}
	return self
}

// Quantiles downsamples a sorted sample to at most n evenly spaced order
// statistics (the last one always kept), for CDF curves.
func Quantiles(sorted []float64, n int) []float64 {
	if len(sorted) <= n {
		return append([]float64(nil), sorted...)
	}
	out := make([]float64, n)
	for i := range out {
		out[i] = sorted[(i+1)*len(sorted)/n-1]
	}
	return out
}
