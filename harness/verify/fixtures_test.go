package verify_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/sparsebench/sparsebench/harness"
	"github.com/sparsebench/sparsebench/harness/leaderboard"
	"github.com/sparsebench/sparsebench/harness/results"
	"github.com/sparsebench/sparsebench/harness/trace"
	"github.com/sparsebench/sparsebench/harness/verify"
	"github.com/sparsebench/sparsebench/plugins/lineup"
	"github.com/sparsebench/sparsebench/plugins/policies"
	"github.com/sparsebench/sparsebench/plugins/sdk"
	"github.com/sparsebench/sparsebench/suite"
)

// The test binary serves built-in policies as scheduler plugins when
// re-executed with asPlugin in its environment — what `sparsebench plugin
// serve scheduler SPEC` does — so that plugin rows can be re-run.
const asPlugin = "SPARSEBENCH_VERIFY_TEST_PLUGIN"

func init() {
	if os.Getenv(asPlugin) != "1" {
		return
	}
	if len(os.Args) != 3 || os.Args[1] != "serve-scheduler" {
		fmt.Fprintf(os.Stderr, "verify test binary as a plugin: unknown arguments %q\n", os.Args[1:])
		os.Exit(3)
	}
	spec, err := policies.ParseSpec(os.Args[2])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	sdk.ServeScheduler(spec.New)
	os.Exit(0)
}

// scriptPlugin writes an executable script named name that serves the
// built-in policy spec as a scheduler plugin.
func scriptPlugin(t *testing.T, name, spec string) string {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), name)
	script := fmt.Sprintf("#!/bin/sh\nexec %q serve-scheduler %s\n", exe, spec)
	if err := os.WriteFile(path, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	return path
}

// fixtureDir holds the result files the tests share; TestMain removes it.
var fixtureDir string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "verify-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fixtureDir = dir
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// fixture computes a shared result file once: make writes it and returns
// its contents.
type fixture struct {
	name string
	make func() ([]byte, error)
	once sync.Once
	path string
	err  error
}

func (f *fixture) get(t *testing.T) string {
	t.Helper()
	f.once.Do(func() {
		data, err := f.make()
		if err != nil {
			f.err = err
			return
		}
		f.path = filepath.Join(fixtureDir, f.name)
		f.err = os.WriteFile(f.path, data, 0o644)
	})
	if f.err != nil {
		t.Fatalf("fixture %s: %v", f.name, f.err)
	}
	return f.path
}

func scenario(id string) (*suite.Scenario, error) {
	s, err := suite.Builtin()
	if err != nil {
		return nil, err
	}
	return s.Resolve(id)
}

func builtinJobs(list string) []harness.Job {
	specs, err := policies.ParseList(list)
	if err != nil {
		panic(err)
	}
	return lineup.Builtin(specs)
}

// leaderboardJSON is the leaderboard.json of `sparsebench leaderboard
// --scenario ID --seeds N --requests R --scheduler LIST`.
func leaderboardJSON(id string, seeds, requests int, jobs []harness.Job, pluginSums map[string]string) ([]byte, error) {
	sc, err := scenario(id)
	if err != nil {
		return nil, err
	}
	lb, err := leaderboard.Compute([]*suite.Scenario{sc}, jobs,
		leaderboard.ComputeOptions{Seeds: seeds, Requests: requests, Version: "devel", PluginSHA256: pluginSums})
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	err = leaderboard.WriteJSON(&buf, lb.Standings)
	return buf.Bytes(), err
}

// runJSON is the output of `sparsebench run --scenario ID --seeds N
// --requests R [--rate R --slo-mult M] --scheduler LIST --format json`
// (points nil: the operating points); pluginSums are the plugin rows'
// checksums, as run records them.
func runJSON(id string, points []suite.Point, seeds, requests int, jobs []harness.Job, pluginSums map[string]string) ([]byte, error) {
	sc, err := scenario(id)
	if err != nil {
		return nil, err
	}
	res, err := results.RunScenarios([]*suite.Scenario{sc}, points, seeds, jobs, suite.GridOptions{Requests: requests})
	if err != nil {
		return nil, err
	}
	for _, rows := range [][]results.Row{res.Results, res.Means} {
		for i := range rows {
			rows[i].PluginSHA256 = pluginSums[rows[i].Scheduler]
		}
	}
	var buf bytes.Buffer
	err = results.WriteRun(&buf, results.JSON, res)
	return buf.Bytes(), err
}

