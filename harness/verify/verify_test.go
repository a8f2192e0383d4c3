package verify_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sparsebench/sparsebench/harness"
	"github.com/sparsebench/sparsebench/harness/results"
	"github.com/sparsebench/sparsebench/harness/verify"
	"github.com/sparsebench/sparsebench/plugins/bundle"
	"github.com/sparsebench/sparsebench/plugins/host"
	"github.com/sparsebench/sparsebench/plugins/lineup"
	"github.com/sparsebench/sparsebench/suite"
)

func TestVerifyLeaderboard(t *testing.T) {
	const scen = "mobile-visual-perception@v1"
	orig := smallLeaderboard.get(t)
	out, code, err := verifyOut(verify.Options{}, orig)
	if code != 0 {
		t.Fatalf("untouched leaderboard.json: exit %d (%v)\n%s", code, err, out)
	}
	if !strings.Contains(out, "PASS: all") || strings.Contains(out, "\nFAIL") {
		t.Errorf("untouched leaderboard.json:\n%s", out)
	}
	if n := countLines(out, "PASS", scen, "paper-3rps", "1,2"); n != 4 {
		t.Errorf("%d PASS rows for paper-3rps, want one per scheduler (4):\n%s", n, out)
	}

	// The first row of the first table, for edits of one number.
	first := func(doc map[string]any) map[string]any { return at(doc, "tables", 0, "rows", 0) }
	var firstName string
	{
		data, _ := os.ReadFile(orig)
		var doc map[string]any
		json.Unmarshal(data, &doc)
		firstName = first(doc)["scheduler"].(string)
	}
	dcHash := ""
	if sc, err := scenario("datacenter-personal-assistant@v1"); err == nil {
		dcHash = sc.Hash()
	}
	for _, tc := range []tamperCase{
		{"one number", func(doc map[string]any) {
			m := at(first(doc), "metrics", "antt")
			m["mean"] = m["mean"].(float64) * 1.001
		}, []string{scen, "paper-3rps", "1,2", firstName, "metrics.antt.mean"}, ""},
		{"a p-value", func(doc map[string]any) {
			m := at(doc, "tables", 0, "rows", 1, "vs_above")
			m["p"] = m["p"].(float64) + 1e-6
		}, []string{scen, "paper-3rps", "1,2", "vs_above.p"}, ""},
		{"a cell", func(doc map[string]any) {
			at(first(doc), "metrics", "antt")["cell"] = "1.0 ± 0.1"
		}, []string{scen, "paper-3rps", firstName, "metrics.antt.cell"}, ""},
		{"a rank", func(doc map[string]any) {
			at(doc, "tables", 0, "rows", 2)["rank"] = 1.0
		}, []string{scen, "paper-3rps", "rank"}, ""},
		{"unknown scenario hash", func(doc map[string]any) {
			at(doc, "provenance", "scenarios", 0)["hash"] = strings.Repeat("ab", 32)
		}, []string{scen, "—", "scenario_hash", "abababababab…"}, "unknown scenario hash"},
		{"another scenario's hash", func(doc map[string]any) {
			at(doc, "provenance", "scenarios", 0)["hash"] = dcHash
			at(doc, "tables", 0)["scenario_hash"] = dcHash
		}, []string{scen, "paper-3rps", "(table)", "scenario_hash"}, "the file's hash is datacenter-personal-assistant@v1's"},
		{"wrong seed", func(doc map[string]any) {
			at(doc, "provenance", "scenarios", 0)["seeds"] = []any{1, 7}
		}, []string{scen, "—", "1,7", "seeds", "1,7", "1,2"}, "seed 7 is not a seed of this run"},
		{"table seeds", func(doc map[string]any) {
			at(doc, "tables", 1)["seeds"] = []any{1, 3}
		}, []string{scen, "paper-4rps", "(table)", "seeds", "[1,3]", "[1,2]"}, ""},
		{"request count of a table", func(doc map[string]any) {
			at(doc, "tables", 0)["requests"] = 600
		}, []string{scen, "paper-3rps", "(table)", "requests", "600", "60"}, ""},
		{"request count of the provenance", func(doc map[string]any) {
			at(doc, "provenance", "scenarios", 0)["requests"] = 1000
		}, []string{scen, "—", "requests", "1000", "60"}, "the operating points' tables were computed with 60"},
		{"rate", func(doc map[string]any) {
			at(doc, "tables", 1)["rate"] = 4.5
		}, []string{scen, "paper-4rps", "(table)", "rate", "4.5", "4"}, ""},
		{"SLO multiplier", func(doc map[string]any) {
			at(doc, "tables", 0)["slo_mult"] = 20
		}, []string{scen, "paper-3rps", "(table)", "slo_mult", "20", "10"}, ""},
		{"a table dropped", func(doc map[string]any) {
			doc["tables"] = doc["tables"].([]any)[1:]
		}, []string{scen, "paper-3rps", "(table)", "(table)"}, "missing from the file"},
		{"a row dropped", func(doc map[string]any) {
			t0 := at(doc, "tables", 0)
			t0["rows"] = t0["rows"].([]any)[1:]
		}, []string{scen, "paper-3rps", firstName, "(row)"}, "missing from the file"},
		{"unknown scenario", func(doc map[string]any) {
			at(doc, "provenance", "scenarios", 0)["id"] = "no-such-scenario@v1"
		}, []string{"no-such-scenario@v1", "—", "scenario"}, "not a built-in scenario"},
	} {
		t.Run(tc.name, func(t *testing.T) { tc.check(t, orig, "leaderboard.json") })
	}
}

