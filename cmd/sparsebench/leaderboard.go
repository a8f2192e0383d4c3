package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime/debug"
	"sort"
	"strings"

	"github.com/google/renameio/v2"

	"github.com/sparsebench/sparsebench/harness/leaderboard"
	"github.com/sparsebench/sparsebench/plugins/host"
	"github.com/sparsebench/sparsebench/plugins/lineup"
	"github.com/sparsebench/sparsebench/plugins/policies"
	"github.com/sparsebench/sparsebench/suite"
)

const leaderboardUsage = `sparsebench leaderboard [--scenario ID]… [--all] [--seeds N] [--scheduler LIST] [--requests N] --out DIR`

const leaderboardExample = `sparsebench leaderboard --all --out site
sparsebench leaderboard --all --scheduler-plugin ./llf --out site
sparsebench leaderboard --scenario mobile-visual-perception --seeds 10 --scheduler fcfs,edf,dysta,dysta-oracle --out lb`

type leaderboardFlags struct {
	scenarios  []string
	all        bool
	seeds      int
	schedulers string
	requests   int
	out        string
	workers    int
	plugins    string
	plugin     host.Config
	// pluginSums maps a plugin job's label to its executable's SHA-256,
	// recorded in the provenance.
	pluginSums map[string]string
}

func runLeaderboard(args []string, stdout, stderr io.Writer) error {
	var f leaderboardFlags
	fs := newFlagSet("leaderboard", leaderboardUsage, leaderboardExample, stderr)
	fs.Func("scenario", "rank on the built-in scenario `ID` (NAME or NAME@vN); repeat for more", func(s string) error {
		f.scenarios = append(f.scenarios, s)
		return nil
	})
	fs.BoolVar(&f.all, "all", false, "rank on every built-in scenario (latest versions; the default without --scenario)")
	fs.IntVar(&f.seeds, "seeds", 0, "number `N` of run seeds (0: each scenario's own list)")
	fs.StringVar(&f.schedulers, "scheduler", "all", "comma-separated `LIST` of schedulers (NAME[:key=value…]), or all")
	fs.IntVar(&f.requests, "requests", 0, "`N` requests per run at every point (0: the scenario's); recorded in the provenance")
	fs.StringVar(&f.out, "out", "", "write the leaderboard files into `DIR` (created if missing)")
	fs.IntVar(&f.workers, "j", 0, "run up to `N` simulations in parallel (0: one per CPU)")
	fs.StringVar(&f.plugins, "scheduler-plugin", "", "also rank these third-party scheduler plugin executables (`PATH[,PATH…]`); their SHA-256 goes into the provenance")
	pluginFlags(fs, &f.plugin)
	if err := parseFlags(fs, args, false); err != nil {
		return err
	}
	if f.out == "" {
		return usageErr(fmt.Errorf("leaderboard: --out DIR is required"))
	}
	if f.all && len(f.scenarios) > 0 {
		return usageErr(fmt.Errorf("leaderboard: give --scenario or --all, not both"))
	}
	if f.seeds < 0 || f.requests < 0 {
		return usageErr(fmt.Errorf("leaderboard: --seeds and --requests must be ≥ 0"))
	}
	specs, err := policies.ParseList(f.schedulers)
	if err != nil {
		return usageErr(fmt.Errorf("--scheduler: %w", err))
	}
	s, err := suite.Builtin()
	if err != nil {
		return err
	}
	scs := s.Latest()
	if len(f.scenarios) > 0 {
		scs = nil
		for _, id := range f.scenarios {
			sc, err := s.Resolve(id)
			if err != nil {
				return usageErr(fmt.Errorf("--scenario: %w", err))
			}
			scs = append(scs, sc)
		}
	}
	jobs := lineup.Builtin(specs)
	if f.plugins != "" {
		defer host.CleanupOnSignal()()
		var procs lineup.Plugins
		defer procs.Close()
		paths := strings.Split(f.plugins, ",")
		f.plugin.Stderr = stderr
		pj, sums, err := pluginJobs(paths, f.plugin, &procs)
		if err != nil {
			return err
		}
		f.pluginSums = sums
		jobs = append(jobs, pj...)
		if err := uniqueLabels(jobs); err != nil {
			return err
		}
	}
	prog := newProgress(stderr, leaderboard.Steps(scs, f.seeds, len(jobs)))
	defer prog.done()
	ver, rev := buildVersion()
	lb, err := leaderboard.Compute(scs, prog.jobs(jobs), leaderboard.ComputeOptions{Seeds: f.seeds, Requests: f.requests,
		Workers: f.workers, Version: ver, Revision: rev, PluginSHA256: f.pluginSums})
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Join(f.out, "plots"), 0o755); err != nil {
		return err
	}
	files, err := lb.Files(prog.plotting())
	if err != nil {
		return err
	}
	for _, name := range sortedKeys(files) {
		// Atomic, 0644 less the umask: a web server can serve the folder.
		if err := renameio.WriteFile(filepath.Join(f.out, name), files[name], 0o644); err != nil {
			return err
		}
	}
	prog.done()
	fmt.Fprintf(stdout, "wrote %d files to %s (index.html, leaderboard.md, leaderboard.csv, leaderboard.json, plots/)\n", len(files), f.out)
	return nil
}

// buildVersion is the main module's version and VCS revision from the
// build information ("devel" and "" when unknown).
func buildVersion() (version, revision string) {
	version = "devel"
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return version, ""
	}
	if v := bi.Main.Version; v != "" && v != "(devel)" {
		version = v
	}
	dirty := false
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			revision = s.Value
		case "vcs.modified":
			dirty = s.Value == "true"
		}
	}
	if revision != "" && dirty {
		revision += "-dirty"
	}
	return version, revision
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
