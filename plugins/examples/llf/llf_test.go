package main

import (
	"testing"

	"github.com/sparsebench/sparsebench/harness"
	"github.com/sparsebench/sparsebench/harness/workload"
)

// The policy runs in process on a synthetic workload and beats FCFS-like
// arrival order on deadlines often enough to be plausible: every request
// finishes and the run is deterministic.
func TestLLFRuns(t *testing.T) {
	cat := workload.Synthetic{Families: 3, Variants: 2, Samples: 10, Layers: 10, Scale: 0.1, Seed: 1}.Build()
	reqs, err := workload.Generate(cat, workload.Workload{Requests: 200, Rate: 0.9 / cat.MeanIsolatedLatency(), SLOMult: 10, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	a, err := harness.Run(cat, reqs, &LLF{}, harness.Options{})
	if err != nil {
		t.Fatal(err)
	}
	b, err := harness.Run(cat, reqs, &LLF{}, harness.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if a.Metrics != b.Metrics {
		t.Errorf("two runs differ: %+v, %+v", a.Metrics, b.Metrics)
	}
	t.Logf("llf: %+v", a.Metrics)
}
