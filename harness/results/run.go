package results

import (
	"github.com/sparsebench/sparsebench/harness"
	"github.com/sparsebench/sparsebench/harness/trace"
	"github.com/sparsebench/sparsebench/suite"
)

// Run is the document `run --format json` writes for scenario runs: one
// row per scheduler, point and seed, and one mean row per scheduler and
// point.
type Run struct {
	Results []Row `json:"results"`
	Means   []Row `json:"means"`
}

// RunScenarios runs the jobs on each scenario at the given points (nil:
// each scenario's operating points) and seeds (0: each scenario's own
// list), and makes the rows and means of the grid.
func RunScenarios(scs []*suite.Scenario, points []suite.Point, seeds int, jobs []harness.Job, o suite.GridOptions) (*Run, error) {
	res := &Run{}
	for _, sc := range scs {
		pts := points
		if pts == nil {
			pts = sc.OperatingPoints()
		}
		cells, err := sc.RunGrid(pts, sc.SeedList(seeds), jobs, o)
		if err != nil {
			return nil, err
		}
		for _, c := range cells {
			var row Row
			if c.Err != nil {
				row = FailedRow(c.Scheduler, c.Err)
			} else {
				row = NewRow(c.Scheduler, c.Outcome)
			}
			seed := c.Run.Seed
			row.Scenario, row.ScenarioHash, row.Point = sc.ID(), sc.Hash(), c.Run.Name
			row.Accelerator = sc.AcceleratorLabel()
			row.Rate, row.Utilisation, row.SLOMult, row.Seed = c.Run.Rate, c.Run.Utilisation, c.Run.SLOMult, &seed
			res.Results = append(res.Results, row)
		}
		res.Means = append(res.Means, Means(res.Results[len(res.Results)-len(cells):])...)
	}
	return res, nil
}

// Replay runs the jobs on the trace, one row per job in order. A job that
// fails gets a row that carries its error (FailedRow).
func Replay(tr *trace.Trace, jobs []harness.Job, opt harness.Options, workers int) []Row {
	outs, errs := harness.RunAll(&tr.Catalogue, tr.Requests, jobs, opt, workers)
	rows := make([]Row, len(jobs))
	for i, j := range jobs {
		if errs[i] != nil {
			rows[i] = FailedRow(j.Label, errs[i])
			continue
		}
		rows[i] = NewRow(j.Label, outs[i])
	}
	return rows
}
