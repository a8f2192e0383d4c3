package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"text/tabwriter"

	"github.com/sparsebench/sparsebench/harness"
	"github.com/sparsebench/sparsebench/harness/stats"
	"github.com/sparsebench/sparsebench/suite"
)

// scenarioRun is the result of running schedulers on scenarios: one row per
// scheduler, point and seed, and one mean row per scheduler and point.
type scenarioRun struct {
	Results []resultRow `json:"results"`
	Means   []resultRow `json:"means"`
}

func runScenario(f runFlags, jobs []harness.Job, stdout io.Writer) error {
	s, err := suite.Builtin()
	if err != nil {
		return err
	}
	sc, err := s.Resolve(f.scenario)
	if err != nil {
		return usageErr(fmt.Errorf("--scenario: %w", err))
	}
	if f.rate < 0 || f.sloMult < 0 || f.requests < 0 || f.seeds < 0 {
		return usageErr(fmt.Errorf("run: --rate, --slo-mult, --requests and --seeds must be positive"))
	}
	if f.preemptionCost != 0 {
		return usageErr(fmt.Errorf("run: --preemption-cost applies to --trace runs; %s fixes it (preemption_cost_s = %g)", sc.ID(), sc.PreemptionCost))
	}
	switch {
	case f.accelPlugin != "":
		acc, err := acceleratorPlugin(f.accelPlugin, f.plugin)
		if err != nil {
			return err
		}
		defer acc.Close()
		sum, err := fileSHA256(f.accelPlugin)
		if err != nil {
			return err
		}
		sc = sc.WithAccelerator(acc, fmt.Sprintf("plugin %s (%s %s, sha256 %s)", f.accelPlugin, acc.Name(), acc.Version(), sum))
	case f.isolation == "process":
		acc, err := isolatedAccelerator(sc.Accelerator.Name, f.plugin)
		if err != nil {
			return err
		}
		defer acc.Close()
		// The same reference model, out of process: its latencies are the
		// reference ones, so the rows are not marked.
		sc = sc.WithAccelerator(acc, "")
	}
	points := sc.OperatingPoints()
	if f.rate != 0 || f.sloMult != 0 {
		points = []suite.Point{{Name: "custom", Rate: f.rate, SLOMult: f.sloMult}}
	}
	res, err := runScenarios([]*suite.Scenario{sc}, points, f.seeds, jobs,
		suite.GridOptions{Requests: f.requests, Workers: f.workers, TimeDecisions: f.timing})
	if err != nil {
		return err
	}
	f.markPlugins(res.Results)
	f.markPlugins(res.Means)
	if err := writeScenarioRun(stdout, f.format, res); err != nil {
		return err
	}
	return failed(res.Results)
}

// runScenarios runs the jobs on each scenario at the given points (nil:
// each scenario's operating points) and seeds.
func runScenarios(scs []*suite.Scenario, points []suite.Point, seeds int, jobs []harness.Job, o suite.GridOptions) (*scenarioRun, error) {
	res := &scenarioRun{}
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
			var row resultRow
			if c.Err != nil {
				row = resultRow{Scheduler: c.Scheduler, Error: c.Err.Error()}
			} else {
				row = newRow(c.Scheduler, c.Outcome)
			}
			seed := c.Run.Seed
			row.Scenario, row.ScenarioHash, row.Point = sc.ID(), sc.Hash(), c.Run.Name
			row.Accelerator = sc.AcceleratorLabel()
			row.Rate, row.SLOMult, row.Seed = c.Run.Rate, c.Run.SLOMult, &seed
			res.Results = append(res.Results, row)
		}
		res.Means = append(res.Means, means(res.Results[len(res.Results)-len(cells):])...)
	}
	return res, nil
}

