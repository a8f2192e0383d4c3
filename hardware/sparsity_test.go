package hardware

import (
	"math"
	"strings"
	"testing"
)

// draws generates n samples.
func draws(t *testing.T, p SparsityParams, layers, n int, lb bool, seed uint64) []Draw {
	t.Helper()
	g, err := NewGenerator(p, layers, lb, seed, "test")
	if err != nil {
		t.Fatal(err)
	}
	out := make([]Draw, n)
	for k := range out {
		g.Next(&out[k])
	}
	return out
}

func meanSD(xs []float64) (mean, sd float64) {
	for _, x := range xs {
		mean += x
	}
	mean /= float64(len(xs))
	for _, x := range xs {
		sd += (x - mean) * (x - mean)
	}
	return mean, math.Sqrt(sd / float64(len(xs)-1))
}

func corr(a, b []float64) float64 {
	ma, sa := meanSD(a)
	mb, sb := meanSD(b)
	var c float64
	for i := range a {
		c += (a[i] - ma) * (b[i] - mb)
	}
	return c / float64(len(a)-1) / (sa * sb)
}

func column(ds []Draw, i int, lb bool) []float64 {
	out := make([]float64, len(ds))
	for k, d := range ds {
		if lb {
			out[k] = d.LoadBalance[i]
		} else {
			out[k] = d.Sparsity[i]
		}
	}
	return out
}

// TestGeneratorMoments: over 4000 samples each layer's mean, spread and the
// correlation between layers match the parameters. Means 0.35–0.6 with
// spread 0.1 keep clipping at ≥ 3.5σ, so its effect is negligible.
// Tolerances (≈ 4 standard errors at n = 4000): mean ± 0.007 (SE 0.0016),
// standard deviation ± 0.006 (SE 0.0011), each pairwise correlation ± 0.05
// (SE ≈ (1−ρ²)/√n = 0.010), the average over all pairs ± 0.02.
func TestGeneratorMoments(t *testing.T) {
	const n, layers = 4000, 6
	for _, rho := range []float64{0, 0.3, 0.8} {
		p := SparsityParams{
			Mean: 0.5, Spread: 0.1, Rho: rho,
			LayerMean: []float64{0.35, 0.4, 0.5, 0.5, 0.55, 0.6},
		}
		ds := draws(t, p, layers, n, false, 42)
		cols := make([][]float64, layers)
		for i := range cols {
			cols[i] = column(ds, i, false)
			m, sd := meanSD(cols[i])
			if math.Abs(m-p.LayerMean[i]) > 0.007 {
				t.Errorf("rho %v layer %d: mean %.4f, want %.2f ± 0.007", rho, i, m, p.LayerMean[i])
			}
			if math.Abs(sd-p.Spread) > 0.006 {
				t.Errorf("rho %v layer %d: sd %.4f, want %.2f ± 0.006", rho, i, sd, p.Spread)
			}
		}
		var sum float64
		pairs := 0
		for i := 0; i < layers; i++ {
			for j := i + 1; j < layers; j++ {
				c := corr(cols[i], cols[j])
				if math.Abs(c-rho) > 0.05 {
					t.Errorf("rho %v: corr(layer %d, layer %d) = %.3f, want ± 0.05", rho, i, j, c)
				}
				sum += c
				pairs++
			}
		}
		if avg := sum / float64(pairs); math.Abs(avg-rho) > 0.02 {
			t.Errorf("rho %v: mean pairwise correlation %.4f, want ± 0.02", rho, avg)
		}
	}
}

// TestGeneratorDomains: a low-light share of 0.25 with a mean shift of
// +0.15 and doubled spread. Tolerances over 4000 samples: share ± 0.03
// (SE 0.007), per-domain means ± 0.01 (SE ≤ 0.004), spreads ± 0.012.
func TestGeneratorDomains(t *testing.T) {
	p := SparsityParams{Mean: 0.4, Spread: 0.05, Rho: 0.5, Domains: []Domain{
		{Name: "low-light", Share: 0.25, MeanShift: 0.15, SpreadScale: 2},
	}}
	ds := draws(t, p, 4, 4000, false, 7)
	var low, base []float64
	for _, d := range ds {
		switch d.Domain {
		case "low-light":
			low = append(low, d.Sparsity[2])
		case BaseDomain:
			base = append(base, d.Sparsity[2])
		default:
			t.Fatalf("domain %q", d.Domain)
		}
	}
	if share := float64(len(low)) / 4000; math.Abs(share-0.25) > 0.03 {
		t.Errorf("low-light share %.3f, want 0.25 ± 0.03", share)
	}
	lm, lsd := meanSD(low)
	bm, bsd := meanSD(base)
	if math.Abs(lm-0.55) > 0.01 || math.Abs(bm-0.4) > 0.01 {
		t.Errorf("means: low-light %.4f (want 0.55), base %.4f (want 0.40), ± 0.01", lm, bm)
	}
	if math.Abs(lsd-0.1) > 0.012 || math.Abs(bsd-0.05) > 0.012 {
		t.Errorf("spreads: low-light %.4f (want 0.10), base %.4f (want 0.05), ± 0.012", lsd, bsd)
	}
}

