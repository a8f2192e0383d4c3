package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/sparsebench/sparsebench/harness/leaderboard"
	"github.com/sparsebench/sparsebench/plugins/host"
	"github.com/sparsebench/sparsebench/plugins/lineup"
	"github.com/sparsebench/sparsebench/plugins/policies"
	"github.com/sparsebench/sparsebench/suite"
)

// cli runs the command line and returns its standard output.
func cli(t *testing.T, args ...string) string {
	t.Helper()
	var stdout, stderr bytes.Buffer
	if err := run(args, &stdout, &stderr); err != nil {
		t.Fatalf("sparsebench %s: %v\n%s", strings.Join(args, " "), err, stderr.String())
	}
	return stdout.String()
}

// verifyOut runs `sparsebench verify ARGS…` and returns its output and
// exit status.
func verifyOut(args ...string) (string, int, error) {
	var stdout, stderr bytes.Buffer
	err := run(append([]string{"verify"}, args...), &stdout, &stderr)
	return stdout.String() + stderr.String(), exitCode(err), err
}

// writeJSON writes v into a new file of dir.
func writeJSON(t *testing.T, dir, name string, v any) string {
	t.Helper()
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// tampered is a copy of the JSON file at path with edit applied to its
// decoded document.
func tampered(t *testing.T, path, name string, edit func(doc map[string]any)) string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	edit(doc)
	return writeJSON(t, t.TempDir(), name, doc)
}

// at walks a decoded document: keys for objects, ints for arrays.
func at(doc any, path ...any) map[string]any {
	for _, p := range path {
		switch k := p.(type) {
		case string:
			doc = doc.(map[string]any)[k]
		case int:
			doc = doc.([]any)[k]
		}
	}
	return doc.(map[string]any)
}

// failLine finds a FAIL line of the table naming all of want, in order,
// as whole cells.
func failLine(out string, want ...string) bool { return hasLine(out, "FAIL", want...) }

// passLine finds such a PASS line.
func passLine(out string, want ...string) bool { return hasLine(out, "PASS", want...) }

// countLines counts the lines of a result naming all of want.
func countLines(out, result string, want ...string) int {
	n := 0
	for _, line := range strings.Split(out, "\n") {
		if hasLine(line, result, want...) {
			n++
		}
	}
	return n
}

func hasLine(out, result string, want ...string) bool {
	for _, line := range strings.Split(out, "\n") {
		if !strings.HasPrefix(line, result+" ") {
			continue
		}
		cells := regexp.MustCompile(`\s{2,}`).Split(line, -1)
		k := 0
		for _, c := range cells {
			if k < len(want) && c == want[k] {
				k++
			}
		}
		if k == len(want) {
			return true
		}
	}
	return false
}

// smallLeaderboardJSON writes a small leaderboard and returns the path of
// its leaderboard.json.
func smallLeaderboardJSON(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	cli(t, "leaderboard", "--scenario", "mobile-visual-perception", "--seeds", "2", "--requests", "60",
		"--scheduler", "fcfs,edf,dysta,dysta-oracle", "--out", dir)
	return filepath.Join(dir, "leaderboard.json")
}

func TestVerifyLeaderboard(t *testing.T) {
	const scen = "mobile-visual-perception@v1"
	orig := smallLeaderboardJSON(t)
	out, code, err := verifyOut(orig)
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
	if s, err := suite.Builtin(); err == nil {
		if sc, err := s.Resolve("datacenter-personal-assistant@v1"); err == nil {
			dcHash = sc.Hash()
		}
	}
	for _, tc := range []struct {
		name string
		edit func(doc map[string]any)
		want []string // cells of one FAIL line, in order
		note string   // and text on the output
	}{
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
		t.Run(tc.name, func(t *testing.T) {
			path := tampered(t, orig, "leaderboard.json", tc.edit)
			out, code, err := verifyOut(path)
			if code != 1 {
				t.Fatalf("exit %d (%v), want 1\n%s", code, err, out)
			}
			if !failLine(out, tc.want...) {
				t.Errorf("no FAIL line naming %q:\n%s", tc.want, out)
			}
			if !strings.Contains(out, tc.note) {
				t.Errorf("output does not say %q:\n%s", tc.note, out)
			}
			if !strings.Contains(err.Error(), "do not reproduce") {
				t.Errorf("error %q", err)
			}
		})
	}
}

