package leaderboard

import (
	"bytes"
	"flag"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/sparsebench/sparsebench/harness/stats"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// res builds a result with the given per-seed violation rates and ANTTs;
// STP and p99 NTT are derived so every metric has values.
func res(name string, oracle bool, vr, antt []float64) Result {
	r := Result{Scheduler: name, Oracle: oracle}
	r.Values[ViolationRate] = vr
	r.Values[ANTT] = antt
	for _, a := range antt {
		r.Values[STP] = append(r.Values[STP], 30-a)
		r.Values[P99NTT] = append(r.Values[P99NTT], 4*a)
	}
	return r
}

// knownPoint is a hand-made point with three seeds. The expected ranks:
//
//   - a: best mean violation rate (2%): rank 1.
//   - b: 2.67%; per-seed differences from a {1, 0, 1} points: mean 0.667,
//     s = 0.577, t = 2.0 with 2 df, p = 1 − 2/√6 = 0.1835 > 0.05: shares rank 1.
//   - c: 11%; differences from b {8, 9, 8}: t = 25, p ≈ 0.0016: rank 3.
//   - d: the same violation rates as c on every seed, so ANTT decides:
//     differences {1.0, 1.1, 0.9}, t = 17.3, p ≈ 0.0033: rank 4.
//   - e: the same violation rates as d, ANTT differences {0, 0.15, −0.05}:
//     mean 0.033, s = 0.104, t = 0.55, p ≈ 0.63: shares rank 4.
//   - o and o2 are oracles, listed apart, o first; f failed.
//
// Gap of a to o: differences {1, 2, 2} points, mean 1.667, s = 0.577,
// h = 4.303·0.577/√3 = 1.434.
func knownPoint() PointResults {
	return PointResults{
		Scenario: "toy@v1", ScenarioHash: "0123456789abcdef0123", Point: "busy", Rate: 30, Utilisation: 1.25, SLOMult: 10,
		Requests: 100, Seeds: []uint64{1, 2, 3},
		Results: []Result{
			res("e", false, []float64{0.10, 0.11, 0.12}, []float64{3.0, 3.35, 3.05}),
			res("c", false, []float64{0.10, 0.11, 0.12}, []float64{2.0, 2.1, 2.2}),
			res("o2", true, []float64{0.05, 0.05, 0.06}, []float64{1.5, 1.5, 1.5}),
			res("a", false, []float64{0.01, 0.02, 0.03}, []float64{2, 2, 2}),
			{Scheduler: "f", Error: "toy@v1, busy, seed 2: boom"},
			res("d", false, []float64{0.10, 0.11, 0.12}, []float64{3.0, 3.2, 3.1}),
			res("o", true, []float64{0, 0, 0.01}, []float64{1, 1, 1}),
			res("b", false, []float64{0.02, 0.02, 0.04}, []float64{2.5, 2.5, 2.5}),
		},
	}
}

func TestRankKnownAnswers(t *testing.T) {
	tb := Rank(knownPoint())
	type got struct {
		Name string
		Rank int
	}
	var ranked, oracles, failed []got
	for _, r := range tb.Ranked {
		ranked = append(ranked, got{r.Scheduler, r.Rank})
	}
	for _, r := range tb.Oracles {
		oracles = append(oracles, got{r.Scheduler, r.Rank})
	}
	for _, r := range tb.Failed {
		failed = append(failed, got{r.Scheduler, r.Rank})
	}
	if diff := cmp.Diff([]got{{"a", 1}, {"b", 1}, {"c", 3}, {"d", 4}, {"e", 4}}, ranked); diff != "" {
		t.Errorf("ranked (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]got{{"o", 0}, {"o2", 0}}, oracles); diff != "" {
		t.Errorf("oracles (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]got{{"f", 0}}, failed); diff != "" {
		t.Errorf("failed (-want +got):\n%s", diff)
	}
	if tb.Oracle != "o" {
		t.Errorf("gap oracle = %q, want o", tb.Oracle)
	}
	near := func(what string, got, want, tol float64) {
		t.Helper()
		if math.Abs(got-want) > tol {
			t.Errorf("%s = %.7g, want %.7g", what, got, want)
		}
	}
	b := tb.Ranked[1]
	near("p(b vs a)", b.Above.P, 1-2/math.Sqrt(6), 1e-6)
	if b.AboveMetric != ViolationRate || b.Above.Significant {
		t.Errorf("b vs a: metric %v significant %v, want violation rate, false", b.AboveMetric, b.Above.Significant)
	}
	if d := tb.Ranked[3]; d.AboveMetric != ANTT || !d.Above.Significant {
		t.Errorf("d vs c: metric %v significant %v, want ANTT, true", d.AboveMetric, d.Above.Significant)
	}
	if e := tb.Ranked[4]; e.AboveMetric != ANTT || e.Above.Significant {
		t.Errorf("e vs d: metric %v significant %v, want ANTT, false", e.AboveMetric, e.Above.Significant)
	}
	// Exactly equal per-seed values: p = 1, shared rank, input order kept
	// (e comes before d in the input).
	p := knownPoint()
	p.Results[0].Values[ANTT] = []float64{3.0, 3.2, 3.1}
	if r := Rank(p).Ranked[4]; r.Scheduler != "d" || r.Above.P != 1 || r.Rank != 4 {
		t.Errorf("e equal to d: last row %s p %v rank %d, want d, 1, 4", r.Scheduler, r.Above.P, r.Rank)
	}
	a := tb.Ranked[0]
	near("gap(a)", a.Gap.Diff.Center, 0.0166667, 1e-6)
	near("gap(a) half-width", a.Gap.Diff.HalfWidth(), 4.3026527*0.0057735/math.Sqrt(3), 1e-6)
	if got, want := GapCell(a.Gap), "+1.7% ± 1.4"; got != want {
		t.Errorf("GapCell(gap a) = %q, want %q", got, want)
	}
	for _, tc := range []struct {
		center, lo, hi float64
		want           string
	}{
		{0.0016, 0.0009, 0.0023, "+0.16% ± 0.07"},
		{0, 0, 0, "0% ± 0"},
		{-0.01, -0.02, 0, "-1.0% ± 1.0"},
	} {
		c := &stats.Comparison{Diff: stats.Summary{Center: tc.center, Lo: tc.lo, Hi: tc.hi, N: 3}}
		if got := GapCell(c); got != tc.want {
			t.Errorf("GapCell(%v) = %q, want %q", tc.center, got, tc.want)
		}
	}
	if got, want := a.Cell(ViolationRate), "2.0% ± 2.5"; got != want {
		t.Errorf("a violations = %q, want %q", got, want)
	}
	if len(tb.Warnings) != 0 {
		t.Errorf("unexpected warnings %q", tb.Warnings)
	}
}

// TestRankOneSeed: a single seed gives no interval and no test — warnings,
// every row sharing rank 1, never an error.
func TestRankOneSeed(t *testing.T) {
	p := PointResults{Scenario: "toy@v1", Point: "p", Seeds: []uint64{7}, Results: []Result{
		res("x", false, []float64{0.2}, []float64{3}),
		res("y", false, []float64{0.1}, []float64{4}),
	}}
	tb := Rank(p)
	if tb.Ranked[0].Scheduler != "y" || tb.Ranked[0].Rank != 1 || tb.Ranked[1].Rank != 1 {
		t.Errorf("ranks: %s %d, %s %d; want y 1, x 1", tb.Ranked[0].Scheduler, tb.Ranked[0].Rank,
			tb.Ranked[1].Scheduler, tb.Ranked[1].Rank)
	}
	want := "violations: need ≥2 seeds for an interval (have 1) (all schedulers)"
	if len(tb.Warnings) == 0 || tb.Warnings[0] != want {
		t.Errorf("warnings %q, want first %q", tb.Warnings, want)
	}
	if got := tb.Ranked[0].Cell(ViolationRate); got != "10.0%" {
		t.Errorf("one-seed cell %q, want 10.0%%", got)
	}
}

func goldenStandings() *Standings {
	sweep := knownPoint()
	sweep.Point, sweep.Sweep, sweep.SLOMult = "slo=25", "slo", 25
	one := PointResults{Scenario: "toy@v1", ScenarioHash: "0123456789abcdef0123", Point: "quiet|one seed", Rate: 10, Utilisation: 0.4,
		SLOMult: 10, Requests: 100, Seeds: []uint64{1}, Results: []Result{
			res("a", false, []float64{0.01}, []float64{2}),
			res("b_2", false, []float64{0}, []float64{2.5}),
		}}
	prov := Provenance{Tool: "sparsebench", Version: "v0.0.0-test", Revision: "abc123", Confidence: Confidence,
		Scenarios: []ScenarioSource{{ID: "toy@v1", Hash: "0123456789abcdef0123", Seeds: []uint64{1, 2, 3}, Requests: 100}},
		Notes:     []string{"golden test input"}}
	return Build(prov, []PointResults{knownPoint(), one, sweep})
}

func golden(t *testing.T, name string, write func(*bytes.Buffer, *Standings) error) {
	t.Helper()
	var buf bytes.Buffer
	if err := write(&buf, goldenStandings()); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if diff := cmp.Diff(string(want), buf.String()); diff != "" {
		t.Errorf("%s mismatch (-want +got):\n%s", name, diff)
	}
}

func TestMarkdownGolden(t *testing.T) {
	golden(t, "leaderboard.md", func(b *bytes.Buffer, bd *Standings) error { return WriteMarkdown(b, bd) })
}

func TestCSVGolden(t *testing.T) {
	golden(t, "leaderboard.csv", func(b *bytes.Buffer, bd *Standings) error { return WriteCSV(b, bd) })
}

func TestJSONGolden(t *testing.T) {
	golden(t, "leaderboard.json", func(b *bytes.Buffer, bd *Standings) error { return WriteJSON(b, bd) })
}

func TestProvenanceEverywhere(t *testing.T) {
	bd := goldenStandings()
	for name, write := range map[string]func(*bytes.Buffer, *Standings) error{
		"md":   func(b *bytes.Buffer, bd *Standings) error { return WriteMarkdown(b, bd) },
		"csv":  func(b *bytes.Buffer, bd *Standings) error { return WriteCSV(b, bd) },
		"json": func(b *bytes.Buffer, bd *Standings) error { return WriteJSON(b, bd) },
	} {
		var buf bytes.Buffer
		if err := write(&buf, bd); err != nil {
			t.Fatal(err)
		}
		for _, s := range []string{"0123456789abcdef0123", "v0.0.0-test", "abc123", "golden test input"} {
			if !strings.Contains(buf.String(), s) {
				t.Errorf("%s output lacks provenance %q", name, s)
			}
		}
	}
}
