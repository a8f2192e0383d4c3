package results

import (
	"math"

	"github.com/sparsebench/sparsebench/harness"
)

// Means averages each scheduler's metrics over the seeds of each point, in
// the order the rows first appear. Failed runs are left out of the mean; a
// point where every run failed keeps the first error and no metrics.
// Counts (violations, preemptions) are rounded means; the request count
// is the first successful row's.
func Means(rows []Row) []Row {
	type key struct{ point, sched string }
	var order []key
	groups := map[key][]Row{}
	for _, r := range rows {
		k := key{r.Point, r.Scheduler}
		if _, ok := groups[k]; !ok {
			order = append(order, k)
		}
		groups[k] = append(groups[k], r)
	}
	var out []Row
	for _, k := range order {
		out = append(out, mean(groups[k]))
	}
	return out
}

// mean is the mean row of one scheduler's rows at one point.
func mean(g []Row) Row {
	m := Row{Scenario: g[0].Scenario, ScenarioHash: g[0].ScenarioHash, Point: g[0].Point,
		Rate: g[0].Rate, Utilisation: g[0].Utilisation, SLOMult: g[0].SLOMult, Scheduler: g[0].Scheduler, Accelerator: g[0].Accelerator}
	var ok []Row
	for _, r := range g {
		if r.Error == "" {
			ok = append(ok, r)
			m.Oracle = r.Oracle
		} else if m.Error == "" {
			m.Error = r.Error
		}
	}
	m.Seeds = len(ok)
	if len(ok) == 0 {
		return m
	}
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
	return m
}
