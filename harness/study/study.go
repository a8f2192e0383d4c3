// Package study runs the benchmark's studies (SPEC §8.5): paired
// comparisons of two schedulers over the same seeds, at every operating
// point of a scenario. A study is a list of pairs; the two built-in ones
// are the monitor ablation (each monitor-using policy against itself with
// monitor=off, SPEC §5.4) and the comparison of one policy against every
// other built-in, sparse variants of the baselines included.
//
// Results are plain structs in the manner of x/perf's benchmath: every
// number comes with its interval, and weak samples give warnings rather
// than errors.
package study

import (
	"fmt"
	"slices"

	"github.com/sparsebench/sparsebench/harness"
	"github.com/sparsebench/sparsebench/harness/stats"
	"github.com/sparsebench/sparsebench/plugins/lineup"
	"github.com/sparsebench/sparsebench/plugins/policies"
	"github.com/sparsebench/sparsebench/suite"
)

// Confidence of every interval and test.
const Confidence = 0.95

// DefaultSeeds is the seed count of a study when none is asked for: with
// 20 seeds the paired intervals at the v2 paper points are a few tenths of
// a percentage point of violations wide (README, "What the studies show"),
// narrower than most differences they are read for.
const DefaultSeeds = 20

// Pair compares Other against Reference; differences are Other −
// Reference, seed by seed.
type Pair struct {
	Reference string
	Other     string
}

// Study names a list of pairs and says how to read a difference.
type Study struct {
	Name string
	// Delta reads a difference, e.g. "monitor off − monitor on".
	Delta string
	Pairs []Pair
}

// Ablation pairs every monitor-using built-in policy with its monitor=off
// form, in the built-ins' order.
func Ablation() Study {
	st := Study{Name: "ablation", Delta: "monitor off − monitor on"}
	for _, e := range policies.All() {
		if e.New(policies.Defaults()).Info().Monitor {
			st.Pairs = append(st.Pairs, Pair{Reference: e.Name, Other: e.Name + ":monitor=off"})
		}
	}
	return st
}

// Versus pairs the policy spec with every other built-in policy, oracles
// excluded (they are bounds, not competitors), in the built-ins' order.
func Versus(spec string) (Study, error) {
	ref, err := policies.ParseSpec(spec)
	if err != nil {
		return Study{}, err
	}
	st := Study{Name: "compare", Delta: "baseline − " + ref.Text}
	for _, e := range policies.All() {
		if e.Name == ref.Text || e.New(policies.Defaults()).Info().Oracle {
			continue
		}
		st.Pairs = append(st.Pairs, Pair{Reference: ref.Text, Other: e.Name})
	}
	return st, nil
}

// Metric is a per-run metric a study compares.
type Metric int

const (
	ViolationRate Metric = iota
	ANTT
	NumMetrics
)

// Metrics describe each Metric: its key in JSON, its column name and how
// its numbers print.
var Metrics = [NumMetrics]struct {
	Key, Column string
	Unit        stats.Unit
}{
	ViolationRate: {"violation_rate", "violations", stats.Percent},
	ANTT:          {"antt", "ANTT", stats.Plain},
}

func (m Metric) of(x *harness.Metrics) float64 {
	if m == ViolationRate {
		return x.ViolationRate
	}
	return x.ANTT
}

// Cell is one metric of one pair: both schedulers' means over the seeds
// and their paired difference.
type Cell struct {
	Reference stats.Summary
	Other     stats.Summary
	Diff      stats.Comparison
}

// Row is one pair at one point.
type Row struct {
	Reference string
	Other     string
	Cells     [NumMetrics]Cell
	Warnings  []string
}

// Point is a study's rows at one operating point of one scenario.
type Point struct {
	Scenario     string   `json:"scenario"`
	ScenarioHash string   `json:"scenario_hash"`
	Point        string   `json:"point"`
	Rate         float64  `json:"rate"`
	Utilisation  float64  `json:"utilisation"`
	Overload     bool     `json:"overload,omitempty"`
	SLOMult      float64  `json:"slo_mult"`
	Requests     int      `json:"requests"`
	Seeds        []uint64 `json:"seeds"`
	Rows         []Row    `json:"-"`
}

// Report is a study's result.
type Report struct {
	Study      string
	Delta      string
	Confidence float64
	Points     []Point
}

// Options tune Run.
type Options struct {
	// Seeds per point; 0 means DefaultSeeds (the scenario's own seeds,
	// continued, as suite.Scenario.SeedList does).
	Seeds int
	// Requests per run; 0 keeps the scenario's.
	Requests int
	// Workers bound the runs at once; ≤ 0 means one per CPU.
	Workers int
}

// Run runs the study on each scenario's operating points. Every scheduler
// of the pairs runs once per point and seed on the same traces (common
// random numbers), so the differences are paired. A failed run fails the
// study: a paired comparison with a missing seed would not be paired.
func Run(st Study, scs []*suite.Scenario, o Options) (*Report, error) {
	var labels []string
	for _, p := range st.Pairs {
		for _, l := range []string{p.Reference, p.Other} {
			if !slices.Contains(labels, l) {
				labels = append(labels, l)
			}
		}
	}
	specs := make([]policies.Spec, len(labels))
	for i, l := range labels {
		s, err := policies.ParseSpec(l)
		if err != nil {
			return nil, err
		}
		specs[i] = s
	}
	jobs := lineup.Builtin(specs)
	seeds := o.Seeds
	if seeds <= 0 {
		seeds = DefaultSeeds
	}
	rep := &Report{Study: st.Name, Delta: st.Delta, Confidence: Confidence}
	for _, sc := range scs {
		pts := sc.OperatingPoints()
		seedList := sc.SeedList(seeds)
		cells, err := sc.RunGrid(pts, seedList, jobs, suite.GridOptions{Requests: o.Requests, Workers: o.Workers})
		if err != nil {
			return nil, err
		}
		per := len(seedList) * len(jobs)
		for i := range pts {
			block := cells[i*per : (i+1)*per]
			values := make([][NumMetrics][]float64, len(jobs))
			for k, c := range block {
				if c.Err != nil {
					return nil, c.Err
				}
				j := k % len(jobs)
				for m := range NumMetrics {
					values[j][m] = append(values[j][m], m.of(&c.Outcome.Metrics))
				}
			}
			r := block[0].Run
			pt := Point{Scenario: sc.ID(), ScenarioHash: sc.Hash(), Point: r.Name, Rate: r.Rate, Utilisation: r.Utilisation,
				Overload: suite.Overloaded(r.Utilisation), SLOMult: r.SLOMult, Requests: r.Requests, Seeds: seedList}
			for _, p := range st.Pairs {
				a, b := slices.Index(labels, p.Reference), slices.Index(labels, p.Other)
				pt.Rows = append(pt.Rows, pair(p, values[a], values[b]))
			}
			rep.Points = append(rep.Points, pt)
		}
	}
	return rep, nil
}

// pair compares two schedulers' per-seed values, metric by metric.
func pair(p Pair, ref, other [NumMetrics][]float64) Row {
	row := Row{Reference: p.Reference, Other: p.Other}
	for m := range NumMetrics {
		c := Cell{Reference: stats.Mean(ref[m], Confidence), Other: stats.Mean(other[m], Confidence)}
		// The lengths are equal by construction (one value per seed each).
		c.Diff, _ = stats.Paired(ref[m], other[m], Confidence)
		for _, w := range c.Diff.Warnings {
			row.Warnings = append(row.Warnings, fmt.Sprintf("Δ %s: %s", Metrics[m].Column, w))
		}
		row.Cells[m] = c
	}
	return row
}
