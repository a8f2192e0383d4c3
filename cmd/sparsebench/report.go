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
	Scheduler string `json:"scheduler"`
	Oracle    bool   `json:"oracle"`
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
		cw := csv.NewWriter(&buf)
		head := []string{"scheduler", "oracle", "requests", "violation_rate", "antt", "stp", "p50_ntt", "p95_ntt", "p99_ntt", "preemptions", "makespan_s", "decisions"}
		if timing {
			head = append(head, "decide_ns_per_decision")
		}
		cw.Write(head)
		for _, r := range rows {
			if r.Error != "" {
				cw.Write([]string{r.Scheduler, "FAILED: " + r.Error})
				continue
			}
			rec := []string{r.Scheduler, strconv.FormatBool(r.Oracle), strconv.Itoa(r.Requests),
				g(r.ViolationRate), g(r.ANTT), g(r.STP), g(r.P50NTT), g(r.P95NTT), g(r.P99NTT),
				strconv.Itoa(r.Preemptions), g(r.Makespan), strconv.Itoa(r.Decisions)}
			if timing {
				rec = append(rec, optG(r.DecideNSPerDecision))
			}
			cw.Write(rec)
		}
		cw.Flush()
		if err := cw.Error(); err != nil {
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
