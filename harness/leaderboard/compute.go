package leaderboard

import (
	"fmt"
	"sort"

	"github.com/sparsebench/sparsebench/harness"
	"github.com/sparsebench/sparsebench/suite"
)

// ComputeOptions are the settings of a leaderboard run beyond its
// scenarios and jobs.
type ComputeOptions struct {
	// Seeds is the number of run seeds (0: each scenario's own list).
	Seeds int
	// Requests per run at every point (0: the scenario's); a non-zero
	// count is noted in the provenance.
	Requests int
	// Workers bounds the simulations at once (≤ 0: one per CPU).
	Workers int
	// Version and Revision identify the tool in the provenance; the caller
	// knows them (the CLI reads its build information).
	Version, Revision string
	// PluginSHA256 maps a plugin job's label to its executable's SHA-256,
	// recorded in the provenance in job order.
	PluginSHA256 map[string]string
}

// Run is everything the output files are made from: the ranked board and
// the turnaround CDFs of the operating points.
type Run struct {
	Standings *Standings
	CDFs      []CDF
}

// cdfPoints is how many quantiles of each scheduler's normalized
// turnaround the CDF plots keep.
const cdfPoints = 200

// Compute runs every job on every point of the scenarios (Points) at the
// seeds of opts and ranks them. The seeds of one point replay the same
// traces for every job (common random numbers, suite.Scenario.RunGrid).
func Compute(scs []*suite.Scenario, jobs []harness.Job, opts ComputeOptions) (*Run, error) {
	prov := Provenance{Tool: "sparsebench", Version: opts.Version, Revision: opts.Revision, Confidence: Confidence,
		Plugins: []Plugin{}}
	for _, j := range jobs {
		if sum, ok := opts.PluginSHA256[j.Label]; ok {
			prov.Plugins = append(prov.Plugins, Plugin{Name: j.Label, SHA256: sum})
		}
	}
	if opts.Requests != 0 {
		prov.Notes = append(prov.Notes, fmt.Sprintf("--requests %d: every run has %d requests instead of the scenario's", opts.Requests, opts.Requests))
	}
	var points []PointResults
	var cdfs []CDF
	for _, sc := range scs {
		pts := Points(sc)
		seeds := sc.SeedList(opts.Seeds)
		cells, err := sc.RunGrid(pts, seeds, jobs, suite.GridOptions{Requests: opts.Requests, Workers: opts.Workers})
		if err != nil {
			return nil, err
		}
		base, err := sc.Resolve(suite.Run{Requests: opts.Requests})
		if err != nil {
			return nil, err
		}
		requests := base.Requests
		prov.Scenarios = append(prov.Scenarios, ScenarioSource{ID: sc.ID(), Hash: sc.Hash(), Seeds: seeds, Requests: requests})
		per := len(seeds) * len(jobs)
		for i, p := range pts {
			rp, err := sc.Resolve(suite.Run{Point: p, Requests: opts.Requests})
			if err != nil {
				return nil, err
			}
			block := cells[i*per : (i+1)*per]
			if p.Sweep == "" {
				c, err := nttCDF(sc, rp, seeds, jobs, block)
				if err != nil {
					return nil, err
				}
				c.Scenario, c.Point = sc.ID(), p.Name
				cdfs = append(cdfs, c)
			}
			points = append(points, PointResults{Scenario: sc.ID(), ScenarioHash: sc.Hash(), Point: p.Name, Sweep: p.Sweep,
				Rate: rp.Rate, Utilisation: rp.Utilisation, SLOMult: rp.SLOMult, Requests: rp.Requests, Seeds: seeds,
				Results: jobResults(len(seeds), jobs, block)})
		}
	}
	return &Run{Standings: Build(prov, points), CDFs: cdfs}, nil
}

// jobResults gathers each job's per-seed metrics at one point (block: the
// point's cells, by seed then job). A job that failed on a seed keeps its
// first error; its other seeds still count.
func jobResults(seeds int, jobs []harness.Job, block []suite.Cell) []Result {
	var out []Result
	for j, job := range jobs {
		r := Result{Scheduler: job.Label}
		for k := range seeds {
			c := block[k*len(jobs)+j]
			if c.Err != nil {
				if r.Error == "" {
					r.Error = c.Err.Error()
				}
				continue
			}
			m := c.Outcome.Metrics
			r.Oracle = c.Outcome.Scheduler.Oracle
			r.Values[ViolationRate] = append(r.Values[ViolationRate], m.ViolationRate)
			r.Values[ANTT] = append(r.Values[ANTT], m.ANTT)
			r.Values[STP] = append(r.Values[STP], m.STP)
			r.Values[P99NTT] = append(r.Values[P99NTT], m.P99NTT)
		}
		out = append(out, r)
	}
	return out
}

// nttCDF pools each job's normalized turnaround times over the seeds of
// one point (block: the point's cells, by seed then job). The traces are
// rebuilt for their arrival times; they are the ones the runs replayed.
func nttCDF(sc *suite.Scenario, rp suite.Run, seeds []uint64, jobs []harness.Job, block []suite.Cell) (CDF, error) {
	pooled := make([][]float64, len(jobs))
	for k, seed := range seeds {
		pt := rp
		pt.Seed = seed
		tr, err := sc.Trace(pt)
		if err != nil {
			return CDF{}, err
		}
		for j := range jobs {
			o := block[k*len(jobs)+j].Outcome
			if o == nil {
				continue
			}
			for r, req := range tr.Requests {
				pooled[j] = append(pooled[j], (o.Finish[r]-req.Arrival)/o.Isolated[r])
			}
		}
	}
	var c CDF
	for j, job := range jobs {
		sort.Float64s(pooled[j])
		c.Curves = append(c.Curves, Curve{Scheduler: job.Label, Sorted: Quantiles(pooled[j], cdfPoints)})
	}
	return c, nil
}

// Points lists the points a leaderboard ranks a scenario at: its
// operating points followed by the points of its sweeps.
func Points(sc *suite.Scenario) []suite.Point {
	out := sc.OperatingPoints()
	for _, sw := range sc.Sweeps {
		out = append(out, sc.Grid(sw)...)
	}
	return out
}

// Steps is the amount of work Compute and Run.Files do for a progress
// bar: the simulations Compute runs (one per point, seed and job, seeds
// being the number of run seeds, 0 for each scenario's own) and the
// figures Plots draws (a trade-off plot and a CDF per operating point, two
// plots per sweep).
func Steps(scs []*suite.Scenario, seeds, jobs int) int {
	n := 0
	for _, sc := range scs {
		n += len(Points(sc))*len(sc.SeedList(seeds))*jobs + 2*len(sc.OperatingPoints()) + 2*len(sc.Sweeps)
	}
	return n
}
