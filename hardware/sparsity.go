package hardware

import (
	"fmt"
	"hash/fnv"
	"math"
	"math/rand/v2"
)

// SparsityParams parameterise the dynamic-sparsity generator of one model
// family: the fraction of zeros in each layer's input activation (for
// attention layers, 1 − d with d the kept fraction of the score matrix),
// drawn per input. A zoo file carries a family's defaults under
// [sparsity]; a scenario file may embed its own.
//
// For sample k and layer i, with z_k the sample's latent factor and e_ki the
// layer's own noise (both standard normal, independent):
//
//	sp_ki = clip(mean_i + shift + spread·scale·(√ρ·z_k + √(1−ρ)·e_ki), 0, 0.99)
//
// so before clipping every layer has mean mean_i + shift and standard
// deviation spread·scale, and two layers of one input are correlated by ρ.
// shift and scale come from the sample's input domain (0 and 1 outside
// every listed domain).
type SparsityParams struct {
	// Mean is the mean sparsity of every layer without a LayerMean entry.
	Mean float64 `toml:"mean" json:"mean"`
	// LayerMean optionally gives each layer its own mean; when set it must
	// have one entry per layer.
	LayerMean []float64 `toml:"layer_mean,omitempty" json:"layer_mean,omitempty"`
	// Spread is the standard deviation of a layer's sparsity across inputs.
	Spread float64 `toml:"spread" json:"spread"`
	// LayerSpread optionally gives each layer its own spread; when set it
	// must have one entry per layer and Spread is not used.
	LayerSpread []float64 `toml:"layer_spread,omitempty" json:"layer_spread,omitempty"`
	// Rho is the correlation of two layers' sparsity for the same input
	// that does not fade with distance.
	Rho float64 `toml:"rho" json:"rho"`
	// Decay, φ in [0, 1), lets the rest of the correlation fade with the
	// distance between layers: the per-layer noise is an AR(1) process
	// across depth, so corr(i, j) = ρ + (1 − ρ)·φ^|i−j|. 0 keeps the
	// per-layer noise independent: every pair of layers correlates by ρ.
	Decay float64 `toml:"decay,omitempty" json:"decay,omitempty"`
	// Domains is an optional mixture of input domains. Each sample belongs
	// to the first domain whose cumulative share exceeds a uniform draw; the
	// remaining share is the base domain.
	Domains []Domain `toml:"domains,omitempty" json:"domains,omitempty"`
	// LoadBalance parameterises the per-layer load-balance draw of
	// attention layers; CNN families leave it zero.
	LoadBalance LoadBalanceParams `toml:"load_balance,omitempty" json:"load_balance"`
}

// Domain is one input domain of the mixture, e.g. low-light images whose
// activations are sparser.
type Domain struct {
	Name string `toml:"name" json:"name"`
	// Share is the fraction of samples from this domain, in (0, 1].
	Share float64 `toml:"share" json:"share"`
	// MeanShift is added to every layer's mean sparsity.
	MeanShift float64 `toml:"mean_shift" json:"mean_shift"`
	// LayerShift optionally gives each layer its own shift instead of
	// MeanShift; when set it must have one entry per layer.
	LayerShift []float64 `toml:"layer_shift,omitempty" json:"layer_shift,omitempty"`
	// SpreadScale multiplies the spread; 1 keeps it.
	SpreadScale float64 `toml:"spread_scale" json:"spread_scale"`
}

// LoadBalanceParams parameterise Sanger's load-balance factor b per
// attention layer: b = clip(mean + spread·(√ρ·z'_k + √(1−ρ)·e'_ki),
// MinLoadBalance, 1), with the sample's own latent z'_k and the family's ρ.
type LoadBalanceParams struct {
	Mean   float64 `toml:"mean" json:"mean"`
	Spread float64 `toml:"spread" json:"spread"`
}

const (
	// MaxSparsity is the upper clip of generated sparsity, so densities
	// stay ≥ 0.01.
	MaxSparsity = 0.99
	// MinLoadBalance is the lower clip of generated load balance.
	MinLoadBalance = 0.05
)

// BaseDomain names samples outside every listed domain.
const BaseDomain = "base"