func TestVerifyRunOutput(t *testing.T) {
	const scen = "mobile-visual-perception@v1"
	orig := smallRun.get(t)
	vout, code, err := verifyOut(verify.Options{}, orig)
	if code != 0 {
		t.Fatalf("untouched run output: exit %d (%v)\n%s", code, err, vout)
	}
	// 12 rows (2 points × 2 seeds × 3 schedulers), 6 means, 3 provenance
	// checks.
	if !strings.Contains(vout, "PASS: all 21 checks reproduce") {
		t.Errorf("untouched run output:\n%s", vout)
	}
	for _, w := range [][]string{{scen, "paper-4rps", "2", "edf"}, {scen, "paper-3rps", "mean", "dysta"}} {
		if !passLine(vout, w...) {
			t.Errorf("output lacks a PASS line naming %q:\n%s", w, vout)
		}
	}

	row := func(doc map[string]any, i int) map[string]any { return at(doc, "results", i) }
	// results[4] is paper-3rps, seed 2, dysta.
	for _, tc := range []tamperCase{
		{"one number", func(doc map[string]any) {
			row(doc, 4)["antt"] = row(doc, 4)["antt"].(float64) * 1.0001
		}, []string{scen, "paper-3rps", "2", "dysta", "antt"}, ""},
		{"a count", func(doc map[string]any) {
			row(doc, 4)["preemptions"] = row(doc, 4)["preemptions"].(float64) + 1
		}, []string{scen, "paper-3rps", "2", "dysta", "preemptions"}, ""},
		{"a mean", func(doc map[string]any) {
			at(doc, "means", 1)["p99_ntt"] = 1.5
		}, []string{scen, "paper-3rps", "mean", "dysta", "p99_ntt", "1.5"}, ""},
		{"unknown scenario hash", func(doc map[string]any) {
			for _, r := range append(doc["results"].([]any), doc["means"].([]any)...) {
				r.(map[string]any)["scenario_hash"] = strings.Repeat("0", 64)
			}
		}, []string{scen, "—", "scenario_hash", "000000000000…"}, "unknown scenario hash"},
		{"wrong seed", func(doc map[string]any) {
			row(doc, 4)["seed"] = 7
		}, []string{scen, "paper-3rps", "7", "dysta", "seed", "7", "2"}, "seed 7 is not a seed of this run"},
		{"request count", func(doc map[string]any) {
			row(doc, 4)["requests"] = 1000
		}, []string{scen, "paper-3rps", "2", "dysta", "requests", "1000", "100"}, ""},
		{"rate", func(doc map[string]any) {
			row(doc, 4)["rate"] = 3.5
		}, []string{scen, "paper-3rps", "2", "dysta", "rate", "3.5", "3"}, ""},
		{"point", func(doc map[string]any) {
			row(doc, 4)["point"] = "paper-9rps"
		}, []string{scen, "paper-9rps", "2", "dysta", "point"}, "not an operating point"},
		{"a row dropped", func(doc map[string]any) {
			rs := doc["results"].([]any)
			doc["results"] = append(rs[:4:4], rs[5:]...)
		}, []string{scen, "paper-3rps", "2", "dysta", "(row)"}, "missing from the file"},
		{"unknown scheduler", func(doc map[string]any) {
			row(doc, 4)["scheduler"] = "mystery"
		}, []string{scen, "paper-3rps", "2", "mystery", "scheduler"}, "give --plugin PATH"},
	} {
		t.Run(tc.name, func(t *testing.T) { tc.check(t, orig, "run.json") })
	}

	// Writing only the failures lists only what failed.
	path := tampered(t, orig, "run.json", func(doc map[string]any) { row(doc, 0)["stp"] = 1.0 })
	out, code, _ := verifyPrinted(verify.Options{}, path, true)
	if code != 1 || strings.Contains(out, "\nPASS ") || !failLine(out, scen, "paper-3rps", "1", "fcfs", "stp") {
		t.Errorf("only failures: exit %d\n%s", code, out)
	}
}

