package suite

import (
	"fmt"
	"sync"

	"github.com/sparsebench/sparsebench/hardware"
	"github.com/sparsebench/sparsebench/hardware/catalogue"
	"github.com/sparsebench/sparsebench/harness"
	"github.com/sparsebench/sparsebench/harness/trace"
	"github.com/sparsebench/sparsebench/harness/workload"
	"github.com/sparsebench/sparsebench/plugins/accelerator"
)

// Run fixes what varies between runs of one scenario: the point, the
// request count and the run seed. Every scheduler replays the same request
// stream for the same Run (common random numbers). Zero values take the
// scenario's defaults.
type Run struct {
	Point
	Requests int
	Seed     uint64
}

// Resolve fills a run's zero fields from the scenario's defaults, turns a
// utilisation into the rate that offers it, and sets Utilisation to the
// offered load of the resolved rate (SPEC §8.4). Both need the catalogue,
// which is built on first use.
func (s *Scenario) Resolve(p Run) (Run, error) {
	if p.SLOMult == 0 {
		p.SLOMult = s.SLOMult
	}
	if p.Requests == 0 {
		p.Requests = s.Requests
	}
	service, err := s.MeanServiceTime()
	if err != nil {
		return p, err
	}
	switch {
	case p.Rate == 0 && p.Utilisation > 0:
		p.Rate = p.Utilisation / service
	case p.Rate == 0:
		p.Rate = s.Arrivals.Rate
	}
	p.Utilisation = p.Rate * service
	return p, nil
}

// MeanServiceTime is the mean isolated latency of one request of the
// scenario's mix: each variant's mean isolated latency over its samples,
// weighted by its traffic share (uniform without shares). Its inverse is
// the accelerator's capacity for the mix in requests/s, and rate × it is
// the offered load, the utilisation (SPEC §8.4).
func (s *Scenario) MeanServiceTime() (float64, error) {
	cat, err := s.Catalogue()
	if err != nil {
		return 0, fmt.Errorf("%s: %w", s.ID(), err)
	}
	shares := s.shares()
	var mean float64
	for i := range cat.Models {
		w := 1 / float64(len(cat.Models))
		if shares != nil {
			w = shares[i]
		}
		mean += w * cat.Models[i].MeanIsolatedLatency()
	}
	return mean, nil
}

// shares are the variants' traffic shares, nil when the draw is uniform.
func (s *Scenario) shares() []float64 {
	var out []float64
	for _, v := range s.Variants {
		if v.Share != 0 {
			out = append(out, v.Share)
		}
	}
	return out
}

// catalogueOnce builds a scenario's catalogue once, on the scenario's own
// accelerator model or, when acc is set, on a substitute.
type catalogueOnce struct {
	acc   accelerator.Accelerator
	label string
	once  sync.Once
	cat   *catalogue.Catalogue
	err   error
}

// WithAccelerator returns a copy of the scenario whose catalogue is built
// with acc — an accelerator plugin, say — instead of the reference model
// the scenario names. Results of the copy are not the scenario's reference
// results; label describes the substitute in outputs.
func (s *Scenario) WithAccelerator(acc accelerator.Accelerator, label string) *Scenario {
	c := *s
	c.catalogue = &catalogueOnce{acc: acc, label: label}
	return &c
}

// AcceleratorLabel is empty for the scenario's own accelerator model, and
// describes the substitute otherwise.
func (s *Scenario) AcceleratorLabel() string {
	if s.catalogue == nil || s.catalogue.acc == nil {
		return ""
	}
	return s.catalogue.label
}

// Catalogue is the scenario's catalogue: every variant with its samples,
// generated from the data-set seed. It depends on nothing else, so it is
// built once per scenario and shared (read-only) by every run.
func (s *Scenario) Catalogue() (*catalogue.Catalogue, error) {
	c := s.catalogue
	if c == nil { // a Scenario not made by Parse
		c = &catalogueOnce{}
		s.catalogue = c
	}
	c.once.Do(func() {
		acc := c.acc
		if acc == nil {
			if acc, c.err = hardware.Lookup(s.Accelerator.Name); c.err != nil {
				return
			}
		}
		c.cat, c.err = buildCatalogue(s, acc)
	})
	return c.cat, c.err
}