// Validate reports the first bad field by its TOML name.
func (p *SparsityParams) Validate() error {
	if !inRange(p.Mean, 0, MaxSparsity) {
		return fmt.Errorf("mean: must be in [0, %v], got %v", MaxSparsity, p.Mean)
	}
	for i, m := range p.LayerMean {
		if !inRange(m, 0, MaxSparsity) {
			return fmt.Errorf("layer_mean[%d]: must be in [0, %v], got %v", i, MaxSparsity, m)
		}
	}
	if !inRange(p.Spread, 0, 0.5) {
		return fmt.Errorf("spread: must be in [0, 0.5], got %v", p.Spread)
	}
	for i, sd := range p.LayerSpread {
		if !inRange(sd, 0, 0.5) {
			return fmt.Errorf("layer_spread[%d]: must be in [0, 0.5], got %v", i, sd)
		}
	}
	if !inRange(p.Rho, 0, 1) {
		return fmt.Errorf("rho: must be in [0, 1], got %v", p.Rho)
	}
	if !(p.Decay >= 0 && p.Decay < 1) {
		return fmt.Errorf("decay: must be in [0, 1), got %v", p.Decay)
	}
	var total float64
	for i, d := range p.Domains {
		switch {
		case d.Name == "":
			return fmt.Errorf("domains[%d].name: must not be empty", i)
		case d.Name == BaseDomain:
			return fmt.Errorf("domains[%d].name: %q is reserved for samples outside every domain", i, BaseDomain)
		case !(d.Share > 0 && d.Share <= 1):
			return fmt.Errorf("domains[%d].share: must be in (0, 1], got %v", i, d.Share)
		case !inRange(d.MeanShift, -1, 1):
			return fmt.Errorf("domains[%d].mean_shift: must be in [-1, 1], got %v", i, d.MeanShift)
		case !(d.SpreadScale > 0 && d.SpreadScale <= 10):
			return fmt.Errorf("domains[%d].spread_scale: must be in (0, 10] (1 keeps the spread), got %v", i, d.SpreadScale)
		}
		for j, x := range d.LayerShift {
			if !inRange(x, -1, 1) {
				return fmt.Errorf("domains[%d].layer_shift[%d]: must be in [-1, 1], got %v", i, j, x)
			}
		}
		for j := range i {
			if p.Domains[j].Name == d.Name {
				return fmt.Errorf("domains[%d].name: %q repeats domains[%d]", i, d.Name, j)
			}
		}
		total += d.Share
	}
	if total > 1+1e-9 {
		return fmt.Errorf("domains: shares sum to %v, more than 1", total)
	}
	lb := p.LoadBalance
	if lb != (LoadBalanceParams{}) {
		if !inRange(lb.Mean, MinLoadBalance, 1) {
			return fmt.Errorf("load_balance.mean: must be in [%v, 1], got %v", MinLoadBalance, lb.Mean)
		}
		if !inRange(lb.Spread, 0, 0.5) {
			return fmt.Errorf("load_balance.spread: must be in [0, 0.5], got %v", lb.Spread)
		}
	}
	return nil
}

// validateFor adds the checks that depend on the family: one layer_mean
// per layer, and load-balance parameters for attention.
func (p *SparsityParams) validateFor(layers int, attention bool) error {
	if err := p.Validate(); err != nil {
		return err
	}
	if p.LayerMean != nil && len(p.LayerMean) != layers {
		return fmt.Errorf("layer_mean: has %d entries, the family has %d layers", len(p.LayerMean), layers)
	}
	if p.LayerSpread != nil && len(p.LayerSpread) != layers {
		return fmt.Errorf("layer_spread: has %d entries, the family has %d layers", len(p.LayerSpread), layers)
	}
	for i, d := range p.Domains {
		if d.LayerShift != nil && len(d.LayerShift) != layers {
			return fmt.Errorf("domains[%d].layer_shift: has %d entries, the family has %d layers", i, len(d.LayerShift), layers)
		}
	}
	if attention && p.LoadBalance.Mean == 0 {
		return fmt.Errorf("load_balance.mean: must be set (in [%v, 1]) for attention families", MinLoadBalance)
	}
	return nil
}

func inRange(x, lo, hi float64) bool { return x >= lo && x <= hi }

// Generator draws the samples of one variant. It owns a PCG generator seeded
// from the data-set seed and a stream name (the variant's name), so a
// variant's samples depend on nothing else: not on the other variants of
// the scenario, their order, or the run seed.
type Generator struct {
	p           SparsityParams
	layers      int
	loadBalance bool
	rng         *rand.Rand
	noise       []float64 // scratch, one per layer
}

