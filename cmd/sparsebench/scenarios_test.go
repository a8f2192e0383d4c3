package main

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/sparsebench/sparsebench/harness/results"
	"github.com/sparsebench/sparsebench/scenarios"
	"github.com/sparsebench/sparsebench/suite"
)

const mvp = "mobile-visual-perception"

// scnRun runs the command line and returns what it wrote.
func scnRun(t *testing.T, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	var out, errb bytes.Buffer
	err = run(args, &out, &errb)
	return out.String(), errb.String(), err
}

// scnOK runs a command line that must succeed.
func scnOK(t *testing.T, args ...string) string {
	t.Helper()
	out, stderr, err := scnRun(t, args...)
	if err != nil {
		t.Fatalf("sparsebench %s: %v\n%s", strings.Join(args, " "), err, stderr)
	}
	return out
}

// scnUsage runs a command line that must fail with exit status 2, write
// nothing on stdout and say each of words in its error.
func scnUsage(t *testing.T, args []string, words ...string) {
	t.Helper()
	out, _, err := scnRun(t, args...)
	if err == nil {
		t.Errorf("sparsebench %s succeeded", strings.Join(args, " "))
		return
	}
	if code := exitCode(err); code != 2 {
		t.Errorf("sparsebench %s: exit status %d, want 2 (%v)", strings.Join(args, " "), code, err)
	}
	if out != "" {
		t.Errorf("sparsebench %s wrote to stdout:\n%.500s", strings.Join(args, " "), out)
	}
	for _, w := range words {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("sparsebench %s: error %q does not say %q", strings.Join(args, " "), err, w)
		}
	}
}

func scnScenario(t *testing.T, id string) *suite.Scenario {
	t.Helper()
	s, err := suite.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	sc, err := s.Resolve(id)
	if err != nil {
		t.Fatal(err)
	}
	return sc
}

