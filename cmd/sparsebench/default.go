package main

import (
	"fmt"
	"io"

	"github.com/sparsebench/sparsebench/harness/results"
	"github.com/sparsebench/sparsebench/plugins/lineup"
	"github.com/sparsebench/sparsebench/plugins/policies"
	"github.com/sparsebench/sparsebench/suite"
)

// runDefault is what `sparsebench` does with no arguments: the whole
// built-in suite (latest version of each scenario) at its operating points,
// with every built-in scheduler and the scenarios' seeds, as a table.
func runDefault(stdout, stderr io.Writer) error {
	s, err := suite.Builtin()
	if err != nil {
		return err
	}
	specs, _ := policies.ParseList("all")
	res, err := results.RunScenarios(s.Latest(), nil, 0, lineup.Builtin(specs), suite.GridOptions{})
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "sparsebench: every built-in scheduler on the built-in suite at its operating points\n"+
		"(run 'sparsebench help' for more; 'sparsebench run --scenario ID --format json' for per-seed data)\n\n")
	if err := results.WriteRun(stdout, "table", res); err != nil {
		return err
	}
	return failed(res.Results)
}
