package hardware

import (
	"errors"
	"fmt"
	"math"

	"github.com/sparsebench/sparsebench/hardware/sparsitydata"
)

// SparsityFit is the dynamic-sparsity generator fitted to a measured
// network, for a family of another depth (SPEC §1.10). The fit describes the
// measured model by what carries over between ReLU networks of different
// depth:
//
//   - the first layer, whose input is the image, as measured;
//   - depth profiles of the other layers' mean sparsity, spread across
//     inputs and low-light shift: the layers are split, in order, into
//     ProfileBins groups of consecutive layers; each group is a knot at its
//     mean relative depth carrying the group's means; a family's layer i ≥ 1
//     at relative depth i/(n−1) takes the piecewise-linear interpolation
//     of the knots (flat beyond the first and last);
//   - the correlation of two layers of one photograph as a function of the
//     distance in relative depth Δ: ρ + (1 − ρ)·exp(−Δ/λ), fitted by least
//     squares over every pair of layers ≥ 1 that read different tensors
//     (λ on a grid, ρ in closed form for each λ); a family of n layers gets decay φ = exp(−1/((n−1)·λ)),
//     the same fading per unit of relative depth;
//   - the low-light domain's spread as one scale on the photo spreads (the
//     ratio of their sums over layers ≥ 1).
type SparsityFit struct {
	// Source is the measured model.
	Source string
	// Knots are the depth profiles; First is the first layer.
	First ProfileKnot
	Knots []ProfileKnot
	// Rho and Length are ρ and λ of the correlation fit.
	Rho, Length float64
	// SpreadScale is the low-light spread over the photo spread.
	SpreadScale float64
	// MeanResidual is the mean absolute difference between the profile at
	// each measured layer and that layer's measured photo mean: how much
	// of the per-layer detail the profile leaves out.
	MeanResidual float64
	// CorrResidual is the root-mean-square difference between the fitted
	// and the measured correlation over the pairs fitted.
	CorrResidual float64
	// Pairs is the number of layer pairs with a defined correlation.
	Pairs int
}

// ProfileKnot is one point of the depth profiles.
type ProfileKnot struct {
	// Depth is the relative depth, layer index over the last index.
	Depth float64
	// Mean and SD are the photo domain's mean sparsity and its spread
	// across inputs; Shift is the low-light mean minus the photo mean.
	Mean, SD, Shift float64
}

// ProfileBins is the number of knots of a depth profile: enough to follow
// the rise of sparsity with depth, few enough that each knot averages
// several layers of a measured network (≥ 6 for the networks measured).
const ProfileBins = 8

// FitSparsity fits the generator to the photo and low-light inputs of a
// measured model.
func FitSparsity(m *sparsitydata.Model) (*SparsityFit, error) {
	L := len(m.Layers)
	if L < ProfileBins+1 {
		return nil, fmt.Errorf("fit %s: %d layers, need at least %d", m.Name, L, ProfileBins+1)
	}
	photo, low := m.Summary(sparsitydata.DomainPhoto), m.Summary(sparsitydata.DomainLowLight)
	if photo[0].Inputs < 3 || low[0].Inputs < 3 {
		return nil, fmt.Errorf("fit %s: %d photo and %d low-light inputs, need at least 3 of each", m.Name, photo[0].Inputs, low[0].Inputs)
	}
	depth := func(j int) float64 { return float64(j) / float64(L-1) }
	f := &SparsityFit{Source: m.Name,
		First: ProfileKnot{Depth: 0, Mean: photo[0].Mean, SD: photo[0].SD, Shift: low[0].Mean - photo[0].Mean}}
	var sumSD, sumLowSD float64
	for b := range ProfileBins {
		lo, hi := 1+b*(L-1)/ProfileBins, 1+(b+1)*(L-1)/ProfileBins
		var k ProfileKnot
		for j := lo; j < hi; j++ {
			k.Depth += depth(j)
			k.Mean += photo[j].Mean
			k.SD += photo[j].SD
			k.Shift += low[j].Mean - photo[j].Mean
			sumSD += photo[j].SD
			sumLowSD += low[j].SD
		}
		n := float64(hi - lo)
		k.Depth, k.Mean, k.SD, k.Shift = k.Depth/n, k.Mean/n, k.SD/n, k.Shift/n
		f.Knots = append(f.Knots, k)
	}
	f.SpreadScale = 1
	if sumSD > 0 {
		f.SpreadScale = sumLowSD / sumSD
	}
	for j := 1; j < L; j++ {
		f.MeanResidual += math.Abs(f.at(depth(j)).Mean - photo[j].Mean)
	}
	f.MeanResidual /= float64(L - 1)

	var dist, r []float64
	for j := 1; j < L; j++ {
		for k := j + 1; k < L; k++ {
			if sameInput(m, j, k) {
				continue
			}
			if c := m.Correlation(j, k, sparsitydata.DomainPhoto); !math.IsNaN(c) {
				dist = append(dist, depth(k)-depth(j))
				r = append(r, c)
			}
		}
	}
	if len(r) == 0 {
		return nil, errors.New("fit " + m.Name + ": no pair of layers varies across photos")
	}
	f.Pairs = len(r)
	f.Rho, f.Length, f.CorrResidual = fitCorrelation(dist, r)
	return f, nil
}