func scnBuiltinText(t *testing.T, name string) string {
	t.Helper()
	data, err := scenarios.Files.ReadFile(name + "/v1.toml")
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

func scnWrite(t *testing.T, dir, name, text string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func scnLine(text, needle string) int {
	return strings.Count(text[:strings.Index(text, needle)], "\n") + 1
}

func TestScenariosList(t *testing.T) {
	out := scnOK(t, "scenarios", "list")
	lines := strings.Split(strings.TrimRight(out, "\n"), "\n")
	s, err := suite.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	if len(lines) != len(s.All())+1 || !strings.HasPrefix(lines[0], "id ") {
		t.Fatalf("want a header and %d scenario versions:\n%s", len(s.All()), out)
	}
	for i, sc := range s.All() {
		f := strings.Fields(lines[i+1])
		if len(f) < 5 || f[0] != sc.ID() || f[1] != sc.Hash()[:12] || f[2] != sc.Deployment || f[3] != sc.Accelerator.Name {
			t.Errorf("line %q; want %s %s %s %s …", lines[i+1], sc.ID(), sc.Hash()[:12], sc.Deployment, sc.Accelerator.Name)
		}
	}
	for _, id := range []string{"arvr-hand-tracking@v1", "datacenter-personal-assistant@v1", "mobile-visual-perception@v1"} {
		if !strings.Contains(out, id) {
			t.Errorf("list lacks %s", id)
		}
	}
	scnUsage(t, []string{"scenarios", "list", "extra"}, "list")
}

func TestScenariosShow(t *testing.T) {
	for _, id := range []string{mvp, "arvr-hand-tracking@v1"} {
		out := scnOK(t, "scenarios", "show", id)
		var got struct {
			ID       string `json:"id"`
			Hash     string `json:"hash"`
			Source   string `json:"source"`
			Name     string `json:"name"`
			Version  int    `json:"version"`
			Variants []any  `json:"variants"`
			Seeds    []int  `json:"seeds"`
		}
		if err := json.Unmarshal([]byte(out), &got); err != nil {
			t.Fatalf("show %s: %v\n%s", id, err, out)
		}
		sc := scnScenario(t, id)
		want := struct {
			ID, Hash, Source, Name string
			Version, Variants      int
		}{sc.ID(), sc.Hash(), sc.Source(), sc.Name, sc.Version, len(sc.Variants)}
		have := struct {
			ID, Hash, Source, Name string
			Version, Variants      int
		}{got.ID, got.Hash, got.Source, got.Name, got.Version, len(got.Variants)}
		if diff := cmp.Diff(want, have); diff != "" {
			t.Errorf("show %s (-want +got):\n%s", id, diff)
		}
		if len(got.Hash) != 64 || !strings.HasPrefix(got.Source, "scenarios/") {
			t.Errorf("show %s: hash %q, source %q", id, got.Hash, got.Source)
		}
	}
	scnUsage(t, []string{"scenarios", "show", "nope"}, "nope")
	scnUsage(t, []string{"scenarios", "show", mvp + "@v9"}, mvp+"@v9")
	scnUsage(t, []string{"scenarios", "show"}, "ID")
	scnUsage(t, []string{"scenarios", "frobnicate"}, "frobnicate")
	scnUsage(t, []string{"scenarios"}, "list")
}

func TestScenariosValidate(t *testing.T) {
	dir := t.TempDir()
	text := scnBuiltinText(t, mvp)
	good := scnWrite(t, dir, "good.toml", text)
	sc := scnScenario(t, mvp+"@v1") // the text is v1's
	out := scnOK(t, "scenarios", "validate", good)
	if want := fmt.Sprintf("%s: ok (%s, hash %s)\n", good, sc.ID(), sc.Hash()[:12]); out != want {
		t.Errorf("validate good file:\n got %q\nwant %q", out, want)
	}

	// Three independent problems, reported at once with their locations.
	bad := strings.Replace(text, "requests = 1000", "requests = 0", 1)
	bad = strings.Replace(bad, "rate = 3.0\n\n", "rate = -3.0\n\n", 1)
	bad = strings.Replace(bad, `family = "vgg16"`, `family = "alexnet"`, 1)
	badPath := scnWrite(t, dir, "bad.toml", bad)
	scnUsage(t, []string{"scenarios", "validate", badPath}, "3 problems",
		fmt.Sprintf("%s:%d:1: requests:", badPath, scnLine(bad, "requests = 0")),
		fmt.Sprintf("%s:%d:1: arrivals.rate:", badPath, scnLine(bad, "rate = -3.0")),
		fmt.Sprintf("%s:%d:1: variants[3].family:", badPath, scnLine(bad, "alexnet")))
	// A good file next to a bad one: still nothing on stdout.
	scnUsage(t, []string{"scenarios", "validate", good, badPath}, badPath)

	syntax := scnWrite(t, dir, "syntax.toml", strings.Replace(text, "requests = 1000", "requests = = 1000", 1))
	scnUsage(t, []string{"scenarios", "validate", syntax}, fmt.Sprintf("%s:%d:12:", syntax, scnLine(text, "requests = 1000")))

	scnUsage(t, []string{"scenarios", "validate", good, good}, "duplicate scenario id "+sc.ID())
	missing := filepath.Join(dir, "missing.toml")
	scnUsage(t, []string{"scenarios", "validate", missing}, missing)
	scnUsage(t, []string{"scenarios", "validate"}, "FILE")
}

// runJSON is `sparsebench run … --format json` decoded.
func runJSON(t *testing.T, args ...string) results.Run {
	t.Helper()
	out := scnOK(t, append(append([]string{"run"}, args...), "--format", "json")...)
	var res results.Run
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatalf("%v\n%.1000s", err, out)
	}
	return res
}

func TestRunScenarioJSON(t *testing.T) {
	sc := scnScenario(t, mvp)
	res := runJSON(t, "--scenario", mvp, "--scheduler", "fcfs,dysta", "--seeds", "2", "--requests", "200")
	scheds, points := []string{"fcfs", "dysta"}, sc.OperatingPoints()
	if len(res.Results) != len(scheds)*len(points)*2 {
		t.Fatalf("%d results, want %d (2 schedulers × %d points × 2 seeds)", len(res.Results), len(scheds)*len(points)*2, len(points))
	}
	type key struct {
		sched, point string
		seed         uint64
	}
	seen := map[key]results.Row{}
	for _, r := range res.Results {
		if r.Seed == nil || r.Metrics == nil || r.Error != "" {
			t.Fatalf("row %+v lacks seed or metrics", r)
		}
		k := key{r.Scheduler, r.Point, *r.Seed}
		if _, dup := seen[k]; dup {
			t.Errorf("two rows for %+v", k)
		}
		seen[k] = r
		if r.Scenario != sc.ID() || r.ScenarioHash != sc.Hash() || r.Requests != 200 {
			t.Errorf("row %+v: want scenario %s, its hash, 200 requests", k, sc.ID())
		}
	}
	for _, p := range points {
		for _, s := range scheds {
			for _, seed := range []uint64{1, 2} {
				r, ok := seen[key{s, p.Name, seed}]
				if !ok {
					t.Errorf("no row for %s at %s seed %d", s, p.Name, seed)
					continue
				}
				if p.Utilisation != 0 {
					// A point given by its load: the rate is resolved, and
					// offers the declared utilisation (SPEC §8.4).
					if math.Abs(r.Utilisation-p.Utilisation) > 1e-9 || r.Rate <= 0 || r.SLOMult != p.SLOMult {
						t.Errorf("%s %s: rate %g utilisation %g slo %g, want utilisation %g slo %g", s, p.Name, r.Rate, r.Utilisation, r.SLOMult, p.Utilisation, p.SLOMult)
					}
				} else if r.Rate != p.Rate || r.SLOMult != p.SLOMult {
					t.Errorf("%s %s: rate %g slo %g, want %g %g", s, p.Name, r.Rate, r.SLOMult, p.Rate, p.SLOMult)
				}
			}
		}
	}
	if len(res.Means) != len(scheds)*len(points) {
		t.Fatalf("%d means, want %d", len(res.Means), len(scheds)*len(points))
	}
	for _, m := range res.Means {
		a, b := seen[key{m.Scheduler, m.Point, 1}], seen[key{m.Scheduler, m.Point, 2}]
		if m.Seeds != 2 || m.Metrics == nil || m.Seed != nil {
			t.Errorf("mean %+v: want 2 seeds, metrics and no seed", m)
			continue
		}
		for name, v := range map[string][3]float64{
			"violation_rate": {m.ViolationRate, a.ViolationRate, b.ViolationRate},
			"antt":           {m.ANTT, a.ANTT, b.ANTT},
			"p99":            {m.P99NTT, a.P99NTT, b.P99NTT},
		} {
			if want := (v[1] + v[2]) / 2; v[0] < want-1e-12 || v[0] > want+1e-12 {
				t.Errorf("mean %s of %s at %s = %g, want %g", name, m.Scheduler, m.Point, v[0], want)
			}
		}
	}

	// The same run as CSV: a header and one line per result.
	out := scnOK(t, "run", "--scenario", mvp, "--scheduler", "fcfs,dysta", "--seeds", "2", "--requests", "200", "--format", "csv")
	recs, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 1+len(res.Results) || recs[0][0] != "scenario" {
		t.Errorf("csv has %d records, want a header and %d rows", len(recs), len(res.Results))
	}
}

// TestTraceReplayCLI: `trace --seed 3` replayed with `run --trace` gives
// the metrics of the seed-3 row of the scenario run at the point the trace
// used (the scenario's default rate and SLO multiplier).
func TestTraceReplayCLI(t *testing.T) {
	for _, id := range []string{mvp, "arvr-hand-tracking", "datacenter-personal-assistant"} {
		t.Run(id, func(t *testing.T) {
			sc := scnScenario(t, id)
			file := filepath.Join(t.TempDir(), "seed3.json")
			if out := scnOK(t, "trace", "--scenario", id, "--seed", "3", "-o", file); out != "" {
				t.Errorf("trace -o FILE wrote to stdout: %.200s", out)
			}
			data, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			// The same command again, to stdout: the same bytes.
			if out := scnOK(t, "trace", "--scenario", id, "--seed", "3", "-o", "-"); out != string(data) {
				t.Errorf("two traces of seed 3 differ (%d and %d bytes)", len(data), len(out))
			}
			const scheds = "fcfs,sjf-sparse,prema,dysta,edf"
			out := scnOK(t, "run", "--trace", file, "--scheduler", scheds, "--format", "json")
			var replay struct{ Results []results.Row }
			if err := json.Unmarshal([]byte(out), &replay); err != nil {
				t.Fatal(err)
			}
			g := func(x float64) string { return strconv.FormatFloat(x, 'g', -1, 64) }
			direct := runJSON(t, "--scenario", id, "--rate", g(sc.Arrivals.Rate), "--slo-mult", g(sc.SLOMult),
				"--seeds", "3", "--scheduler", scheds)
			bySched := map[string]results.Row{}
			for _, r := range direct.Results {
				if r.Seed != nil && *r.Seed == 3 {
					bySched[r.Scheduler] = r
				}
			}
			if len(replay.Results) != 5 || len(bySched) != 5 {
				t.Fatalf("%d replay rows and %d seed-3 rows, want 5 each", len(replay.Results), len(bySched))
			}
			for _, r := range replay.Results {
				d := bySched[r.Scheduler]
				if r.Metrics == nil || d.Metrics == nil {
					t.Fatalf("%s: missing metrics", r.Scheduler)
				}
				if diff := cmp.Diff(*d.Metrics, *r.Metrics); diff != "" {
					t.Errorf("%s: replayed trace differs from the scenario run, seed 3 (-scenario +replay):\n%s", r.Scheduler, diff)
				}
				if r.Decisions != d.Decisions || r.Requests != sc.Requests {
					t.Errorf("%s: %d vs %d decisions, %d requests", r.Scheduler, r.Decisions, d.Decisions, r.Requests)
				}
			}
		})
	}
}

// TestPaperOperatingPointSeparatesSchedulers: at the paper's CNN operating
// point the built-in scenario is loaded enough that FCFS violates clearly
// more deadlines than dysta, in the JSON means and in the table.
func TestPaperOperatingPointSeparatesSchedulers(t *testing.T) {
	res := runJSON(t, "--scenario", mvp, "--scheduler", "fcfs,dysta")
	rate := map[string]float64{}
	for _, m := range res.Means {
		if m.Point == "paper-3rps" && m.Metrics != nil {
			rate[m.Scheduler] = m.ViolationRate
			if m.Seeds != 5 || m.Requests != 1000 {
				t.Errorf("%s: %d seeds of %d requests, want the paper's 5 × 1000", m.Scheduler, m.Seeds, m.Requests)
			}
		}
	}
	fcfs, dysta := rate["fcfs"], rate["dysta"]
	if fcfs < 3*dysta || fcfs < dysta+0.05 {
		t.Errorf("paper-3rps violation rates: fcfs %.2f%%, dysta %.2f%%; want fcfs ≥ 3× dysta and ≥ 5 points above", 100*fcfs, 100*dysta)
	}

	// The table shows the same means.
	out := scnOK(t, "run", "--scenario", mvp, "--scheduler", "fcfs,dysta")
	block := out[strings.Index(out, "paper-3rps"):]
	if i := strings.Index(block, "\n\n"); i >= 0 {
		block = block[:i]
	}
	re := regexp.MustCompile(`(?m)^\s*(fcfs|dysta)\s+([0-9.]+)%`)
	shown := map[string]float64{}
	for _, m := range re.FindAllStringSubmatch(block, -1) {
		v, _ := strconv.ParseFloat(m[2], 64)
		shown[m[1]] = v / 100
	}
	if len(shown) != 2 {
		t.Fatalf("table block lacks fcfs and dysta rows:\n%s", block)
	}
	for s, v := range shown {
		if d := v - rate[s]; d > 0.01 || d < -0.01 {
			t.Errorf("table shows %s at %.2f%%, JSON mean %.2f%%", s, 100*v, 100*rate[s])
		}
	}
}

func TestBadFlags(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "t.json")
	tracePath := filepath.Join(dir, "ok.json")
	scnOK(t, "trace", "--scenario", mvp, "--seed", "1", "--requests", "20", "-o", tracePath)
	for _, c := range []struct {
		args  []string
		words []string
	}{
		{[]string{"run", "--scenario", mvp, "--format", "xml"}, []string{"--format", "xml"}},
		{[]string{"run", "--scenario", "nope"}, []string{"--scenario", "nope"}},
		{[]string{"run", "--scenario", mvp + "@v9"}, []string{"--scenario"}},
		{[]string{"run", "--scenario", mvp, "--scheduler", "bogus"}, []string{"--scheduler", "bogus"}},
		{[]string{"run", "--scenario", mvp, "--rate", "-1"}, []string{"--rate"}},
		{[]string{"run", "--scenario", mvp, "--slo-mult", "-1"}, []string{"--slo-mult"}},
		{[]string{"run", "--scenario", mvp, "--seeds", "-2"}, []string{"--seeds"}},
		{[]string{"run", "--scenario", mvp, "--requests", "-5"}, []string{"--requests"}},
		{[]string{"run", "--scenario", mvp, "--requests", "many"}, []string{"-requests", "many"}},
		{[]string{"run", "--scenario", mvp, "--preemption-cost", "-1"}, []string{"--preemption-cost"}},
		// A scenario pins its preemption cost; the flag must not be
		// accepted and silently ignored.
		{[]string{"run", "--scenario", mvp, "--preemption-cost", "0.5"}, []string{"--preemption-cost"}},
		{[]string{"run", "--bogus"}, []string{"-bogus"}},
		{[]string{"run"}, []string{"--scenario", "--trace"}},
		{[]string{"run", "--scenario", mvp, "--trace", tracePath}, []string{"--scenario", "--trace"}},
		{[]string{"run", "--trace", tracePath, "--seeds", "2"}, []string{"--seeds"}},
		{[]string{"run", "--trace", filepath.Join(dir, "missing.json")}, []string{"missing.json"}},
		{[]string{"run", "--scenario", mvp, "stray"}, []string{"stray"}},
		{[]string{"trace", "--scenario", mvp, "-o", out}, []string{"--seed"}},
		{[]string{"trace", "--seed", "1", "-o", out}, []string{"--scenario"}},
		{[]string{"trace", "--scenario", mvp, "--seed", "1"}, []string{"-o"}},
		{[]string{"trace", "--scenario", "nope", "--seed", "1", "-o", out}, []string{"--scenario", "nope"}},
		{[]string{"trace", "--scenario", mvp, "--seed", "1", "--rate", "-3", "-o", out}, []string{"--rate"}},
		{[]string{"trace", "--scenario", mvp, "--seed", "x", "-o", out}, []string{"-seed"}},
	} {
		scnUsage(t, c.args, c.words...)
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Errorf("a failed trace command left %s behind (%v)", out, err)
	}
}
