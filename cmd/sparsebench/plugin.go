package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"slices"
	"strings"
	"sync"
	"text/tabwriter"
	"time"

	"github.com/sparsebench/sparsebench/hardware"
	"github.com/sparsebench/sparsebench/hardware/catalogue"
	"github.com/sparsebench/sparsebench/harness"
	"github.com/sparsebench/sparsebench/harness/workload"
	"github.com/sparsebench/sparsebench/plugins/bundle"
	"github.com/sparsebench/sparsebench/plugins/host"
	"github.com/sparsebench/sparsebench/plugins/lineup"
	"github.com/sparsebench/sparsebench/plugins/policies"
	"github.com/sparsebench/sparsebench/plugins/scheduler"
	"github.com/sparsebench/sparsebench/plugins/sdk"
)

const pluginUsage = `sparsebench plugin serve scheduler SPEC
       sparsebench plugin serve accelerator NAME
       sparsebench plugin check [--decision-timeout D] [--run-budget D] [--plugin-sha256 HEX] PATH`

const pluginHelp = `Out-of-process plugins.

  plugin serve scheduler SPEC     serve a built-in policy (NAME[:key=value…]) as a plugin
  plugin serve accelerator NAME   serve a reference accelerator model as a plugin
  plugin check PATH               conformance kit for a scheduler plugin: handshake, legal
                                  picks on fixed traces, determinism, decision latency

'serve' is what 'sparsebench run --isolation process' starts; it is not run by hand.

Example:
  sparsebench plugin check ./llf
`

// runPlugin is `sparsebench plugin …`.
func runPlugin(args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprintf(stderr, "Usage: %s\n\n%s", pluginUsage, pluginHelp)
		return usageErr(errors.New("plugin: want serve or check"))
	}
	switch args[0] {
	case "serve":
		return runPluginServe(args[1:], stderr)
	case "check":
		return runPluginCheck(args[1:], stdout, stderr)
	case "help", "-h", "-help", "--help":
		fmt.Fprintf(stdout, "Usage: %s\n\n%s", pluginUsage, pluginHelp)
		return nil
	}
	fmt.Fprintf(stderr, "Usage: %s\n\n%s", pluginUsage, pluginHelp)
	return usageErr(fmt.Errorf("plugin: unknown subcommand %q; want serve or check", args[0]))
}

// runPluginServe serves a built-in policy or accelerator model; it returns
// only on a usage error or when not started by a host.
func runPluginServe(args []string, stderr io.Writer) error {
	if wantsHelp(args) {
		fmt.Fprintf(stderr, "Usage: %s\n\n%s", pluginUsage, pluginHelp)
		return errHelp
	}
	if len(args) == 2 && (args[0] == "scheduler" || args[0] == "accelerator") {
		var serve func()
		switch args[0] {
		case "scheduler":
			spec, err := policies.ParseSpec(args[1])
			if err != nil {
				return usageErr(fmt.Errorf("plugin serve scheduler: %w", err))
			}
			serve = func() { sdk.ServeScheduler(spec.New) }
		case "accelerator":
			a, err := hardware.Lookup(args[1])
			if err != nil {
				return usageErr(fmt.Errorf("plugin serve accelerator: %w", err))
			}
			serve = func() { sdk.ServeAccelerator(a) }
		}
		if !sdk.LaunchedByHost() {
			return usageErr(errors.New("plugin serve: this process is a plugin started by sparsebench itself " +
				"(run --isolation process); it is not run by hand"))
		}
		serve()
		return nil
	}
	fmt.Fprintf(stderr, "Usage: %s\n", pluginUsage)
	return usageErr(errors.New("plugin serve: want `scheduler SPEC` or `accelerator NAME`"))
}

