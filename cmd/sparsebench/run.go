package main

import (
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/sparsebench/sparsebench/hardware"
	"github.com/sparsebench/sparsebench/harness"
	"github.com/sparsebench/sparsebench/harness/results"
	"github.com/sparsebench/sparsebench/harness/trace"
	"github.com/sparsebench/sparsebench/harness/workload"
	"github.com/sparsebench/sparsebench/plugins/host"
	"github.com/sparsebench/sparsebench/plugins/lineup"
	"github.com/sparsebench/sparsebench/plugins/policies"
	"github.com/sparsebench/sparsebench/plugins/scheduler"
)

const runUsage = `sparsebench run (--scenario ID | --trace FILE | --lut-csv DIR --rate R) [--scheduler LIST|all] [--seeds N] [--rate R] [--slo-mult M] [--requests N] [--format table|json|csv]`

const runExample = `sparsebench run --scenario mobile-visual-perception --scheduler fcfs,dysta
sparsebench run --scenario datacenter-personal-assistant@v1 --rate 40 --seeds 3 --format json
sparsebench run --trace harness/trace/testdata/handwritten.json --scheduler fcfs,dysta --format csv
sparsebench run --scenario mobile-visual-perception --scheduler dysta --scheduler-plugin ./llf`

type runFlags struct {
	scenario       string
	seeds          int
	rate           float64
	sloMult        float64
	requests       int
	trace          string
	schedulers     string
	format         string
	preemptionCost float64
	timing         bool
	workers        int
	isolation      string
	plugins        string
	accelPlugin    string
	lutCSV         string
	plugin         host.Config
	pluginSums     map[string]string // job label → SHA-256 of the plugin executable or bundle
	procs          *lineup.Plugins   // the plugin processes of the run
}

func runRun(args []string, stdout, stderr io.Writer) error {
	var f runFlags
	fs := newFlagSet("run", runUsage, runExample, stderr)
	fs.StringVar(&f.scenario, "scenario", "", "run the built-in scenario `ID` (NAME or NAME@vN) at its operating points")
	fs.IntVar(&f.seeds, "seeds", 0, "number `N` of run seeds (0: the scenario's own list)")
	fs.Float64Var(&f.rate, "rate", 0, "arrival `RATE` in requests/s, instead of the operating points")
	fs.Float64Var(&f.sloMult, "slo-mult", 0, "SLO multiplier `MULT`, instead of the operating points")
	fs.IntVar(&f.requests, "requests", 0, "`N` requests per run (0: the scenario's)")
	fs.StringVar(&f.trace, "trace", "", "replay this trace `FILE` (format sparsebench-trace/1)")
	fs.StringVar(&f.lutCSV, "lut-csv", "", "run on the paper artifact's latency CSV files in `DIR` (needs --rate; Poisson arrivals, PREMA priorities)")
	fs.StringVar(&f.schedulers, "scheduler", "all", "comma-separated `LIST` of schedulers (NAME[:key=value…]), or all")
	fs.StringVar(&f.format, "format", "table", "output `FORMAT`: table, json or csv")
	fs.Float64Var(&f.preemptionCost, "preemption-cost", 0, "context-switch cost of `SECONDS` added when a task is preempted (--trace runs; default: the trace's preemption_cost_s, else 0)")
	fs.BoolVar(&f.timing, "timing", false, "measure and report the wall time schedulers spend deciding (makes output vary between runs)")
	fs.IntVar(&f.workers, "j", 0, "run up to `N` schedulers in parallel (0: one per CPU)")
	fs.StringVar(&f.isolation, "isolation", "inprocess", "isolation `MODE` of built-in schedulers: inprocess, or process (out of process, through the plugin protocol; same results)")
	fs.StringVar(&f.plugins, "scheduler-plugin", "", "also run these third-party scheduler plugin executables (`PATH[,PATH…]`)")
	fs.StringVar(&f.accelPlugin, "accelerator-plugin", "", "build the scenario's latencies with this accelerator plugin executable (`PATH`) instead of its reference model; rows are marked")
	pluginFlags(fs, &f.plugin)
	if err := parseFlags(fs, args, false); err != nil {
		return err
	}
	if err := checkFormat(f.format); err != nil {
		return err
	}
	if !(f.preemptionCost >= 0 && f.preemptionCost <= scheduler.MaxLatency) {
		return usageErr(fmt.Errorf("--preemption-cost %g: want seconds in [0, %g]", f.preemptionCost, scheduler.MaxLatency))
	}
	var specs []policies.Spec
	if f.schedulers != "" {
		var err error
		if specs, err = policies.ParseList(f.schedulers); err != nil {
			return usageErr(fmt.Errorf("--scheduler: %w", err))
		}
	}
	defer host.CleanupOnSignal()()
	f.procs = new(lineup.Plugins)
	defer f.procs.Close()
	jobs, err := f.jobs(specs, stderr)
	if err != nil {
		return err
	}
	if n := btoi(f.trace != "") + btoi(f.scenario != "") + btoi(f.lutCSV != ""); n != 1 {
		return usageErr(fmt.Errorf("run: give exactly one of --scenario ID, --trace FILE and --lut-csv DIR"))
	}
	if f.lutCSV != "" {
		return runLUT(f, jobs, stdout)
	}
	if f.scenario != "" {
		return runScenario(f, jobs, stdout)
	}
	if f.accelPlugin != "" {
		return usageErr(fmt.Errorf("run: --accelerator-plugin applies to --scenario runs; a trace already holds its latencies"))
	}
	if f.seeds != 0 || f.rate != 0 || f.sloMult != 0 || f.requests != 0 {
		return usageErr(fmt.Errorf("run: --seeds, --rate, --slo-mult and --requests apply to --scenario runs; a trace fixes them"))
	}
	tr, err := trace.ReadFile(f.trace)
	if err != nil {
		return usageErr(err)
	}
	// The trace's own preemption cost applies unless the flag overrides it.
	opt := harness.Options{PreemptionCost: tr.PreemptionCost, TimeDecisions: f.timing}
	fs.Visit(func(fl *flag.Flag) {
		if fl.Name == "preemption-cost" {
			opt.PreemptionCost = f.preemptionCost
		}
	})
	rows := results.Replay(tr, jobs, opt, f.workers)
	f.markPlugins(rows)
	if err := results.WriteRows(stdout, f.format, rows, f.timing); err != nil {
		return err
	}
	return failed(rows)
}

