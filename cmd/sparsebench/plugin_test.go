package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/sparsebench/sparsebench/hardware"

	"github.com/google/go-cmp/cmp"

	"github.com/sparsebench/sparsebench/harness/results"
	"github.com/sparsebench/sparsebench/plugins/host"
	"github.com/sparsebench/sparsebench/plugins/lineup"
	"github.com/sparsebench/sparsebench/plugins/policies"
	"github.com/sparsebench/sparsebench/plugins/scheduler"
	"github.com/sparsebench/sparsebench/plugins/sdk"
	"github.com/sparsebench/sparsebench/suite"
)

// asCLI makes the test binary, re-executed with it in its environment, act
// as the sparsebench binary for `plugin …` — which is what isolatedJobs
// starts (os.Executable is the test binary here) — or as one of the test
// plugins of plugin check.
const asCLI = "SPARSEBENCH_TEST_AS_CLI"

func init() {
	if os.Getenv(asCLI) != "1" || len(os.Args) < 2 {
		return
	}
	switch os.Args[1] {
	case "plugin":
		os.Exit(exitCode(runPlugin(os.Args[2:], os.Stdout, os.Stderr)))
	case "test-plugin":
		os.Exit(serveTestPlugin(os.Args[2]))
	}
	// Never fall through to running the tests again.
	fmt.Fprintf(os.Stderr, "test binary as sparsebench: unknown arguments %q\n", os.Args[1:])
	os.Exit(3)
}

// serveTestPlugin serves the policies plugin check must fail.
func serveTestPlugin(mode string) int {
	switch mode {
	case "nondeterministic":
		// Breaks ties by the process ID: two runs disagree.
		sdk.ServeScheduler(func() scheduler.Scheduler { return &pidPolicy{pid: os.Getpid()} })
	case "illegal":
		sdk.ServeScheduler(func() scheduler.Scheduler { return &illegalPolicy{} })
	case "accelerator-eyeriss":
		// A faithful third-party copy of the reference CNN model.
		sdk.ServeAccelerator(hardware.NewEyerissV2())
	default:
		return 2
	}
	return 0
}

type pidPolicy struct{ pid int }

func (*pidPolicy) Info() scheduler.Info { return scheduler.Info{Name: "pid", Version: "0"} }
func (p *pidPolicy) Pick(v *scheduler.View) (scheduler.TaskID, error) {
	return v.ID((p.pid + int(v.Now()*1e6)) % v.Len()), nil
}

type illegalPolicy struct{ done []scheduler.TaskID }

func (*illegalPolicy) Info() scheduler.Info { return scheduler.Info{Name: "illegal", Version: "0"} }
func (p *illegalPolicy) Pick(v *scheduler.View) (scheduler.TaskID, error) {
	for _, c := range v.Completed() {
		if c.Finished {
			p.done = append(p.done, c.ID)
		}
	}
	if len(p.done) > 0 && v.Len() > 1 {
		return p.done[0], nil
	}
	return v.ID(0), nil
}

// scriptPlugin writes an executable script that runs the test binary with
// args, as a plugin path for pluginJobs and plugin check.
func scriptPlugin(t *testing.T, name string, args ...string) string {
	t.Helper()
	if runtime.GOOS == "windows" {
		t.Skip("script plugins need a POSIX shell")
	}
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), name)
	script := fmt.Sprintf("#!/bin/sh\nexec %q %s\n", exe, strings.Join(args, " "))
	if err := os.WriteFile(path, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	return path
}

// Every built-in policy gives the same metrics on a built-in scenario
// in process and with --isolation process.
func TestIsolatedJobsEqualInProcess(t *testing.T) {
	t.Setenv(asCLI, "1")
	s, err := suite.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	sc, err := s.Resolve("mobile-visual-perception")
	if err != nil {
		t.Fatal(err)
	}
	points := sc.OperatingPoints()[:1]
	specs, _ := policies.ParseList("all")
	var procs lineup.Plugins
	defer procs.Close()
	iso, err := isolatedJobs(specs, host.Config{}, &procs)
	if err != nil {
		t.Fatal(err)
	}
	in, err := results.RunScenarios([]*suite.Scenario{sc}, points, 1, lineup.Builtin(specs), suite.GridOptions{Requests: 300})
	if err != nil {
		t.Fatal(err)
	}
	out, err := results.RunScenarios([]*suite.Scenario{sc}, points, 1, iso, suite.GridOptions{Requests: 300})
	if err != nil {
		t.Fatal(err)
	}
	if len(in.Results) != len(specs) {
		t.Fatalf("%d results for %d policies", len(in.Results), len(specs))
	}
	for _, r := range out.Results {
		if r.Error != "" {
			t.Errorf("%s out of process: %s", r.Scheduler, r.Error)
		}
	}
	if d := cmp.Diff(in.Results, out.Results); d != "" {
		t.Errorf("results differ (-in process +out of process):\n%s", d)
	}
}