// pluginJobs starts the third-party scheduler plugins of paths (executables
// or bundle manifests), each once for all the command's runs, and returns
// their jobs, labelled with each plugin's declared identity, and the
// SHA-256 of what runs, by label, for the provenance. cfg.SHA256 can only
// pin a single plugin.
func pluginJobs(paths []string, cfg host.Config, ps *lineup.Plugins) ([]harness.Job, map[string]string, error) {
	if err := cfg.Validate(); err != nil {
		return nil, nil, usageErr(err)
	}
	if cfg.SHA256 != "" && len(paths) != 1 {
		return nil, nil, usageErr(fmt.Errorf("--plugin-sha256 pins one plugin; %d were given", len(paths)))
	}
	progs := make([]*bundle.Program, len(paths))
	for i, p := range paths {
		prog, err := bundle.Open(p)
		if err != nil {
			return nil, nil, usageErr(err)
		}
		progs[i] = prog
	}
	jobs := make([]harness.Job, len(paths))
	sums := map[string]string{}
	for i, prog := range progs {
		job, _, err := ps.Plugin(prog, cfg)
		if err != nil {
			return nil, nil, err
		}
		if _, dup := sums[job.Label]; dup {
			return nil, nil, usageErr(fmt.Errorf("plugins %s and another both declare themselves %s; their rows could not be told apart", prog.Path, job.Label))
		}
		jobs[i] = job
		sums[job.Label] = prog.SHA256
	}
	return jobs, sums, nil
}

// uniqueLabels refuses a line-up in which two jobs share a label (a plugin
// declaring the name and version of a built-in's spec, say).
func uniqueLabels(jobs []harness.Job) error {
	seen := map[string]bool{}
	for _, j := range jobs {
		if seen[j.Label] {
			return usageErr(fmt.Errorf("two schedulers are labelled %q; their rows could not be told apart", j.Label))
		}
		seen[j.Label] = true
	}
	return nil
}

// isolatedJobs run the built-in policies out of process, served by this
// very binary, one process per policy; their results equal the in-process
// ones.
func isolatedJobs(specs []policies.Spec, cfg host.Config, ps *lineup.Plugins) ([]harness.Job, error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, fmt.Errorf("--isolation process: cannot find the sparsebench binary to serve the policies: %w", err)
	}
	return ps.Isolated(specs, exe, cfg)
}

// acceleratorPlugin starts the accelerator plugin at path (for
// --accelerator-plugin); the caller closes it when the run ends.
func acceleratorPlugin(path string, cfg host.Config) (*host.Accelerator, error) {
	if err := cfg.Validate(); err != nil {
		return nil, usageErr(err)
	}
	if err := checkExecutable(path); err != nil {
		return nil, usageErr(err)
	}
	return host.LaunchAccelerator(path, nil, cfg)
}

// isolatedAccelerator serves the registered accelerator model name out of
// process from this binary (for --isolation process); its latencies equal
// the in-process model's.
func isolatedAccelerator(name string, cfg host.Config) (*host.Accelerator, error) {
	if _, err := hardware.Lookup(name); err != nil {
		return nil, usageErr(err)
	}
	exe, err := os.Executable()
	if err != nil {
		return nil, fmt.Errorf("--isolation process: cannot find the sparsebench binary to serve %s: %w", name, err)
	}
	return host.BuiltinAccelerator(name, exe, cfg)
}

// checkExecutable reports a plugin path that cannot be started.
func checkExecutable(path string) error {
	fi, err := os.Stat(path)
	switch {
	case err != nil:
		return fmt.Errorf("plugin %s: %w", path, err)
	case fi.IsDir():
		return fmt.Errorf("plugin %s: is a directory, want an executable (go build it first)", path)
	case runtime.GOOS != "windows" && fi.Mode().Perm()&0o111 == 0:
		return fmt.Errorf("plugin %s: is not executable (chmod +x)", path)
	}
	return nil
}