// Draw is one generated input.
type Draw struct {
	// Domain is the input's domain, BaseDomain outside every listed one.
	Domain string
	// Sparsity has one entry per layer, in [0, MaxSparsity].
	Sparsity []float64
	// LoadBalance has one entry per layer for attention families, in
	// [MinLoadBalance, 1]; nil otherwise.
	LoadBalance []float64
}

// NewGenerator checks p for a family of the given number of layers and
// returns its generator. loadBalance asks for load-balance draws
// (attention families).
func NewGenerator(p SparsityParams, layers int, loadBalance bool, seed uint64, stream string) (*Generator, error) {
	if layers <= 0 {
		return nil, fmt.Errorf("generator: %d layers", layers)
	}
	if err := p.validateFor(layers, loadBalance); err != nil {
		return nil, err
	}
	return &Generator{
		p:           p,
		layers:      layers,
		loadBalance: loadBalance,
		rng:         rand.New(rand.NewPCG(seed, streamKey(stream))),
		noise:       make([]float64, layers),
	}, nil
}

// streamKey turns a stream name into the second PCG seed word.
func streamKey(s string) uint64 {
	h := fnv.New64a()
	h.Write([]byte(s))
	return h.Sum64()
}

// Next draws the next sample into d, reusing its slices when they have the
// right length. The draw order is fixed — domain, sparsity latent, the
// layers' sparsity noise, then (attention) the load-balance latent and
// noise — so a seed always gives the same bytes.
func (g *Generator) Next(d *Draw) {
	r := g.rng
	shift, scale := 0.0, 1.0
	var layerShift []float64
	d.Domain = BaseDomain
	u := r.Float64()
	var cum float64
	for _, dom := range g.p.Domains {
		cum += dom.Share
		if u < cum {
			d.Domain, shift, scale, layerShift = dom.Name, dom.MeanShift, dom.SpreadScale, dom.LayerShift
			break
		}
	}
	d.Sparsity = resize(d.Sparsity, g.layers)
	spread := float64(g.p.Spread * scale)
	g.correlated(d.Sparsity, spread, g.p.LayerSpread, scale, g.p.Rho, g.p.Decay)
	for i := range d.Sparsity {
		mean := g.p.Mean
		if g.p.LayerMean != nil {
			mean = g.p.LayerMean[i]
		}
		if layerShift != nil {
			shift = layerShift[i]
		}
		d.Sparsity[i] = clip(float64(mean+shift)+d.Sparsity[i], 0, MaxSparsity)
	}
	if !g.loadBalance {
		d.LoadBalance = nil
		return
	}
	d.LoadBalance = resize(d.LoadBalance, g.layers)
	g.correlated(d.LoadBalance, g.p.LoadBalance.Spread, nil, 1, g.p.Rho, 0)
	for i := range d.LoadBalance {
		d.LoadBalance[i] = clip(g.p.LoadBalance.Mean+d.LoadBalance[i], MinLoadBalance, 1)
	}
}

// correlated fills dst with zero-mean normal deviates whose pairwise
// correlation is rho + (1 − rho)·decay^|i−j|: a shared latent weighted √ρ
// plus per-layer noise weighted √(1−ρ), the noise an AR(1) process of unit
// variance across the layers (independent when decay is 0), keeps the
// variance at sd² — sd for every layer, or layerSD[i]·scale when layerSD
// is set. With decay 0 and no layerSD the arithmetic is the one the
// released scenarios were built with, so their samples do not move.
func (g *Generator) correlated(dst []float64, sd float64, layerSD []float64, scale, rho, decay float64) {
	z := g.rng.NormFloat64()
	a, b := math.Sqrt(rho), math.Sqrt(1-rho)
	shared := float64(a * z)
	c := math.Sqrt(1 - decay*decay)
	var prev float64
	for i := range dst {
		e := g.rng.NormFloat64()
		if decay > 0 && i > 0 {
			e = float64(decay*prev) + float64(c*e)
		}
		prev = e
		s := sd
		if layerSD != nil {
			s = float64(layerSD[i] * scale)
		}
		dst[i] = float64(s * float64(shared+float64(b*e)))
	}
}

func resize(s []float64, n int) []float64 {
	if len(s) == n {
		return s
	}
	return make([]float64, n)
}

func clip(x, lo, hi float64) float64 { return min(max(x, lo), hi) }
