package trace_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/sparsebench/sparsebench/hardware/catalogue"
	"github.com/sparsebench/sparsebench/harness"
	"github.com/sparsebench/sparsebench/harness/trace"
	"github.com/sparsebench/sparsebench/harness/workload"
	"github.com/sparsebench/sparsebench/plugins/policies"
	"github.com/sparsebench/sparsebench/plugins/scheduler"
)

// ---------------------------------------------------------------- Derive

func TestDeriveKnownAnswer(t *testing.T) {
	cat := &catalogue.Catalogue{Models: []catalogue.Model{
		{Name: "a/v0", Family: "a", Samples: []catalogue.Sample{
			{Latency: []float64{1, 2}, Sparsity: []float64{0.5, 0.25}},
			{Latency: []float64{3, 2}, Sparsity: []float64{0.25, 0.75}},
		}},
		{Name: "b/v0", Family: "b", Samples: []catalogue.Sample{
			{Latency: []float64{4, 4, 4}, Sparsity: []float64{0, 0, 0.5}},
		}},
		{Name: "a/v1", Family: "a", Samples: []catalogue.Sample{
			{Latency: []float64{2, 8}, Sparsity: []float64{0, 0.5}},
		}},
	}}
	if err := cat.Derive(); err != nil {
		t.Fatal(err)
	}
	// a/v0: avg_lat = [(1+3)/2, (2+2)/2] = [2, 2]; avg_sp = [0.375, 0.5]
	// a/v1: avg_lat = [2, 8]; avg_sp = [0, 0.5]
	// family a, every sample weighted alike (3 samples, not 2 variants):
	//   avg_lat_family = [(1+3+2)/3, (2+2+8)/3] = [2, 4]
	//   (the mean of the variant means would give [2, 5])
	//   slo_base = mean isolated latency = (3 + 5 + 10)/3 = 6 (variant means: 7)
	// b/v0: avg_lat = family = [4, 4, 4]; avg_sp [0, 0, 0.5]; slo_base 12
	type derived struct {
		Avg, Fam, Sp []float64
		SLO          float64
	}
	want := []derived{
		{[]float64{2, 2}, []float64{2, 4}, []float64{0.375, 0.5}, 6},
		{[]float64{4, 4, 4}, []float64{4, 4, 4}, []float64{0, 0, 0.5}, 12},
		{[]float64{2, 8}, []float64{2, 4}, []float64{0, 0.5}, 6},
	}
	var got []derived
	for _, m := range cat.Models {
		got = append(got, derived{m.AvgLatency, m.FamilyAvgLatency, m.AvgSparsity, m.SLOBase})
	}
	if diff := cmp.Diff(want, got, cmpopts.EquateApprox(0, 1e-12)); diff != "" {
		t.Errorf("derived tables (-want +got):\n%s", diff)
	}
	// Variants of a family get their own copy of the family table.
	cat.Models[0].FamilyAvgLatency[0] = 99
	if cat.Models[2].FamilyAvgLatency[0] == 99 {
		t.Errorf("variants of a family share one FamilyAvgLatency slice")
	}
	if diff := cmp.Diff([]string{"a", "b"}, cat.Families()); diff != "" {
		t.Errorf("Families (-want +got):\n%s", diff)
	}
	if i := cat.Index("a/v1"); i != 2 {
		t.Errorf("Index(a/v1) = %d", i)
	}
	if i := cat.Index("nope"); i != -1 {
		t.Errorf("Index(nope) = %d", i)
	}
	if got := cat.Models[0].IsolatedLatency(1); got != 5 {
		t.Errorf("IsolatedLatency = %g, want 5", got)
	}
}

