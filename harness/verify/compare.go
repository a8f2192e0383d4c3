package verify

import (
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"sort"
	"strconv"
)

// Tolerances of verify. Results are deterministic, so on one machine they
// reproduce bit for bit; the float tolerance only absorbs last-bit
// differences between architectures (fused multiply-add, libm), as in the
// golden tests (golden/golden_test.go).
const (
	// RelTol is the relative tolerance on float values: metrics, means,
	// interval bounds, paired differences, p-values.
	RelTol = 1e-9
	// AbsTol is the absolute tolerance on float values near zero.
	AbsTol = 1e-12
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
	return d <= AbsTol || d <= RelTol*math.Max(math.Abs(x), math.Abs(y))
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
func compareRow(c Finding, want, got any) Finding {
	var diffs []fieldDiff
	diffJSON("", "", want, got, &diffs)
	if len(diffs) == 0 {
		c.Result = Pass
		return c
	}
	d := diffs[0]
	c.Result, c.Field, c.Want, c.Got = Fail, d.field, d.want, d.got
	if d.field == "accelerator" {
		c.Note = joinNote(c.Note, "latencies from an accelerator plugin (run --accelerator-plugin), not the scenario's reference model, which is what verify re-runs")
	}
	if len(diffs) > 1 {
		c.Note = joinNote(c.Note, fmt.Sprintf("%d more field(s) differ", len(diffs)-1))
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