func TestPluginJobsValidation(t *testing.T) {
	t.Setenv(asCLI, "1")
	dir := t.TempDir()
	notExec := filepath.Join(dir, "plain")
	os.WriteFile(notExec, []byte("x"), 0o644)
	for _, tc := range []struct {
		paths []string
		cfg   host.Config
		want  string
	}{
		{[]string{filepath.Join(dir, "missing")}, host.Config{}, "no such file"},
		{[]string{dir}, host.Config{}, "is a directory"},
		{[]string{notExec}, host.Config{}, "not executable"},
		{[]string{notExec, notExec}, host.Config{SHA256: strings.Repeat("0", 64)}, "pins one plugin"},
		{[]string{notExec}, host.Config{SHA256: "xyz"}, "64 hex digits"},
	} {
		var procs lineup.Plugins
		_, _, err := pluginJobs(tc.paths, tc.cfg, &procs)
		procs.Close()
		if err == nil || !strings.Contains(err.Error(), tc.want) || exitCode(err) != 2 {
			t.Errorf("pluginJobs(%v): %v, want a usage error saying %q", tc.paths, err, tc.want)
		}
	}
	// Rows are labelled with what the plugins declare, whatever the files
	// are called; two plugins declaring the same identity are refused.
	a := scriptPlugin(t, "same", "plugin", "serve", "scheduler", "fcfs")
	b := scriptPlugin(t, "same", "plugin", "serve", "scheduler", "edf")
	var procs lineup.Plugins
	defer procs.Close()
	jobs, sums, err := pluginJobs([]string{a, b}, host.Config{}, &procs)
	if err != nil {
		t.Fatal(err)
	}
	if jobs[0].Label != "fcfs@1" || jobs[1].Label != "edf@1" || len(sums) != 2 || jobs[0].Lockstep != host.MaxLockstep {
		t.Errorf("labels %q, %q (lockstep %d), sums %v: want the declared identities fcfs@1, edf@1",
			jobs[0].Label, jobs[1].Label, jobs[0].Lockstep, sums)
	}
	c := scriptPlugin(t, "other", "plugin", "serve", "scheduler", "edf")
	if _, _, err := pluginJobs([]string{b, c}, host.Config{}, &procs); exitCode(err) != 2 || !strings.Contains(err.Error(), "both declare themselves edf@1") {
		t.Errorf("two plugins declaring edf@1: %v", err)
	}
}

// `run --isolation process --scheduler-plugin` prints the same results as
// the in-process run, and a faulty plugin fails only its own row.
func TestRunWithPlugins(t *testing.T) {
	t.Setenv(asCLI, "1")
	trace := filepath.Join("..", "..", "harness", "trace", "testdata", "handwritten.json")
	edf := scriptPlugin(t, "edf", "plugin", "serve", "scheduler", "edf")
	var want, got, stderr bytes.Buffer
	if err := run([]string{"run", "--trace", trace, "--scheduler", "fcfs,dysta,edf", "--format", "json"}, &want, &stderr); err != nil {
		t.Fatal(err, stderr.String())
	}
	if err := run([]string{"run", "--trace", trace, "--scheduler", "fcfs,dysta", "--isolation", "process",
		"--scheduler-plugin", edf, "--decision-timeout", "2s", "--run-budget", "10s", "--format", "json"}, &got, &stderr); err != nil {
		t.Fatal(err, stderr.String())
	}
	// The plugin's rows also carry its checksum; the rest is identical.
	sum, err := results.PluginSHA256(edf)
	if err != nil {
		t.Fatal(err)
	}
	gotText := strings.ReplaceAll(got.String(), "\n      \"plugin_sha256\": \""+sum+"\",", "")
	// The plugin's rows are labelled with its declared identity.
	gotText = strings.ReplaceAll(gotText, `"scheduler": "edf@1"`, `"scheduler": "edf"`)
	if d := cmp.Diff(want.String(), gotText); d != "" {
		t.Errorf("output (-in process +out of process):\n%s", d)
	}

	bad := scriptPlugin(t, "illegal", "test-plugin", "illegal")
	var out bytes.Buffer
	err = run([]string{"run", "--trace", trace, "--scheduler", "fcfs", "--scheduler-plugin", bad + "," + edf}, &out, &stderr)
	if exitCode(err) != 1 || !strings.Contains(err.Error(), "plugin "+bad) || !strings.Contains(err.Error(), "which already finished") {
		t.Errorf("run with a faulty plugin: %v", err)
	}
	for _, w := range []string{"fcfs", "illegal@0  FAILED", "edf@1"} {
		if !strings.Contains(out.String(), w) {
			t.Errorf("output does not show %q:\n%s", w, out.String())
		}
	}
}

func TestAcceleratorPlugins(t *testing.T) {
	t.Setenv(asCLI, "1")
	path := scriptPlugin(t, "sanger", "plugin", "serve", "accelerator", "sanger")
	a, err := acceleratorPlugin(path, host.Config{})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	b, err := isolatedAccelerator("eyeriss-v2", host.Config{})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if a.Name() != "sanger" || b.Name() != "eyeriss-v2" {
		t.Errorf("names %q, %q", a.Name(), b.Name())
	}
	if _, err := isolatedAccelerator("no-such-model", host.Config{}); exitCode(err) != 2 {
		t.Errorf("unknown model: %v", err)
	}
	if _, err := acceleratorPlugin(filepath.Join(t.TempDir(), "missing"), host.Config{}); exitCode(err) != 2 {
		t.Errorf("missing plugin: %v", err)
	}
}