func TestDeriveErrors(t *testing.T) {
	s := func(lat, sp []float64) catalogue.Sample { return catalogue.Sample{Latency: lat, Sparsity: sp} }
	cases := []struct {
		name   string
		models []catalogue.Model
		want   string
	}{
		{"no samples", []catalogue.Model{{Name: "x", Family: "f"}}, "models[0] (x): no samples"},
		{"no layers", []catalogue.Model{{Name: "x", Family: "f", Samples: []catalogue.Sample{s(nil, nil)}}}, "models[0] (x): samples[0] has no layers"},
		{"sample shape", []catalogue.Model{{Name: "x", Family: "f", Samples: []catalogue.Sample{
			s([]float64{1, 1}, []float64{0, 0}), s([]float64{1, 1}, []float64{0})}}},
			"models[0] (x): samples[1] has 2 latencies and 1 sparsities, want 2 of each"},
		{"family layers", []catalogue.Model{
			{Name: "x", Family: "f", Samples: []catalogue.Sample{s([]float64{1, 1}, []float64{0, 0})}},
			{Name: "y", Family: "f", Samples: []catalogue.Sample{s([]float64{1}, []float64{0})}}},
			"models[1] (y): 1 layers, but family f has 2"},
	}
	for _, c := range cases {
		cat := &catalogue.Catalogue{Models: c.models}
		if err := cat.Derive(); err == nil || err.Error() != c.want {
			t.Errorf("%s: Derive = %v, want %q", c.name, err, c.want)
		}
	}
}

// The hand-written example trace stores tables that are those Derive
// computes from its samples.
func TestHandwrittenTraceTablesAreDerived(t *testing.T) {
	tr, err := trace.ReadFile(filepath.Join("testdata", "handwritten.json"))
	if err != nil {
		t.Skipf("no example trace: %v", err)
	}
	stored := tr.Catalogue
	derived := catalogue.Catalogue{Models: append([]catalogue.Model(nil), stored.Models...)}
	for i := range derived.Models {
		m := &derived.Models[i]
		m.AvgLatency, m.FamilyAvgLatency, m.AvgSparsity, m.SLOBase = nil, nil, nil, 0
	}
	if err := derived.Derive(); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(stored, derived, cmpopts.EquateApprox(0, 1e-12)); diff != "" {
		t.Errorf("stored tables differ from derived ones (-stored +derived):\n%s", diff)
	}
}

// ---------------------------------------------------------------- round trip

