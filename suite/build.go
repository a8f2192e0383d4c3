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

// Resolved fills a run's zero fields from the scenario's defaults.
func (s *Scenario) Resolved(p Run) Run {
	if p.Rate == 0 {
		p.Rate = s.Arrivals.Rate
	}
	if p.SLOMult == 0 {
		p.SLOMult = s.SLOMult
	}
	if p.Requests == 0 {
		p.Requests = s.Requests
	}
	return p
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
	p = s.Resolved(p)
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
	}
	if s.Arrivals.Process == "gamma" {
		w.Burstiness = s.Arrivals.Burstiness
	}
	for _, v := range s.Variants {
		if v.Share != 0 {
			w.Shares = append(w.Shares, v.Share)
		}
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

// Grid lists the points of a sweep: the cross product of its rates and SLO
// multipliers, the scenario's default standing in for an empty list. Each
// is named "SWEEP: RATE requests/s, SLO ×MULT".
func (s *Scenario) Grid(sw Sweep) []Point {
	rates, mults := sw.Rates, sw.SLOMults
	if len(rates) == 0 {
		rates = []float64{s.Arrivals.Rate}
	}
	if len(mults) == 0 {
		mults = []float64{s.SLOMult}
	}
	var out []Point
	for _, r := range rates {
		for _, m := range mults {
			name := fmt.Sprintf("%s: %g requests/s, SLO ×%g", sw.Name, r, m)
			out = append(out, Point{Name: name, Rate: r, SLOMult: m, Sweep: sw.Name})
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
		vs[i] = hardware.Variant{Family: v.Family, Pattern: v.Pattern, WeightSparsity: v.WeightSparsity}
	}
	return hardware.BuildCatalogue(vs, s.Dataset.Samples, s.Dataset.Seed, hardware.BuildOptions{
		Sparsity:     s.Sparsity,
		SeqLen:       s.Accelerator.SeqLen,
		Accelerators: []accelerator.Accelerator{acc},
	})
}