// TestGeneratorLoadBalance: attention families draw a load balance per
// layer with the given mean and spread (± 0.005 and ± 0.005 over 4000
// samples), within [MinLoadBalance, 1].
func TestGeneratorLoadBalance(t *testing.T) {
	p := SparsityParams{Mean: 0.8, Spread: 0.05, Rho: 0.5, LoadBalance: LoadBalanceParams{Mean: 0.7, Spread: 0.05}}
	ds := draws(t, p, 3, 4000, true, 3)
	for i := 0; i < 3; i++ {
		m, sd := meanSD(column(ds, i, true))
		if math.Abs(m-0.7) > 0.005 || math.Abs(sd-0.05) > 0.005 {
			t.Errorf("layer %d load balance mean %.4f sd %.4f, want 0.7, 0.05", i, m, sd)
		}
	}
	cnn := draws(t, SparsityParams{Mean: 0.5}, 3, 1, false, 3)
	if cnn[0].LoadBalance != nil {
		t.Error("CNN draw has a load balance")
	}
}

// TestGeneratorClipping: extreme parameters stay within [0, 0.99] and
// [MinLoadBalance, 1].
func TestGeneratorClipping(t *testing.T) {
	p := SparsityParams{Mean: 0.95, Spread: 0.5, Rho: 0.2, Domains: []Domain{{Name: "d", Share: 0.5, MeanShift: -1, SpreadScale: 10}},
		LoadBalance: LoadBalanceParams{Mean: 0.1, Spread: 0.5}}
	var sawLow, sawHigh bool
	for _, d := range draws(t, p, 5, 2000, true, 1) {
		for i := range d.Sparsity {
			s, b := d.Sparsity[i], d.LoadBalance[i]
			if s < 0 || s > MaxSparsity || b < MinLoadBalance || b > 1 {
				t.Fatalf("out of range: sparsity %v, load balance %v", s, b)
			}
			sawLow = sawLow || s == 0
			sawHigh = sawHigh || s == MaxSparsity
		}
	}
	if !sawLow || !sawHigh {
		t.Errorf("clipping never reached a bound (low %v, high %v)", sawLow, sawHigh)
	}
}

// TestGeneratorDeterministic: the same seed and stream give the same
// values; another seed or stream gives others.
func TestGeneratorDeterministic(t *testing.T) {
	p := SparsityParams{Mean: 0.5, Spread: 0.1, Rho: 0.5, Domains: []Domain{{Name: "x", Share: 0.3, MeanShift: 0.1, SpreadScale: 1}},
		LoadBalance: LoadBalanceParams{Mean: 0.8, Spread: 0.05}}
	gen := func(seed uint64, stream string) []float64 {
		g, err := NewGenerator(p, 4, true, seed, stream)
		if err != nil {
			t.Fatal(err)
		}
		var out []float64
		var d Draw
		for range 50 {
			g.Next(&d)
			out = append(out, d.Sparsity...)
			out = append(out, d.LoadBalance...)
		}
		return out
	}
	a, b := gen(9, "v"), gen(9, "v")
	for i := range a {
		if math.Float64bits(a[i]) != math.Float64bits(b[i]) {
			t.Fatalf("value %d differs: %v vs %v", i, a[i], b[i])
		}
	}
	if c := gen(10, "v"); c[0] == a[0] && c[1] == a[1] {
		t.Error("seed does not change the draws")
	}
	if c := gen(9, "w"); c[0] == a[0] && c[1] == a[1] {
		t.Error("stream does not change the draws")
	}
}

