package suite

import (
	"fmt"

	"github.com/sparsebench/sparsebench/harness"
	"github.com/sparsebench/sparsebench/harness/parallel"
)

// NamedPoint is an operating point with its label (an operating point's
// name, or a sweep's name and coordinates).
type NamedPoint struct {
	Name string
	RunPoint
}

// OperatingPoints lists the scenario's operating points.
func (s *Scenario) OperatingPoints() []NamedPoint {
	out := make([]NamedPoint, len(s.Points))
	for i, p := range s.Points {
		out[i] = NamedPoint{Name: p.Name, RunPoint: RunPoint{Rate: p.Rate, SLOMult: p.SLOMult}}
	}
	return out
}

// SeedList returns n run seeds: the scenario's, in order, continued with
// the integers after the largest of them when n asks for more. n ≤ 0 means
// the scenario's own list.
func (s *Scenario) SeedList(n int) []uint64 {
	if n <= 0 {
		return append([]uint64(nil), s.Seeds...)
	}
	out := make([]uint64, 0, n)
	var maxSeed uint64
	for _, sd := range s.Seeds {
		if len(out) < n {
			out = append(out, sd)
		}
		maxSeed = max(maxSeed, sd)
	}
	for len(out) < n {
		maxSeed++
		out = append(out, maxSeed)
	}
	return out
}

// Cell is one run of a grid: a scheduler on one point and seed.
type Cell struct {
	Point     NamedPoint // resolved, Seed set
	Scheduler string
	Outcome   *harness.Outcome
	Err       error
}

// RunGrid runs every job on every point and seed. The traces are built
// once per (point, seed) and shared by all jobs — common random numbers:
// every scheduler sees exactly the same requests. All runs go through one
// worker pool; cells come back ordered by point, seed, then job, whatever
// the number of workers.
func (s *Scenario) RunGrid(points []NamedPoint, seeds []uint64, jobs []harness.Job, workers int) ([]Cell, error) {
	return s.RunGridTimed(points, seeds, jobs, workers, false)
}

// RunGridTimed is RunGrid that can also measure the wall time each
// scheduler spends deciding (reported, never scored; it is the one output
// that varies between runs).
func (s *Scenario) RunGridTimed(points []NamedPoint, seeds []uint64, jobs []harness.Job, workers int, timeDecisions bool) ([]Cell, error) {
	prepared := make([]*harness.Prepared, len(points)*len(seeds))
	errs := make([]error, len(prepared))
	parallel.ForEach(len(prepared), workers, func(i int) {
		pt := points[i/len(seeds)].RunPoint
		pt.Seed = seeds[i%len(seeds)]
		tr, err := s.Trace(pt)
		if err == nil {
			prepared[i], err = harness.Prepare(&tr.Catalogue, tr.Requests)
		}
		errs[i] = err
	})
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	cells := make([]Cell, len(prepared)*len(jobs))
	opt := s.Options()
	opt.TimeDecisions = timeDecisions
	parallel.ForEach(len(cells), workers, func(i int) {
		t, j := i/len(jobs), i%len(jobs)
		np := points[t/len(seeds)]
		np.RunPoint = s.Resolved(np.RunPoint)
		np.Seed = seeds[t%len(seeds)]
		c := Cell{Point: np, Scheduler: jobs[j].Label}
		var err error
		c.Outcome, err = prepared[t].RunJob(jobs[j], opt)
		if err != nil {
			c.Err = fmt.Errorf("%s, %s, seed %d: %w", s.ID(), np.Name, np.Seed, err)
		}
		cells[i] = c
	})
	return cells, nil
}
