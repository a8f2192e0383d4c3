package workload

import (
	"fmt"
	"github.com/sparsebench/sparsebench/hardware/catalogue"
	"hash/fnv"
	"math"
	"math/rand/v2"
)

// Workload describes a request stream to draw from a catalogue
// (SPEC §1).
type Workload struct {
	Requests int
	// Rate is the mean arrival rate λ, requests per second.
	Rate float64
	// Burstiness is the coefficient of variation of the gaps between
	// arrivals. 0 or 1 gives a Poisson process (exponential gaps); other
	// values draw gamma-distributed gaps with the same mean 1/λ and shape
	// 1/Burstiness², so values above 1 make bursts.
	Burstiness float64
	// SLOMult multiplies a family's SLO base into a relative deadline.
	SLOMult float64
	// Priorities are the levels drawn uniformly; PREMA's {1, 3, 9} by default.
	Priorities []int
	// Shares are per-model traffic shares summing to 1; nil draws the model
	// uniformly.
	Shares []float64
	// Seed is the run seed; every random dimension derives its own stream
	// from it (see Stream).
	Seed uint64
}

// ShareTolerance is how far traffic shares may sum from 1: decimal shares
// such as 0.1 + 0.2 + 0.7 do not add up to 1 exactly in binary. Scenario
// validation uses the same bound, so a scenario that validates also runs.
const ShareTolerance = 1e-6

// DefaultPriorities are PREMA's priority levels.
var DefaultPriorities = []int{1, 3, 9}

// Stream returns the random stream of one named dimension of a run. Each
// dimension (arrivals, variant, sample, priority, …) has its own PCG
// generator seeded from (run seed, dimension name), so adding a dimension
// never changes the draws of the existing ones, and a run is reproducible
// from its seed alone. The two PCG seeds are SplitMix64 finalisations of
// seed⊕h and h, h being the 64-bit FNV-1a hash of the dimension name.
func Stream(seed uint64, dimension string) *rand.Rand {
	f := fnv.New64a()
	f.Write([]byte(dimension))
	h := f.Sum64()
	return rand.New(rand.NewPCG(splitmix64(seed^h), splitmix64(h)))
}

func splitmix64(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

// Validate checks a workload against a catalogue.
func (w *Workload) Validate(cat *catalogue.Catalogue) error {
	switch {
	case w.Requests <= 0:
		return fmt.Errorf("requests = %d, want > 0", w.Requests)
	case !(w.Rate > 0) || math.IsInf(w.Rate, 0):
		return fmt.Errorf("rate = %g, want a finite number > 0", w.Rate)
	case w.Burstiness < 0 || math.IsInf(w.Burstiness, 0) || math.IsNaN(w.Burstiness):
		return fmt.Errorf("burstiness = %g, want a finite number ≥ 0", w.Burstiness)
	case !(w.SLOMult > 0) || math.IsInf(w.SLOMult, 0):
		return fmt.Errorf("slo_mult = %g, want a finite number > 0", w.SLOMult)
	case len(cat.Models) == 0:
		return fmt.Errorf("catalogue has no models")
	}
	for _, p := range w.Priorities {
		if p <= 0 {
			return fmt.Errorf("priority level %d, want > 0", p)
		}
	}
	if w.Shares != nil {
		if len(w.Shares) != len(cat.Models) {
			return fmt.Errorf("%d shares for %d models", len(w.Shares), len(cat.Models))
		}
		var s float64
		for i, x := range w.Shares {
			if !(x >= 0) || math.IsInf(x, 0) {
				return fmt.Errorf("share of %s = %g, want ≥ 0", cat.Models[i].Name, x)
			}
			s += x
		}
		if math.Abs(s-1) > ShareTolerance {
			return fmt.Errorf("shares sum to %g, want 1", s)
		}
	}
	return nil
}

// Generate draws the request stream of a workload: arrival gaps, then per
// request its model, its sample and its priority, each dimension from its
// own stream. Requests come out sorted by arrival.
func Generate(cat *catalogue.Catalogue, w Workload) ([]Request, error) {
	if err := w.Validate(cat); err != nil {
		return nil, err
	}
	gap := gapSampler(Stream(w.Seed, "arrivals"), w.Rate, w.Burstiness)
	t := 0.0
	return draw(cat, w, func(int) float64 { t += gap(); return t }), nil
}

// GenerateAt draws a request stream whose arrival times are given (a
// replayed trace's), compressed by speedup (2 halves every time); models,
// samples and priorities are drawn from the seed as in Generate.
func GenerateAt(cat *catalogue.Catalogue, w Workload, arrivals []float64, speedup float64) ([]Request, error) {
	if err := w.Validate(cat); err != nil {
		return nil, err
	}
	if w.Requests > len(arrivals) {
		return nil, fmt.Errorf("requests = %d, but the replayed trace has %d arrivals", w.Requests, len(arrivals))
	}
	if !(speedup > 0) || math.IsInf(speedup, 0) {
		return nil, fmt.Errorf("speedup %g, want > 0", speedup)
	}
	return draw(cat, w, func(i int) float64 { return arrivals[i] / speedup }), nil
}

// draw fills in everything but the arrival times, each dimension from its
// own stream.
func draw(cat *catalogue.Catalogue, w Workload, arrival func(i int) float64) []Request {
	prios := w.Priorities
	if len(prios) == 0 {
		prios = DefaultPriorities
	}
	variants := Stream(w.Seed, "variant")
	samples := Stream(w.Seed, "sample")
	priorities := Stream(w.Seed, "priority")
	reqs := make([]Request, w.Requests)
	for i := range reqs {
		t := arrival(i)
		m := drawModel(variants, len(cat.Models), w.Shares)
		model := &cat.Models[m]
		reqs[i] = Request{
			Arrival:  t,
			Model:    m,
			Sample:   samples.IntN(len(model.Samples)),
			Priority: prios[priorities.IntN(len(prios))],
			Deadline: t + w.SLOMult*model.SLOBase,
		}
	}
	return reqs
}

func drawModel(r *rand.Rand, n int, shares []float64) int {
	if shares == nil {
		return r.IntN(n)
	}
	u := r.Float64()
	acc := 0.0
	last := 0
	for i, s := range shares {
		if s == 0 {
			continue
		}
		last = i
		acc += s
		if u < acc {
			return i
		}
	}
	return last // rounding left u ≥ Σ shares
}

func gapSampler(r *rand.Rand, rate, cv float64) func() float64 {
	if cv == 0 || cv == 1 {
		return func() float64 { return r.ExpFloat64() / rate }
	}
	shape := 1 / (cv * cv)
	scale := 1 / (rate * shape)
	return func() float64 { return gamma(r, shape) * scale }
}

// gamma draws from Gamma(shape, 1) by Marsaglia and Tsang's method (ACM
// TOMS 2000); shapes below 1 use the boost Gamma(k) = Gamma(k+1)·U^(1/k).
func gamma(r *rand.Rand, shape float64) float64 {
	if shape < 1 {
		u := r.Float64()
		for u == 0 {
			u = r.Float64()
		}
		return gamma(r, shape+1) * math.Pow(u, 1/shape)
	}
	d := shape - 1.0/3
	c := 1 / math.Sqrt(9*d)
	for {
		x := r.NormFloat64()
		v := 1 + c*x
		if v <= 0 {
			continue
		}
		v = v * v * v
		u := r.Float64()
		if u < 1-0.0331*x*x*x*x || math.Log(u) < 0.5*x*x+d*(1-v+math.Log(v)) {
			return d * v
		}
	}
}
