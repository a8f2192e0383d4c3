package suite

import (
	"fmt"
	"slices"

	"github.com/sparsebench/sparsebench/harness"
	"github.com/sparsebench/sparsebench/harness/parallel"
)

// OperatingPoints lists the scenario's declared operating points.
func (s *Scenario) OperatingPoints() []Point { return slices.Clone(s.Points) }

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
	Run       Run // resolved, Seed set
	Scheduler string
	Outcome   *harness.Outcome
	Err       error
}

// GridOptions tune RunGrid.
type GridOptions struct {
	// Requests per run; 0 takes the scenario's count.
	Requests int
	// Workers bounds the runs at once; ≤ 0 means one per CPU.
	Workers int
	// TimeDecisions measures the wall time each scheduler spends deciding
	// (reported, never scored; it is the one output that varies between
	// runs).
	TimeDecisions bool
}

// RunGrid runs every job on every point and seed. The traces are built
// once per (point, seed) and shared by all jobs — common random numbers:
// every scheduler sees exactly the same requests. The runs go through one
// worker pool, except those of lockstep jobs, which advance together
// beside it (harness.ForEachRun); cells come back ordered by point, seed,
// then job, whatever the number of workers.
func (s *Scenario) RunGrid(points []Point, seeds []uint64, jobs []harness.Job, o GridOptions) ([]Cell, error) {
	workers := o.Workers
	runs := make([]Run, len(points)*len(seeds))
	for i := range runs {
		var err error
		if runs[i], err = s.Resolve(Run{Point: points[i/len(seeds)], Requests: o.Requests, Seed: seeds[i%len(seeds)]}); err != nil {
			return nil, err
		}
	}
	prepared := make([]*harness.Prepared, len(runs))
	errs := make([]error, len(prepared))
	parallel.ForEach(len(prepared), workers, func(i int) {
		tr, err := s.Trace(runs[i])
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
	opt.TimeDecisions = o.TimeDecisions
	harness.ForEachRun(len(cells), jobs, func(i int) int { return i % len(jobs) }, workers, func(i int) {
		t, j := i/len(jobs), i%len(jobs)
		r := runs[t]
		c := Cell{Run: r, Scheduler: jobs[j].Label}
		var err error
		c.Outcome, err = prepared[t].RunJob(jobs[j], opt)
		if err != nil {
			c.Err = fmt.Errorf("%s, %s, seed %d: %w", s.ID(), r.Name, r.Seed, err)
		}
		cells[i] = c
	})
	return cells, nil
}
