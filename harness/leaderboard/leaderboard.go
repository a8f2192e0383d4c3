// Package leaderboard turns multi-seed scheduler runs into the published
// sparsebench leaderboard: per scenario and operating point, the schedulers
// ranked with statistical confidence, and renderers for Markdown, CSV, JSON,
// HTML and plots. Compute runs the scenarios' grids (operating points and
// sweeps, Points) and ranks them; Run.Files renders every output file.
//
// # Ranking
//
// Every metric is summarized across seeds by its mean and a 95% Student t
// interval ([stats.Mean]). Non-oracle schedulers are sorted by mean SLO
// violation rate, then by mean ANTT, then by their order in the input. Row
// i gets its own rank (standard competition ranking: 1, 1, 3) only when it
// differs significantly from row i−1, the next better one, at 95% by a
// paired t-test on the per-seed values ([stats.Paired]; seed j of both
// schedulers replayed the same trace, so the comparison uses common random
// numbers):
//
//   - on the violation rate, or,
//   - when both rows have exactly the same violation rate on every seed
//     (typically 0% each), on the ANTT, the tie-breaker.
//
// Otherwise row i shares the rank of row i−1; rank sharing chains (A ties
// B, B ties C puts all three on A's rank even if A and C differ).
//
// Oracle schedulers see the real latencies no deployable scheduler knows:
// they are listed apart, unranked, as upper bounds. Every ranked row shows
// its gap to the best oracle (sorted the same way): the paired per-seed
// difference of violation rates, row − oracle.
//
// A sample too weak for an interval or a test (one seed, say) is reported
// in warnings, never as an error; a scheduler whose run failed on a seed is
// listed with its error and left out of the ranking.
package leaderboard

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/sparsebench/sparsebench/harness/stats"
)

// Confidence is the confidence level of every interval and test.
const Confidence = 0.95

// Metric indexes the metrics of the leaderboard.
type Metric int

// The metrics, in column order.
const (
	ViolationRate Metric = iota
	ANTT
	STP
	P99NTT
	NumMetrics
)

// MetricInfo describes a metric's column.
type MetricInfo struct {
	Key   string     // CSV/JSON key, e.g. "violation_rate"
	Title string     // column title
	Unit  stats.Unit // how cells are formatted
}

// Metrics describes each Metric.
var Metrics = [NumMetrics]MetricInfo{
	ViolationRate: {"violation_rate", "violations", stats.Percent},
	ANTT:          {"antt", "ANTT", stats.Plain},
	STP:           {"stp", "STP (inf/s)", stats.Plain},
	P99NTT:        {"p99_ntt", "p99 NTT", stats.Plain},
}

// Result is one scheduler's runs on one point: per metric, one value per
// seed in the point's seed order.
type Result struct {
	Scheduler string
	Oracle    bool
	Values    [NumMetrics][]float64
	// Error is set when a run failed; Values are then ignored.
	Error string
}

// PointResults is the input of one table: every scheduler's results at one
// operating point (or one point of a sweep) of one scenario.
type PointResults struct {
	Scenario     string
	ScenarioHash string
	Point        string  // operating point name, or e.g. "slo=25" in a sweep
	Sweep        string  // "" for an operating point, else the sweep's name
	Rate         float64 // requests/s
	Utilisation  float64 // offered load, rate × mean isolated latency (SPEC §8.4)
	SLOMult      float64
	Requests     int
	Seeds        []uint64
	Results      []Result
}

// Row is one scheduler in a table.
type Row struct {
	// Rank is the competition rank among non-oracle schedulers, 0 for
	// oracle and failed rows.
	Rank      int
	Scheduler string
	Oracle    bool
	Cells     [NumMetrics]stats.Summary
	// Above is the paired test against the row ranked just above (nil for
	// the first row, oracles and failures) that decided the rank: on
	// AboveMetric, the violation rate or, when those are identical, ANTT.
	Above       *stats.Comparison
	AboveMetric Metric
	// Gap is the violation rate minus the best oracle's, paired per seed;
	// nil when there is no oracle or for oracle and failed rows.
	Gap      *stats.Comparison
	Warnings []string
	Error    string
}

// Table is the ranking at one point.
type Table struct {
	Scenario     string
	ScenarioHash string
	Point        string
	Sweep        string
	Rate         float64
	Utilisation  float64
	SLOMult      float64
	Requests     int
	Seeds        []uint64
	Ranked       []Row // non-oracle schedulers, best first
	Oracles      []Row // upper bounds, best first
	Failed       []Row
	// Oracle names the oracle the gaps are measured against ("" if none).
	Oracle string
	// Warnings collects the rows' warnings, each once, with the
	// schedulers it concerns.
	Warnings []string
}

// Rows lists the ranked, oracle and failed rows in that order.
func (t *Table) Rows() []Row {
	return slices.Concat(t.Ranked, t.Oracles, t.Failed)
}

