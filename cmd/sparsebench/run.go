package main

import (
	"fmt"
	"io"

	"github.com/sparsebench/sparsebench/harness"
	"github.com/sparsebench/sparsebench/plugins/policies"
	"github.com/sparsebench/sparsebench/plugins/scheduler"
)

const runUsage = `sparsebench run --trace FILE [--scheduler LIST|all] [--format table|json|csv]`

const runExample = `sparsebench run --trace harness/testdata/handwritten.json --scheduler fcfs,dysta --format json`

type runFlags struct {
	trace          string
	schedulers     string
	format         string
	preemptionCost float64
	timing         bool
	workers        int
}

func runRun(args []string, stdout, stderr io.Writer) error {
	var f runFlags
	fs := newFlagSet("run", runUsage, runExample, stderr)
	fs.StringVar(&f.trace, "trace", "", "replay this `sparsebench-trace/1` file")
	fs.StringVar(&f.schedulers, "scheduler", "all", "comma-separated `list` of schedulers (NAME[:key=value…]), or all")
	fs.StringVar(&f.format, "format", "table", "output `format`: table, json or csv")
	fs.Float64Var(&f.preemptionCost, "preemption-cost", 0, "context-switch cost in `seconds` added when a task is preempted")
	fs.BoolVar(&f.timing, "timing", false, "measure and report the wall time schedulers spend deciding (makes output vary between runs)")
	fs.IntVar(&f.workers, "j", 0, "run up to `N` schedulers in parallel (0: one per CPU)")
	if err := parseFlags(fs, args, false); err != nil {
		return err
	}
	if err := checkFormat(f.format); err != nil {
		return err
	}
	if f.preemptionCost < 0 {
		return usageErr(fmt.Errorf("--preemption-cost %g: want seconds ≥ 0", f.preemptionCost))
	}
	specs, err := policies.ParseList(f.schedulers)
	if err != nil {
		return usageErr(fmt.Errorf("--scheduler: %w", err))
	}
	if f.trace == "" {
		return usageErr(fmt.Errorf("run: --trace FILE is required"))
	}
	tr, err := harness.ReadTraceFile(f.trace)
	if err != nil {
		return usageErr(err)
	}
	opt := harness.Options{PreemptionCost: f.preemptionCost, TimeDecisions: f.timing}
	rows, err := runSpecs(tr, specs, opt, f.workers)
	if err != nil {
		return err
	}
	return writeResults(stdout, f.format, rows, f.timing)
}

// runSpecs runs each spec on the trace and returns one row each, in
// the order asked. The first failure is returned after all have run.
func runSpecs(tr *harness.Trace, specs []policies.Spec, opt harness.Options, workers int) ([]resultRow, error) {
	jobs := make([]harness.Job, len(specs))
	for i, s := range specs {
		s := s
		jobs[i] = harness.Job{Label: s.Text, New: func() (scheduler.Scheduler, error) { return s.New(), nil }}
	}
	outs, errs := harness.RunAll(&tr.Catalogue, tr.Requests, jobs, opt, workers)
	rows := make([]resultRow, len(specs))
	for i := range specs {
		if errs[i] != nil {
			return nil, errs[i]
		}
		rows[i] = newRow(specs[i].Text, outs[i])
	}
	return rows, nil
}

func checkFormat(f string) error {
	switch f {
	case "table", "json", "csv":
		return nil
	}
	return usageErr(fmt.Errorf("--format %q: want table, json or csv", f))
}