// pluginFlags registers the plugin limits shared by run and plugin check.
func pluginFlags(fs *flag.FlagSet, cfg *host.Config) {
	fs.DurationVar(&cfg.DecisionTimeout, "decision-timeout", host.DefaultDecisionTimeout, "longest wait `DURATION` for one plugin answer (e.g. 2s)")
	fs.DurationVar(&cfg.RunBudget, "run-budget", host.DefaultRunBudget, "total time `DURATION` a plugin may spend answering in one run")
	fs.StringVar(&cfg.SHA256, "plugin-sha256", "", "refuse to start the plugin unless its SHA-256 is `HEX`")
}

const checkExample = `(cd plugins/examples/llf && go build -trimpath -o llf .) && sparsebench plugin check plugins/examples/llf/llf`

// checkTrace is one of the fixed traces of the conformance kit.
type checkTrace struct {
	name string
	cat  *catalogue.Catalogue
	reqs []workload.Request
}

// checkTraces are the conformance kit's fixed workloads: light load (most
// decisions forced), near capacity, and overload (long queues), on a small
// synthetic catalogue so that the kit runs in about a second.
func checkTraces() ([]checkTrace, error) {
	cat := workload.Synthetic{Families: 3, Variants: 2, Samples: 16, Layers: 10, Scale: 0.1, Seed: 42}.Build()
	var out []checkTrace
	for _, w := range []struct {
		name     string
		load     float64
		requests int
		seed     uint64
	}{{"light", 0.5, 200, 1}, {"near-capacity", 0.95, 300, 2}, {"overload", 1.6, 300, 3}} {
		reqs, err := workload.Generate(cat, workload.Workload{Requests: w.requests, Rate: w.load / cat.MeanIsolatedLatency(), SLOMult: 10, Seed: w.seed})
		if err != nil {
			return nil, err
		}
		out = append(out, checkTrace{fmt.Sprintf("%s (%d requests at %.0f%% of capacity)", w.name, w.requests, 100*w.load), cat, reqs})
	}
	return out, nil
}

// recorder wraps a plugin to keep its picks and the wall time of each
// decision that had a choice.
type recorder struct {
	*host.Scheduler
	picks []scheduler.TaskID
	rtt   []time.Duration
}

func (r *recorder) Pick(v *scheduler.View) (scheduler.TaskID, error) {
	if v.Len() == 1 {
		id, err := r.Scheduler.Pick(v)
		r.picks = append(r.picks, id)
		return id, err
	}
	t0 := time.Now()
	id, err := r.Scheduler.Pick(v)
	r.rtt = append(r.rtt, time.Since(t0))
	r.picks = append(r.picks, id)
	return id, err
}

type checkRow struct {
	check  string
	result string // PASS, FAIL or SKIP
	detail string
}

// runPluginCheck is `sparsebench plugin check PATH`.
func runPluginCheck(args []string, stdout, stderr io.Writer) error {
	var cfg host.Config
	fs := newFlagSet("plugin check", "sparsebench plugin check [flags] PATH", checkExample, stderr)
	pluginFlags(fs, &cfg)
	if err := parseFlags(fs, args, true); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return usageErr(errors.New("plugin check: want one PATH"))
	}
	path := fs.Arg(0)
	if err := cfg.Validate(); err != nil {
		return usageErr(err)
	}
	prog, err := bundle.Open(path)
	if err != nil {
		return usageErr(err)
	}
	stop := host.CleanupOnSignal()
	defer stop()
	cfg.Stderr = stderr
	rows := conformance(prog, cfg)

	var buf bytes.Buffer
	fmt.Fprintf(&buf, "Conformance of scheduler plugin %s\n\n", path)
	tw := tabwriter.NewWriter(&buf, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "CHECK\tRESULT\tDETAIL")
	failedN := 0
	for _, r := range rows {
		if r.result == "FAIL" {
			failedN++
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\n", r.check, r.result, strings.ReplaceAll(r.detail, "\n", "\n\t\t"))
	}
	tw.Flush()
	if failedN == 0 {
		fmt.Fprintf(&buf, "\nPASS: %s is ready to submit.\n", path)
	}
	if _, err := stdout.Write(buf.Bytes()); err != nil {
		return err
	}
	if failedN > 0 {
		return &exitError{code: 1, err: fmt.Errorf("plugin check: %s failed %d of %d checks", path, failedN, len(rows))}
	}
	return nil
}

