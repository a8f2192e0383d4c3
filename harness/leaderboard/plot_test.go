package leaderboard

import (
	"bytes"
	"fmt"
	"image/png"
	"math"
	"slices"
	"strings"
	"testing"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
)

// TestPointLabelsApart: labels of a tight cluster of points (as in the
// trade-off plots, where most schedulers sit within a few pixels) go to
// distinct places inside the data area, clear of every point, with leader
// lines for those moved away.
func TestPointLabelsApart(t *testing.T) {
	xy := plotter.XYs{{X: 10, Y: 60}, {X: 17, Y: 45}, {X: 6, Y: 21}}
	var labels []string
	for i := range 12 { // the cluster: 12 points within 1% of the axes
		xy = append(xy, plotter.XY{X: 2.6 + 0.02*float64(i%4), Y: 11 + 0.3*float64(i/4)})
	}
	for i := range xy {
		labels = append(labels, fmt.Sprintf("scheduler-%d", i))
	}
	p := plot.New()
	sc, err := plotter.NewScatter(xy)
	if err != nil {
		t.Fatal(err)
	}
	l := &pointLabels{XYs: xy, Labels: labels, Clear: vg.Points(3.5)}
	l.TextStyle = plot.NewLegend().TextStyle
	l.TextStyle.Font.Size = vg.Points(labelSize)
	p.Add(sc, l)
	dc := draw.New(vgimg.New(figWidth, 10*vg.Centimeter))
	data := p.DataCanvas(dc)
	spots := l.layout(data, p)
	if len(spots) != len(labels) {
		t.Fatalf("%d labels placed, want %d", len(spots), len(labels))
	}
	leaders := 0
	for i, s := range spots {
		r := s.rect
		if r.Min.X < data.Min.X || r.Max.X > data.Max.X || r.Min.Y < data.Min.Y || r.Max.Y > data.Max.Y {
			t.Errorf("%s at %v is outside the data area %v", s.text, r, data.Rectangle)
		}
		for _, o := range spots[:i] {
			if overlaps(r, o.rect) {
				t.Errorf("%s overlaps %s", s.text, o.text)
			}
		}
		for _, o := range spots {
			clear := vg.Rectangle{Min: o.point.Sub(vg.Point{X: l.Clear, Y: l.Clear}), Max: o.point.Add(vg.Point{X: l.Clear, Y: l.Clear})}
			if overlaps(r, clear) {
				t.Errorf("%s covers the point of %s", s.text, o.text)
			}
		}
		if s.leader {
			leaders++
		}
	}
	if leaders == 0 {
		t.Errorf("no leader lines in a cluster of 12")
	}
	// Deterministic: the same layout twice.
	again := l.layout(data, p)
	for i := range spots {
		if spots[i].rect != again[i].rect {
			t.Fatalf("layout not deterministic for %s", spots[i].text)
		}
	}
}

func TestLog10Ticks(t *testing.T) {
	labels := func(min, max float64) []string {
		var out []string
		for _, tk := range (log10Ticks{}).Ticks(min, max) {
			if tk.Label != "" {
				out = append(out, tk.Label)
			}
		}
		return out
	}
	for _, tc := range []struct {
		min, max float64
		want     []string
	}{
		{0, 3.1, []string{"1", "10", "100", "1000"}},
		{0, 0.5, []string{"1", "2", "3"}},         // less than a decade: every tick labelled
		{-1, -0.5, []string{"0.1", "0.2", "0.3"}}, // 0.1 to 0.32
		{0.2, 2.5, []string{"10", "100"}},
	} {
		if got := labels(tc.min, tc.max); !slices.Equal(got, tc.want) {
			t.Errorf("log10Ticks(%g, %g) labels %q, want %q", tc.min, tc.max, got, tc.want)
		}
	}
	for _, tk := range (log10Ticks{}).Ticks(0, 1) {
		if tk.Value < 0 || tk.Value > 1 {
			t.Errorf("tick %g outside [0, 1]", tk.Value)
		}
	}
}

func TestPlainTicks(t *testing.T) {
	for _, tk := range (plainTicks{}).Ticks(0, 75) {
		if strings.HasSuffix(tk.Label, ".00") || strings.HasSuffix(tk.Label, ".0") {
			t.Errorf("tick label %q has trailing zeros", tk.Label)
		}
	}
}

// TestPlotsRender: every figure of the golden board exists as SVG and as
// a double-resolution PNG; sweep and CDF legends sit right of the plot.
func TestPlotsRender(t *testing.T) {
	b := goldenStandings()
	cdfs := []CDF{{Scenario: "toy@v1", Point: "busy", Curves: []Curve{
		{Scheduler: "a", Sorted: []float64{1, 1.5, 2, 4, 30}},
		{Scheduler: "b", Sorted: []float64{1.1, 2, 3, 9, 120}},
	}}}
	calls := 0
	figs, err := Plots(b, cdfs, func() { calls++ })
	if err != nil {
		t.Fatal(err)
	}
	if n := NumPlots(b, cdfs); calls != len(figs) || n != len(figs) {
		t.Errorf("%d figures, %d done calls, NumPlots %d", len(figs), calls, n)
	}
	var names []string
	for _, f := range figs {
		names = append(names, f.Name)
		img, err := png.Decode(bytes.NewReader(f.PNG))
		if err != nil {
			t.Errorf("%s.png: %v", f.Name, err)
			continue
		}
		if w, want := img.Bounds().Dx(), int(math.Round(float64(figWidth/vg.Inch)*pngDPI)); w != want {
			t.Errorf("%s.png is %d px wide, want %d", f.Name, w, want)
		}
		if !bytes.Contains(f.SVG, []byte("<svg")) {
			t.Errorf("%s.svg is not an SVG", f.Name)
		}
	}
	want := []string{"tradeoff-toy-v1-busy", "tradeoff-toy-v1-quiet-one-seed", "sweep-toy-v1-slo-violation_rate",
		"sweep-toy-v1-slo-antt", "cdf-toy-v1-busy"}
	for i := range want {
		want[i] = strings.ReplaceAll(want[i], "_", "-")
	}
	if !slices.Equal(names, want) {
		t.Errorf("figures %q, want %q", names, want)
	}
}

// TestHTMLOracleRows: oracle rows carry their class, for the italic style.
func TestHTMLOracleRows(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteHTML(&buf, goldenStandings(), nil); err != nil {
		t.Fatal(err)
	}
	page := buf.String()
	if n := strings.Count(page, `<tr class="oracle">`); n != 2 {
		t.Errorf("%d oracle rows marked, want 2 (o and o2)", n)
	}
	if !strings.Contains(page, `<td data-v="1e9">—</td><td>o (oracle, upper bound)</td>`) {
		t.Errorf("oracle row o not rendered as expected")
	}
}
