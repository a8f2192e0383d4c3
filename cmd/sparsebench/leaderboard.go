package main

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime/debug"
	"sort"
	"strings"

	"github.com/google/renameio/v2"

	"github.com/sparsebench/sparsebench/harness"
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
	fs.IntVar(&f.seeds, "seeds", 0, "number of run seeds (0: each scenario's own list)")
	fs.StringVar(&f.schedulers, "scheduler", "all", "comma-separated `list` of schedulers (NAME[:key=value…]), or all")
	fs.IntVar(&f.requests, "requests", 0, "requests per run at every point (0: the scenario's); recorded in the provenance")
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
		paths := strings.Split(f.plugins, ",")
		f.plugin.Stderr = stderr
		pj, err := pluginJobs(paths, f.plugin)
		if err != nil {
			return err
		}
		if f.pluginSums, err = pluginSums(paths, pj); err != nil {
			return err
		}
		jobs = append(jobs, pj...)
		defer host.CleanupOnSignal()()
	}
	prog := newProgress(stderr, leaderboardSteps(scs, f, len(jobs)))
	defer prog.done()
	lb, err := computeLeaderboard(scs, f, prog.jobs(jobs))
	if err != nil {
		return err
	}
	lb.progress = prog
	if err := os.MkdirAll(filepath.Join(f.out, "plots"), 0o755); err != nil {
		return err
	}
	files, err := lb.files()
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

// leaderboardRun is everything the output files are made from.
type leaderboardRun struct {
	board    *leaderboard.Standings
	cdfs     []leaderboard.CDF
	progress *progress // nil: none
}

// leaderboardSteps is the number of steps of the progress bar: the
// simulations computeLeaderboard runs and the figures leaderboard.Plots
// draws (a trade-off plot and a CDF per operating point, two plots per
// sweep).
func leaderboardSteps(scs []*suite.Scenario, f leaderboardFlags, jobs int) int {
	n := 0
	for _, sc := range scs {
		n += len(leaderboardPoints(sc))*len(sc.SeedList(f.seeds))*jobs + 2*len(sc.OperatingPoints()) + 2*len(sc.Sweeps)
	}
	return n
}

// cdfPoints is how many quantiles of each scheduler's normalized
// turnaround the CDF plots keep.
const cdfPoints = 200

func computeLeaderboard(scs []*suite.Scenario, f leaderboardFlags, jobs []harness.Job) (*leaderboardRun, error) {
	ver, rev := buildVersion()
	prov := leaderboard.Provenance{Tool: "sparsebench", Version: ver, Revision: rev, Confidence: leaderboard.Confidence,
		Plugins: []leaderboard.Plugin{}}
	for _, j := range jobs {
		if sum, ok := f.pluginSums[j.Label]; ok {
			prov.Plugins = append(prov.Plugins, leaderboard.Plugin{Name: j.Label, SHA256: sum})
		}
	}
	if f.requests != 0 {
		prov.Notes = append(prov.Notes, fmt.Sprintf("--requests %d: every run has %d requests instead of the scenario's", f.requests, f.requests))
	}
	var points []leaderboard.PointResults
	var cdfs []leaderboard.CDF
	for _, sc := range scs {
		pts := leaderboardPoints(sc)
		seeds := sc.SeedList(f.seeds)
		cells, err := sc.RunGrid(pts, seeds, jobs, suite.GridOptions{Requests: f.requests, Workers: f.workers})
		if err != nil {
			return nil, err
		}
		requests := sc.Resolved(suite.Run{Requests: f.requests}).Requests
		prov.Scenarios = append(prov.Scenarios, leaderboard.ScenarioSource{ID: sc.ID(), Hash: sc.Hash(), Seeds: seeds, Requests: requests})
		per := len(seeds) * len(jobs)
		for i, p := range pts {
			rp := sc.Resolved(suite.Run{Point: p, Requests: f.requests})
			lp := leaderboard.PointResults{Scenario: sc.ID(), ScenarioHash: sc.Hash(), Point: p.Name, Sweep: p.Sweep,
				Rate: rp.Rate, SLOMult: rp.SLOMult, Requests: rp.Requests, Seeds: seeds}
			block := cells[i*per : (i+1)*per]
			if p.Sweep == "" {
				c, err := nttCDF(sc, rp, seeds, jobs, block)
				if err != nil {
					return nil, err
				}
				c.Scenario, c.Point = sc.ID(), p.Name
				cdfs = append(cdfs, c)
			}
			for j, job := range jobs {
				r := leaderboard.Result{Scheduler: job.Label}
				for k := range seeds {
					c := block[k*len(jobs)+j]
					if c.Err != nil {
						if r.Error == "" {
							r.Error = c.Err.Error()
						}
						continue
					}
					m := c.Outcome.Metrics
					r.Oracle = c.Outcome.Scheduler.Oracle
					r.Values[leaderboard.ViolationRate] = append(r.Values[leaderboard.ViolationRate], m.ViolationRate)
					r.Values[leaderboard.ANTT] = append(r.Values[leaderboard.ANTT], m.ANTT)
					r.Values[leaderboard.STP] = append(r.Values[leaderboard.STP], m.STP)
					r.Values[leaderboard.P99NTT] = append(r.Values[leaderboard.P99NTT], m.P99NTT)
				}
				lp.Results = append(lp.Results, r)
			}
			points = append(points, lp)
		}
	}
	return &leaderboardRun{board: leaderboard.Build(prov, points), cdfs: cdfs}, nil
}