// conformance runs the checks in order; a check that cannot run because an
// earlier one failed is skipped.
func conformance(prog *bundle.Program, cfg host.Config) []checkRow {
	rows := []checkRow{
		{check: "handshake and protocol"},
		{check: "legal picks"},
		{check: "determinism"},
		{check: "lockstep"},
		{check: "decision latency"},
	}
	skipFrom := func(i int, why string) []checkRow {
		for j := i; j < len(rows); j++ {
			rows[j].result, rows[j].detail = "SKIP", why
		}
		return rows
	}
	// open starts the plugin afresh: each pass gets a process of its own.
	open := func() (*host.Pool, func(), error) {
		ps := new(lineup.Plugins)
		_, pool, err := ps.Plugin(prog, cfg)
		return pool, ps.Close, err
	}

	pool, closePool, err := open()
	if err != nil {
		rows[0].result, rows[0].detail = "FAIL", err.Error()
		return skipFrom(1, "needs a working handshake")
	}
	info, proto := pool.Info(), pool.Protocol()
	closePool()
	caps := []string{}
	if info.Monitor {
		caps = append(caps, "monitor")
	}
	if info.Oracle {
		caps = append(caps, "oracle (results are marked as an upper bound and never ranked)")
	}
	if len(caps) == 0 {
		caps = append(caps, "none")
	}
	rows[0].result = "PASS"
	how := "lockstep: one process serves all runs"
	if proto < 2 {
		how = "session: one process per run (protocol 1; protocol 2 serves all runs from one process, much faster)"
	}
	rows[0].detail = fmt.Sprintf("go-plugin protocol %d (%s); scheduler %q version %q, rows labelled %s; estimate %s; capabilities: %s; sha256 %s",
		proto, how, info.Name, info.Version, lineup.Identity(info), info.Estimate, strings.Join(caps, ", "), prog.SHA256)

	traces, err := checkTraces()
	if err != nil {
		rows[1].result, rows[1].detail = "FAIL", err.Error()
		return skipFrom(2, "needs the traces")
	}
	// Each trace runs twice, one run at a time, each pass with a process
	// of its own; then all of them at once on one process.
	var runs [2][]*recorder
	decisions, sent := 0, 0
	for pass := 0; pass < 2; pass++ {
		pool, closePool, err := open()
		if err != nil {
			rows[1].result, rows[1].detail = "FAIL", err.Error()
			return skipFrom(2, "needs legal picks")
		}
		for _, tr := range traces {
			r, err := checkRun(pool, tr)
			if err != nil {
				closePool()
				rows[1].result, rows[1].detail = "FAIL", fmt.Sprintf("trace %s: %v", tr.name, err)
				return skipFrom(2, "needs legal picks")
			}
			decisions += len(r.picks)
			sent += r.Calls()
			runs[pass] = append(runs[pass], r)
		}
		closePool()
	}
	rows[1].result = "PASS"
	rows[1].detail = fmt.Sprintf("%d traces × 2 runs: %d decisions, %d of them with a choice (sent to the plugin), all legal",
		len(traces), decisions, sent)

	rows[2].result, rows[2].detail = "PASS", "the same picks in both runs of every trace"
	for i, tr := range traces {
		a, b := runs[0][i].picks, runs[1][i].picks
		if k := firstDiff(a, b); k >= 0 {
			rows[2].result = "FAIL"
			rows[2].detail = fmt.Sprintf("trace %s: decision %d picked task %s in the first run, task %s in the second",
				tr.name, k, pickAt(a, k), pickAt(b, k))
			break
		}
	}

	rows[3] = checkLockstep(open, traces, runs[0], proto)

	var rtt []time.Duration
	for _, r := range runs[0] {
		rtt = append(rtt, r.rtt...)
	}
	for _, r := range runs[1] {
		rtt = append(rtt, r.rtt...)
	}
	if len(rtt) == 0 {
		rows[4].result, rows[4].detail = "PASS", "no decision had a choice"
		return rows
	}
	slices.Sort(rtt)
	p50, p99 := rtt[len(rtt)/2], rtt[len(rtt)*99/100]
	limit := cfg.DecisionTimeout
	if limit <= 0 {
		limit = host.DefaultDecisionTimeout
	}
	rows[4].result = "PASS"
	rows[4].detail = fmt.Sprintf("one run at a time: p50 %v, p99 %v, max %v over %d round trips (deadline %v per answer)",
		roundDur(p50), roundDur(p99), roundDur(rtt[len(rtt)-1]), len(rtt), limit)
	if p99 > limit/2 {
		rows[4].result = "FAIL"
		rows[4].detail += "; p99 above half the deadline: the plugin would fail runs on a busier machine"
	}
	return rows
}