func TestSparsityParamsValidate(t *testing.T) {
	ok := SparsityParams{Mean: 0.5, Spread: 0.1, Rho: 0.5, Domains: []Domain{{Name: "a", Share: 0.5, MeanShift: 0.1, SpreadScale: 1}}}
	if err := ok.Validate(); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		edit func(*SparsityParams)
		want string
	}{
		{func(p *SparsityParams) { p.Mean = -0.1 }, "mean: must be in [0, 0.99]"},
		{func(p *SparsityParams) { p.Mean = 1 }, "mean: must be in [0, 0.99]"},
		{func(p *SparsityParams) { p.Mean = math.NaN() }, "mean: "},
		{func(p *SparsityParams) { p.Spread = -1 }, "spread: must be in [0, 0.5]"},
		{func(p *SparsityParams) { p.Rho = 1.1 }, "rho: must be in [0, 1]"},
		{func(p *SparsityParams) { p.LayerMean = []float64{0.1, 2} }, "layer_mean[1]: must be in [0, 0.99]"},
		{func(p *SparsityParams) { p.Domains[0].Name = "" }, "domains[0].name: must not be empty"},
		{func(p *SparsityParams) { p.Domains[0].Name = "base" }, `domains[0].name: "base" is reserved`},
		{func(p *SparsityParams) { p.Domains[0].Share = 0 }, "domains[0].share: must be in (0, 1]"},
		{func(p *SparsityParams) { p.Domains[0].MeanShift = 2 }, "domains[0].mean_shift: must be in [-1, 1]"},
		{func(p *SparsityParams) { p.Domains[0].SpreadScale = 0 }, "domains[0].spread_scale: must be in (0, 10]"},
		{func(p *SparsityParams) {
			p.Domains = append(p.Domains, Domain{Name: "a", Share: 0.1, SpreadScale: 1})
		}, `domains[1].name: "a" repeats domains[0]`},
		{func(p *SparsityParams) {
			p.Domains = append(p.Domains, Domain{Name: "b", Share: 0.6, SpreadScale: 1})
		}, "domains: shares sum to 1.1, more than 1"},
		{func(p *SparsityParams) { p.LayerSpread = []float64{0.1, 0.6} }, "layer_spread[1]: must be in [0, 0.5]"},
		{func(p *SparsityParams) { p.Decay = 1 }, "decay: must be in [0, 1)"},
		{func(p *SparsityParams) { p.Decay = -0.1 }, "decay: must be in [0, 1)"},
		{func(p *SparsityParams) { p.Domains[0].LayerShift = []float64{0, -1.5} }, "domains[0].layer_shift[1]: must be in [-1, 1]"},
		{func(p *SparsityParams) { p.LoadBalance = LoadBalanceParams{Mean: 0, Spread: 0.1} }, "load_balance.mean: must be in [0.05, 1]"},
		{func(p *SparsityParams) { p.LoadBalance = LoadBalanceParams{Mean: 0.5, Spread: -0.1} }, "load_balance.spread: must be in [0, 0.5]"},
	}
	for _, tc := range tests {
		p := ok
		p.Domains = append([]Domain(nil), ok.Domains...)
		tc.edit(&p)
		err := p.Validate()
		if err == nil || !strings.HasPrefix(err.Error(), tc.want) {
			t.Errorf("error = %v, want prefix %q", err, tc.want)
		}
	}
	if _, err := NewGenerator(ok, 3, true, 1, "x"); err == nil || !strings.HasPrefix(err.Error(), "load_balance.mean: must be set") {
		t.Errorf("attention without load balance: %v", err)
	}
}

// The per-layer lengths are checked against the family.
func TestSparsityParamsPerLayerLengths(t *testing.T) {
	for _, tc := range []struct {
		p    SparsityParams
		want string
	}{
		{SparsityParams{Mean: 0.5, LayerSpread: []float64{0.1, 0.1}}, "layer_spread: has 2 entries, the family has 3 layers"},
		{SparsityParams{Mean: 0.5, Domains: []Domain{{Name: "d", Share: 0.5, SpreadScale: 1, LayerShift: []float64{0.1}}}},
			"domains[0].layer_shift: has 1 entries, the family has 3 layers"},
	} {
		if _, err := NewGenerator(tc.p, 3, false, 1, "x"); err == nil || err.Error() != tc.want {
			t.Errorf("error %v, want %q", err, tc.want)
		}
	}
}

// TestGeneratorDecayAndPerLayer: with decay φ the correlation of layers i
// and j is ρ + (1 − ρ)·φ^|i−j|, each layer has its own spread, and a domain
// shifts each layer by its own amount. Over 20,000 samples (means 0.4–0.5,
// spreads ≤ 0.08: clipping at ≥ 5σ is negligible) the standard error of a
// correlation within one domain (10,000 samples) is ≤ 0.01 and of a mean ≤ 0.0006; tolerances are about four
// of them: correlation ± 0.04, mean ± 0.003, standard deviation ± 0.003.
func TestGeneratorDecayAndPerLayer(t *testing.T) {
	const n, layers = 20000, 6
	rho, phi := 0.3, 0.8
	sds := []float64{0.02, 0.04, 0.06, 0.08, 0.05, 0.03}
	shift := []float64{0, 0.01, 0.02, 0.03, 0.04, 0.05}
	p := SparsityParams{Mean: 0.4, LayerSpread: sds, Rho: rho, Decay: phi,
		Domains: []Domain{{Name: "dark", Share: 0.5, SpreadScale: 1, LayerShift: shift}}}
	ds := draws(t, p, layers, n, false, 7)
	byDomain := map[string][]Draw{}
	for _, d := range ds {
		byDomain[d.Domain] = append(byDomain[d.Domain], d)
	}
	base, dark := byDomain[BaseDomain], byDomain["dark"]
	for i := range layers {
		m, sd := meanSD(column(base, i, false))
		if math.Abs(m-0.4) > 0.003 || math.Abs(sd-sds[i]) > 0.003 {
			t.Errorf("layer %d, base domain: mean %.4f sd %.4f, want 0.4 and %v", i, m, sd, sds[i])
		}
		md, _ := meanSD(column(dark, i, false))
		if math.Abs(md-m-shift[i]) > 0.004 {
			t.Errorf("layer %d: dark − base = %.4f, want %v", i, md-m, shift[i])
		}
		for j := i + 1; j < layers; j++ {
			want := rho + (1-rho)*math.Pow(phi, float64(j-i))
			if got := corr(column(base, i, false), column(base, j, false)); math.Abs(got-want) > 0.04 {
				t.Errorf("corr(%d, %d) = %.3f, want %.3f", i, j, got, want)
			}
		}
	}
}
