package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/sparsebench/sparsebench/hardware"
	"github.com/sparsebench/sparsebench/hardware/catalogue"
	"github.com/sparsebench/sparsebench/harness"
	"github.com/sparsebench/sparsebench/harness/results"
	"github.com/sparsebench/sparsebench/harness/workload"
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

// pluginJobs are the harness jobs of third-party scheduler plugins, one
// process per run. A job is labelled with its file name, or its path when
// two plugins share a file name. cfg.SHA256 can only pin a single plugin.
func pluginJobs(paths []string, cfg host.Config) ([]harness.Job, error) {
	if err := cfg.Validate(); err != nil {
		return nil, usageErr(err)
	}
	if cfg.SHA256 != "" && len(paths) != 1 {
		return nil, usageErr(fmt.Errorf("--plugin-sha256 pins one plugin; %d were given", len(paths)))
	}
	base := map[string]int{}
	for _, p := range paths {
		if err := checkExecutable(p); err != nil {
			return nil, usageErr(err)
		}
		base[filepath.Base(p)]++
	}
	jobs := make([]harness.Job, len(paths))
	for i, p := range paths {
		jobs[i] = lineup.Plugin(p, cfg)
		if base[filepath.Base(p)] > 1 {
			jobs[i].Label = p
		}
	}
	return jobs, nil
}

// pluginSums maps each plugin job's label to the SHA-256 of its executable,
// for the provenance of the results.
func pluginSums(paths []string, jobs []harness.Job) (map[string]string, error) {
	sums := map[string]string{}
	for i, j := range jobs {
		sum, err := results.PluginSHA256(paths[i])
		if err != nil {
			return nil, usageErr(err)
		}
		sums[j.Label] = sum
	}
	return sums, nil
}

// isolatedJobs run the built-in policies out of process, served by this
// very binary; their results equal the in-process ones.
func isolatedJobs(specs []policies.Spec, cfg host.Config) ([]harness.Job, error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, fmt.Errorf("--isolation process: cannot find the sparsebench binary to serve the policies: %w", err)
	}
	return lineup.Isolated(specs, exe, cfg), nil
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
	if err := checkExecutable(path); err != nil {
		return usageErr(err)
	}
	stop := host.CleanupOnSignal()
	defer stop()
	cfg.Stderr = stderr
	rows := conformance(path, cfg)

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
func conformance(path string, cfg host.Config) []checkRow {
	rows := []checkRow{
		{check: "handshake and protocol"},
		{check: "legal picks"},
		{check: "determinism"},
		{check: "decision latency"},
	}
	skipFrom := func(i int, why string) []checkRow {
		for j := i; j < len(rows); j++ {
			rows[j].result, rows[j].detail = "SKIP", why
		}
		return rows
	}

	s, err := host.LaunchScheduler(path, nil, cfg)
	if err != nil {
		rows[0].result, rows[0].detail = "FAIL", err.Error()
		return skipFrom(1, "needs a working handshake")
	}
	info, proto := s.Info(), s.Protocol()
	s.Close()
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
	rows[0].detail = fmt.Sprintf("go-plugin protocol %d; scheduler %q version %q; estimate %s; capabilities: %s",
		proto, info.Name, info.Version, info.Estimate, strings.Join(caps, ", "))

	traces, err := checkTraces()
	if err != nil {
		rows[1].result, rows[1].detail = "FAIL", err.Error()
		return skipFrom(2, "needs the traces")
	}
	// Each trace runs twice, each time in a fresh process.
	var runs [2][]*recorder
	decisions, sent := 0, 0
	for pass := 0; pass < 2; pass++ {
		for _, tr := range traces {
			s, err := host.LaunchScheduler(path, nil, cfg)
			if err != nil {
				rows[1].result, rows[1].detail = "FAIL", fmt.Sprintf("trace %s: %v", tr.name, err)
				return skipFrom(2, "needs legal picks")
			}
			r := &recorder{Scheduler: s}
			_, err = harness.Run(tr.cat, tr.reqs, r, harness.Options{})
			s.Close()
			if err != nil {
				rows[1].result, rows[1].detail = "FAIL", fmt.Sprintf("trace %s: %v", tr.name, err)
				return skipFrom(2, "needs legal picks")
			}
			decisions += len(r.picks)
			sent += s.Calls()
			runs[pass] = append(runs[pass], r)
		}
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

	var rtt []time.Duration
	for _, r := range runs[0] {
		rtt = append(rtt, r.rtt...)
	}
	for _, r := range runs[1] {
		rtt = append(rtt, r.rtt...)
	}
	if len(rtt) == 0 {
		rows[3].result, rows[3].detail = "PASS", "no decision had a choice"
		return rows
	}
	slices.Sort(rtt)
	p50, p99 := rtt[len(rtt)/2], rtt[len(rtt)*99/100]
	limit := cfg.DecisionTimeout
	if limit <= 0 {
		limit = host.DefaultDecisionTimeout
	}
	rows[3].result = "PASS"
	rows[3].detail = fmt.Sprintf("p50 %v, p99 %v, max %v over %d round trips (deadline %v per decision)",
		roundDur(p50), roundDur(p99), roundDur(rtt[len(rtt)-1]), len(rtt), limit)
	if p99 > limit/2 {
		rows[3].result = "FAIL"
		rows[3].detail += "; p99 above half the deadline: the plugin would fail runs on a busier machine"
	}
	return rows
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