// jobs are the schedulers a run asks for: built-ins (in or out of
// process) followed by third-party plugins.
func (f *runFlags) jobs(specs []policies.Spec, stderr io.Writer) ([]harness.Job, error) {
	var jobs []harness.Job
	switch f.isolation {
	case "inprocess":
		jobs = lineup.Builtin(specs)
	case "process":
		f.plugin.Stderr = stderr
		js, err := isolatedJobs(specs, f.plugin, f.procs)
		if err != nil {
			return nil, err
		}
		jobs = js
	default:
		return nil, usageErr(fmt.Errorf("--isolation %q: want inprocess or process", f.isolation))
	}
	if f.plugins != "" {
		f.plugin.Stderr = stderr
		paths := strings.Split(f.plugins, ",")
		js, sums, err := pluginJobs(paths, f.plugin, f.procs)
		if err != nil {
			return nil, err
		}
		f.pluginSums = sums
		jobs = append(jobs, js...)
	}
	if err := uniqueLabels(jobs); err != nil {
		return nil, err
	}
	if len(jobs) == 0 {
		return nil, usageErr(fmt.Errorf("run: no schedulers: give --scheduler LIST or --scheduler-plugin PATH"))
	}
	return jobs, nil
}

// failed returns an error (exit status 1) naming the schedulers whose run
// failed, after their rows have been written.
func failed(rows []results.Row) error {
	var msgs []string
	for _, r := range rows {
		if r.Error != "" {
			msgs = append(msgs, r.Error)
		}
	}
	if len(msgs) == 0 {
		return nil
	}
	return &exitError{code: 1, err: fmt.Errorf("%d scheduler run(s) failed:\n  %s", len(msgs), strings.Join(msgs, "\n  "))}
}

func checkFormat(f string) error {
	switch f {
	case "table", "json", "csv":
		return nil
	}
	return usageErr(fmt.Errorf("--format %q: want table, json or csv", f))
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// runLUT runs the schedulers on a catalogue imported from the paper
// artifact's CSV files: Poisson arrivals at --rate, uniform variants,
// samples and PREMA priorities, deadlines at --slo-mult (default 10) × the
// family's mean isolated latency, --requests (default 1000) per seed, seeds
// 1..--seeds (default 5).
func runLUT(f runFlags, jobs []harness.Job, stdout io.Writer) error {
	if !(f.rate > 0) {
		return usageErr(fmt.Errorf("run --lut-csv: --rate R (requests/s) is required"))
	}
	if f.accelPlugin != "" {
		return usageErr(fmt.Errorf("run: --accelerator-plugin applies to --scenario runs; the CSV files hold their latencies"))
	}
	cat, err := hardware.ImportCSVDir(f.lutCSV, hardware.ImportOptions{})
	if err != nil {
		return usageErr(err)
	}
	w := workload.Workload{Requests: 1000, Rate: f.rate, SLOMult: 10}
	if f.requests > 0 {
		w.Requests = f.requests
	}
	if f.sloMult > 0 {
		w.SLOMult = f.sloMult
	}
	seeds := 5
	if f.seeds > 0 {
		seeds = f.seeds
	}
	var rows []results.Row
	for seed := 1; seed <= seeds; seed++ {
		w.Seed = uint64(seed)
		reqs, err := workload.Generate(cat, w)
		if err != nil {
			return usageErr(err)
		}
		for _, r := range results.Replay(&trace.Trace{Catalogue: *cat, Requests: reqs}, jobs, harness.Options{}, f.workers) {
			sd := w.Seed
			r.Scenario, r.Point, r.Rate, r.SLOMult, r.Seed = "lut-csv:"+f.lutCSV, "custom", w.Rate, w.SLOMult, &sd
			r.ScenarioHash = "-"
			rows = append(rows, r)
		}
	}
	f.markPlugins(rows)
	if err := results.WriteRun(stdout, f.format, &results.Run{Results: rows, Means: results.Means(rows)}); err != nil {
		return err
	}
	return failed(rows)
}

// markPlugins records each plugin row's executable checksum.
func (f *runFlags) markPlugins(rows []results.Row) {
	for i := range rows {
		rows[i].PluginSHA256 = f.pluginSums[rows[i].Scheduler]
	}
}