// means averages each scheduler's metrics over the seeds of each point, in
// the order the rows first appear. Failed runs are left out of the mean.
func means(rows []resultRow) []resultRow {
	type key struct{ point, sched string }
	var order []key
	groups := map[key][]resultRow{}
	for _, r := range rows {
		k := key{r.Point, r.Scheduler}
		if _, ok := groups[k]; !ok {
			order = append(order, k)
		}
		groups[k] = append(groups[k], r)
	}
	var out []resultRow
	for _, k := range order {
		g := groups[k]
		m := resultRow{Scenario: g[0].Scenario, ScenarioHash: g[0].ScenarioHash, Point: k.point,
			Rate: g[0].Rate, SLOMult: g[0].SLOMult, Scheduler: k.sched, Accelerator: g[0].Accelerator}
		var ok []resultRow
		for _, r := range g {
			if r.Error == "" {
				ok = append(ok, r)
				m.Oracle = r.Oracle
			} else if m.Error == "" {
				m.Error = r.Error
			}
		}
		m.Seeds = len(ok)
		if len(ok) > 0 {
			avg := func(get func(*harness.Metrics) float64) float64 {
				var s float64
				for _, r := range ok {
					s += get(r.Metrics)
				}
				return s / float64(len(ok))
			}
			mm := &harness.Metrics{
				Requests:      ok[0].Requests,
				ViolationRate: avg(func(x *harness.Metrics) float64 { return x.ViolationRate }),
				ANTT:          avg(func(x *harness.Metrics) float64 { return x.ANTT }),
				STP:           avg(func(x *harness.Metrics) float64 { return x.STP }),
				P50NTT:        avg(func(x *harness.Metrics) float64 { return x.P50NTT }),
				P95NTT:        avg(func(x *harness.Metrics) float64 { return x.P95NTT }),
				P99NTT:        avg(func(x *harness.Metrics) float64 { return x.P99NTT }),
				Makespan:      avg(func(x *harness.Metrics) float64 { return x.Makespan }),
			}
			mm.Violations = int(math.Round(avg(func(x *harness.Metrics) float64 { return float64(x.Violations) })))
			mm.Preemptions = int(math.Round(avg(func(x *harness.Metrics) float64 { return float64(x.Preemptions) })))
			m.Metrics = mm
			m.Error = ""
			if ok[0].DecideNSPerDecision != nil {
				var ns float64
				for _, r := range ok {
					if r.DecideNSPerDecision != nil {
						ns += *r.DecideNSPerDecision
					}
				}
				ns /= float64(len(ok))
				m.DecideNSPerDecision = &ns
			}
		}
		out = append(out, m)
	}
	return out
}

func writeScenarioRun(w io.Writer, format string, res *scenarioRun) error {
	var buf bytes.Buffer
	switch format {
	case "json":
		b, err := json.MarshalIndent(res, "", "  ")
		if err != nil {
			return err
		}
		buf.Write(append(b, '\n'))
	case "csv":
		if err := writeCSV(&buf, res.Results); err != nil {
			return err
		}
	default:
		writeScenarioTable(&buf, res)
	}
	_, err := w.Write(buf.Bytes())
	return err
}

// writeScenarioTable prints, per scenario and point, each scheduler's mean
// over seeds with a 95% Student-t interval.
func writeScenarioTable(buf *bytes.Buffer, res *scenarioRun) {
	type key struct{ scen, point, sched string }
	per := map[key][]resultRow{}
	for _, r := range res.Results {
		k := key{r.Scenario, r.Point, r.Scheduler}
		per[k] = append(per[k], r)
	}
	var tw *tabwriter.Writer
	last := ""
	for _, m := range res.Means {
		block := m.Scenario + "/" + m.Point
		if block != last {
			if tw != nil {
				tw.Flush()
				buf.WriteString("\n")
			}
			g := per[key{m.Scenario, m.Point, m.Scheduler}]
			fmt.Fprintf(buf, "%s %s (hash %s): %g requests/s, SLO ×%g, %d requests, %d seeds; mean ± 95%% CI over seeds\n",
				m.Scenario, m.Point, shortHash(m.ScenarioHash), m.Rate, m.SLOMult, requestsOf(g), len(g))
			if m.Accelerator != "" {
				fmt.Fprintf(buf, "NOT the scenario's reference results: latencies from %s\n", m.Accelerator)
			}
			tw = tabwriter.NewWriter(buf, 0, 0, 2, ' ', tabwriter.AlignRight)
			head := "scheduler\tviolations\tANTT\tSTP (inf/s)\tp99 NTT\tpreemptions\t"
			if m.DecideNSPerDecision != nil {
				head += "ns/decision (wall, not scored)\t"
			}
			fmt.Fprintln(tw, head)
			last = block
		}
		name := m.Scheduler
		if m.Oracle {
			name += " (oracle)"
		}
		g := per[key{m.Scenario, m.Point, m.Scheduler}]
		if m.Metrics == nil {
			fmt.Fprintf(tw, "%s\tFAILED (see below)\t\t\t\t\t\n", name)
			continue
		}
		col := func(get func(*harness.Metrics) float64, u stats.Unit) string {
			var xs []float64
			for _, r := range g {
				if r.Metrics != nil {
					xs = append(xs, get(r.Metrics))
				}
			}
			return stats.Format(stats.Mean(xs, 0.95), u)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%d\t", name,
			col(func(x *harness.Metrics) float64 { return x.ViolationRate }, stats.Percent),
			col(func(x *harness.Metrics) float64 { return x.ANTT }, stats.Plain),
			col(func(x *harness.Metrics) float64 { return x.STP }, stats.Plain),
			col(func(x *harness.Metrics) float64 { return x.P99NTT }, stats.Plain),
			m.Preemptions)
		if m.DecideNSPerDecision != nil {
			fmt.Fprintf(tw, "%s\t", optG(m.DecideNSPerDecision))
		}
		fmt.Fprintln(tw)
	}
	if tw != nil {
		tw.Flush()
	}
}

func requestsOf(rows []resultRow) int {
	for _, r := range rows {
		if r.Metrics != nil {
			return r.Requests
		}
	}
	return 0
}

func shortHash(h string) string {
	if len(h) > 12 {
		return h[:12]
	}
	return h
}