func TestTraceRoundTrip(t *testing.T) {
	cat := workload.Synthetic{Families: 2, Variants: 3, Samples: 4, Layers: 5, Scale: 0.3, Seed: 4}.Build()
	reqs, err := workload.Generate(cat, workload.Workload{Requests: 200, Rate: 3, Burstiness: 1.5, SLOMult: 10, Seed: 9})
	if err != nil {
		t.Fatal(err)
	}
	want := &trace.Trace{Catalogue: *cat, Requests: reqs}
	var buf bytes.Buffer
	n, err := want.WriteTo(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if n != int64(buf.Len()) {
		t.Errorf("WriteTo reported %d bytes, wrote %d", n, buf.Len())
	}
	if !bytes.HasPrefix(buf.Bytes(), []byte(`{"format": "sparsebench-trace/1",`)) {
		t.Errorf("trace starts with %q", buf.String()[:40])
	}
	// one model and one request per line
	if lines := bytes.Count(buf.Bytes(), []byte("\n")); lines != 5+len(cat.Models)+len(reqs) {
		t.Errorf("%d lines for %d models and %d requests", lines, len(cat.Models), len(reqs))
	}
	got, err := trace.Parse("rt.json", buf.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("round trip (-written +read):\n%s", diff)
	}
	// The same through a file.
	path := filepath.Join(t.TempDir(), "t.json")
	if err := want.WriteFile(path); err != nil {
		t.Fatal(err)
	}

	got, err = trace.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("file round trip (-written +read):\n%s", diff)
	}
	// Replaying the read trace gives the same outcome as the original.
	mustPolicy := func(t *testing.T, name string) scheduler.Scheduler {
		e, ok := policies.Lookup(name)
		if !ok {
			t.Fatalf("no policy %s", name)
		}
		return e.New(policies.Defaults())
	}
	a, err := harness.Run(cat, reqs, mustPolicy(t, "dysta"), harness.Options{})
	if err != nil {
		t.Fatal(err)
	}
	b, err := harness.Run(&got.Catalogue, got.Requests, mustPolicy(t, "dysta"), harness.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(a, b); diff != "" {
		t.Errorf("replay differs (-original +replayed):\n%s", diff)
	}
	if _, err := trace.ReadFile(filepath.Join(t.TempDir(), "missing.json")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("ReadFile(missing) = %v, want a not-exist error", err)
	}
}

// ---------------------------------------------------------------- bad input

// baseTrace is a valid trace: models a/v0 (family a, 3 layers, 2 samples),
// a/v1 (family a, 1 sample), b/v0 (family b, 2 layers, 2 samples), and 20
// requests, so that paths such as requests[17] exist.
func baseTrace(t *testing.T) map[string]any {
	t.Helper()
	cat := &catalogue.Catalogue{Models: []catalogue.Model{
		{Name: "a/v0", Family: "a", Samples: []catalogue.Sample{
			{Latency: []float64{0.1, 0.2, 0.1}, Sparsity: []float64{0.5, 0.5, 0.5}},
			{Latency: []float64{0.1, 0.1, 0.1}, Sparsity: []float64{0.25, 0.5, 0.75}},
		}},
		{Name: "a/v1", Family: "a", Samples: []catalogue.Sample{
			{Latency: []float64{0.05, 0.1, 0.05}, Sparsity: []float64{0.5, 0, 0.5}},
		}},
		{Name: "b/v0", Family: "b", Samples: []catalogue.Sample{
			{Latency: []float64{0.3, 0.1}, Sparsity: []float64{0.5, 0.5}},
			{Latency: []float64{0.2, 0.2}, Sparsity: []float64{0.5, 0.5}},
		}},
	}}
	if err := cat.Derive(); err != nil {
		t.Fatal(err)
	}
	tr := &trace.Trace{Catalogue: *cat}
	for i := 0; i < 20; i++ {
		a := float64(i) * 0.25
		tr.Requests = append(tr.Requests, workload.Request{Arrival: a, Model: i % 3, Sample: 0, Priority: 1, Deadline: a + 2})
	}
	var buf bytes.Buffer
	if _, err := tr.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	if _, err := trace.Parse("base.json", buf.Bytes()); err != nil {
		t.Fatalf("base trace is invalid: %v", err)
	}
	d := json.NewDecoder(&buf)
	d.UseNumber()
	var doc map[string]any
	if err := d.Decode(&doc); err != nil {
		t.Fatal(err)
	}
	return doc
}

var pathStep = regexp.MustCompile(`([a-z_]+)|\[(\d+)\]`)

// edit sets (or, with del, removes) the value at a JSON path such as
// models[0].samples[1].latency_s[2].
func edit(t *testing.T, doc map[string]any, path string, val any, del bool) {
	t.Helper()
	steps := pathStep.FindAllStringSubmatch(path, -1)
	var cur any = doc
	for i, s := range steps {
		last := i == len(steps)-1
		if s[1] != "" {
			m := cur.(map[string]any)
			if last {
				if del {
					delete(m, s[1])
				} else {
					m[s[1]] = val
				}
				return
			}
			cur = m[s[1]]
			continue
		}
		k, _ := strconv.Atoi(s[2])
		a := cur.([]any)
		if last {
			if del {
				t.Fatalf("edit: cannot delete array element %s", path)
			}
			a[k] = val
			return
		}
		cur = a[k]
	}
}

func encode(t *testing.T, doc map[string]any) []byte {
	t.Helper()
	b, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func raw(s string) json.RawMessage { return json.RawMessage(s) }

func TestParseTraceBadInput(t *testing.T) {
	type change struct {
		path string
		val  any
		del  bool
	}
	set := func(path string, val any) change { return change{path: path, val: val} }
	drop := func(path string) change { return change{path: path, del: true} }
	cases := []struct {
		name    string
		changes []change
		path    string // the JSON path the message must name
		msg     string // and a piece of what was expected
	}{
		// format
		{"missing format", []change{drop("format")}, "format", `missing; want "sparsebench-trace/1"`},
		{"unknown format", []change{set("format", "sparsebench-trace/2")}, "format", `unknown format "sparsebench-trace/2"`},
		{"format not a string", []change{set("format", 1)}, "format", "string"},
		// models
		{"missing models", []change{drop("models")}, "models", "at least one model"},
		{"empty models", []change{set("models", []any{})}, "models", "at least one model"},
		{"models not an array", []change{set("models", map[string]any{})}, "models", "array"},
		{"missing name", []change{drop("models[1].name")}, "models[1].name", "missing"},
		{"empty name", []change{set("models[1].name", "")}, "models[1].name", "missing"},
		{"duplicate name", []change{set("models[2].name", "a/v0")}, "models[2].name", `"a/v0" repeats models[0].name`},
		{"missing family", []change{drop("models[0].family")}, "models[0].family", "missing"},
		{"missing samples", []change{drop("models[2].samples")}, "models[2].samples", "at least one sample"},
		{"empty samples", []change{set("models[2].samples", []any{})}, "models[2].samples", "at least one sample"},
		{"missing latencies", []change{drop("models[0].samples[0].latency_s")}, "models[0].samples[0].latency_s", "one latency per layer"},
		{"missing sparsity", []change{drop("models[0].samples[1].sparsity")}, "models[0].samples[1].sparsity", "0 entries; want 3"},
		{"negative latency", []change{set("models[0].samples[1].latency_s[2]", -0.1)}, "models[0].samples[1].latency_s[2]", "-0.1; want a number in [0, 1e+06]"},
		{"huge latency", []change{set("models[0].samples[1].latency_s[2]", raw("1e999"))}, "models[0].samples[1].latency_s[2]", "1e999"},
		{"latency not a number", []change{set("models[0].samples[1].latency_s[2]", "fast")}, "models[0].samples[1].latency_s[2]", "number"},
		{"zero isolated latency", []change{set("models[2].samples[1].latency_s", []any{0, 0})}, "models[2].samples[1].latency_s", "isolated latency is 0"},
		{"sparsity 1", []change{set("models[0].samples[0].sparsity[1]", 1)}, "models[0].samples[0].sparsity[1]", "1; want [0, 1)"},
		{"sparsity above 1", []change{set("models[0].samples[0].sparsity[1]", 1.5)}, "models[0].samples[0].sparsity[1]", "1.5; want [0, 1)"},
		{"negative sparsity", []change{set("models[2].samples[0].sparsity[0]", -0.25)}, "models[2].samples[0].sparsity[0]", "-0.25; want [0, 1)"},
		{"huge sparsity", []change{set("models[2].samples[0].sparsity[0]", raw("-1e999"))}, "models[2].samples[0].sparsity[0]", "1e999"},
		{"avg sparsity 1", []change{set("models[1].avg_sparsity[0]", 1)}, "models[1].avg_sparsity[0]", "want [0, 1)"},
		{"negative avg latency", []change{set("models[1].avg_latency_s[2]", -1)}, "models[1].avg_latency_s[2]", "-1; want a number in [0, 1e+06]"},
		{"subnormal family estimate", []change{set("models[1].family_avg_latency_s[0]", 1e-310)}, "models[1].family_avg_latency_s[0]", "1e-310; want an estimate of at least 1e-12 s"},
		{"layer latency outside the numeric domain", []change{set("models[0].samples[1].latency_s[0]", 2e6)}, "models[0].samples[1].latency_s[0]", "2e+06; want a number in [0, 1e+06]"},
		{"negative family latency", []change{set("models[0].family_avg_latency_s[0]", -2)}, "models[0].family_avg_latency_s[0]", "-2"},
		// layer-count mismatches
		{"sample with more layers", []change{set("models[0].samples[1].latency_s", []any{0.1, 0.1, 0.1, 0.1})}, "models[0].samples[1].latency_s", "4 entries; want 3"},
		{"sparsity with fewer layers", []change{set("models[2].samples[1].sparsity", []any{0.5})}, "models[2].samples[1].sparsity", "1 entries; want 2"},
		{"avg table length", []change{set("models[0].avg_latency_s", []any{0.1, 0.1})}, "models[0].avg_latency_s", "2 entries; want 3"},
		{"missing avg table", []change{drop("models[1].family_avg_latency_s")}, "models[1].family_avg_latency_s", "0 entries; want 3"},
		{"missing avg sparsity", []change{drop("models[2].avg_sparsity")}, "models[2].avg_sparsity", "0 entries; want 2"},
		{"family layer count", []change{
			set("models[1].samples[0].latency_s", []any{0.1, 0.1}), set("models[1].samples[0].sparsity", []any{0.5, 0.5})},
			"models[1].samples[0].latency_s", `2 layers, but family "a" has 3`},
		// SLO base
		{"missing slo base", []change{drop("models[2].slo_base_s")}, "models[2].slo_base_s", "missing"},
		{"preemption cost outside the numeric domain", []change{set("preemption_cost_s", 2e6)}, "preemption_cost_s", "2e+06; want seconds in [0, 1e+06]"},
		{"negative preemption cost", []change{set("preemption_cost_s", -1)}, "preemption_cost_s", "-1; want seconds in [0, 1e+06]"},
		{"zero slo base", []change{set("models[2].slo_base_s", 0)}, "models[2].slo_base_s", "want a finite number > 0"},
		{"negative slo base", []change{set("models[2].slo_base_s", -0.5)}, "models[2].slo_base_s", "-0.5; want a finite number > 0"},
		{"huge slo base", []change{set("models[2].slo_base_s", raw("1e999"))}, "models[2].slo_base_s", "1e999"},
		// requests
		{"missing requests", []change{drop("requests")}, "requests", "at least one request"},
		{"empty requests", []change{set("requests", []any{})}, "requests", "at least one request"},
		{"missing arrival", []change{drop("requests[17].arrival_s")}, "requests[17].arrival_s", "missing"},
		{"negative arrival", []change{set("requests[0].arrival_s", -1)}, "requests[0].arrival_s", "-1; want a number in [0, 1e+09]"},
		{"unsorted arrivals", []change{set("requests[17].arrival_s", 1)}, "requests[17].arrival_s", "1 is before requests[16].arrival_s = 4; requests must be sorted by arrival"},
		{"huge arrival", []change{set("requests[17].arrival_s", raw("1e999"))}, "requests[17].arrival_s", "1e999"},
		{"arrival outside the numeric domain", []change{set("requests[0].arrival_s", 2e9)}, "requests[0].arrival_s", "2e+09; want a number in [0, 1e+09]"},
		{"arrival not a number", []change{set("requests[17].arrival_s", "soon")}, "requests[17].arrival_s", "number"},
		{"missing model", []change{drop("requests[3].model")}, "requests[3].model", "missing"},
		{"unknown model", []change{set("requests[3].model", "c/v0")}, "requests[3].model", `unknown model "c/v0"`},
		{"model by index", []change{set("requests[3].model", 2)}, "requests[3].model", "string"},
		{"missing sample", []change{drop("requests[5].sample")}, "requests[5].sample", "missing"},
		{"negative sample", []change{set("requests[5].sample", -1)}, "requests[5].sample", "-1 is out of range"},
		{"sample out of range", []change{set("requests[5].sample", 2)}, "requests[5].sample", `2 is out of range; model "b/v0" has samples 0..1`},
		{"sample out of range, one sample", []change{set("requests[4].sample", 1)}, "requests[4].sample", `model "a/v1" has samples 0..0`},
		{"fractional sample", []change{set("requests[5].sample", 1.5)}, "requests[5].sample", "integer"},
		{"missing priority", []change{drop("requests[19].priority")}, "requests[19].priority", "missing"},
		{"zero priority", []change{set("requests[19].priority", 0)}, "requests[19].priority", "0; want a positive integer"},
		{"negative priority", []change{set("requests[19].priority", -3)}, "requests[19].priority", "-3; want a positive integer"},
		{"huge priority", []change{set("requests[19].priority", raw("1e999"))}, "requests[19].priority", "1e999"},
		{"missing deadline", []change{drop("requests[2].deadline_s")}, "requests[2].deadline_s", "missing"},
		{"deadline before arrival", []change{set("requests[2].deadline_s", 0.25)}, "requests[2].deadline_s", "0.25; want an absolute time ≥ arrival_s (0.5)"},
		{"negative deadline", []change{set("requests[2].deadline_s", -1)}, "requests[2].deadline_s", "-1"},
		{"huge deadline", []change{set("requests[2].deadline_s", raw("1e999"))}, "requests[2].deadline_s", "1e999"},
		{"deadline outside the numeric domain", []change{set("requests[2].deadline_s", 3e9)}, "requests[2].deadline_s", "3e+09; want an absolute time ≤ 1e+09 s"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			doc := baseTrace(t)
			for _, ch := range c.changes {
				edit(t, doc, ch.path, ch.val, ch.del)
			}
			checkTraceError(t, encode(t, doc), c.path, c.msg)
		})
	}
}

// checkTraceError parses data as "bad.json" and checks the error names
// the file and exactly the path (no longer or shorter one), and says what
// was expected.
func checkTraceError(t *testing.T, data []byte, path, msg string) {
	t.Helper()
	tr, err := trace.Parse("bad.json", data)
	if err == nil {
		t.Fatalf("Parse accepted it: %d requests", len(tr.Requests))
	}
	var te *trace.Error
	if !errors.As(err, &te) {
		t.Fatalf("error %q is a %T, want a *trace.Error", err, err)
	}
	if te.File != "bad.json" || te.Path != path {
		t.Errorf("Error{File: %q, Path: %q}, want {bad.json, %q}\n  message: %s", te.File, te.Path, path, err)
	}
	prefix := "bad.json: "
	if path != "" {
		prefix += path + ": "
	}
	if got := err.Error(); !strings.HasPrefix(got, prefix) || !strings.Contains(got, msg) {
		t.Errorf("message\n  %s\nwant it to start with %q and contain %q", got, prefix, msg)
	}
}

func TestParseTraceNotJSON(t *testing.T) {
	cases := []struct{ name, data, msg string }{
		{"empty", ``, "not valid JSON"},
		{"truncated", `{"format": "sparsebench-trace/1", "models": [`, "not valid JSON"},
		{"garbage after", `{"format": "sparsebench-trace/1"} x`, "not valid JSON"},
		{"trailing comma", "{\"format\": \"sparsebench-trace/1\",\n}", "line 2, column 1:"},
		// The column is that of the offending byte: the x is the 12th.
		{"bad value", `{"models": x}`, "line 1, column 12: not valid JSON"},
		{"not an object", `[1, 2]`, "want an object"},
		{"a string", `"trace"`, "want an object"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) { checkTraceError(t, []byte(c.data), "", c.msg) })
	}
	// null decodes to an empty object: the first missing field is reported.
	checkTraceError(t, []byte("null"), "format", "missing")
}

// Fields the format does not know are ignored (later versions may add some).
func TestParseTraceIgnoresExtraFields(t *testing.T) {
	doc := baseTrace(t)
	edit(t, doc, "generator", "sparsebench vX", false)
	edit(t, doc, "models[0].pattern", "N:M", false)
	edit(t, doc, "requests[3].note", "x", false)
	if _, err := trace.Parse("extra.json", encode(t, doc)); err != nil {
		t.Errorf("extra fields rejected: %v", err)
	}
}

func TestTraceErrorFormat(t *testing.T) {
	e := &trace.Error{File: "f.json", Path: "requests[17].arrival_s", Msg: "missing"}
	if got, want := e.Error(), "f.json: requests[17].arrival_s: missing"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	e.Path = ""
	if got, want := e.Error(), "f.json: missing"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
}
