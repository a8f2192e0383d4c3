package main

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/sparsebench/sparsebench/harness"
	"github.com/sparsebench/sparsebench/harness/leaderboard"
	"github.com/sparsebench/sparsebench/harness/textpos"
	"github.com/sparsebench/sparsebench/harness/trace"
	"github.com/sparsebench/sparsebench/plugins/host"
	"github.com/sparsebench/sparsebench/plugins/lineup"
	"github.com/sparsebench/sparsebench/plugins/policies"
	"github.com/sparsebench/sparsebench/scenarios"
	"github.com/sparsebench/sparsebench/suite"
)

const verifyUsage = `sparsebench verify [--plugin PATH]… [--trace FILE [--preemption-cost S]] [--only-failures] [-j N] RESULTS.json`

const verifyExample = `sparsebench leaderboard --scenario mobile-visual-perception --seeds 2 --out lb && sparsebench verify lb/leaderboard.json
sparsebench run --scenario mobile-visual-perception --scheduler-plugin ./llf --format json > llf.json
sparsebench verify --plugin ./llf llf.json
sparsebench verify --trace mvp-seed1.json results.json   # the output of run --trace mvp-seed1.json --format json`

const verifyHelp = `verify re-runs what a published result file claims and reports, row by row, whether
it reproduces. RESULTS.json is a leaderboard.json written by 'sparsebench
leaderboard', or the output of 'sparsebench run --scenario … --format json'.

From the file's provenance it takes the scenario id and hash (a hash that is not
the built-in scenario's is reported), the seeds (a seed the run cannot have
used is reported), the request count, the points (rates and SLO multipliers)
and the schedulers. Built-in schedulers re-run in process. A plugin re-runs
from the executable given with --plugin PATH (its row is labelled with the
file name), whose SHA-256 must be the one the leaderboard recorded. Every
number is compared: counts, seeds, rates and SLO multipliers exactly, other
floats within a relative 1e-9 (absolute 1e-12 near zero).

The output of 'run --trace FILE' records no scenario, seed or hash: it can only
be verified with the same trace, given as --trace FILE.

Exit status: 0 when every row reproduces, 1 when one does not, 2 when the file
cannot be read as a result file.
`

// Tolerances of verify. Results are deterministic, so on one machine they
// reproduce bit for bit; the float tolerance only absorbs last-bit
// differences between architectures (fused multiply-add, libm), as in the
// golden tests (golden/golden_test.go).
const (
	// verifyRelTol is the relative tolerance on float values: metrics,
	// means, interval bounds, paired differences, p-values.
	verifyRelTol = 1e-9
	// verifyAbsTol is the absolute tolerance on float values near zero.
	verifyAbsTol = 1e-12
)

// exactFields are compared exactly: counts, and the inputs of a run.
var exactFields = map[string]bool{
	"requests": true, "sweep_requests": true, "violations": true, "preemptions": true, "decisions": true,
	"seed": true, "seeds": true, "n": true, "rank": true, "rate": true, "slo_mult": true, "confidence": true,
}

// unverifiedFields are never compared: wall-clock measurements (run
// --timing), which vary from run to run.
var unverifiedFields = map[string]bool{"decide_ns_per_decision": true}

// fieldOrder is the order fields are compared in, so that the first
// difference reported is the most telling one (the provenance before the
// numbers). Other fields follow in alphabetical order.
var fieldOrder = []string{
	"id", "hash", "scenario", "scenario_hash", "accelerator", "point", "sweep", "rate", "slo_mult", "requests",
	"sweep_requests", "seed", "seeds", "scheduler", "oracle", "rank", "error", "violations", "violation_rate", "antt",
	"stp", "p50_ntt", "p95_ntt", "p99_ntt", "preemptions", "makespan_s", "decisions", "metrics", "mean", "lo", "hi",
	"n", "cell", "vs_above", "gap_to_oracle", "metric", "diff", "p", "significant", "warnings", "rows",
}

type verifyFlags struct {
	plugins        []string
	trace          string
	preemptionCost float64
	onlyFailures   bool
	workers        int
}

// check is one line of verify's table.
type check struct {
	result                           string // PASS, FAIL or NOTE
	scenario, point, seed, scheduler string
	field, want, got                 string // the first difference: want is the file's value, got the re-run's
	note                             string
}

// verification collects the checks: provenance first, then rows.
type verification struct {
	prov, rows []check
}

func (v *verification) provenance(c check) { v.prov = append(v.prov, c) }
func (v *verification) row(c check)        { v.rows = append(v.rows, c) }

func runVerify(args []string, stdout, stderr io.Writer) error {
	var f verifyFlags
	fs := newFlagSet("verify", verifyUsage, verifyExample, stderr)
	usage := fs.Usage
	fs.Usage = func() {
		fmt.Fprintf(stderr, "%s\n", verifyHelp)
		usage()
	}
	fs.Func("plugin", "re-run the plugin rows with this scheduler plugin executable (`PATH`; repeat or separate with commas)", func(s string) error {
		for _, p := range strings.Split(s, ",") {
			if p = strings.TrimSpace(p); p != "" {
				f.plugins = append(f.plugins, p)
			}
		}
		return nil
	})
	fs.StringVar(&f.trace, "trace", "", "the trace `FILE` (sparsebench-trace/1) that the `run --trace` output being verified replayed")
	fs.Float64Var(&f.preemptionCost, "preemption-cost", 0, "with --trace: the context-switch cost in `seconds` the run used, if it overrode the trace's preemption_cost_s with --preemption-cost")
	fs.BoolVar(&f.onlyFailures, "only-failures", false, "list only the rows that do not reproduce")
	fs.IntVar(&f.workers, "j", 0, "run up to `N` simulations in parallel (0: one per CPU)")
	if err := parseFlags(fs, args, true); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return usageErr(errors.New("verify: want one RESULTS.json"))
	}
	if f.preemptionCost != 0 && f.trace == "" {
		return usageErr(errors.New("verify: --preemption-cost applies with --trace; scenarios fix their own"))
	}
	path := fs.Arg(0)
	for _, p := range f.plugins {
		if err := checkExecutable(p); err != nil {
			return usageErr(fmt.Errorf("--plugin: %w", err))
		}
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return usageErr(err)
	}
	doc, err := decodeJSON(data)
	if err != nil {
		return usageErr(fmt.Errorf("%s: not JSON: %w", path, err))
	}
	top, ok := doc.(map[string]any)
	if !ok {
		return usageErr(fmt.Errorf("%s: %s", path, wrongShape))
	}
	defer host.CleanupOnSignal()()

	var v verification
	var header []string
	switch format, _ := top["format"].(string); {
	case format == "sparsebench-leaderboard/1":
		header, err = verifyLeaderboard(&v, path, data, top, f)
	case strings.HasPrefix(format, "sparsebench-leaderboard/"):
		err = usageErr(fmt.Errorf("%s: format %q: this sparsebench verifies sparsebench-leaderboard/1", path, format))
	case format == "sparsebench-trace/1":
		err = usageErr(fmt.Errorf("%s is a trace, not results: verify takes a leaderboard.json or the output of `run --format json`; "+
			"to verify the results of `run --trace %s`, give it as --trace %s", path, path, path))
	case format != "":
		err = usageErr(fmt.Errorf("%s: unknown format %q; %s", path, format, wrongShape))
	case top["results"] != nil:
		header, err = verifyRunOutput(&v, path, data, f)
	default:
		err = usageErr(fmt.Errorf("%s: %s", path, wrongShape))
	}
	if err != nil {
		return err
	}
	return writeVerification(stdout, path, header, &v, f.onlyFailures)
}

