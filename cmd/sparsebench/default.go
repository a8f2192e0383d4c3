package main

import (
	"fmt"
	"io"

	"github.com/sparsebench/sparsebench/harness"
	"github.com/sparsebench/sparsebench/plugins/policies"
)

// runDefault is what `sparsebench` does with no arguments: every built-in
// scheduler on a built-in workload, printed as a table.
func runDefault(stdout, stderr io.Writer) error {
	cat := harness.Synthetic{Families: 4, Variants: 3, Samples: 50, Layers: 35, Scale: 0.25, Seed: 1}.Build()
	reqs, err := harness.Generate(cat, harness.Workload{
		Requests: 1000, Rate: 0.9 / cat.Capacity(), SLOMult: 10, Seed: 1,
	})
	if err != nil {
		return err
	}
	specs, _ := policies.ParseList("all")
	rows := runSpecs(&harness.Trace{Catalogue: *cat, Requests: reqs}, specs, harness.Options{}, 0)
	fmt.Fprintf(stdout, "Synthetic workload: 1000 requests at 90%% of capacity, SLO ×10, seed 1\n\n")
	if err := writeResults(stdout, "table", rows, false); err != nil {
		return err
	}
	return failed(rows)
}