func TestVerifyRunOutput(t *testing.T) {
	const scen = "mobile-visual-perception@v1"
	dir := t.TempDir()
	out := cli(t, "run", "--scenario", "mobile-visual-perception", "--seeds", "2", "--requests", "100",
		"--scheduler", "fcfs,dysta,edf", "--format", "json")
	orig := filepath.Join(dir, "run.json")
	if err := os.WriteFile(orig, []byte(out), 0o644); err != nil {
		t.Fatal(err)
	}
	vout, code, err := verifyOut(orig)
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
	for _, tc := range []struct {
		name string
		edit func(doc map[string]any)
		want []string
		note string
	}{
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
		t.Run(tc.name, func(t *testing.T) {
			path := tampered(t, orig, "run.json", tc.edit)
			out, code, err := verifyOut(path)
			if code != 1 {
				t.Fatalf("exit %d (%v), want 1\n%s", code, err, out)
			}
			if !failLine(out, tc.want...) {
				t.Errorf("no FAIL line naming %q:\n%s", tc.want, out)
			}
			if !strings.Contains(out, tc.note) {
				t.Errorf("output does not say %q:\n%s", tc.note, out)
			}
		})
	}

	// --only-failures lists only what failed.
	path := tampered(t, orig, "run.json", func(doc map[string]any) { row(doc, 0)["stp"] = 1.0 })
	out, code, _ = verifyOut("--only-failures", path)
	if code != 1 || strings.Contains(out, "\nPASS ") || !failLine(out, scen, "paper-3rps", "1", "fcfs", "stp") {
		t.Errorf("--only-failures: exit %d\n%s", code, out)
	}
}

// A --rate/--slo-mult run verifies at its custom point.
func TestVerifyCustomPoint(t *testing.T) {
	dir := t.TempDir()
	out := cli(t, "run", "--scenario", "datacenter-personal-assistant@v1", "--rate", "20", "--slo-mult", "25", "--seeds", "1",
		"--requests", "80", "--scheduler", "sjf,planaria", "--format", "json")
	path := filepath.Join(dir, "custom.json")
	os.WriteFile(path, []byte(out), 0o644)
	vout, code, err := verifyOut(path)
	if code != 0 || !passLine(vout, "datacenter-personal-assistant@v1", "custom", "1", "planaria") {
		t.Fatalf("exit %d (%v)\n%s", code, err, vout)
	}
	bad := tampered(t, path, "custom.json", func(doc map[string]any) { at(doc, "results", 1)["slo_mult"] = 30 })
	vout, code, _ = verifyOut(bad)
	if code != 1 || !failLine(vout, "custom", "1", "planaria", "slo_mult", "30", "25") {
		t.Errorf("tampered SLO multiplier: exit %d\n%s", code, vout)
	}
}

// Trace runs are verified only against their trace.
func TestVerifyTraceRun(t *testing.T) {
	trace := filepath.Join("..", "..", "harness", "trace", "testdata", "handwritten.json")
	dir := t.TempDir()
	out := cli(t, "run", "--trace", trace, "--scheduler", "fcfs,planaria,dysta", "--format", "json")
	path := filepath.Join(dir, "trace-run.json")
	os.WriteFile(path, []byte(out), 0o644)

	vout, code, err := verifyOut(path)
	if code != 2 || !strings.Contains(err.Error(), "can only be verified against the trace it replayed") ||
		!strings.Contains(err.Error(), "--trace TRACE.json") {
		t.Errorf("trace run without --trace: exit %d, %v", code, err)
	}
	vout, code, err = verifyOut("--trace", trace, path)
	if code != 0 || !passLine(vout, "trace handwritten.json", "—", "—", "planaria") {
		t.Fatalf("with --trace: exit %d (%v)\n%s", code, err, vout)
	}
	bad := tampered(t, path, "trace-run.json", func(doc map[string]any) { at(doc, "results", 1)["violation_rate"] = 0.5 })
	vout, code, _ = verifyOut("--trace", trace, bad)
	if code != 1 || !failLine(vout, "planaria", "violation_rate", "0.5", "0.25") {
		t.Errorf("tampered trace run: exit %d\n%s", code, vout)
	}
	// The trace must be the one replayed: another trace fails the rows.
	other := filepath.Join(dir, "other.json")
	cli(t, "trace", "--scenario", "mobile-visual-perception", "--seed", "1", "--requests", "50", "-o", other)
	if vout, code, _ = verifyOut("--trace", other, path); code != 1 {
		t.Errorf("verified against another trace: exit %d\n%s", code, vout)
	}
}