const wrongShape = "want a leaderboard.json (\"format\": \"sparsebench-leaderboard/1\") or the output of `sparsebench run --format json` (an object with a \"results\" array)"

// decodeJSON decodes one JSON value, keeping numbers as written.
func decodeJSON(data []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		var se *json.SyntaxError
		if errors.As(err, &se) {
			line, col := textpos.AfterRead(data, se.Offset)
			return nil, fmt.Errorf("line %d, column %d: %v", line, col, err)
		}
		return nil, err
	}
	if dec.More() {
		return nil, errors.New("more than one JSON value")
	}
	return v, nil
}

// asJSON is v encoded and decoded again, to be compared with a decoded
// file.
func asJSON(v any) any {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err) // plain data
	}
	out, err := decodeJSON(b)
	if err != nil {
		panic(err)
	}
	return out
}

// strictDecode decodes data into v, naming the file in errors.
func strictDecode(path string, data []byte, v any) error {
	if err := json.Unmarshal(data, v); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			return usageErr(fmt.Errorf("%s: %s: %s where %s was expected", path, te.Field, te.Value, te.Type))
		}
		return usageErr(fmt.Errorf("%s: %v", path, err))
	}
	return nil
}

// ---- comparison ----

// fieldDiff is one difference between the file (want) and the re-run
// (got).
type fieldDiff struct{ field, want, got string }

const absent = "(absent)"

// diffJSON appends the differences between two decoded JSON values; path
// names the field, key is its last element (which picks the tolerance).
func diffJSON(path, key string, want, got any, out *[]fieldDiff) {
	add := func() { *out = append(*out, fieldDiff{path, show(want), show(got)}) }
	switch w := want.(type) {
	case map[string]any:
		g, ok := got.(map[string]any)
		if !ok {
			add()
			return
		}
		for _, k := range orderedKeys(w, g) {
			if unverifiedFields[k] {
				continue
			}
			wv, wok := w[k]
			gv, gok := g[k]
			p := k
			if path != "" {
				p = path + "." + k
			}
			switch {
			case k == "error" && wok && gok:
				// Both runs failed; the messages name temporary paths and processes.
			case !wok:
				*out = append(*out, fieldDiff{p, absent, show(gv)})
			case !gok:
				*out = append(*out, fieldDiff{p, show(wv), absent})
			default:
				diffJSON(p, k, wv, gv, out)
			}
		}
	case []any:
		g, ok := got.([]any)
		if !ok || len(g) != len(w) {
			add()
			return
		}
		if scalars(w) && scalars(g) {
			for i := range w {
				if !scalarEqual(key, w[i], g[i]) {
					add()
					return
				}
			}
			return
		}
		for i := range w {
			diffJSON(fmt.Sprintf("%s[%d]", path, i), key, w[i], g[i], out)
		}
	default:
		if !scalarEqual(key, want, got) {
			add()
		}
	}
}

func scalars(xs []any) bool {
	for _, x := range xs {
		switch x.(type) {
		case map[string]any, []any:
			return false
		}
	}
	return true
}

// scalarEqual compares two JSON scalars; numbers with the tolerance of
// their field.
func scalarEqual(key string, a, b any) bool {
	na, aok := a.(json.Number)
	nb, bok := b.(json.Number)
	if !aok || !bok {
		return a == b
	}
	x, err1 := na.Float64()
	y, err2 := nb.Float64()
	if err1 != nil || err2 != nil {
		return na == nb
	}
	if exactFields[key] {
		return x == y
	}
	return floatsClose(x, y)
}

// floatsClose is the float tolerance of verify.
func floatsClose(x, y float64) bool {
	d := math.Abs(x - y)
	return d <= verifyAbsTol || d <= verifyRelTol*math.Max(math.Abs(x), math.Abs(y))
}

func orderedKeys(a, b map[string]any) []string {
	var keys []string
	for k := range a {
		keys = append(keys, k)
	}
	for k := range b {
		if _, ok := a[k]; !ok {
			keys = append(keys, k)
		}
	}
	rank := func(k string) int {
		if i := slices.Index(fieldOrder, k); i >= 0 {
			return i
		}
		return len(fieldOrder)
	}
	sort.Slice(keys, func(i, j int) bool {
		ri, rj := rank(keys[i]), rank(keys[j])
		if ri != rj {
			return ri < rj
		}
		return keys[i] < keys[j]
	})
	return keys
}

// show renders a value for the table: numbers as written, hashes
// shortened, long values cut.
func show(v any) string {
	switch x := v.(type) {
	case nil:
		return "null"
	case json.Number:
		return x.String()
	case string:
		if isHash(x) {
			return x[:12] + "…"
		}
		return cut(strconv.Quote(x), 48)
	}
	b, _ := json.Marshal(v)
	return cut(string(b), 48)
}

func isHash(s string) bool {
	if len(s) != 64 {
		return false
	}
	_, err := hex.DecodeString(s)
	return err == nil
}

