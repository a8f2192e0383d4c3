package hardware

import (
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/sparsebench/sparsebench/hardware/sparsitydata"
)

// syntheticMeasurement is a "measured" model whose counts come from the
// generator with known parameters: L layers, the first seeing the image
// (mean 0.01), the others rising linearly from 0.1 to 0.6 with depth,
// spread 0.05, ρ = 0.3 and φ = 0.9 per layer; low-light inputs 0.08
// sparser everywhere with 1.2 times the spread. Totals of 10⁶ make the
// rounding of counts negligible.
func syntheticMeasurement(t *testing.T, L, perDomain int) *sparsitydata.Model {
	t.Helper()
	const total = 1_000_000
	mean, sd, shift := make([]float64, L), make([]float64, L), make([]float64, L)
	for i := range L {
		mean[i], sd[i], shift[i] = 0.01, 0.005, 0
		if i > 0 {
			mean[i], sd[i], shift[i] = 0.1+0.5*float64(i-1)/float64(L-2), 0.05, 0.08
		}
	}
	m := &sparsitydata.Model{Name: "synthetic", InputSize: 8}
	for i := range L {
		m.Layers = append(m.Layers, sparsitydata.Layer{Name: fmt.Sprintf("l%d", i), Kind: "conv", C: 1, M: 1, H: 1000, W: 1000, R: 1, S: 1, Stride: 1, Groups: 1, Total: total})
	}
	for _, dom := range []string{sparsitydata.DomainPhoto, sparsitydata.DomainLowLight} {
		p := SparsityParams{LayerMean: mean, LayerSpread: sd, Rho: 0.3, Decay: 0.9}
		if dom == sparsitydata.DomainLowLight {
			p.LayerMean, p.LayerSpread = make([]float64, L), make([]float64, L)
			for i := range L {
				p.LayerMean[i], p.LayerSpread[i] = mean[i]+shift[i], 1.2*sd[i]
			}
		}
		for k, d := range draws(t, p, L, perDomain, false, 11) {
			in := sparsitydata.Input{ID: fmt.Sprintf("photo-%d", k), Domain: dom}
			for _, s := range d.Sparsity {
				in.Zeros = append(in.Zeros, int64(math.Round(s*total)))
			}
			m.Inputs = append(m.Inputs, in)
		}
	}
	if err := m.Validate(); err != nil {
		t.Fatal(err)
	}
	return m
}

// The fit recovers what made the data. With 400 inputs per domain a
// layer's mean has a standard error of 0.0025 and a knot (5 layers) about
// 0.0015 plus the correlated part; correlations ≈ 0.05 each but thousands
// of pairs pin ρ and λ. Tolerances: knot mean and shift ± 0.01, spread
// scale ± 0.08, ρ ± 0.06, λ within 25 %, φ for the same depth ± 0.03.
func TestFitSparsityRecoversKnownParameters(t *testing.T) {
	const L = 41
	m := syntheticMeasurement(t, L, 400)
	f, err := FitSparsity(m)
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(f.First.Mean-0.01) > 0.002 {
		t.Errorf("first layer mean %.4f, want 0.01", f.First.Mean)
	}
	for _, k := range f.Knots {
		want := 0.1 + 0.5*(k.Depth*float64(L-1)-1)/float64(L-2)
		if math.Abs(k.Mean-want) > 0.01 || math.Abs(k.Shift-0.08) > 0.01 || math.Abs(k.SD-0.05) > 0.006 {
			t.Errorf("knot at depth %.3f: mean %.4f (want %.4f), shift %.4f (want 0.08), sd %.4f (want 0.05)", k.Depth, k.Mean, want, k.Shift, k.SD)
		}
	}
	if math.Abs(f.SpreadScale-1.2) > 0.08 {
		t.Errorf("spread scale %.3f, want 1.2", f.SpreadScale)
	}
	wantLength := -1 / (float64(L-1) * math.Log(0.9))
	if math.Abs(f.Rho-0.3) > 0.06 || math.Abs(f.Length/wantLength-1) > 0.25 {
		t.Errorf("ρ = %.3f (want 0.3), λ = %.4f (want %.4f)", f.Rho, f.Length, wantLength)
	}
	if f.MeanResidual > 0.01 {
		t.Errorf("mean residual %.4f: a linear profile should be followed closely", f.MeanResidual)
	}
	p, err := f.Params(L, 0.5)
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(p.Decay-0.9) > 0.03 {
		t.Errorf("decay for the same depth %.3f, want 0.9", p.Decay)
	}
	// Half the depth, the same fading per unit of relative depth: φ² per
	// layer.
	if q, _ := f.Params((L+1)/2, 0.5); math.Abs(q.Decay-0.81) > 0.05 {
		t.Errorf("decay at half the depth %.3f, want about 0.81", q.Decay)
	}
	if len(p.Domains) != 1 || p.Domains[0].Share != 0.5 || len(p.Domains[0].LayerShift) != L {
		t.Errorf("low-light domain %+v", p.Domains)
	}
	if q, _ := f.Params(L, 0); q.Domains != nil {
		t.Errorf("share 0 still has domains %+v", q.Domains)
	}
}

func TestFitSparsityRefuses(t *testing.T) {
	m := syntheticMeasurement(t, 41, 4)
	few := *m
	few.Inputs = m.Inputs[:4] // photos only
	if _, err := FitSparsity(&few); err == nil || !strings.Contains(err.Error(), "0 low-light inputs") {
		t.Errorf("no low-light inputs: %v", err)
	}
	short := *m
	short.Layers = m.Layers[:5]
	if _, err := FitSparsity(&short); err == nil || !strings.Contains(err.Error(), "5 layers") {
		t.Errorf("too few layers: %v", err)
	}
	f, err := FitSparsity(m)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.Params(1, 0.5); err == nil {
		t.Error("a one-layer family was fitted")
	}
	if _, err := f.Params(10, 1.5); err == nil {
		t.Error("a low-light share of 1.5 was accepted")
	}
}

// fitCorrelation, by hand: data made exactly by ρ = 0.25, λ = 0.2 on the
// grid's own λ gives those back with zero residual.
func TestFitCorrelationExact(t *testing.T) {
	lam := 0.005
	for lam*1.05 <= 0.2 {
		lam *= 1.05
	}
	var d, r []float64
	for i := 1; i <= 30; i++ {
		x := float64(i) / 30
		d = append(d, x)
		r = append(r, 0.25+0.75*math.Exp(-x/lam))
	}
	rho, length, rms := fitCorrelation(d, r)
	if math.Abs(rho-0.25) > 1e-9 || length != lam || rms > 1e-9 {
		t.Errorf("fit ρ %v λ %v rms %v, want 0.25, %v, 0", rho, length, rms, lam)
	}
}