// Plugin rows re-run from --plugin PATH; a leaderboard's recorded SHA-256
// must match the binary.
func TestVerifyPlugins(t *testing.T) {
	t.Setenv(asCLI, "1")
	plug := scriptPlugin(t, "edf-plugin", "plugin", "serve", "scheduler", "edf")
	dir := t.TempDir()

	// run --scheduler-plugin: its rows record the plugin's checksum.
	out := cli(t, "run", "--scenario", "mobile-visual-perception", "--seeds", "1", "--requests", "60",
		"--scheduler", "fcfs", "--scheduler-plugin", plug, "--format", "json")
	runPath := filepath.Join(dir, "run.json")
	os.WriteFile(runPath, []byte(out), 0o644)
	vout, code, err := verifyOut("--plugin", plug, runPath)
	if code != 0 || !passLine(vout, "mobile-visual-perception@v1", "paper-3rps", "1", "edf-plugin") ||
		!strings.Contains(vout, "is the binary the results were computed with") {
		t.Fatalf("run output with a plugin: exit %d (%v)\n%s", code, err, vout)
	}
	vout, code, _ = verifyOut(runPath)
	if code != 1 || !failLine(vout, "paper-3rps", "1", "edf-plugin", "scheduler") || !strings.Contains(vout, "give --plugin PATH") {
		t.Errorf("plugin rows without --plugin: exit %d\n%s", code, vout)
	}
	// The plugin must give the numbers: another policy does not.
	fcfs := scriptPlugin(t, "edf-plugin", "plugin", "serve", "scheduler", "fcfs")
	if vout, code, _ = verifyOut("--plugin", fcfs, runPath); code != 1 || !failLine(vout, "paper-4rps", "1", "edf-plugin") {
		t.Errorf("rows re-run with another plugin: exit %d\n%s", code, vout)
	}
	if _, code, err = verifyOut("--plugin", fcfs+"-missing", runPath); code != 2 {
		t.Errorf("missing --plugin file: exit %d (%v)", code, err)
	}

	// A leaderboard with a plugin, its SHA-256 in the provenance. The
	// leaderboard command takes built-in schedulers only so far; this is
	// the board it computes with the plugin's job added, and the
	// provenance its Plugins field describes.
	s, err := suite.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	sc, err := s.Resolve("mobile-visual-perception@v1")
	if err != nil {
		t.Fatal(err)
	}
	specs, _ := policies.ParseList("fcfs,dysta")
	jobs := append(lineup.Builtin(specs), lineup.Plugin(plug, host.Config{}))
	lb, err := computeLeaderboard([]*suite.Scenario{sc}, leaderboardFlags{seeds: 2, requests: 40}, jobs)
	if err != nil {
		t.Fatal(err)
	}
	sum, err := fileSHA256(plug)
	if err != nil {
		t.Fatal(err)
	}
	lb.board.Provenance.Plugins = []leaderboard.Plugin{{Name: "edf-plugin", SHA256: sum}}
	var buf bytes.Buffer
	if err := leaderboard.WriteJSON(&buf, lb.board); err != nil {
		t.Fatal(err)
	}
	lbPath := filepath.Join(dir, "leaderboard.json")
	os.WriteFile(lbPath, buf.Bytes(), 0o644)

	vout, code, err = verifyOut("--plugin", plug, lbPath)
	if code != 0 || !passLine(vout, "mobile-visual-perception@v1", "—", "—", "edf-plugin", "plugin sha256") ||
		countLines(vout, "PASS", "edf-plugin") != 14 {
		t.Fatalf("leaderboard with a plugin: exit %d (%v)\n%s", code, err, vout)
	}
	wrong := tampered(t, lbPath, "leaderboard.json", func(doc map[string]any) {
		at(doc, "provenance", "plugins", 0)["sha256"] = strings.Repeat("0", 64)
	})
	vout, code, _ = verifyOut("--plugin", plug, wrong)
	if code != 1 || !failLine(vout, "edf-plugin", "plugin sha256", "000000000000…", sum[:12]+"…") ||
		!strings.Contains(vout, "plugin checksum mismatch") {
		t.Errorf("checksum mismatch: exit %d\n%s", code, vout)
	}
	vout, code, _ = verifyOut(lbPath)
	if code != 1 || !failLine(vout, "paper-3rps", "1,2", "edf-plugin", "scheduler") || !strings.Contains(vout, "give --plugin PATH") {
		t.Errorf("leaderboard plugin rows without --plugin: exit %d\n%s", code, vout)
	}
}