// Trace builds the exact input of one run: the catalogue and the request
// stream drawn from the run seed. Every scheduler replays the same trace for
// the same point and seed.
func (s *Scenario) Trace(p Run) (*trace.Trace, error) {
	p, err := s.Resolve(p)
	if err != nil {
		return nil, err
	}
	cat, err := s.Catalogue()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", s.ID(), err)
	}
	w := workload.Workload{
		Requests:   p.Requests,
		Rate:       p.Rate,
		SLOMult:    p.SLOMult,
		Priorities: s.Priorities,
		Seed:       p.Seed,
		Shares:     s.shares(),
	}
	if s.Arrivals.Process == "gamma" {
		w.Burstiness = s.Arrivals.Burstiness
	}
	var reqs []workload.Request
	if s.Arrivals.Process == "trace" {
		reqs, err = workload.GenerateAt(cat, w, s.replay, p.Rate/s.Arrivals.Rate)
	} else {
		reqs, err = workload.Generate(cat, w)
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", s.ID(), err)
	}
	return &trace.Trace{Catalogue: *cat, Requests: reqs}, nil
}

// Options are the simulation settings the scenario pins.
func (s *Scenario) Options() harness.Options {
	return harness.Options{PreemptionCost: s.PreemptionCost}
}

// Grid lists the points of a sweep: the cross product of its loads (rates,
// then utilisations) and SLO multipliers, the scenario's default standing
// in for an empty list. Each is named "SWEEP: RATE requests/s, SLO ×MULT"
// or "SWEEP: utilisation U, SLO ×MULT".
func (s *Scenario) Grid(sw Sweep) []Point {
	var loads []Point
	for _, r := range sw.Rates {
		loads = append(loads, Point{Name: fmt.Sprintf("%g requests/s", r), Rate: r})
	}
	for _, u := range sw.Utilisations {
		loads = append(loads, Point{Name: fmt.Sprintf("utilisation %g", u), Utilisation: u})
	}
	if len(loads) == 0 {
		loads = []Point{{Name: fmt.Sprintf("%g requests/s", s.Arrivals.Rate), Rate: s.Arrivals.Rate}}
	}
	mults := sw.SLOMults
	if len(mults) == 0 {
		mults = []float64{s.SLOMult}
	}
	var out []Point
	for _, l := range loads {
		for _, m := range mults {
			p := l
			p.Name = fmt.Sprintf("%s: %s, SLO ×%g", sw.Name, l.Name, m)
			p.SLOMult, p.Sweep = m, sw.Name
			out = append(out, p)
		}
	}
	return out
}

// Sweep finds a named sweep.
func (s *Scenario) Sweep(name string) (Sweep, bool) {
	for _, sw := range s.Sweeps {
		if sw.Name == name {
			return sw, true
		}
	}
	return Sweep{}, false
}

func buildCatalogue(s *Scenario, acc accelerator.Accelerator) (*catalogue.Catalogue, error) {
	vs := make([]hardware.Variant, len(s.Variants))
	for i, v := range s.Variants {
		vs[i] = hardware.Variant{Family: v.Family, Pattern: v.Pattern, WeightSparsity: v.WeightSparsity, LayerWeightSparsity: v.LayerWeightSparsity}
	}
	return hardware.BuildCatalogue(vs, s.Dataset.Samples, s.Dataset.Seed, hardware.BuildOptions{
		Sparsity:     s.Sparsity,
		SeqLen:       s.Accelerator.SeqLen,
		Accelerators: []accelerator.Accelerator{acc},
	})
}

// OverloadTolerance absorbs the rounding of rate = utilisation / service
// and back, so a point declared at utilisation 1 is not called an
// overload.
const OverloadTolerance = 1e-9

// Overloaded reports whether an offered load exceeds the accelerator's
// capacity: above 1 the queue grows for as long as requests keep coming,
// so results depend on the run's length (SPEC §8.4).
func Overloaded(utilisation float64) bool { return utilisation > 1+OverloadTolerance }

// DescribeLoad is how every result header names a point's load: the rate,
// its utilisation and, above 1, that the point is an overload, e.g.
// "4 requests/s (utilisation 1.18, overload)". A zero utilisation (a
// trace run, say) prints the rate alone.
func DescribeLoad(rate, utilisation float64) string {
	if utilisation == 0 {
		return fmt.Sprintf("%g requests/s", rate)
	}
	over := ""
	if Overloaded(utilisation) {
		over = ", overload"
	}
	return fmt.Sprintf("%.3g requests/s (utilisation %.2f%s)", rate, utilisation, over)
}