// traceRunJSON is the output of `sparsebench run --trace FILE --scheduler
// LIST --format json`.
func traceRunJSON(path string, jobs []harness.Job) ([]byte, error) {
	tr, err := trace.ReadFile(path)
	if err != nil {
		return nil, err
	}
	rows := results.Replay(tr, jobs, harness.Options{PreemptionCost: tr.PreemptionCost}, 0)
	var buf bytes.Buffer
	err = results.WriteRows(&buf, results.JSON, rows, false)
	return buf.Bytes(), err
}

// The shared result files.
var (
	// smallLeaderboard: `leaderboard --scenario mobile-visual-perception@v1
	// --seeds 2 --requests 60 --scheduler fcfs,edf,dysta,dysta-oracle`.
	smallLeaderboard = &fixture{name: "leaderboard.json", make: func() ([]byte, error) {
		return leaderboardJSON("mobile-visual-perception@v1", 2, 60, builtinJobs("fcfs,edf,dysta,dysta-oracle"), nil)
	}}
	// smallRun: `run --scenario mobile-visual-perception@v1 --seeds 2
	// --requests 100 --scheduler fcfs,dysta,edf --format json`.
	smallRun = &fixture{name: "run.json", make: func() ([]byte, error) {
		return runJSON("mobile-visual-perception@v1", nil, 2, 100, builtinJobs("fcfs,dysta,edf"), nil)
	}}
)

// verifyOut verifies path and returns the report as `sparsebench verify`
// prints it with the verdict its exit status gives: 0 when everything
// reproduces, 1 when something does not, 2 when the file cannot be
// verified (err is then the InputError).
func verifyOut(opts verify.Options, path string) (string, int, error) {
	return verifyPrinted(opts, path, false)
}

// verifyPrinted is verifyOut, printing only the failures with
// onlyFailures.
func verifyPrinted(opts verify.Options, path string, onlyFailures bool) (string, int, error) {
	opts.Version = "devel"
	rep, err := verify.File(path, opts)
	var bad *verify.InputError
	switch {
	case errors.As(err, &bad):
		return "", 2, err
	case err != nil:
		return "", 1, err
	}
	var buf bytes.Buffer
	if err := rep.Write(&buf, onlyFailures); err != nil {
		return "", 1, err
	}
	if !rep.Reproduced() {
		return buf.String(), 1, nil
	}
	return buf.String(), 0, nil
}

// plugins are the options that re-run plugin rows with the given
// executables.
func plugins(paths ...string) verify.Options { return verify.Options{Plugins: paths} }

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

// tamperCase is an edit of a result file's decoded document and the
// failure verify must report for it.
type tamperCase struct {
	name string
	edit func(doc map[string]any)
	want []string // cells of one FAIL line, in order
	note string   // and text on the output
}

// check verifies a copy of the file at orig, saved as name, with the edit
// applied: exit status 1, the FAIL line, the note and the verdict.
func (tc tamperCase) check(t *testing.T, orig, name string) {
	t.Helper()
	path := tampered(t, orig, name, tc.edit)
	out, code, err := verifyOut(verify.Options{}, path)
	if code != 1 {
		t.Fatalf("exit %d (%v), want 1\n%s", code, err, out)
	}
	if !failLine(out, tc.want...) {
		t.Errorf("no FAIL line naming %q:\n%s", tc.want, out)
	}
	if !strings.Contains(out, tc.note) {
		t.Errorf("output does not say %q:\n%s", tc.note, out)
	}
	if !strings.Contains(out, "checks do not reproduce") {
		t.Errorf("no verdict line:\n%s", out)
	}
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

var cellSep = regexp.MustCompile(`\s{2,}`)

func hasLine(out, result string, want ...string) bool {
	for _, line := range strings.Split(out, "\n") {
		if !strings.HasPrefix(line, result+" ") {
			continue
		}
		cells := cellSep.Split(line, -1)
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
