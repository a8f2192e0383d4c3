package main

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/sparsebench/sparsebench/harness/verify"
	"github.com/sparsebench/sparsebench/plugins/host"
)

const verifyUsage = `sparsebench verify [--plugin PATH]… [--trace FILE [--preemption-cost S]] [--only-failures] [-j N] RESULTS.json`

const verifyExample = `sparsebench leaderboard --scenario mobile-visual-perception --seeds 2 --out lb && sparsebench verify lb/leaderboard.json
sparsebench run --scenario mobile-visual-perception --scheduler-plugin ./llf --format json > llf.json
sparsebench verify --plugin ./llf llf.json
sparsebench verify --trace mvp-seed1.json results.json   # the output of run --trace mvp-seed1.json --format json`

const verifyHelp = `verify re-runs what a published result file claims and reports, row by row, whether
it reproduces. RESULTS.json is a leaderboard.json written by 'sparsebench
leaderboard', or the output of 'sparsebench run --scenario … --format json'.

From the file's provenance it takes the scenario id and hash (a hash that is not
the built-in scenario's is reported), the seeds (a seed the run cannot have
used is reported), the request count, the points (rates and SLO multipliers)
and the schedulers. Built-in schedulers re-run in process. A plugin re-runs
from the executable given with --plugin PATH (its row is labelled with the
file name), whose SHA-256 must be the one the leaderboard recorded. Every
number is compared: counts, seeds, rates and SLO multipliers exactly, other
floats within a relative 1e-9 (absolute 1e-12 near zero).

The output of 'run --trace FILE' records no scenario, seed or hash: it can only
be verified with the same trace, given as --trace FILE.

Exit status: 0 when every row reproduces, 1 when one does not, 2 when the file
cannot be read as a result file.
`

type verifyFlags struct {
	plugins        []string
	trace          string
	preemptionCost float64
	onlyFailures   bool
	workers        int
}

func runVerify(args []string, stdout, stderr io.Writer) error {
	var f verifyFlags
	fs := newFlagSet("verify", verifyUsage, verifyExample, stderr)
	usage := fs.Usage
	fs.Usage = func() {
		fmt.Fprintf(stderr, "%s\n", verifyHelp)
		usage()
	}
	fs.Func("plugin", "re-run the plugin rows with this scheduler plugin executable (`PATH`; repeat or separate with commas)", func(s string) error {
		for _, p := range strings.Split(s, ",") {
			if p = strings.TrimSpace(p); p != "" {
				f.plugins = append(f.plugins, p)
			}
		}
		return nil
	})
	fs.StringVar(&f.trace, "trace", "", "the trace `FILE` (sparsebench-trace/1) that the 'run --trace' output being verified replayed")
	fs.Float64Var(&f.preemptionCost, "preemption-cost", 0, "with --trace: the context-switch cost of `SECONDS` the run used, if it overrode the trace's preemption_cost_s with --preemption-cost")
	fs.BoolVar(&f.onlyFailures, "only-failures", false, "list only the rows that do not reproduce")
	fs.IntVar(&f.workers, "j", 0, "run up to `N` simulations in parallel (0: one per CPU)")
	if err := parseFlags(fs, args, true); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return usageErr(errors.New("verify: want one RESULTS.json"))
	}
	if f.preemptionCost != 0 && f.trace == "" {
		return usageErr(errors.New("verify: --preemption-cost applies with --trace; scenarios fix their own"))
	}
	path := fs.Arg(0)
	for _, p := range f.plugins {
		if err := checkExecutable(p); err != nil {
			return usageErr(fmt.Errorf("--plugin: %w", err))
		}
	}
	defer host.CleanupOnSignal()()
	ver, rev := buildVersion()
	rep, err := verify.File(path, verify.Options{Plugins: f.plugins, Trace: f.trace, PreemptionCost: f.preemptionCost,
		Workers: f.workers, Version: ver, Revision: rev})
	var bad *verify.InputError
	if errors.As(err, &bad) {
		return usageErr(err)
	}
	if err != nil {
		return err
	}
	if err := rep.Write(stdout, f.onlyFailures); err != nil {
		return err
	}
	// The output is complete; the verdict is the exit status.
	if failedN, checksN := rep.Counts(); failedN > 0 {
		return &exitError{code: 1, err: fmt.Errorf("verify %s: %d of %d checks do not reproduce", path, failedN, checksN)}
	}
	return nil
}
