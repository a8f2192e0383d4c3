package main

import (
	"bytes"
	"encoding/json"
	"path/filepath"
	"testing"

	"github.com/sparsebench/sparsebench/harness/results"
	"github.com/sparsebench/sparsebench/harness/trace"
)

// run --trace applies the trace's preemption_cost_s unless
// --preemption-cost overrides it.
func TestRunTraceUsesItsPreemptionCost(t *testing.T) {
	tr, err := trace.ReadFile(filepath.Join("..", "..", "harness", "trace", "testdata", "handwritten.json"))
	if err != nil {
		t.Fatal(err)
	}
	tr.PreemptionCost = 0.25
	path := filepath.Join(t.TempDir(), "cost.json")
	if err := tr.WriteFile(path); err != nil {
		t.Fatal(err)
	}
	makespan := func(extra ...string) (float64, int) {
		t.Helper()
		var stdout, stderr bytes.Buffer
		args := append([]string{"run", "--trace", path, "--scheduler", "planaria", "--format", "json"}, extra...)
		if err := run(args, &stdout, &stderr); err != nil {
			t.Fatal(err, stderr.String())
		}
		var res struct{ Results []results.Row }
		if err := json.Unmarshal(stdout.Bytes(), &res); err != nil {
			t.Fatal(err)
		}
		return res.Results[0].Makespan, res.Results[0].Preemptions
	}
	// The accelerator never idles on this trace: makespan = 1.05 s of
	// layers + the cost of every preemption.
	got, n := makespan()
	if want := 1.05 + 0.25*float64(n); n == 0 || got < want-1e-9 || got > want+1e-9 {
		t.Errorf("with the trace's cost: makespan %g and %d preemptions, want 1.05 + 0.25 × preemptions > 1.05", got, n)
	}
	if got, _ := makespan("--preemption-cost", "0"); got < 1.05-1e-9 || got > 1.05+1e-9 {
		t.Errorf("makespan with --preemption-cost 0 = %g, want 1.05", got)
	}
}
