package leaderboard

import (
	"bytes"
	"fmt"
	"image/color"
	"regexp"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
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
func Plots(b *Board, cdfs []CDF) ([]Figure, error) {
	var figs []Figure
	add := func(name, title string, p *plot.Plot, w, h vg.Length) error {
		f := Figure{Name: name, Title: title}
		for _, format := range []string{"svg", "png"} {
			wt, err := p.WriterTo(w, h, format)
			if err != nil {
				return err
			}
			var buf bytes.Buffer
			if _, err := wt.WriteTo(&buf); err != nil {
				return fmt.Errorf("%s.%s: %w", name, format, err)
			}
			if format == "svg" {
				f.SVG = buf.Bytes()
			} else {
				f.PNG = buf.Bytes()
			}
		}
		figs = append(figs, f)
		return nil
	}
	for _, t := range b.OperatingTables() {
		p, err := tradeoff(t)
		if err != nil {
			return nil, err
		}
		if err := add(stem("tradeoff", t.Scenario, t.Point), "Trade-off: "+t.Heading(), p, 16*vg.Centimeter, 12*vg.Centimeter); err != nil {
			return nil, err
		}
	}
	// Sweeps, per scenario in order of appearance.
	type key struct{ scen, sweep string }
	var order []key
	sweeps := map[key][]*Table{}
	for i := range b.Tables {
		t := &b.Tables[i]
		if t.Sweep == "" {
			continue
		}
		k := key{t.Scenario, t.Sweep}
		if _, ok := sweeps[k]; !ok {
			order = append(order, k)
		}
		sweeps[k] = append(sweeps[k], t)
	}
	for _, k := range order {
		for _, m := range []Metric{ViolationRate, ANTT} {
			p, err := sweepPlot(sweeps[k], k.sweep, m)
			if err != nil {
				return nil, err
			}
			title := fmt.Sprintf("%s across sweep %s: %s", Metrics[m].Title, k.sweep, k.scen)
			if err := add(stem("sweep", k.scen, k.sweep, Metrics[m].Key), title, p, 16*vg.Centimeter, 11*vg.Centimeter); err != nil {
				return nil, err
			}
		}
	}
	for _, c := range cdfs {
		p := cdfPlot(c)
		if err := add(stem("cdf", c.Scenario, c.Point), "CDF of normalized turnaround: "+c.Scenario+" — "+c.Point, p,
			16*vg.Centimeter, 11*vg.Centimeter); err != nil {
			return nil, err
		}
	}
	return figs, nil
}

// errPoints is scheduler means with their 95% intervals on both axes.
type errPoints struct {
	x, y     []float64
	xlo, xhi []float64
	ylo, yhi []float64
	labels   []string
	oracle   []bool
}

func (e *errPoints) Len() int                        { return len(e.x) }
func (e *errPoints) XY(i int) (float64, float64)     { return e.x[i], e.y[i] }
func (e *errPoints) XError(i int) (float64, float64) { return e.x[i] - e.xlo[i], e.xhi[i] - e.x[i] }
func (e *errPoints) YError(i int) (float64, float64) { return e.y[i] - e.ylo[i], e.yhi[i] - e.y[i] }

func tradeoff(t *Table) (*plot.Plot, error) {
	p := plot.New()
	p.Title.Text = t.Heading()
	p.X.Label.Text = "ANTT (mean, 95% interval)"
	p.Y.Label.Text = "SLO violation rate, % (mean, 95% interval)"
	p.Add(plotter.NewGrid())
	pts := &errPoints{}
	for _, r := range append(append([]Row(nil), t.Ranked...), t.Oracles...) {
		a, v := r.Cells[ANTT], r.Cells[ViolationRate]
		if !finite(a.Center) || !finite(v.Center) {
			continue
		}
		pts.x = append(pts.x, a.Center)
		pts.xlo = append(pts.xlo, orSelf(a.Lo, a.Center))
		pts.xhi = append(pts.xhi, orSelf(a.Hi, a.Center))
		pts.y = append(pts.y, 100*v.Center)
		pts.ylo = append(pts.ylo, 100*orSelf(v.Lo, v.Center))
		pts.yhi = append(pts.yhi, 100*orSelf(v.Hi, v.Center))
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
	lbl, err := plotter.NewLabels(plotter.XYLabels{XYs: xyOf(pts), Labels: pts.labels})
	if err != nil {
		return nil, err
	}
	for i := range lbl.TextStyle {
		lbl.TextStyle[i].Font.Size = vg.Points(7)
		lbl.Offset = vg.Point{X: vg.Points(4), Y: vg.Points(2)}
	}
	p.Add(xe, ye, sc, lbl)
	return p, nil
}

func xyOf(e *errPoints) plotter.XYs {
	xy := make(plotter.XYs, e.Len())
	for i := range xy {
		xy[i].X, xy[i].Y = e.x[i], e.y[i]
	}
	return xy
}

func sweepPlot(ts []*Table, sweep string, m Metric) (*plot.Plot, error) {
	p := plot.New()
	p.Title.Text = fmt.Sprintf("%s — %s across %s", ts[0].Scenario, Metrics[m].Title, sweep)
	xOf := func(t *Table) float64 { return t.SLOMult }
	p.X.Label.Text = "SLO multiplier"
	if sweep == "rate" {
		xOf = func(t *Table) float64 { return t.Rate }
		p.X.Label.Text = "arrival rate, requests/s"
	}
	p.Y.Label.Text = Metrics[m].Title + " (mean over seeds)"
	scale := 1.0
	if m == ViolationRate {
		p.Y.Label.Text = "SLO violation rate, % (mean over seeds)"
		scale = 100
	}
	p.Add(plotter.NewGrid())
	p.Legend.Top = true
	p.Legend.TextStyle.Font.Size = vg.Points(7)
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
			return nil, err
		}
		l.Color, s.Color = plotutil.Color(i), plotutil.Color(i)
		l.Dashes = plotutil.Dashes(i / len(plotutil.DefaultColors))
		s.Shape = plotutil.Shape(i)
		p.Add(l, s)
		p.Legend.Add(n, l, s)
	}
	return p, nil
}

func cdfPlot(c CDF) *plot.Plot {
	p := plot.New()
	p.Title.Text = c.Scenario + " — " + c.Point
	p.X.Label.Text = "normalized turnaround time (log scale)"
	p.Y.Label.Text = "fraction of requests"
	p.X.Scale = plot.LogScale{}
	p.X.Tick.Marker = plot.LogTicks{Prec: -1}
	p.Add(plotter.NewGrid())
	p.Legend.Top = false
	p.Legend.Left = false
	p.Legend.TextStyle.Font.Size = vg.Points(7)
	for i, cv := range c.Curves {
		var xy plotter.XYs
		n := len(cv.Sorted)
		for j, x := range cv.Sorted {
			if x > 0 && finite(x) {
				xy = append(xy, plotter.XY{X: x, Y: float64(j+1) / float64(n)})
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
		p.Legend.Add(cv.Scheduler, l)
	}
	return p
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