func TestPluginCheck(t *testing.T) {
	t.Setenv(asCLI, "1")
	for _, tc := range []struct {
		name string
		args []string
		code int
		want []string
	}{
		{"dysta", []string{"plugin", "serve", "scheduler", "dysta"}, 0,
			[]string{"handshake and protocol  PASS", `scheduler "dysta" version "1"`, "capabilities: monitor",
				"legal picks             PASS", "determinism             PASS", "decision latency        PASS", "p50 ", "PASS: "}},
		{"oracle", []string{"plugin", "serve", "scheduler", "dysta-oracle"}, 0, []string{"capabilities: oracle"}},
		{"nondeterministic", []string{"test-plugin", "nondeterministic"}, 1,
			[]string{"legal picks             PASS", "determinism             FAIL", "in the first run"}},
		{"illegal", []string{"test-plugin", "illegal"}, 1,
			[]string{"legal picks             FAIL", "which already finished", "determinism             SKIP"}},
		{"exits", []string{"no-such-subcommand"}, 1,
			[]string{"handshake and protocol  FAIL", "before the run", "unknown arguments", "legal picks             SKIP"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := scriptPlugin(t, tc.name, tc.args...)
			var stdout, stderr bytes.Buffer
			err := runPlugin([]string{"check", path}, &stdout, &stderr)
			t.Logf("%s", stdout.String())
			if got := exitCode(err); got != tc.code {
				t.Errorf("exit status %d, want %d (%v)", got, tc.code, err)
			}
			for _, w := range tc.want {
				if !strings.Contains(stdout.String(), w) {
					t.Errorf("output does not say %q", w)
				}
			}
		})
	}
}

func TestPluginServeUsage(t *testing.T) {
	for _, args := range [][]string{
		{"serve", "scheduler", "no-such-policy"},
		{"serve", "accelerator", "no-such-model"},
		{"serve", "scheduler", "fcfs"}, // not started by a host
		{"serve"},
		{"frobnicate"},
		{},
	} {
		var stdout, stderr bytes.Buffer
		if err := runPlugin(args, &stdout, &stderr); exitCode(err) != 2 {
			t.Errorf("plugin %v: %v, want a usage error", args, err)
		}
	}
}

// The example plugin builds as its own module and passes the conformance
// kit: the path its README walks a newcomer through.
func TestExamplePluginLLF(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a Go module")
	}
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command")
	}
	bin := filepath.Join(t.TempDir(), "llf")
	cmd := exec.Command(goTool, "build", "-o", bin, ".")
	cmd.Dir = filepath.Join("..", "..", "plugins", "examples", "llf")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	var stdout, stderr bytes.Buffer
	if err := runPlugin([]string{"check", bin}, &stdout, &stderr); err != nil {
		t.Fatalf("plugin check: %v\n%s%s", err, stdout.String(), stderr.String())
	}
	if !strings.Contains(stdout.String(), `scheduler "llf" version "1.0.0"`) {
		t.Errorf("check output:\n%s", stdout.String())
	}
}

// BenchmarkIsolationCost runs every built-in policy on a built-in scenario
// (its first operating point, one seed, the scenario's request count) in
// process and with --isolation process, and reports the ratio of the wall
// times: the whole cost of isolation, process starts included.
var isoWorkers = 0

func BenchmarkIsolationCost(b *testing.B) {
	os.Setenv(asCLI, "1")
	defer os.Unsetenv(asCLI)
	s, err := suite.Builtin()
	if err != nil {
		b.Fatal(err)
	}
	sc, err := s.Resolve("mobile-visual-perception")
	if err != nil {
		b.Fatal(err)
	}
	points := sc.OperatingPoints()[:1]
	specs, _ := policies.ParseList("all")
	var procs lineup.Plugins
	defer procs.Close()
	iso, err := isolatedJobs(specs, host.Config{}, &procs)
	if err != nil {
		b.Fatal(err)
	}
	var tin, tout time.Duration
	for i := 0; i < b.N; i++ {
		t0 := time.Now()
		if _, err := results.RunScenarios([]*suite.Scenario{sc}, points, 1, lineup.Builtin(specs), suite.GridOptions{}); err != nil {
			b.Fatal(err)
		}
		t1 := time.Now()
		res, err := results.RunScenarios([]*suite.Scenario{sc}, points, 1, iso, suite.GridOptions{Workers: isoWorkers})
		if err != nil {
			b.Fatal(err)
		}
		tin, tout = tin+t1.Sub(t0), tout+time.Since(t1)
		if err := failed(res.Results); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(tin.Milliseconds())/float64(b.N), "ms-inprocess")
	b.ReportMetric(float64(tout.Milliseconds())/float64(b.N), "ms-process")
	b.ReportMetric(float64(tout)/float64(tin), "ratio")
	b.ReportMetric(0, "ns/op")
}