func TestVerifyBadInput(t *testing.T) {
	dir := t.TempDir()
	file := func(name, content string) string {
		p := filepath.Join(dir, name)
		os.WriteFile(p, []byte(content), 0o644)
		return p
	}
	trace := filepath.Join("..", "..", "harness", "trace", "testdata", "handwritten.json")
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"no file", []string{}, "want one RESULTS.json"},
		{"missing", []string{filepath.Join(dir, "missing.json")}, "no such file"},
		{"not JSON", []string{file("a.json", "results: 1\n")}, "not JSON: line 1, column 1"},
		{"truncated", []string{file("b.json", "{\"results\": [\n")}, "not JSON"},
		{"two values", []string{file("c.json", "{} {}")}, "more than one JSON value"},
		{"array", []string{file("d.json", "[1, 2]")}, "want a leaderboard.json"},
		{"other object", []string{file("e.json", `{"rows": []}`)}, "want a leaderboard.json"},
		{"results not an array", []string{file("f.json", `{"results": 5}`)}, "results"},
		{"wrong field type", []string{file("g.json", `{"results": [{"scheduler": "fcfs", "seed": "one"}]}`)}, "results.seed"},
		{"empty results", []string{file("h.json", `{"results": []}`)}, "no results"},
		{"no scheduler", []string{file("i.json", `{"results": [{"scenario": "x@v1"}]}`)}, "names no scheduler"},
		{"newer leaderboard", []string{file("j.json", `{"format": "sparsebench-leaderboard/2"}`)}, "sparsebench-leaderboard/1"},
		{"leaderboard without tables", []string{file("k.json", `{"format": "sparsebench-leaderboard/1", "tables": []}`)}, "no tables"},
		{"leaderboard tables wrong", []string{file("l.json", `{"format": "sparsebench-leaderboard/1", "tables": {}}`)}, "tables"},
		{"a trace", []string{trace}, "is a trace, not results"},
		{"lut-csv run", []string{file("m.json", `{"results": [{"scenario": "lut-csv:dir", "scheduler": "fcfs"}]}`)}, "--lut-csv"},
		{"--trace with a scenario run", []string{"--trace", trace, file("n.json", `{"results": [{"scenario": "x@v1", "scheduler": "fcfs"}]}`)}, "not the output of `run --trace`"},
		{"--preemption-cost without --trace", []string{"--preemption-cost", "0.01", file("o.json", `{}`)}, "--preemption-cost"},
		{"unused --plugin", []string{"--plugin", trace, file("p.json", `{"results": [{"scenario": "mobile-visual-perception@v1", "scheduler": "fcfs"}]}`)}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, code, err := verifyOut(tc.args...)
			if code != 2 {
				t.Fatalf("exit %d (%v), want 2 (usage)\n%s", code, err, out)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q does not say %q", err, tc.want)
			}
		})
	}
}

func TestVerifyHelp(t *testing.T) {
	var stdout, stderr bytes.Buffer
	err := run([]string{"verify", "--help"}, &stdout, &stderr)
	if exitCode(err) != 0 {
		t.Fatalf("verify --help: %v", err)
	}
	for _, w := range []string{"re-runs what a published result file claims", "Usage: sparsebench verify", "-plugin PATH", "Example:"} {
		if !strings.Contains(stderr.String(), w) {
			t.Errorf("verify --help does not say %q:\n%s", w, stderr.String())
		}
	}
	stdout.Reset()
	if err := run([]string{"help"}, &stdout, &stderr); err != nil || !strings.Contains(stdout.String(), "\n  verify ") {
		t.Errorf("sparsebench help does not list verify: %v\n%s", err, stdout.String())
	}
}
