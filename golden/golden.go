// Package golden holds the expected results of every released scenario
// version under every built-in policy — per seed, at the scenario's
// operating points — and recomputes them in its tests, so that numbers a
// third party published never drift silently. A legitimate change (a bug
// fix in a policy, the engine or an accelerator model) updates them with
// `go test ./golden -update`, and the diff shows exactly what moved.
package golden

import (
	"github.com/sparsebench/sparsebench/harness"
	"github.com/sparsebench/sparsebench/plugins/lineup"
	"github.com/sparsebench/sparsebench/plugins/policies"
	"github.com/sparsebench/sparsebench/suite"
)

// File is the golden results of one scenario version.
type File struct {
	Scenario string `json:"scenario"`
	Hash     string `json:"hash"`
	Results  []Row  `json:"results"`
}

// Row is one run: a scheduler on one operating point and seed.
type Row struct {
	Point     string  `json:"point"`
	Rate      float64 `json:"rate"`
	SLOMult   float64 `json:"slo_mult"`
	Seed      uint64  `json:"seed"`
	Scheduler string  `json:"scheduler"`
	Oracle    bool    `json:"oracle"`
	Decisions int     `json:"decisions"`
	harness.Metrics
}

// BuiltinJobs are the built-in policies with default parameters.
func BuiltinJobs() []harness.Job {
	specs, err := policies.ParseList("all")
	if err != nil {
		panic(err) // "all" always parses
	}
	return lineup.Builtin(specs)
}

// Compute runs the jobs on the scenario's operating points and seeds.
func Compute(sc *suite.Scenario, jobs []harness.Job, workers int) (*File, error) {
	cells, err := sc.RunGrid(sc.OperatingPoints(), sc.SeedList(0), jobs, suite.GridOptions{Workers: workers})
	if err != nil {
		return nil, err
	}
	f := &File{Scenario: sc.ID(), Hash: sc.Hash()}
	for _, c := range cells {
		if c.Err != nil {
			return nil, c.Err
		}
		f.Results = append(f.Results, Row{
			Point: c.Run.Name, Rate: c.Run.Rate, SLOMult: c.Run.SLOMult, Seed: c.Run.Seed,
			Scheduler: c.Scheduler, Oracle: c.Outcome.Scheduler.Oracle, Decisions: c.Outcome.Decisions,
			Metrics: c.Outcome.Metrics,
		})
	}
	return f, nil
}
