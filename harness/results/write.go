package results

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"text/tabwriter"

	"github.com/sparsebench/sparsebench/harness"
	"github.com/sparsebench/sparsebench/harness/stats"
	"github.com/sparsebench/sparsebench/suite"
)

// The output formats of `run --format`: Table, JSON and CSV.
const (
	Table = "table"
	JSON  = "json"
	CSV   = "csv"
)

// WriteRows renders the rows of a trace run in the chosen format (an
// unknown format is a table); timing adds the decision-time column to the
// table. Output is assembled in memory first so a failure leaves nothing
// half-written.
func WriteRows(w io.Writer, format string, rows []Row, timing bool) error {
	var buf bytes.Buffer
	switch format {
	case JSON:
		b, err := json.MarshalIndent(struct {
			Results []Row `json:"results"`
		}{rows}, "", "  ")
		if err != nil {
			return err
		}
		buf.Write(b)
		buf.WriteByte('\n')
	case CSV:
		if err := WriteCSV(&buf, rows); err != nil {
			return err
		}
	default:
		writeRowTable(&buf, rows, timing)
	}
	_, err := w.Write(buf.Bytes())
	return err
}

// writeRowTable is the table of a trace run: one line per scheduler.
func writeRowTable(buf *bytes.Buffer, rows []Row, timing bool) {
	tw := tabwriter.NewWriter(buf, 0, 0, 2, ' ', tabwriter.AlignRight)
	head := "scheduler\tviolations\tANTT\tSTP (inf/s)\tp50 NTT\tp95 NTT\tp99 NTT\tpreemptions\tmakespan (s)\t"
	if timing {
		head += "ns/decision\t"
	}
	fmt.Fprintln(tw, head)
	for _, r := range rows {
		name := r.Scheduler
		if r.Oracle {
			name += " (oracle)"
		}
		if r.Error != "" {
			fmt.Fprintf(tw, "%s\tFAILED (see below)\t\n", name)
			continue
		}
		fmt.Fprintf(tw, "%s\t%.1f%%\t%.2f\t%.3f\t%.2f\t%.2f\t%.2f\t%d\t%.2f\t", name, 100*r.ViolationRate, r.ANTT, r.STP,
			r.P50NTT, r.P95NTT, r.P99NTT, r.Preemptions, r.Makespan)
		if timing {
			fmt.Fprintf(tw, "%s\t", optG(r.DecideNSPerDecision))
		}
		fmt.Fprintln(tw)
	}
	tw.Flush()
}

// WriteRun renders a scenario run in the chosen format (an unknown format
// is a table): JSON is the whole document, CSV the per-seed rows, and the
// table each scheduler's mean over seeds with a 95% interval. Output is
// assembled in memory first so a failure leaves nothing half-written.
func WriteRun(w io.Writer, format string, res *Run) error {
	var buf bytes.Buffer
	switch format {
	case JSON:
		b, err := json.MarshalIndent(res, "", "  ")
		if err != nil {
			return err
		}
		buf.Write(append(b, '\n'))
	case CSV:
		if err := WriteCSV(&buf, res.Results); err != nil {
			return err
		}
	default:
		writeRunTable(&buf, res)
	}
	_, err := w.Write(buf.Bytes())
	return err
}

// writeRunTable prints, per scenario and point, each scheduler's mean
// over seeds with a 95% Student-t interval.
func writeRunTable(buf *bytes.Buffer, res *Run) {
	type key struct{ scen, point, sched string }
	per := map[key][]Row{}
	for _, r := range res.Results {
		k := key{r.Scenario, r.Point, r.Scheduler}
		per[k] = append(per[k], r)
	}
	var tw *tabwriter.Writer
	last := ""
	for _, m := range res.Means {
		g := per[key{m.Scenario, m.Point, m.Scheduler}]
		if block := m.Scenario + "/" + m.Point; block != last {
			if tw != nil {
				tw.Flush()
				buf.WriteString("\n")
			}
			tw = startRunBlock(buf, m, g)
			last = block
		}
		writeMeanLine(tw, m, g)
	}
	if tw != nil {
		tw.Flush()
	}
}

