package verify

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"
)

// decoded is a JSON text decoded as verify decodes files.
func decoded(t *testing.T, text string) any {
	t.Helper()
	v, err := decodeJSON([]byte(text))
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func TestScalarTolerances(t *testing.T) {
	for _, tc := range []struct {
		key, a, b string
		equal     bool
	}{
		{"antt", "1", "1.0000000005", true},   // 5e-10 relative
		{"antt", "1", "1.000000002", false},   // 2e-9 relative
		{"antt", "1e6", "1000000.0009", true}, // 9e-10 relative
		{"antt", "0", "1e-13", true},          // absolute near zero
		{"antt", "0", "1e-11", false},         // beyond AbsTol
		{"seed", "1", "1.0000000001", false},  // inputs of a run: exactly
		{"requests", "60", "60.0", true},      // exactly, as numbers
		{"rate", "3", "3.0000000001", false},  // exactly
		{"preemptions", "7", "8", false},      // counts exactly
		{"scheduler", `"edf"`, `"edf"`, true}, // strings
		{"scheduler", `"edf"`, `"fcfs"`, false},
		{"oracle", "true", "false", false},
		{"oracle", "null", "null", true},
	} {
		a, b := decoded(t, tc.a), decoded(t, tc.b)
		if got := scalarEqual(tc.key, a, b); got != tc.equal {
			t.Errorf("scalarEqual(%s, %s, %s) = %v, want %v", tc.key, tc.a, tc.b, got, tc.equal)
		}
	}
}

// compareRow reports the first difference in fieldOrder (provenance before
// numbers), counts the others, skips wall-clock fields and does not compare
// the messages of two failures.
func TestCompareRowNamesFirstDifference(t *testing.T) {
	want := decoded(t, `{"stp": 1, "antt": 2, "scenario": "x", "error": "boom", "decide_ns_per_decision": 5, "seeds": [1, 3]}`)
	got := decoded(t, `{"stp": 2, "antt": 2, "scenario": "y", "error": "other", "decide_ns_per_decision": 9, "seeds": [1, 2]}`)
	c := compareRow(Finding{Scheduler: "edf"}, want, got)
	if c.Result != Fail || c.Field != "scenario" || c.Want != `"x"` || c.Got != `"y"` || c.Note != "2 more field(s) differ" {
		t.Errorf("compareRow = %+v, want a FAIL on scenario, \"x\" vs \"y\", 2 more fields (seeds, stp)", c)
	}
	var diffs []fieldDiff
	diffJSON("", "", want, got, &diffs)
	if len(diffs) != 3 || diffs[1] != (fieldDiff{"seeds", "[1,3]", "[1,2]"}) || diffs[2] != (fieldDiff{"stp", "1", "2"}) {
		t.Errorf("diffs = %+v, want scenario, then seeds as a whole array, then stp", diffs)
	}

	// Nested paths, absent fields on either side.
	diffs = nil
	diffJSON("", "", decoded(t, `{"metrics": {"antt": {"mean": 1, "lo": 0}}, "rows": [{"rank": 1}]}`),
		decoded(t, `{"metrics": {"antt": {"mean": 1, "hi": 2}}, "rows": [{"rank": 2}]}`), &diffs)
	wantDiffs := []fieldDiff{{"metrics.antt.lo", "0", absent}, {"metrics.antt.hi", absent, "2"}, {"rows[0].rank", "1", "2"}}
	if len(diffs) != len(wantDiffs) {
		t.Fatalf("diffs = %+v, want %+v", diffs, wantDiffs)
	}
	for i := range diffs {
		if diffs[i] != wantDiffs[i] {
			t.Errorf("diff %d = %+v, want %+v", i, diffs[i], wantDiffs[i])
		}
	}

	if c := compareRow(Finding{}, want, want); c.Result != Pass || c.Field != "" {
		t.Errorf("a row against itself: %+v, want PASS", c)
	}
	acc := compareRow(Finding{}, decoded(t, `{"accelerator": "plugin x"}`), decoded(t, `{}`))
	if acc.Field != "accelerator" || !strings.Contains(acc.Note, "accelerator plugin") {
		t.Errorf("an accelerator plugin's row: %+v, want a note that verify re-runs the reference model", acc)
	}
}

func TestShow(t *testing.T) {
	hash := strings.Repeat("ab", 32)
	long := strings.Repeat("x", 60)
	for _, tc := range []struct {
		v    any
		want string
	}{
		{nil, "null"},
		{decoded(t, "1.50"), "1.50"}, // as written
		{hash, "abababababab…"},
		{"edf", `"edf"`},
		{long, `"` + strings.Repeat("x", 46) + "…"}, // 48 runes
		{decoded(t, `[1, 2]`), "[1,2]"},
	} {
		if got := show(tc.v); got != tc.want {
			t.Errorf("show(%v) = %q, want %q", tc.v, got, tc.want)
		}
	}
}

func TestMode(t *testing.T) {
	if got := mode([]int{3, 1, 3, 1, 2}); got != 3 {
		t.Errorf("mode = %d, want 3 (first seen of the tied)", got)
	}
	if got := mode([]int{5, 7, 7}); got != 7 {
		t.Errorf("mode = %d, want 7", got)
	}
	if got := mode([]int(nil)); got != 0 {
		t.Errorf("mode of nothing = %d, want 0", got)
	}
	if got := occurrences([]int{5, 7, 7}, 7); got != 2 {
		t.Errorf("occurrences = %d, want 2", got)
	}
}

// Rows are matched to --plugin paths by the declared identity first, then
// (files written before identities) by path and by file name.
func TestMatchPlugin(t *testing.T) {
	set := func(paths ...string) *pluginSet {
		ps := &pluginSet{}
		for i, p := range paths {
			ps.list = append(ps.list, &openedPlugin{path: p, label: fmt.Sprintf("%s@%d", filepath.Base(p), i)})
		}
		return ps
	}
	plugins := set("/a/llf", "/b/llf", "/c/edf")
	path := func(p *openedPlugin) string {
		if p == nil {
			return ""
		}
		return p.path
	}
	for label, want := range map[string]string{"llf@1": "/b/llf", "/b/llf": "/b/llf", "llf": "/a/llf", "edf": "/c/edf", "edf@2": "/c/edf", "fcfs": "", "llf@7": ""} {
		if got := path(plugins.match(label)); got != want {
			t.Errorf("match(%q) = %q, want %q", label, got, want)
		}
	}
	if err := unusedPlugins(set("/c/edf", "/d/sjf"), []string{"edf", "fcfs"}); err == nil ||
		!strings.Contains(err.Error(), `--plugin /d/sjf: no row of the file is labelled "sjf@1"`) {
		t.Errorf("unusedPlugins: %v", err)
	}
}