// checkRun runs one trace through a new run of pool, recording its picks.
func checkRun(pool *host.Pool, tr checkTrace) (*recorder, error) {
	s, err := pool.NewRun()
	if err != nil {
		return nil, err
	}
	r := &recorder{Scheduler: s}
	_, err = harness.Run(tr.cat, tr.reqs, r, harness.Options{})
	s.Close()
	return r, err
}

// lockstepCopies is how many copies of each trace the lockstep check runs
// at once.
const lockstepCopies = 4

// checkLockstep runs every trace several times at once on one process —
// their decisions batched — and checks that each run picks as the runs one
// at a time did: a plugin must keep its sessions apart.
func checkLockstep(open func() (*host.Pool, func(), error), traces []checkTrace, alone []*recorder, proto int) checkRow {
	row := checkRow{check: "lockstep"}
	if proto < 2 {
		row.result, row.detail = "SKIP", "protocol 1 serves one run per process"
		return row
	}
	pool, closePool, err := open()
	if err != nil {
		row.result, row.detail = "FAIL", err.Error()
		return row
	}
	defer closePool()
	n := len(traces) * lockstepCopies
	recs := make([]*recorder, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			recs[i], errs[i] = checkRun(pool, traces[i%len(traces)])
		}()
	}
	wg.Wait()
	for i := 0; i < n; i++ {
		tr := traces[i%len(traces)]
		if errs[i] != nil {
			row.result, row.detail = "FAIL", fmt.Sprintf("trace %s, copy %d, run beside %d others: %v", tr.name, i/len(traces)+1, n-1, errs[i])
			return row
		}
		a, b := alone[i%len(traces)].picks, recs[i].picks
		if k := firstDiff(a, b); k >= 0 {
			row.result = "FAIL"
			row.detail = fmt.Sprintf("trace %s: decision %d picked task %s alone, task %s beside %d other runs on the same process: sessions are not kept apart",
				tr.name, k, pickAt(a, k), pickAt(b, k), n-1)
			return row
		}
	}
	row.result = "PASS"
	row.detail = fmt.Sprintf("%d runs at once on one process (%d copies of each trace), each with the picks of its run alone", n, lockstepCopies)
	return row
}

func firstDiff(a, b []scheduler.TaskID) int {
	for i := 0; i < len(a) || i < len(b); i++ {
		if i >= len(a) || i >= len(b) || a[i] != b[i] {
			return i
		}
	}
	return -1
}

func pickAt(p []scheduler.TaskID, k int) string {
	if k < len(p) {
		return fmt.Sprint(p[k])
	}
	return "(none: the run ended)"
}

// roundDur keeps three significant digits.
func roundDur(d time.Duration) time.Duration {
	switch {
	case d >= time.Second:
		return d.Round(10 * time.Millisecond)
	case d >= time.Millisecond:
		return d.Round(10 * time.Microsecond)
	case d >= time.Microsecond:
		return d.Round(100 * time.Nanosecond)
	}
	return d
}