// A --rate/--slo-mult run verifies at its custom point.
func TestVerifyCustomPoint(t *testing.T) {
	data, err := runJSON("datacenter-personal-assistant@v1", []suite.Point{{Name: "custom", Rate: 20, SLOMult: 25}}, 1, 80,
		builtinJobs("sjf,planaria"), nil)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "custom.json")
	os.WriteFile(path, data, 0o644)
	vout, code, err := verifyOut(verify.Options{}, path)
	if code != 0 || !passLine(vout, "datacenter-personal-assistant@v1", "custom", "1", "planaria") {
		t.Fatalf("exit %d (%v)\n%s", code, err, vout)
	}
	bad := tampered(t, path, "custom.json", func(doc map[string]any) { at(doc, "results", 1)["slo_mult"] = 30 })
	vout, code, _ = verifyOut(verify.Options{}, bad)
	if code != 1 || !failLine(vout, "custom", "1", "planaria", "slo_mult", "30", "25") {
		t.Errorf("tampered SLO multiplier: exit %d\n%s", code, vout)
	}
}

// Trace runs are verified only against their trace.
func TestVerifyTraceRun(t *testing.T) {
	trace := filepath.Join("..", "trace", "testdata", "handwritten.json")
	dir := t.TempDir()
	data, err := traceRunJSON(trace, builtinJobs("fcfs,planaria,dysta"))
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "trace-run.json")
	os.WriteFile(path, data, 0o644)

	vout, code, err := verifyOut(verify.Options{}, path)
	if code != 2 || !strings.Contains(err.Error(), "can only be verified against the trace it replayed") ||
		!strings.Contains(err.Error(), "--trace TRACE.json") {
		t.Errorf("trace run without --trace: exit %d, %v", code, err)
	}
	vout, code, err = verifyOut(verify.Options{Trace: trace}, path)
	if code != 0 || !passLine(vout, "trace handwritten.json", "—", "—", "planaria") {
		t.Fatalf("with --trace: exit %d (%v)\n%s", code, err, vout)
	}
	bad := tampered(t, path, "trace-run.json", func(doc map[string]any) { at(doc, "results", 1)["violation_rate"] = 0.5 })
	vout, code, _ = verifyOut(verify.Options{Trace: trace}, bad)
	if code != 1 || !failLine(vout, "planaria", "violation_rate", "0.5", "0.25") {
		t.Errorf("tampered trace run: exit %d\n%s", code, vout)
	}
	// The trace must be the one replayed: another trace fails the rows.
	sc, err := scenario("mobile-visual-perception@v1")
	if err != nil {
		t.Fatal(err)
	}
	tr, err := sc.Trace(suite.Run{Requests: 50, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	tr.PreemptionCost = sc.PreemptionCost
	other := filepath.Join(dir, "other.json")
	if err := tr.WriteFile(other); err != nil {
		t.Fatal(err)
	}
	if vout, code, _ = verifyOut(verify.Options{Trace: other}, path); code != 1 {
		t.Errorf("verified against another trace: exit %d\n%s", code, vout)
	}
}

// pluginJob starts the plugin at path for the test's runs, labelled with
// its declared identity, as run --scheduler-plugin does.
func pluginJob(t *testing.T, path string) harness.Job {
	t.Helper()
	prog, err := bundle.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	var procs lineup.Plugins
	t.Cleanup(procs.Close)
	job, _, err := procs.Plugin(prog, host.Config{})
	if err != nil {
		t.Fatal(err)
	}
	return job
}

// Plugin rows re-run from the plugins given, matched by the identity they
// declare (here edf@1, whatever the file is called); a leaderboard's
// recorded SHA-256 must match the binary.
func TestVerifyPlugins(t *testing.T) {
	t.Setenv(asPlugin, "1")
	plug := scriptPlugin(t, "edf-plugin", "edf")
	sum, err := results.PluginSHA256(plug)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	job := pluginJob(t, plug)
	if job.Label != "edf@1" {
		t.Fatalf("the plugin's row is labelled %q, want its declared identity edf@1", job.Label)
	}

	// run --scheduler-plugin: its rows record the plugin's checksum.
	data, err := runJSON("mobile-visual-perception@v1", nil, 1, 60, append(builtinJobs("fcfs"), job),
		map[string]string{"edf@1": sum})
	if err != nil {
		t.Fatal(err)
	}
	runPath := filepath.Join(dir, "run.json")
	os.WriteFile(runPath, data, 0o644)
	// Renamed, the plugin still verifies its rows.
	renamed := filepath.Join(dir, "renamed-plugin")
	if err := os.Link(plug, renamed); err != nil {
		t.Fatal(err)
	}
	vout, code, err := verifyOut(plugins(renamed), runPath)
	if code != 0 || !passLine(vout, "mobile-visual-perception@v1", "paper-3rps", "1", "edf@1") ||
		!strings.Contains(vout, "is the binary the results were computed with") {
		t.Fatalf("run output with a plugin: exit %d (%v)\n%s", code, err, vout)
	}
	vout, code, _ = verifyOut(verify.Options{}, runPath)
	if code != 1 || !failLine(vout, "paper-3rps", "1", "edf@1", "scheduler") || !strings.Contains(vout, "give --plugin PATH") {
		t.Errorf("plugin rows without --plugin: exit %d\n%s", code, vout)
	}
	// Another plugin declares another identity: no row is its.
	fcfs := scriptPlugin(t, "edf-plugin", "fcfs")
	if _, code, err = verifyOut(plugins(fcfs), runPath); code != 2 || err == nil || !strings.Contains(err.Error(), `no row of the file is labelled "fcfs@1"`) {
		t.Errorf("rows re-run with another plugin: exit %d (%v)", code, err)
	}

	// A leaderboard with a plugin, its SHA-256 in the provenance.
	jobs := append(builtinJobs("fcfs,dysta"), job)
	data, err = leaderboardJSON("mobile-visual-perception@v1", 2, 40, jobs, map[string]string{"edf@1": sum})
	if err != nil {
		t.Fatal(err)
	}
	lbPath := filepath.Join(dir, "leaderboard.json")
	os.WriteFile(lbPath, data, 0o644)

	vout, code, err = verifyOut(plugins(plug), lbPath)
	if code != 0 || !passLine(vout, "mobile-visual-perception@v1", "—", "—", "edf@1", "plugin sha256") ||
		countLines(vout, "PASS", "edf@1") != 14 {
		t.Fatalf("leaderboard with a plugin: exit %d (%v)\n%s", code, err, vout)
	}
	wrong := tampered(t, lbPath, "leaderboard.json", func(doc map[string]any) {
		at(doc, "provenance", "plugins", 0)["sha256"] = strings.Repeat("0", 64)
	})
	vout, code, _ = verifyOut(plugins(plug), wrong)
	if code != 1 || !failLine(vout, "edf@1", "plugin sha256", "000000000000…", sum[:12]+"…") ||
		!strings.Contains(vout, "plugin checksum mismatch") {
		t.Errorf("checksum mismatch: exit %d\n%s", code, vout)
	}
	vout, code, _ = verifyOut(verify.Options{}, lbPath)
	if code != 1 || !failLine(vout, "paper-3rps", "1,2", "edf@1", "scheduler") || !strings.Contains(vout, "give --plugin PATH") {
		t.Errorf("leaderboard plugin rows without --plugin: exit %d\n%s", code, vout)
	}
}