// sameInput reports whether layers j and k read the same tensor (an
// Inception block's branches do): equal shapes and equal counts for every
// input. Such a pair is one measurement, not two correlated ones.
func sameInput(m *sparsitydata.Model, j, k int) bool {
	a, b := m.Layers[j], m.Layers[k]
	if a.H != b.H || a.W != b.W || a.C != b.C {
		return false
	}
	for _, in := range m.Inputs {
		if in.Zeros[j] != in.Zeros[k] {
			return false
		}
	}
	return true
}

// fitCorrelation fits r ≈ ρ + (1 − ρ)·exp(−d/λ): λ on a geometric grid
// from 0.005 to 5 in steps of 5 %, and for each λ the ρ of least squares,
// which is closed-form since the model is linear in ρ (clamped to [0, 1)).
// It returns ρ, λ and the root-mean-square residual.
func fitCorrelation(d, r []float64) (rho, length, rms float64) {
	best := math.Inf(1)
	for lam := 0.005; lam <= 5; lam *= 1.05 {
		var num, den float64
		for i := range d {
			g := math.Exp(-d[i] / lam)
			num += (r[i] - g) * (1 - g)
			den += (1 - g) * (1 - g)
		}
		p := 0.0
		if den > 0 {
			p = min(max(num/den, 0), 0.99)
		}
		var sse float64
		for i := range d {
			e := r[i] - (p + (1-p)*math.Exp(-d[i]/lam))
			sse += e * e
		}
		if sse < best {
			best, rho, length = sse, p, lam
		}
	}
	return rho, length, math.Sqrt(best / float64(len(d)))
}

// at interpolates the profiles at relative depth t > 0.
func (f *SparsityFit) at(t float64) ProfileKnot {
	ks := f.Knots
	if t <= ks[0].Depth {
		return ks[0]
	}
	for b := 1; b < len(ks); b++ {
		if t <= ks[b].Depth {
			a, c := ks[b-1], ks[b]
			w := (t - a.Depth) / (c.Depth - a.Depth)
			lerp := func(x, y float64) float64 { return x + w*(y-x) }
			return ProfileKnot{Depth: t, Mean: lerp(a.Mean, c.Mean), SD: lerp(a.SD, c.SD), Shift: lerp(a.Shift, c.Shift)}
		}
	}
	return ks[len(ks)-1]
}

// Params are the generator parameters for a family of n layers whose first
// layer sees the image; lowLightShare is the fraction of low-light inputs
// (0 for none).
func (f *SparsityFit) Params(n int, lowLightShare float64) (SparsityParams, error) {
	if n < 2 {
		return SparsityParams{}, fmt.Errorf("fitted sparsity: a family needs at least 2 layers, got %d", n)
	}
	if !(lowLightShare >= 0 && lowLightShare <= 1) {
		return SparsityParams{}, fmt.Errorf("fitted sparsity: low-light share must be in [0, 1], got %v", lowLightShare)
	}
	p := SparsityParams{Rho: f.Rho, Decay: math.Exp(-1 / (float64(n-1) * f.Length)),
		LayerMean: make([]float64, n), LayerSpread: make([]float64, n)}
	shift := make([]float64, n)
	for i := range n {
		k := f.First
		if i > 0 {
			k = f.at(float64(i) / float64(n-1))
		}
		p.LayerMean[i] = clip(k.Mean, 0, MaxSparsity)
		p.LayerSpread[i] = clip(k.SD, 0, 0.5)
		shift[i] = clip(k.Shift, -1, 1)
		p.Mean += p.LayerMean[i] / float64(n)
		p.Spread += p.LayerSpread[i] / float64(n)
	}
	if lowLightShare > 0 {
		p.Domains = []Domain{{Name: sparsitydata.DomainLowLight, Share: lowLightShare, SpreadScale: clip(f.SpreadScale, 1e-3, 10), LayerShift: shift}}
	}
	if err := p.validateFor(n, false); err != nil {
		return SparsityParams{}, fmt.Errorf("fitted sparsity: %w", err)
	}
	return p, nil
}

// FitSource is the measured network the unmeasured CNN families are fitted
// to: InceptionV3 rectifies every layer's input, as ResNet-50, VGG-16,
// MobileNet-V1 and SSD300's ResNet-18 do, where MobileNetV2's linear
// bottlenecks feed unrectified activations to 16 of its 55 layers.
const FitSource = "inceptionv3"

// LowLightShare is the fraction of low-light inputs the artifact profiled a
// family with (SPEC §8.2): two thirds for the detector (VOC plus the two
// dark sets), half for the classifiers.
func LowLightShare(family string) float64 {
	if family == "ssd300" {
		return 2.0 / 3
	}
	return 0.5
}

// FittedSparsity is the generator fitted to the built-in measurements of
// FitSource for a CNN family of the zoo, with the family's low-light share.
func FittedSparsity(fam *Family) (SparsityParams, *SparsityFit, error) {
	if fam.IsAttention() {
		return SparsityParams{}, nil, fmt.Errorf("family %s: the measured networks are CNNs; attention families are not fitted to them", fam.Name)
	}
	set, err := sparsitydata.Builtin()
	if err != nil {
		return SparsityParams{}, nil, err
	}
	m, err := set.Model(FitSource)
	if err != nil {
		return SparsityParams{}, nil, err
	}
	f, err := FitSparsity(m)
	if err != nil {
		return SparsityParams{}, nil, err
	}
	p, err := f.Params(len(fam.Layers), LowLightShare(fam.Name))
	return p, f, err
}