// nttCDF pools each job's normalized turnaround times over the seeds of
// one point (block: the point's cells, by seed then job). The traces are
// rebuilt for their arrival times; they are the ones the runs replayed.
func nttCDF(sc *suite.Scenario, rp suite.Run, seeds []uint64, jobs []harness.Job, block []suite.Cell) (leaderboard.CDF, error) {
	pooled := make([][]float64, len(jobs))
	for k, seed := range seeds {
		pt := rp
		pt.Seed = seed
		tr, err := sc.Trace(pt)
		if err != nil {
			return leaderboard.CDF{}, err
		}
		for j := range jobs {
			o := block[k*len(jobs)+j].Outcome
			if o == nil {
				continue
			}
			for r, req := range tr.Requests {
				pooled[j] = append(pooled[j], (o.Finish[r]-req.Arrival)/o.Isolated[r])
			}
		}
	}
	var c leaderboard.CDF
	for j, job := range jobs {
		sort.Float64s(pooled[j])
		c.Curves = append(c.Curves, leaderboard.Curve{Scheduler: job.Label, Sorted: leaderboard.Quantiles(pooled[j], cdfPoints)})
	}
	return c, nil
}

// leaderboardPoints lists a scenario's operating points followed by the
// points of its sweeps.
func leaderboardPoints(sc *suite.Scenario) []suite.Point {
	out := sc.OperatingPoints()
	for _, sw := range sc.Sweeps {
		out = append(out, sc.Grid(sw)...)
	}
	return out
}

// files renders every output file in memory.
func (lb *leaderboardRun) files() (map[string][]byte, error) {
	out := map[string][]byte{}
	for name, write := range map[string]func(io.Writer, *leaderboard.Standings) error{
		"leaderboard.md":   leaderboard.WriteMarkdown,
		"leaderboard.csv":  leaderboard.WriteCSV,
		"leaderboard.json": leaderboard.WriteJSON,
	} {
		var buf bytes.Buffer
		if err := write(&buf, lb.board); err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		out[name] = buf.Bytes()
	}
	figs, err := leaderboard.Plots(lb.board, lb.cdfs, lb.progress.plotting())
	if err != nil {
		return nil, fmt.Errorf("plots: %w", err)
	}
	for _, f := range figs {
		out["plots/"+f.Name+".svg"] = f.SVG
		out["plots/"+f.Name+".png"] = f.PNG
	}
	var buf bytes.Buffer
	if err := leaderboard.WriteHTML(&buf, lb.board, figs); err != nil {
		return nil, fmt.Errorf("index.html: %w", err)
	}
	out["index.html"] = buf.Bytes()
	return out, nil
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
