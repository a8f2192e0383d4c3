package main

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"text/tabwriter"

	"github.com/sparsebench/sparsebench/harness"
)

// resultRow is one scheduler's result in `run` output. Its JSON field names
// are part of the published output format: add fields, never rename them.
type resultRow struct {
	// Where the row comes from, for scenario runs.
	Scenario     string  `json:"scenario,omitempty"`
	ScenarioHash string  `json:"scenario_hash,omitempty"`
	Point        string  `json:"point,omitempty"`
	Rate         float64 `json:"rate,omitempty"`
	SLOMult      float64 `json:"slo_mult,omitempty"`
	Seed         *uint64 `json:"seed,omitempty"`
	Seeds        int     `json:"seeds,omitempty"` // in means: how many seeds were averaged
	// Accelerator is set when the latencies came from a substitute for the
	// scenario's reference accelerator model (an accelerator plugin).
	Accelerator string `json:"accelerator,omitempty"`
	Scheduler   string `json:"scheduler"`
	// PluginSHA256 is the SHA-256 of a third-party plugin's executable, so
	// that `sparsebench verify` can check a published result was computed
	// with the binary it is given.
	PluginSHA256 string `json:"plugin_sha256,omitempty"`
	Oracle       bool   `json:"oracle"`
	*harness.Metrics
	Decisions int `json:"decisions,omitempty"`
	// DecideNSPerDecision is the mean wall time of one Pick, only with
	// --timing (it varies between runs and machines; never scored).
	DecideNSPerDecision *float64 `json:"decide_ns_per_decision,omitempty"`
	// Error is set when the scheduler's run failed; the metrics are then
	// absent.
	Error string `json:"error,omitempty"`
}

func newRow(label string, o *harness.Outcome) resultRow {
	m := o.Metrics
	r := resultRow{Scheduler: label, Oracle: o.Scheduler.Oracle, Metrics: &m, Decisions: o.Decisions}
	if o.DecideTime > 0 && o.Decisions > 0 {
		ns := float64(o.DecideTime.Nanoseconds()) / float64(o.Decisions)
		r.DecideNSPerDecision = &ns
	}
	return r
}

// writeResults renders the rows in the chosen format. Output is assembled
// in memory first so a failure leaves nothing half-written on stdout.
func writeResults(w io.Writer, format string, rows []resultRow, timing bool) error {
	var buf bytes.Buffer
	switch format {
	case "json":
		b, err := json.MarshalIndent(struct {
			Results []resultRow `json:"results"`
		}{rows}, "", "  ")
		if err != nil {
			return err
		}
		buf.Write(b)
		buf.WriteByte('\n')
	case "csv":
		if err := writeCSV(&buf, rows); err != nil {
			return err
		}
	default:
		tw := tabwriter.NewWriter(&buf, 0, 0, 2, ' ', tabwriter.AlignRight)
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
	_, err := w.Write(buf.Bytes())
	return err
}

func g(x float64) string { return strconv.FormatFloat(x, 'g', -1, 64) }

func optG(x *float64) string {
	if x == nil {
		return ""
	}
	return strconv.FormatFloat(*x, 'f', 0, 64)
}

// writeCSV writes one line per row. Scenario columns are always present
// (empty for trace runs) so every CSV sparsebench writes has one header.
func writeCSV(w io.Writer, rows []resultRow) error {
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
