package results

import (
	"bytes"
	"encoding/json"
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/sparsebench/sparsebench/harness"
)

// traceRows are the rows of a trace run: one that ran, one that failed.
func traceRows() []Row {
	a := Row{Scheduler: "a", Metrics: &harness.Metrics{Requests: 10, Violations: 1, ViolationRate: 0.25, ANTT: 2, STP: 4,
		P50NTT: 1, P95NTT: 3, P99NTT: 5, Preemptions: 2, Makespan: 2.5}, Decisions: 40, DecideNSPerDecision: ns(1234.5)}
	return []Row{a, FailedRow("b", errors.New("plugin b: crashed"))}
}

func write(t *testing.T, f func(*bytes.Buffer) error) string {
	t.Helper()
	var buf bytes.Buffer
	if err := f(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

func TestWriteRowsTable(t *testing.T) {
	got := write(t, func(b *bytes.Buffer) error { return WriteRows(b, Table, traceRows(), false) })
	want := "" +
		"  scheduler          violations  ANTT  STP (inf/s)  p50 NTT  p95 NTT  p99 NTT  preemptions  makespan (s)\n" +
		"          a               25.0%  2.00        4.000     1.00     3.00     5.00            2          2.50\n" +
		"          b  FAILED (see below)\n"
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("table (-want +got):\n%s", diff)
	}
	got = write(t, func(b *bytes.Buffer) error { return WriteRows(b, Table, traceRows()[:1], true) })
	want = "" +
		"  scheduler  violations  ANTT  STP (inf/s)  p50 NTT  p95 NTT  p99 NTT  preemptions  makespan (s)  ns/decision\n" +
		"          a       25.0%  2.00        4.000     1.00     3.00     5.00            2          2.50         1234\n"
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("table with timing (-want +got):\n%s", diff)
	}
}

// The JSON field names and their order are the published format.
func TestWriteRowsJSON(t *testing.T) {
	got := write(t, func(b *bytes.Buffer) error { return WriteRows(b, JSON, traceRows(), false) })
	want := `{
  "results": [
    {
      "scheduler": "a",
      "oracle": false,
      "requests": 10,
      "violations": 1,
      "violation_rate": 0.25,
      "antt": 2,
      "stp": 4,
      "p50_ntt": 1,
      "p95_ntt": 3,
      "p99_ntt": 5,
      "preemptions": 2,
      "makespan_s": 2.5,
      "decisions": 40,
      "decide_ns_per_decision": 1234.5
    },
    {
      "scheduler": "b",
      "oracle": false,
      "error": "plugin b: crashed"
    }
  ]
}
`
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("JSON (-want +got):\n%s", diff)
	}
}

func TestWriteCSV(t *testing.T) {
	rows := traceRows()
	sc := at("p", "a", 7, rows[0].Metrics)
	sc.Rate, sc.SLOMult = 2.5, 10
	got := write(t, func(b *bytes.Buffer) error { return WriteRows(b, CSV, append(rows, sc), false) })
	want := "scenario,scenario_hash,point,rate,slo_mult,seed,scheduler,oracle,requests,violation_rate,antt,stp,p50_ntt,p95_ntt,p99_ntt,preemptions,makespan_s,decisions,decide_ns_per_decision,error\n" +
		",,,,,,a,false,10,0.25,2,4,1,3,5,2,2.5,40,1234,\n" +
		",,,,,,b,false,,,,,,,,,,,,plugin b: crashed\n" +
		"s@v1,h,p,2.5,10,7,a,false,10,0.25,2,4,1,3,5,2,2.5,0,,\n"
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("CSV (-want +got):\n%s", diff)
	}
}

// scenarioRun is a run of two seeds: a ran on both, c failed on both.
func scenarioRun() *Run {
	a1 := at("p", "a", 1, &harness.Metrics{Requests: 10, ViolationRate: 0.25, ANTT: 2, STP: 4, P99NTT: 5, Preemptions: 2})
	a2 := at("p", "a", 2, &harness.Metrics{Requests: 10, ViolationRate: 0.5, ANTT: 4, STP: 6, P99NTT: 7, Preemptions: 3})
	a1.ScenarioHash, a2.ScenarioHash = "0123456789abcdef", "0123456789abcdef"
	c1, c2 := at("p", "c", 1, nil), at("p", "c", 2, nil)
	c1.ScenarioHash, c2.ScenarioHash = a1.ScenarioHash, a1.ScenarioHash
	c1.Error, c2.Error = "boom", "boom"
	rows := []Row{a1, c1, a2, c2}
	return &Run{Results: rows, Means: Means(rows)}
}

// The table of a scenario run: per scheduler the mean and its 95% t
// interval over seeds. With two seeds t(0.975, 1) = 12.706: ANTT 2 and 4
// have s = √2, s/√n = 1, "3 ± 13"; violation rates 25% and 50% have
// s/√n = 12.5 points, h = 158.8, "40% ± 160" (h to two significant
// digits, the center to the same place).
func TestWriteRunTable(t *testing.T) {
	got := write(t, func(b *bytes.Buffer) error { return WriteRun(b, Table, scenarioRun()) })
	want := "s@v1 p (hash 0123456789ab): 3 requests/s, SLO ×10, 10 requests, 2 seeds; mean ± 95% CI over seeds\n" +
		"  scheduler          violations    ANTT  STP (inf/s)  p99 NTT  preemptions\n" +
		"          a           40% ± 160  3 ± 13       5 ± 13   6 ± 13            3\n" +
		"          c  FAILED (see below)                                           \n"
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("table (-want +got):\n%s", diff)
	}
}

func TestWriteRunJSON(t *testing.T) {
	res := scenarioRun()
	got := write(t, func(b *bytes.Buffer) error { return WriteRun(b, JSON, res) })
	var back Run
	if err := json.Unmarshal([]byte(got), &back); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(res, &back); diff != "" {
		t.Errorf("JSON does not read back (-written +read):\n%s", diff)
	}
	csv := write(t, func(b *bytes.Buffer) error { return WriteRun(b, CSV, res) })
	if want := write(t, func(b *bytes.Buffer) error { return WriteCSV(b, res.Results) }); csv != want {
		t.Errorf("CSV of a scenario run is not its per-seed rows:\n%s", csv)
	}
}