// startRunBlock prints the heading of one scenario and point, m being its
// first mean and g that scheduler's rows, and returns the block's table.
func startRunBlock(buf *bytes.Buffer, m Row, g []Row) *tabwriter.Writer {
	fmt.Fprintf(buf, "%s %s (hash %s): %s, SLO ×%g, %d requests, %d seeds; mean ± 95%% CI over seeds\n",
		m.Scenario, m.Point, shortHash(m.ScenarioHash), suite.DescribeLoad(m.Rate, m.Utilisation), m.SLOMult, requestsOf(g), len(g))
	if m.Accelerator != "" {
		fmt.Fprintf(buf, "NOT the scenario's reference results: latencies from %s\n", m.Accelerator)
	}
	tw := tabwriter.NewWriter(buf, 0, 0, 2, ' ', tabwriter.AlignRight)
	head := "scheduler\tviolations\tANTT\tSTP (inf/s)\tp99 NTT\tpreemptions\t"
	if m.DecideNSPerDecision != nil {
		head += "ns/decision (wall, not scored)\t"
	}
	fmt.Fprintln(tw, head)
	return tw
}

// writeMeanLine prints one scheduler's line: the mean m, with intervals
// computed from its per-seed rows g.
func writeMeanLine(tw *tabwriter.Writer, m Row, g []Row) {
	name := m.Scheduler
	if m.Oracle {
		name += " (oracle)"
	}
	if m.Metrics == nil {
		fmt.Fprintf(tw, "%s\tFAILED (see below)\t\t\t\t\t\n", name)
		return
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

// WriteCSV writes a header and one line per row. Scenario columns are
// always present (empty for trace runs) so every CSV sparsebench writes
// has one header.
func WriteCSV(w io.Writer, rows []Row) error {
	cw := csv.NewWriter(w)
	cw.Write([]string{"scenario", "scenario_hash", "point", "rate", "slo_mult", "seed", "scheduler", "oracle", "requests",
		"violation_rate", "antt", "stp", "p50_ntt", "p95_ntt", "p99_ntt", "preemptions", "makespan_s", "decisions",
		"decide_ns_per_decision", "error"})
	for _, r := range rows {
		seed := ""
		if r.Seed != nil {
			seed = strconv.FormatUint(*r.Seed, 10)
		}
		rate, mult := "", ""
		if r.Scenario != "" {
			rate, mult = g(r.Rate), g(r.SLOMult)
		}
		rec := []string{r.Scenario, r.ScenarioHash, r.Point, rate, mult, seed, r.Scheduler, strconv.FormatBool(r.Oracle)}
		if r.Metrics == nil {
			rec = append(rec, "", "", "", "", "", "", "", "", "", "", "", r.Error)
		} else {
			rec = append(rec, strconv.Itoa(r.Requests), g(r.ViolationRate), g(r.ANTT), g(r.STP), g(r.P50NTT), g(r.P95NTT),
				g(r.P99NTT), strconv.Itoa(r.Preemptions), g(r.Makespan), strconv.Itoa(r.Decisions), optG(r.DecideNSPerDecision), "")
		}
		cw.Write(rec)
	}
	cw.Flush()
	return cw.Error()
}

// g is the shortest decimal that reads back as x.
func g(x float64) string { return strconv.FormatFloat(x, 'g', -1, 64) }

// optG is a measured wall time in whole nanoseconds, "" when not measured.
func optG(x *float64) string {
	if x == nil {
		return ""
	}
	return strconv.FormatFloat(*x, 'f', 0, 64)
}

// requestsOf is the request count of the first row that has metrics.
func requestsOf(rows []Row) int {
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