// Rank builds the table of one point (see the package documentation).
func Rank(p PointResults) Table {
	t := Table{Scenario: p.Scenario, ScenarioHash: p.ScenarioHash, Point: p.Point, Sweep: p.Sweep,
		Rate: p.Rate, Utilisation: p.Utilisation, SLOMult: p.SLOMult, Requests: p.Requests, Seeds: slices.Clone(p.Seeds)}
	var ranked, oracles []int // indexes into p.Results
	for i, r := range p.Results {
		err := r.Error
		if err == "" {
			for m := range NumMetrics {
				if len(r.Values[m]) != len(p.Seeds) {
					err = fmt.Sprintf("%s has %d values for %d seeds", Metrics[m].Key, len(r.Values[m]), len(p.Seeds))
					break
				}
			}
		}
		switch {
		case err != "":
			t.Failed = append(t.Failed, Row{Scheduler: r.Scheduler, Oracle: r.Oracle, Error: err})
		case r.Oracle:
			oracles = append(oracles, i)
		default:
			ranked = append(ranked, i)
		}
	}
	order := func(idx []int) {
		slices.SortStableFunc(idx, func(a, b int) int {
			ra, rb := &p.Results[a], &p.Results[b]
			if c := cmp.Compare(sortKey(ra.Values[ViolationRate]), sortKey(rb.Values[ViolationRate])); c != 0 {
				return c
			}
			return cmp.Compare(sortKey(ra.Values[ANTT]), sortKey(rb.Values[ANTT]))
		})
	}
	order(ranked)
	order(oracles)
	newRow := func(i int) Row {
		r := &p.Results[i]
		row := Row{Scheduler: r.Scheduler, Oracle: r.Oracle}
		for m := range NumMetrics {
			row.Cells[m] = stats.Mean(r.Values[m], Confidence)
			for _, w := range row.Cells[m].Warnings {
				row.Warnings = appendNew(row.Warnings, Metrics[m].Title+": "+w)
			}
		}
		return row
	}
	for _, i := range oracles {
		t.Oracles = append(t.Oracles, newRow(i))
	}
	var best *Result
	if len(oracles) > 0 {
		best = &p.Results[oracles[0]]
		t.Oracle = best.Scheduler
	}
	for k, i := range ranked {
		row := newRow(i)
		r := &p.Results[i]
		if k == 0 {
			row.Rank = 1
		} else {
			prev := &p.Results[ranked[k-1]]
			above := t.Ranked[k-1]
			m := ViolationRate
			if slices.Equal(prev.Values[ViolationRate], r.Values[ViolationRate]) {
				m = ANTT
			}
			c := paired(prev.Values[m], r.Values[m])
			row.Above, row.AboveMetric = &c, m
			for _, w := range c.Warnings {
				row.Warnings = appendNew(row.Warnings, "vs "+above.Scheduler+" ("+Metrics[m].Title+"): "+w)
			}
			row.Rank = above.Rank
			if c.Significant {
				row.Rank = k + 1
			}
		}
		if best != nil {
			c := paired(best.Values[ViolationRate], r.Values[ViolationRate])
			row.Gap = &c
		}
		t.Ranked = append(t.Ranked, row)
	}
	t.Warnings = collectWarnings(t.Rows())
	return t
}

// paired wraps stats.Paired for samples Rank has checked to have equal
// lengths.
func paired(base, other []float64) stats.Comparison {
	c, err := stats.Paired(base, other, Confidence)
	if err != nil {
		panic(err) // lengths checked in Rank
	}
	return c
}

// sortKey orders NaN (no value) last.
func sortKey(xs []float64) float64 {
	if len(xs) == 0 {
		return math.Inf(1)
	}
	var s float64
	for _, x := range xs {
		s += x
	}
	m := s / float64(len(xs))
	if math.IsNaN(m) {
		return math.Inf(1)
	}
	return m
}

func appendNew(list []string, s string) []string {
	if slices.Contains(list, s) {
		return list
	}
	return append(list, s)
}

// collectWarnings lists each distinct warning once, in order of first
// appearance, with the schedulers it concerns ("all schedulers" when every
// row has it).
func collectWarnings(rows []Row) []string {
	var order []string
	who := map[string][]string{}
	for _, r := range rows {
		for _, w := range r.Warnings {
			if _, ok := who[w]; !ok {
				order = append(order, w)
			}
			who[w] = appendNew(who[w], r.Scheduler)
		}
	}
	out := make([]string, len(order))
	for i, w := range order {
		names := "all schedulers"
		if len(who[w]) < len(rows) {
			names = strings.Join(who[w], ", ")
		}
		out[i] = w + " (" + names + ")"
	}
	return out
}

// Provenance says exactly what a leaderboard was computed from.
type Provenance struct {
	Tool       string           `json:"tool"`     // "sparsebench"
	Version    string           `json:"version"`  // module version or "devel"
	Revision   string           `json:"revision"` // VCS revision, "" if unknown
	Confidence float64          `json:"confidence"`
	Scenarios  []ScenarioSource `json:"scenarios"`
	// Plugins lists out-of-process schedulers with the SHA-256 of their
	// binaries (empty when only built-in schedulers ran).
	Plugins []Plugin `json:"plugins"`
	// Notes records deviations from the scenarios' defaults (e.g. fewer
	// requests per sweep point).
	Notes []string `json:"notes,omitempty"`
}

// ScenarioSource is one scenario a leaderboard used.
type ScenarioSource struct {
	ID       string   `json:"id"`
	Hash     string   `json:"hash"`
	Seeds    []uint64 `json:"seeds"`
	Requests int      `json:"requests"` // per run at the operating points
	// SweepRequests is the request count per run at sweep points.
	SweepRequests int `json:"sweep_requests,omitempty"`
}

// Plugin is an out-of-process scheduler binary.
type Plugin struct {
	Name   string `json:"name"`
	SHA256 string `json:"sha256"`
}

// Standings is a whole leaderboard: its provenance and one ranked table per
// point.
type Standings struct {
	Provenance Provenance
	Tables     []Table
}

// Build ranks every point.
func Build(prov Provenance, points []PointResults) *Standings {
	b := &Standings{Provenance: prov}
	for _, p := range points {
		b.Tables = append(b.Tables, Rank(p))
	}
	return b
}

// OperatingTables lists the tables of operating points (not sweeps).
func (b *Standings) OperatingTables() []*Table {
	var out []*Table
	for i := range b.Tables {
		if b.Tables[i].Sweep == "" {
			out = append(out, &b.Tables[i])
		}
	}
	return out
}
