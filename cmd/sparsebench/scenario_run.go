package main

import (
	"fmt"
	"io"

	"github.com/sparsebench/sparsebench/harness"
	"github.com/sparsebench/sparsebench/harness/results"
	"github.com/sparsebench/sparsebench/suite"
)

// runScenario is `run --scenario ID`: the schedulers at the scenario's
// operating points (or the --rate/--slo-mult point) over its seeds.
func runScenario(f runFlags, jobs []harness.Job, stdout io.Writer) error {
	s, err := suite.Builtin()
	if err != nil {
		return err
	}
	sc, err := s.Resolve(f.scenario)
	if err != nil {
		return usageErr(fmt.Errorf("--scenario: %w", err))
	}
	if f.rate < 0 || f.sloMult < 0 || f.requests < 0 || f.seeds < 0 {
		return usageErr(fmt.Errorf("run: --rate, --slo-mult, --requests and --seeds must be positive"))
	}
	if f.preemptionCost != 0 {
		return usageErr(fmt.Errorf("run: --preemption-cost applies to --trace runs; %s fixes it (preemption_cost_s = %g)", sc.ID(), sc.PreemptionCost))
	}
	switch {
	case f.accelPlugin != "":
		acc, err := acceleratorPlugin(f.accelPlugin, f.plugin)
		if err != nil {
			return err
		}
		defer acc.Close()
		sum, err := results.PluginSHA256(f.accelPlugin)
		if err != nil {
			return err
		}
		sc = sc.WithAccelerator(acc, fmt.Sprintf("plugin %s (%s %s, sha256 %s)", f.accelPlugin, acc.Name(), acc.Version(), sum))
	case f.isolation == "process":
		acc, err := isolatedAccelerator(sc.Accelerator.Name, f.plugin)
		if err != nil {
			return err
		}
		defer acc.Close()
		// The same reference model, out of process: its latencies are the
		// reference ones, so the rows are not marked.
		sc = sc.WithAccelerator(acc, "")
	}
	points := sc.OperatingPoints()
	if f.rate != 0 || f.sloMult != 0 {
		points = []suite.Point{{Name: "custom", Rate: f.rate, SLOMult: f.sloMult}}
	}
	res, err := results.RunScenarios([]*suite.Scenario{sc}, points, f.seeds, jobs,
		suite.GridOptions{Requests: f.requests, Workers: f.workers, TimeDecisions: f.timing})
	if err != nil {
		return err
	}
	f.markPlugins(res.Results)
	f.markPlugins(res.Means)
	if err := results.WriteRun(stdout, f.format, res); err != nil {
		return err
	}
	return failed(res.Results)
}
