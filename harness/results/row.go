// Package results is the published format of `sparsebench run`: one Row
// per scheduler, point and seed, the per-point means over seeds, and the
// writers of the table, JSON and CSV outputs. `sparsebench verify` reads
// the same rows back, so the JSON field names are part of the format: add
// fields, never rename them.
package results

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"

	"github.com/sparsebench/sparsebench/harness"
)

// Row is one scheduler's result in `run` output. Its JSON field names
// are part of the published output format: add fields, never rename them.
type Row struct {
	// Where the row comes from, for scenario runs.
	Scenario     string  `json:"scenario,omitempty"`
	ScenarioHash string  `json:"scenario_hash,omitempty"`
	Point        string  `json:"point,omitempty"`
	Rate         float64 `json:"rate,omitempty"`
	// Utilisation is the offered load of the rate, rate × the mix's mean
	// isolated latency (SPEC §8.4); above 1 the point is an overload.
	Utilisation float64 `json:"utilisation,omitempty"`
	SLOMult     float64 `json:"slo_mult,omitempty"`
	Seed        *uint64 `json:"seed,omitempty"`
	Seeds       int     `json:"seeds,omitempty"` // in means: how many seeds were averaged
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

// NewRow is the row of a finished run of the job labelled label. The
// decision time is reported only when the run measured it.
func NewRow(label string, o *harness.Outcome) Row {
	m := o.Metrics
	r := Row{Scheduler: label, Oracle: o.Scheduler.Oracle, Metrics: &m, Decisions: o.Decisions}
	if o.DecideTime > 0 && o.Decisions > 0 {
		ns := float64(o.DecideTime.Nanoseconds()) / float64(o.Decisions)
		r.DecideNSPerDecision = &ns
	}
	return r
}

// FailedRow is the row of a run that failed: it carries the error instead
// of metrics, so that one broken scheduler never hides the others'
// results.
func FailedRow(label string, err error) Row {
	return Row{Scheduler: label, Error: err.Error()}
}

// PluginSHA256 is the hex SHA-256 of a plugin executable, as rows
// (Row.PluginSHA256) and leaderboards record it and verify checks it.
func PluginSHA256(path string) (string, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return "", fmt.Errorf("plugin %s: %w", path, err)
	}
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:]), nil
}
