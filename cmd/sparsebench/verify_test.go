package main

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
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

// verify's verdict is its exit status: 0 when every check reproduces, 1
// when one does not — after the whole table, with an error that says how
// many — and --only-failures lists only the failures. (What verify checks
// is tested in harness/verify.)
func TestVerifyExitStatus(t *testing.T) {
	dir := t.TempDir()
	out := cli(t, "run", "--scenario", "mobile-visual-perception", "--seeds", "1", "--requests", "60",
		"--scheduler", "fcfs,edf", "--format", "json")
	orig := filepath.Join(dir, "run.json")
	if err := os.WriteFile(orig, []byte(out), 0o644); err != nil {
		t.Fatal(err)
	}
	vout, code, err := verifyOut(orig)
	if code != 0 || err != nil || !strings.Contains(vout, "PASS: all") {
		t.Fatalf("untouched run output: exit %d (%v)\n%s", code, err, vout)
	}
	// The first row's throughput, changed in the text of the file.
	stp := regexp.MustCompile(`"stp": [0-9.e+-]+`)
	if !stp.MatchString(out) {
		t.Fatalf("run output has no stp field:\n%s", out)
	}
	bad := filepath.Join(t.TempDir(), "run.json")
	first := true
	tamperedOut := stp.ReplaceAllStringFunc(out, func(m string) string {
		if !first {
			return m
		}
		first = false
		return `"stp": 1`
	})
	if err := os.WriteFile(bad, []byte(tamperedOut), 0o644); err != nil {
		t.Fatal(err)
	}
	vout, code, err = verifyOut(bad)
	if code != 1 || !strings.Contains(vout, "\nPASS ") || !strings.Contains(vout, "\nFAIL: 1 of ") {
		t.Errorf("tampered run output: exit %d (%v)\n%s", code, err, vout)
	}
	if err == nil || !strings.Contains(err.Error(), "verify "+bad+": 1 of ") || !strings.Contains(err.Error(), "checks do not reproduce") {
		t.Errorf("error %v, want it to name the file and count the failures", err)
	}
	vout, code, _ = verifyOut("--only-failures", bad)
	if code != 1 || strings.Contains(vout, "\nPASS ") || !strings.Contains(vout, "\nFAIL ") {
		t.Errorf("--only-failures: exit %d\n%s", code, vout)
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
		{"missing --plugin", []string{"--plugin", filepath.Join(dir, "edf-plugin-missing"), file("q.json", `{"results": [{"scenario": "mobile-visual-perception@v1", "scheduler": "edf-plugin-missing"}]}`)}, "--plugin: "},
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