func cut(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

// compareRow turns the differences between a file row and its re-run into
// a check.
func compareRow(c check, want, got any) check {
	var diffs []fieldDiff
	diffJSON("", "", want, got, &diffs)
	if len(diffs) == 0 {
		c.result = "PASS"
		return c
	}
	d := diffs[0]
	c.result, c.field, c.want, c.got = "FAIL", d.field, d.want, d.got
	if d.field == "accelerator" {
		c.note = joinNote(c.note, "latencies from an accelerator plugin (run --accelerator-plugin), not the scenario's reference model, which is what verify re-runs")
	}
	if len(diffs) > 1 {
		c.note = joinNote(c.note, fmt.Sprintf("%d more field(s) differ", len(diffs)-1))
	}
	return c
}

func joinNote(a, b string) string {
	if a == "" {
		return b
	}
	if b == "" {
		return a
	}
	return a + "; " + b
}

// ---- provenance ----

// builtinSuite is the built-in suite with the released hashes, to name
// the scenario version a hash belongs to.
type builtinSuite struct {
	*suite.Suite
	byHash map[string]string // hash → id, built-in files and lock file
}

func loadBuiltinSuite() (*builtinSuite, error) {
	s, err := suite.Builtin()
	if err != nil {
		return nil, err
	}
	lock, err := suite.ParseLock(scenarios.Lock)
	if err != nil {
		return nil, err
	}
	b := &builtinSuite{Suite: s, byHash: map[string]string{}}
	for id, h := range lock {
		b.byHash[h] = id
	}
	for _, sc := range s.All() {
		b.byHash[sc.Hash()] = sc.ID()
	}
	return b, nil
}

// resolve finds a scenario by its exact NAME@vN.
func (b *builtinSuite) resolve(id string) (*suite.Scenario, error) {
	sc, err := b.Resolve(id)
	if err != nil {
		return nil, err
	}
	if sc.ID() != id {
		return nil, fmt.Errorf("%q names no version: results must name one (NAME@vN)", id)
	}
	return sc, nil
}

// hashCheck compares a recorded scenario hash with the built-in one.
func (b *builtinSuite) hashCheck(sc *suite.Scenario, recorded string) check {
	c := check{scenario: sc.ID(), point: "—", seed: "—", scheduler: "—", field: "scenario_hash"}
	if recorded == sc.Hash() {
		c.result, c.note = "PASS", "the built-in scenario's hash, as released in "+scenarios.LockPath
		return c
	}
	c.result, c.want, c.got = "FAIL", show(recorded), show(sc.Hash())
	switch id, ok := b.byHash[recorded]; {
	case recorded == "":
		c.want, c.note = absent, "no scenario hash recorded"
	case ok:
		c.note = fmt.Sprintf("the file's hash is %s's, not %s's", id, sc.ID())
	default:
		c.note = "unknown scenario hash: no released scenario version has it"
	}
	return c
}

// seedsCheck says whether seeds are the ones a run with `--seeds
// len(seeds)` uses: the scenario's, in order, continued with the integers
// after the largest.
func seedsCheck(sc *suite.Scenario, seeds []uint64, pointLabel string) check {
	c := check{scenario: sc.ID(), point: pointLabel, seed: joinSeeds(seeds), scheduler: "—", field: "seeds"}
	want := sc.SeedList(len(seeds))
	if slices.Equal(seeds, want) {
		c.result, c.note = "PASS", seedsFlag(sc, len(seeds))
		return c
	}
	var foreign []string
	for _, s := range seeds {
		if !slices.Contains(want, s) {
			foreign = append(foreign, strconv.FormatUint(s, 10))
		}
	}
	c.result, c.want, c.got = "FAIL", joinSeeds(seeds), joinSeeds(want)
	c.note = fmt.Sprintf("%s: a run of %d seeds uses seeds %s", seedsFlag(sc, len(seeds)), len(seeds), joinSeeds(want))
	if len(foreign) > 0 {
		c.note = fmt.Sprintf("seed %s is not a seed of this run (%s)", strings.Join(foreign, ", "), c.note)
	}
	return c
}

func seedsFlag(sc *suite.Scenario, n int) string {
	if n == len(sc.Seeds) {
		return "the scenario's seeds"
	}
	return fmt.Sprintf("--seeds %d", n)
}

func joinSeeds(seeds []uint64) string {
	s := make([]string, len(seeds))
	for i, x := range seeds {
		s[i] = strconv.FormatUint(x, 10)
	}
	return strings.Join(s, ",")
}

func requestsNote(sc *suite.Scenario, n int) string {
	if n == sc.Requests {
		return fmt.Sprintf("%d per run (the scenario's)", n)
	}
	return fmt.Sprintf("%d per run (--requests %d)", n, n)
}

// schedulerSet resolves the scheduler labels of a file into jobs:
// built-in specs run in process, plugins from the --plugin paths.
type schedulerSet struct {
	jobs []harness.Job
	// problem says why a label cannot be re-run.
	problem map[string]string
	// sums are the SHA-256 of the plugin executables re-run, by label.
	sums map[string]string
}

// resolveSchedulers makes the jobs for labels. recorded maps a plugin
// name to the SHA-256 the file recorded for it (nil when the file format
// records none); plugin checks go to v.
func resolveSchedulers(v *verification, labels []string, plugins []string, recorded map[string]string, scenarioID string) schedulerSet {
	set := schedulerSet{problem: map[string]string{}, sums: map[string]string{}}
	for _, label := range labels {
		path := matchPlugin(label, plugins)
		sum, hasSum := lookupPlugin(label, recorded)
		if path == "" {
			if spec, err := policies.ParseSpec(label); err == nil && !hasSum {
				set.jobs = append(set.jobs, lineup.Builtin([]policies.Spec{spec})...)
				continue
			}
			if hasSum {
				set.problem[label] = fmt.Sprintf("a plugin (sha256 %s…): give --plugin PATH to re-run it", cut(sum, 13))
			} else {
				set.problem[label] = "not a built-in scheduler; if it is a plugin, give --plugin PATH to re-run it"
			}
			continue
		}
		actual, err := fileSHA256(path)
		if err != nil {
			set.problem[label] = err.Error()
			continue
		}
		set.sums[label] = actual
		c := check{scenario: scenarioID, point: "—", seed: "—", scheduler: label, field: "plugin sha256"}
		cfg := host.Config{}
		switch {
		case !hasSum:
			c.result, c.got = "NOTE", show(actual)
			c.note = fmt.Sprintf("%s: `run` output records no plugin checksum; not checked", path)
		case sum == actual:
			c.result, c.note = "PASS", path+" is the binary the results were computed with"
			cfg.SHA256 = sum // and go-plugin checks it again when it starts it
		default:
			c.result, c.want, c.got = "FAIL", show(sum), show(actual)
			c.note = fmt.Sprintf("plugin checksum mismatch: %s is not the binary the results were computed with; its rows are re-run with it anyway", path)
		}
		v.provenance(c)
		job := lineup.Plugin(path, cfg)
		job.Label = label
		set.jobs = append(set.jobs, job)
	}
	return set
}

// matchPlugin finds the --plugin path a row label stands for: run labels
// a plugin's rows with its file name, or its path when two share a name.
func matchPlugin(label string, plugins []string) string {
	for _, p := range plugins {
		if label == p {
			return p
		}
	}
	for _, p := range plugins {
		if label == filepath.Base(p) {
			return p
		}
	}
	return ""
}

func lookupPlugin(label string, recorded map[string]string) (string, bool) {
	if s, ok := recorded[label]; ok {
		return s, true
	}
	for name, s := range recorded {
		if filepath.Base(name) == label {
			return s, true
		}
	}
	return "", false
}

// unusedPlugins reports --plugin paths that match no row.
func unusedPlugins(plugins, labels []string) error {
	for _, p := range plugins {
		used := false
		for _, l := range labels {
			if matchPlugin(l, []string{p}) != "" {
				used = true
			}
		}
		if !used {
			return usageErr(fmt.Errorf("--plugin %s: no row of the file is labelled %q (schedulers: %s)",
				p, filepath.Base(p), strings.Join(labels, ", ")))
		}
	}
	return nil
}

// mode is the most frequent value, the first seen on ties.
func mode[T comparable](xs []T) T {
	count := map[T]int{}
	var best T
	for _, x := range xs {
		count[x]++
		if count[x] > count[best] {
			best = x
		}
	}
	return best
}

func occurrences[T comparable](xs []T, x T) int {
	n := 0
	for _, y := range xs {
		if y == x {
			n++
		}
	}
	return n
}

// ---- run --format json ----

// runOutput is the shape of `run --format json`.
type runOutput struct {
	Results []resultRow `json:"results"`
	Means   []resultRow `json:"means"`
}

func verifyRunOutput(v *verification, path string, data []byte, f verifyFlags) ([]string, error) {
	var file runOutput
	if err := strictDecode(path, data, &file); err != nil {
		return nil, err
	}
	var gen struct {
		Results []map[string]any `json:"results"`
		Means   []map[string]any `json:"means"`
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	if err := dec.Decode(&gen); err != nil {
		return nil, usageErr(fmt.Errorf("%s: %v", path, err))
	}
	if len(file.Results) == 0 {
		return nil, usageErr(fmt.Errorf("%s: no results to verify", path))
	}
	for i, r := range file.Results {
		if r.Scheduler == "" {
			return nil, usageErr(fmt.Errorf("%s: results[%d] names no scheduler", path, i))
		}
		if (r.Scenario == "") != (file.Results[0].Scenario == "") {
			return nil, usageErr(fmt.Errorf("%s: results[%d]: rows of scenario runs and of trace runs mixed in one file", path, i))
		}
		if strings.HasPrefix(r.Scenario, "lut-csv:") {
			return nil, usageErr(fmt.Errorf("%s: results[%d] comes from `run --lut-csv %s`: the CSV files are not identified by a hash, so verify cannot re-run it; "+
				"verify checks scenario runs and leaderboards", path, i, strings.TrimPrefix(r.Scenario, "lut-csv:")))
		}
	}
	if file.Results[0].Scenario == "" {
		if f.trace == "" {
			return nil, usageErr(fmt.Errorf("%s is the output of `run --trace`: its rows record no scenario, hash or seed to re-run from, "+
				"so it can only be verified against the trace it replayed: sparsebench verify --trace TRACE.json %s", path, path))
		}
		return verifyTraceRun(v, file.Results, gen.Results, f)
	}
	if f.trace != "" {
		return nil, usageErr(fmt.Errorf("--trace: %s holds scenario runs (%s), not the output of `run --trace`", path, file.Results[0].Scenario))
	}
	b, err := loadBuiltinSuite()
	if err != nil {
		return nil, err
	}
	var labels []string
	for _, r := range file.Results {
		if !slices.Contains(labels, r.Scheduler) {
			labels = append(labels, r.Scheduler)
		}
	}
	if err := unusedPlugins(f.plugins, labels); err != nil {
		return nil, err
	}
	var ids []string
	for _, r := range file.Results {
		if !slices.Contains(ids, r.Scenario) {
			ids = append(ids, r.Scenario)
		}
	}
	for _, id := range ids {
		verifyScenarioRows(v, b, id, file, gen.Results, gen.Means, f)
	}
	return []string{fmt.Sprintf("`run --format json` output: %d rows and %d means of %s",
		len(file.Results), len(file.Means), strings.Join(ids, ", "))}, nil
}

// verifyScenarioRows re-runs the rows of one scenario: the command that
// made them (`run --scenario ID [--seeds N] [--requests N] [--rate R
// --slo-mult M] --scheduler …`) is rebuilt from the rows, run again, and
// every row compared.
func verifyScenarioRows(v *verification, b *builtinSuite, id string, file runOutput, genResults, genMeans []map[string]any, f verifyFlags) {
	var rows, means []int
	for i, r := range file.Results {
		if r.Scenario == id {
			rows = append(rows, i)
		}
	}
	for i, r := range file.Means {
		if r.Scenario == id {
			means = append(means, i)
		}
	}
	seedOf := func(r resultRow) string {
		if r.Seed == nil {
			return absent
		}
		return strconv.FormatUint(*r.Seed, 10)
	}
	failAll := func(field, want, got, note string) {
		for _, i := range rows {
			r := file.Results[i]
			v.row(check{result: "FAIL", scenario: id, point: r.Point, seed: seedOf(r), scheduler: r.Scheduler,
				field: field, want: want, got: got, note: note})
		}
		for _, i := range means {
			r := file.Means[i]
			v.row(check{result: "FAIL", scenario: id, point: r.Point, seed: "mean", scheduler: r.Scheduler,
				field: field, want: want, got: got, note: note})
		}
	}
	sc, err := b.resolve(id)
	if err != nil {
		failAll("scenario", show(id), absent, "not a built-in scenario: "+err.Error())
		return
	}

	// Scenario hash.
	var hashes []string
	for _, i := range rows {
		if h := file.Results[i].ScenarioHash; !slices.Contains(hashes, h) {
			hashes = append(hashes, h)
		}
	}
	for _, h := range hashes {
		v.provenance(b.hashCheck(sc, h))
	}

	// Seeds: each (point, scheduler) has the seeds of `--seeds N`.
	type ps struct{ point, sched string }
	groups := map[ps][]uint64{}
	var order []ps
	var allSeeds []uint64
	for _, i := range rows {
		r := file.Results[i]
		k := ps{r.Point, r.Scheduler}
		if _, ok := groups[k]; !ok {
			order = append(order, k)
		}
		if r.Seed != nil {
			groups[k] = append(groups[k], *r.Seed)
			if !slices.Contains(allSeeds, *r.Seed) {
				allSeeds = append(allSeeds, *r.Seed)
			}
		}
	}
	var counts []int
	for _, k := range order {
		counts = append(counts, len(groups[k]))
	}
	nSeeds := mode(counts)
	if nSeeds == 0 {
		failAll("seed", absent, "", "the rows record no seeds")
		return
	}
	fileSeeds := allSeeds // in the order of the rows: the run's seed order
	if len(fileSeeds) == nSeeds {
		v.provenance(seedsCheck(sc, fileSeeds, "—"))
	} else {
		c := seedsCheck(sc, fileSeeds, "—")
		c.result, c.want, c.got = "FAIL", joinSeeds(fileSeeds), joinSeeds(sc.SeedList(nSeeds))
		var foreign []string
		for _, s := range fileSeeds {
			if !slices.Contains(sc.SeedList(nSeeds), s) {
				foreign = append(foreign, strconv.FormatUint(s, 10))
			}
		}
		c.note = fmt.Sprintf("seed %s is not a seed of this run: a run of %d seeds (%s) uses seeds %s",
			strings.Join(foreign, ", "), nSeeds, seedsFlag(sc, nSeeds), joinSeeds(sc.SeedList(nSeeds)))
		v.provenance(c)
	}

	// Request count: one per run of `run`, the scenario's or --requests.
	var reqs []int
	for _, i := range rows {
		if m := file.Results[i].Metrics; m != nil {
			reqs = append(reqs, m.Requests)
		}
	}
	for _, i := range means {
		if m := file.Means[i].Metrics; m != nil {
			reqs = append(reqs, m.Requests)
		}
	}
	requests := sc.Requests
	if len(reqs) > 0 {
		requests = mode(reqs)
	}
	rc := check{result: "PASS", scenario: id, point: "—", seed: "—", scheduler: "—", field: "requests", note: requestsNote(sc, requests)}
	if requests <= 0 {
		rc.result, rc.want, rc.note = "FAIL", strconv.Itoa(requests), "a run has at least one request"
		v.provenance(rc)
		failAll("requests", strconv.Itoa(requests), "", "no run has this request count")
		return
	}
	v.provenance(rc)

	// Points: the scenario's operating points, or one --rate/--slo-mult
	// point named "custom".
	var points []suite.Point
	named, custom := false, []suite.Point{}
	for _, i := range rows {
		r := file.Results[i]
		if r.Point == "custom" {
			custom = append(custom, suite.Point{Name: "custom", Rate: r.Rate, SLOMult: r.SLOMult})
		} else {
			named = true
		}
	}
	if named {
		points = sc.OperatingPoints()
	}
	if len(custom) > 0 {
		points = append(points, mode(custom))
	}

	var labels []string
	for _, i := range rows {
		if l := file.Results[i].Scheduler; !slices.Contains(labels, l) {
			labels = append(labels, l)
		}
	}
	// Plugin rows carry the SHA-256 of the executable they ran with.
	var recorded map[string]string
	for _, i := range rows {
		if r := file.Results[i]; r.PluginSHA256 != "" {
			if recorded == nil {
				recorded = map[string]string{}
			}
			recorded[r.Scheduler] = r.PluginSHA256
		}
	}
	set := resolveSchedulers(v, labels, f.plugins, recorded, id)

	var res *scenarioRun
	if len(set.jobs) > 0 {
		res, err = runScenarios([]*suite.Scenario{sc}, points, nSeeds, set.jobs, suite.GridOptions{Requests: requests, Workers: f.workers})
		if err != nil {
			failAll("(re-run)", "", "", "the re-run failed: "+err.Error())
			return
		}
		if recorded != nil { // the run recorded plugin checksums: so does the re-run
			for _, rows := range [][]resultRow{res.Results, res.Means} {
				for i := range rows {
					rows[i].PluginSHA256 = set.sums[rows[i].Scheduler]
				}
			}
		}
	} else {
		res = &scenarioRun{}
	}

	pointNames := func() string {
		var names []string
		for _, p := range sc.OperatingPoints() {
			names = append(names, p.Name)
		}
		return strings.Join(names, ", ")
	}
	// why says why a file row has no re-run counterpart.
	why := func(r resultRow, mean bool) (field, want, got, note string) {
		switch {
		case set.problem[r.Scheduler] != "":
			return "scheduler", show(r.Scheduler), absent, set.problem[r.Scheduler]
		case !slices.ContainsFunc(points, func(p suite.Point) bool { return p.Name == r.Point }):
			return "point", show(r.Point), absent, fmt.Sprintf("not an operating point of %s (%s) or custom", id, pointNames())
		case !mean && r.Seed != nil && !slices.Contains(sc.SeedList(nSeeds), *r.Seed):
			return "seed", seedOf(r), absent, fmt.Sprintf("not a seed of this run (%s)", joinSeeds(sc.SeedList(nSeeds)))
		}
		return "(row)", "a row", absent, "the re-run has no such row (a duplicate?)"
	}
	matchRows(v, id, rows, file.Results, genResults, res.Results, false, why)
	matchRows(v, id, means, file.Means, genMeans, res.Means, true, why)
}

// matchRows pairs the file's rows (idx into file and gen) with the re-run's
// and records a check for each; re-run rows the file lacks fail as
// missing.
func matchRows(v *verification, id string, idx []int, file []resultRow, gen []map[string]any, rerun []resultRow,
	mean bool, why func(resultRow, bool) (string, string, string, string)) {
	key := func(r resultRow) string {
		if mean || r.Seed == nil {
			return r.Point + "\x00" + r.Scheduler
		}
		return fmt.Sprintf("%s\x00%d\x00%s", r.Point, *r.Seed, r.Scheduler)
	}
	seedCol := func(r resultRow) string {
		switch {
		case mean:
			return "mean"
		case r.Seed == nil:
			return absent
		}
		return strconv.FormatUint(*r.Seed, 10)
	}
	byKey := map[string]int{}
	for j, r := range rerun {
		byKey[key(r)] = j
	}
	fileKeys := map[string]bool{}
	for _, i := range idx {
		fileKeys[key(file[i])] = true
	}
	used := make([]bool, len(rerun))
	var pending []int // file rows without a re-run row of the same key
	for _, i := range idx {
		r := file[i]
		j, ok := byKey[key(r)]
		if !ok || used[j] {
			pending = append(pending, i)
			continue
		}
		used[j] = true
		v.row(compareRow(check{scenario: id, point: r.Point, seed: seedCol(r), scheduler: r.Scheduler}, gen[i], asJSON(rerun[j])))
	}
	for _, i := range pending {
		r := file[i]
		c := check{scenario: id, point: r.Point, seed: seedCol(r), scheduler: r.Scheduler}
		// A row whose seed or point was changed pairs with the re-run row
		// of the same scheduler (and point or seed) that the file lacks, so
		// that the difference is named.
		field, _, _, whyNote := why(r, mean)
		paired := -1
		if field == "seed" || field == "point" {
			for j, e := range rerun {
				if !used[j] && e.Scheduler == r.Scheduler && !fileKeys[key(e)] &&
					(mean || e.Point == r.Point || (e.Seed != nil && r.Seed != nil && *e.Seed == *r.Seed)) {
					paired = j
					break
				}
			}
		}
		if paired >= 0 {
			used[paired] = true
			c = compareRow(c, gen[i], asJSON(rerun[paired]))
			e := rerun[paired]
			c.note = joinNote(fmt.Sprintf("%s; compared with the re-run's %s, seed %s", whyNote, e.Point, seedCol(e)), c.note)
			v.row(c)
			continue
		}
		c.result = "FAIL"
		c.field, c.want, c.got, c.note = why(r, mean)
		v.row(c)
	}
	for j, e := range rerun {
		if !used[j] {
			v.row(check{result: "FAIL", scenario: id, point: e.Point, seed: seedCol(e), scheduler: e.Scheduler,
				field: "(row)", want: absent, got: "a row", note: "missing from the file: the command that made it also makes this row"})
		}
	}
}

// verifyTraceRun replays the trace given with --trace.
func verifyTraceRun(v *verification, file []resultRow, gen []map[string]any, f verifyFlags) ([]string, error) {
	tr, err := trace.ReadFile(f.trace)
	if err != nil {
		return nil, usageErr(err)
	}
	var labels []string
	for _, r := range file {
		if !slices.Contains(labels, r.Scheduler) {
			labels = append(labels, r.Scheduler)
		}
	}
	if err := unusedPlugins(f.plugins, labels); err != nil {
		return nil, err
	}
	name := "trace " + filepath.Base(f.trace)
	v.provenance(check{result: "NOTE", scenario: name, point: "—", seed: "—", scheduler: "—", field: "trace",
		note: "trace runs record no hash of their trace: the rows are checked against " + f.trace + " as given"})
	set := resolveSchedulers(v, labels, f.plugins, nil, name)
	cost := tr.PreemptionCost
	if f.preemptionCost != 0 {
		cost = f.preemptionCost
	}
	rerun := runJobs(tr, set.jobs, harness.Options{PreemptionCost: cost}, f.workers)
	byLabel := map[string]int{}
	for j, r := range rerun {
		byLabel[r.Scheduler] = j
	}
	used := map[string]bool{}
	for i, r := range file {
		c := check{scenario: name, point: "—", seed: "—", scheduler: r.Scheduler}
		j, ok := byLabel[r.Scheduler]
		switch {
		case set.problem[r.Scheduler] != "":
			c.result, c.field, c.want, c.got, c.note = "FAIL", "scheduler", show(r.Scheduler), absent, set.problem[r.Scheduler]
		case !ok || used[r.Scheduler]:
			c.result, c.field, c.want, c.got, c.note = "FAIL", "(row)", "a row", absent, "a second row of this scheduler"
		default:
			used[r.Scheduler] = true
			c = compareRow(c, gen[i], asJSON(rerun[j]))
		}
		v.row(c)
	}
	return []string{fmt.Sprintf("`run --trace` output: %d rows, replayed on %s", len(file), f.trace)}, nil
}

// ---- leaderboard.json ----

// lbFile is the part of leaderboard.json verify reads with types; the rest
// is compared as decoded JSON.
type lbFile struct {
	Format     string                 `json:"format"`
	Provenance leaderboard.Provenance `json:"provenance"`
	Tables     []struct {
		Scenario string   `json:"scenario"`
		Point    string   `json:"point"`
		Sweep    string   `json:"sweep"`
		Requests int      `json:"requests"`
		Seeds    []uint64 `json:"seeds"`
		Rows     []struct {
			Scheduler string `json:"scheduler"`
		} `json:"rows"`
	} `json:"tables"`
}

func verifyLeaderboard(v *verification, path string, data []byte, top map[string]any, f verifyFlags) ([]string, error) {
	if f.trace != "" {
		return nil, usageErr(fmt.Errorf("--trace: %s is a leaderboard, not the output of `run --trace`", path))
	}
	var file lbFile
	if err := strictDecode(path, data, &file); err != nil {
		return nil, err
	}
	genTables, ok := top["tables"].([]any)
	if !ok || len(genTables) != len(file.Tables) || len(file.Tables) == 0 {
		return nil, usageErr(fmt.Errorf("%s: no tables to verify", path))
	}
	prov := file.Provenance
	if len(prov.Scenarios) == 0 {
		return nil, usageErr(fmt.Errorf("%s: provenance.scenarios is empty: nothing says what to re-run", path))
	}
	for i, t := range file.Tables {
		if t.Scenario == "" || t.Point == "" {
			return nil, usageErr(fmt.Errorf("%s: tables[%d] names no scenario or point", path, i))
		}
		for j, r := range t.Rows {
			if r.Scheduler == "" {
				return nil, usageErr(fmt.Errorf("%s: tables[%d].rows[%d] names no scheduler", path, i, j))
			}
		}
	}
	b, err := loadBuiltinSuite()
	if err != nil {
		return nil, err
	}
	recorded := map[string]string{}
	for _, p := range prov.Plugins {
		recorded[p.Name] = p.SHA256
	}
	var allLabels []string
	for _, t := range file.Tables {
		for _, r := range t.Rows {
			if !slices.Contains(allLabels, r.Scheduler) {
				allLabels = append(allLabels, r.Scheduler)
			}
		}
	}
	if err := unusedPlugins(f.plugins, allLabels); err != nil {
		return nil, err
	}
	if prov.Confidence != leaderboard.Confidence {
		v.provenance(check{result: "FAIL", scenario: "—", point: "—", seed: "—", scheduler: "—", field: "provenance.confidence",
			want: g(prov.Confidence), got: g(leaderboard.Confidence), note: "sparsebench ranks at this confidence only"})
	}

	inProv := map[string]bool{}
	for _, s := range prov.Scenarios {
		inProv[s.ID] = true
	}
	for i, t := range file.Tables {
		if !inProv[t.Scenario] {
			for _, r := range genRows(genTables[i]) {
				v.row(check{result: "FAIL", scenario: t.Scenario, point: t.Point, seed: joinSeeds(t.Seeds), scheduler: rowScheduler(r),
					field: "scenario", want: show(t.Scenario), got: absent, note: "not listed in provenance.scenarios: nothing says how it was run"})
			}
		}
	}
	for _, src := range prov.Scenarios {
		verifyLeaderboardScenario(v, b, src, &file, genTables, recorded, f)
	}
	header := []string{fmt.Sprintf("leaderboard (%s): %d tables of %d scenario(s); published with %s",
		file.Format, len(file.Tables), len(prov.Scenarios), toolVersion(prov.Version, prov.Revision))}
	ver, rev := buildVersion()
	header = append(header, "verified with "+toolVersion(ver, rev))
	return header, nil
}

func toolVersion(version, revision string) string {
	s := "sparsebench " + version
	if revision != "" {
		s += " (revision " + cut(revision, 13) + ")"
	}
	return s
}

func genRows(table any) []any {
	t, _ := table.(map[string]any)
	rows, _ := t["rows"].([]any)
	return rows
}

func rowScheduler(r any) string {
	m, _ := r.(map[string]any)
	s, _ := m["scheduler"].(string)
	return s
}

// verifyLeaderboardScenario re-runs one scenario of a leaderboard as
// `leaderboard --scenario ID --seeds N --requests R --scheduler …` and
// compares its tables.
func verifyLeaderboardScenario(v *verification, b *builtinSuite, src leaderboard.ScenarioSource, file *lbFile, genTables []any,
	recorded map[string]string, f verifyFlags) {
	var tables []int
	for i, t := range file.Tables {
		if t.Scenario == src.ID {
			tables = append(tables, i)
		}
	}
	failAll := func(field, want, got, note string) {
		for _, i := range tables {
			t := file.Tables[i]
			for _, r := range t.Rows {
				v.row(check{result: "FAIL", scenario: src.ID, point: t.Point, seed: joinSeeds(t.Seeds), scheduler: r.Scheduler,
					field: field, want: want, got: got, note: note})
			}
		}
	}
	sc, err := b.resolve(src.ID)
	if err != nil {
		v.provenance(check{result: "FAIL", scenario: src.ID, point: "—", seed: "—", scheduler: "—", field: "scenario",
			want: show(src.ID), got: absent, note: "not a built-in scenario: " + err.Error()})
		failAll("scenario", show(src.ID), absent, "not a built-in scenario")
		return
	}
	v.provenance(b.hashCheck(sc, src.Hash))
	v.provenance(seedsCheck(sc, src.Seeds, "—"))
	// The request count: the provenance's, which the operating points'
	// tables repeat. When they disagree the tables' count is re-run (their
	// numbers were computed with it) and the provenance fails.
	requests := src.Requests
	var counts []int
	for _, i := range tables {
		if t := file.Tables[i]; t.Sweep == "" {
			counts = append(counts, t.Requests)
		}
	}
	rc := check{result: "PASS", scenario: src.ID, point: "—", seed: "—", scheduler: "—", field: "requests"}
	if m := mode(counts); len(counts) > 0 && m != src.Requests && occurrences(counts, m) > occurrences(counts, src.Requests) {
		requests = m
		rc.result, rc.want, rc.got = "FAIL", strconv.Itoa(src.Requests), strconv.Itoa(requests)
		rc.note = fmt.Sprintf("provenance.scenarios says %d requests per run, but the operating points' tables were computed with %d; re-run with %d",
			src.Requests, requests, requests)
	} else {
		rc.note = requestsNote(sc, requests)
	}
	if requests <= 0 {
		rc.result, rc.want, rc.note = "FAIL", strconv.Itoa(requests), "a run has at least one request"
		v.provenance(rc)
		failAll("requests", strconv.Itoa(requests), "", "no run has this request count")
		return
	}
	v.provenance(rc)

	// The schedulers, in the order of `--scheduler all` (built-ins in
	// registry order, then plugins): the order the leaderboard breaks exact
	// ties in when it was made with the default list.
	var labels []string
	for _, i := range tables {
		for _, r := range file.Tables[i].Rows {
			if !slices.Contains(labels, r.Scheduler) {
				labels = append(labels, r.Scheduler)
			}
		}
	}
	names := policies.Names()
	regIndex := func(l string) int {
		if matchPlugin(l, f.plugins) != "" {
			return len(names)
		}
		if _, ok := lookupPlugin(l, recorded); ok {
			return len(names)
		}
		base, _, _ := strings.Cut(l, ":")
		if i := slices.Index(names, base); i >= 0 {
			return i
		}
		return len(names)
	}
	sort.SliceStable(labels, func(i, j int) bool { return regIndex(labels[i]) < regIndex(labels[j]) })
	set := resolveSchedulers(v, labels, f.plugins, recorded, src.ID)

	var rerun map[string]any
	if len(set.jobs) > 0 {
		lf := leaderboardFlags{seeds: len(src.Seeds), requests: requests, workers: f.workers}
		lb, err := computeLeaderboard([]*suite.Scenario{sc}, lf, set.jobs)
		if err != nil {
			failAll("(re-run)", "", "", "the re-run failed: "+err.Error())
			return
		}
		var buf bytes.Buffer
		if err := leaderboard.WriteJSON(&buf, lb.board); err != nil {
			failAll("(re-run)", "", "", "the re-run failed: "+err.Error())
			return
		}
		doc, err := decodeJSON(buf.Bytes())
		if err != nil {
			panic(err) // written just above
		}
		rerun = doc.(map[string]any)
	}
	rerunTables, _ := rerun["tables"].([]any)
	byPoint := map[string]map[string]any{}
	var pointOrder []string
	for _, t := range rerunTables {
		m := t.(map[string]any)
		p, _ := m["point"].(string)
		byPoint[p] = m
		pointOrder = append(pointOrder, p)
	}
	seen := map[string]bool{}
	for _, i := range tables {
		t := file.Tables[i]
		ft := genTables[i].(map[string]any)
		seedCol := joinSeeds(t.Seeds)
		et, ok := byPoint[t.Point]
		if !ok || seen[t.Point] {
			note := fmt.Sprintf("not an operating point or sweep point of %s", src.ID)
			if seen[t.Point] {
				note = "a second table of this point"
			}
			if len(set.jobs) == 0 {
				note = "nothing of this scenario could be re-run"
			}
			for _, r := range t.Rows {
				v.row(check{result: "FAIL", scenario: src.ID, point: t.Point, seed: seedCol, scheduler: r.Scheduler,
					field: "point", want: show(t.Point), got: absent, note: note})
			}
			continue
		}
		seen[t.Point] = true
		// The table's own fields.
		fh, eh := withoutRows(ft), withoutRows(et)
		if c := compareRow(check{scenario: src.ID, point: t.Point, seed: seedCol, scheduler: "(table)"}, fh, eh); c.result == "FAIL" {
			if c.field == "scenario_hash" {
				h, _ := ft["scenario_hash"].(string)
				c.note = joinNote(b.hashCheck(sc, h).note, c.note)
			}
			v.row(c)
		}
		// Its rows, by scheduler.
		erows := map[string]any{}
		for _, r := range genRows(et) {
			erows[rowScheduler(r)] = r
		}
		rowSeen := map[string]bool{}
		for _, r := range genRows(ft) {
			name := rowScheduler(r)
			c := check{scenario: src.ID, point: t.Point, seed: seedCol, scheduler: name}
			e, ok := erows[name]
			switch {
			case set.problem[name] != "":
				c.result, c.field, c.want, c.got, c.note = "FAIL", "scheduler", show(name), absent, set.problem[name]
			case !ok || rowSeen[name]:
				c.result, c.field, c.want, c.got, c.note = "FAIL", "(row)", "a row", absent, "the re-run has no such row (a duplicate?)"
			default:
				c = compareRow(c, r, e)
			}
			rowSeen[name] = true
			v.row(c)
		}
		for _, r := range genRows(et) {
			if name := rowScheduler(r); !rowSeen[name] {
				v.row(check{result: "FAIL", scenario: src.ID, point: t.Point, seed: seedCol, scheduler: name,
					field: "(row)", want: absent, got: "a row", note: "missing from the file"})
			}
		}
	}
	for _, p := range pointOrder {
		if !seen[p] {
			v.row(check{result: "FAIL", scenario: src.ID, point: p, seed: joinSeeds(src.Seeds), scheduler: "(table)",
				field: "(table)", want: absent, got: "a table", note: "missing from the file: the leaderboard ranks every operating and sweep point"})
		}
	}
}

func withoutRows(t map[string]any) map[string]any {
	out := make(map[string]any, len(t))
	for k, x := range t {
		if k != "rows" {
			out[k] = x
		}
	}
	return out
}

// ---- output ----

func writeVerification(w io.Writer, path string, header []string, v *verification, onlyFailures bool) error {
	var buf bytes.Buffer
	fmt.Fprintf(&buf, "Verifying %s\n", path)
	for _, h := range header {
		fmt.Fprintf(&buf, "  %s\n", h)
	}
	all := slices.Concat(v.prov, v.rows)
	failedN, rowsN := 0, 0
	for _, c := range all {
		if c.result != "NOTE" {
			rowsN++
		}
		if c.result == "FAIL" {
			failedN++
		}
	}
	tw := tabwriter.NewWriter(&buf, 0, 0, 2, ' ', 0)
	if !onlyFailures || failedN > 0 {
		buf.WriteString("\n")
		fmt.Fprintln(tw, "RESULT\tSCENARIO\tPOINT\tSEED\tSCHEDULER\tFIELD\tWANT (file)\tGOT (re-run)\tNOTE")
	}
	for _, c := range all {
		if onlyFailures && c.result != "FAIL" {
			continue
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", c.result, c.scenario, c.point, c.seed, c.scheduler,
			c.field, c.want, c.got, c.note)
	}
	tw.Flush()
	trimmed := strings.ReplaceAll(buf.String(), " \n", "\n")
	for strings.Contains(trimmed, " \n") {
		trimmed = strings.ReplaceAll(trimmed, " \n", "\n")
	}
	buf.Reset()
	buf.WriteString(trimmed)
	tol := fmt.Sprintf("floats within %g relative or %g absolute; counts, seeds, rates and SLO multipliers exactly", verifyRelTol, verifyAbsTol)
	if failedN == 0 {
		fmt.Fprintf(&buf, "\nPASS: all %d checks reproduce (%s).\n", rowsN, tol)
	} else {
		fmt.Fprintf(&buf, "\nFAIL: %d of %d checks do not reproduce (%s).\n", failedN, rowsN, tol)
	}
	if _, err := w.Write(buf.Bytes()); err != nil {
		return err
	}
	if failedN > 0 {
		return &exitError{code: 1, err: fmt.Errorf("verify %s: %d of %d checks do not reproduce", path, failedN, rowsN)}
	}
	return nil
}
