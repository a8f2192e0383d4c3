package suite

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"strings"
	"testing"

	"github.com/sparsebench/sparsebench/scenarios"
)

// fuzzSeeds are the built-in files and broken variants of each.
func fuzzSeeds(f testing.TB) [][]byte {
	paths, err := fs.Glob(scenarios.Files, "*/*.toml")
	if err != nil || len(paths) == 0 {
		f.Fatalf("no built-in scenarios: %v", err)
	}
	var out [][]byte
	add := func(s string) { out = append(out, []byte(s)) }
	for _, p := range paths {
		data, err := scenarios.Files.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		s := string(data)
		add(s)
		// Truncated: mid-file, mid-line, inside the multi-line description,
		// and right after a table header.
		add(s[:len(s)/2])
		add(s[:len(s)/3])
		add(s[:strings.Index(s, `"""`)+10])
		add(s[:strings.Index(s, "[arrivals]")+len("[arrivals]")])
		add(s[:len(s)-1])
		// A key renamed (unknown key, and required key missing).
		add(strings.Replace(s, "requests =", "reqests =", 1))
		add(strings.Replace(s, "weight_sparsity", "weight_sparsty", 2))
		add(strings.Replace(s, "[accelerator]", "[acelerator]", 1))
		// A number replaced by a string, a string by a number, a table by a value.
		add(strings.Replace(s, "requests = 1000", `requests = "1000"`, 1))
		add(strings.Replace(s, "weight_sparsity = 0.5", `weight_sparsity = "0.5"`, 1))
		add(strings.Replace(s, `process = "`, `process = 7 # "`, 1))
		add(strings.Replace(s, "seeds = [1, 2", `seeds = ["1", 2`, 1))
		add(strings.Replace(s, "seeds = [1, 2", `seeds = [-1, 2`, 1))
		add(strings.Replace(s, "slo_mult = 10.0", "slo_mult = nan", 1))
		add(strings.Replace(s, "slo_mult = 10.0", "slo_mult = -inf", 1))
		// A share changed, added, removed.
		add(strings.Replace(s, "share = 0.2", "share = 0.3", 1))
		add(strings.Replace(s, "share = 0.4", "share = 0", 1))
		add(strings.Replace(s, "weight_sparsity = 0.6\n", "weight_sparsity = 0.6\nshare = 1.0\n", 1))
		add(strings.Replace(s, "weight_sparsity = 0.5\n", "weight_sparsity = 1.5\n", 1))
		// Duplicated tables: a table defined twice, an array table repeated,
		// every array table repeated.
		add(s + "\n[accelerator]\nname = \"sanger\"\n")
		if i := strings.Index(s, "[[variants]]"); i >= 0 {
			j := strings.Index(s[i+1:], "[[")
			if j < 0 {
				j = len(s) - i - 1
			}
			add(s + "\n" + s[i:i+1+j])
		}
		add(s + "\n" + s[strings.Index(s, "[accelerator]"):])
		// Invalid UTF-8 in a string, in a comment, in a key.
		add(strings.Replace(s, "description", "descr\xffiption", 1))
		add(strings.Replace(s, "# ", "# \xc3\x28", 1))
		add(strings.Replace(s, `"""`, "\"\"\"\xed\xa0\x80", 1))
		// Another process and its keys.
		add(strings.Replace(s, `process = "poisson"`, "process = \"gamma\"\nburstiness = 0", 1))
		add(strings.Replace(s, `process = "poisson"`, "process = \"trace\"\ntrace = \"t.json\"\nburstiness = nan", 1))
		add(strings.Replace(s, `name = "eyeriss-v2"`, `name = "sanger"`, 1))
		add(strings.Replace(s, `family = "ssd300"`, `family = "bert"`, 1))
		// A key as a value and as a table; a dotted key.
		add(strings.Replace(s, "requests = 1000", "requests = 1000\naccelerator.name = \"sanger\"", 1))
	}
	add("")
	add("\x00")
	add("[[variants]]\n[[variants]]\ncolour = 1\n[variants.x]\n")
	add("a.b.c = 1\n[a]\n")
	add("schema_version = 1\n[sparsity.\"a.b\"]\nmean = 0.5\nx = 1\n")
	return out
}

// FuzzParse: whatever the bytes, Parse does not panic; it returns either a
// scenario that is valid and can be hashed, or a non-empty Problems whose
// every entry names the file and has a sensible location.
func FuzzParse(f *testing.F) {
	for _, s := range fuzzSeeds(f) {
		f.Add(s)
	}
	const file = "fuzz/v1.toml"
	f.Fuzz(func(t *testing.T, data []byte) {
		sc, err := Parse(file, data)
		if err != nil {
			if sc != nil {
				t.Fatalf("Parse returned a scenario and the error %v", err)
			}
			var ps Problems
			if !errors.As(err, &ps) {
				t.Fatalf("error %T %q is not Problems", err, err)
			}
			if len(ps) == 0 {
				t.Fatal("empty Problems")
			}
			lines := bytes.Count(data, []byte("\n")) + 1
			for _, p := range ps {
				if p.File != file {
					t.Errorf("problem %q names file %q, want %q", p, p.File, file)
				}
				if p.Line < 0 || p.Line > lines || p.Col < 0 || (p.Line == 0) != (p.Col == 0) {
					t.Errorf("problem %q: line %d col %d in a file of %d lines", p, p.Line, p.Col, lines)
				}
				if p.Msg == "" {
					t.Errorf("problem %+v has no message", p)
				}
			}
			if !strings.HasPrefix(err.Error(), file) && len(ps) == 1 {
				t.Errorf("error %q does not start with the file name", err)
			}
			return
		}
		if sc == nil {
			t.Fatal("Parse returned neither a scenario nor an error")
		}
		checkValid(t, sc)
		// Parsing is a function of the bytes: a second parse hashes the same.
		again, err := Parse(file, data)
		if err != nil || again.Hash() != sc.Hash() {
			t.Fatalf("second parse: %v, hash %s vs %s", err, again.Hash(), sc.Hash())
		}
	})
}

// checkValid asserts what a scenario Parse accepted guarantees to its users.
func checkValid(t *testing.T, sc *Scenario) {
	t.Helper()
	if sc.ID() != fmt.Sprintf("%s@v%d", sc.Name, sc.Version) || !nameRE.MatchString(sc.Name) || sc.Version < 1 {
		t.Errorf("ID %q", sc.ID())
	}
	if h := sc.Hash(); len(h) != 64 {
		t.Errorf("hash %q", h)
	}
	finitePos := func(what string, x float64) {
		if !(x > 0) || math.IsInf(x, 0) {
			t.Errorf("%s = %g accepted", what, x)
		}
	}
	finitePos("arrivals.rate", sc.Arrivals.Rate)
	finitePos("slo_mult", sc.SLOMult)
	if sc.Requests < 1 || sc.Dataset.Samples < 1 || len(sc.Variants) == 0 || len(sc.Seeds) == 0 || len(sc.Points) == 0 || len(sc.Priorities) == 0 {
		t.Errorf("accepted a scenario with requests %d, samples %d, %d variants, %d seeds, %d points, %d priorities",
			sc.Requests, sc.Dataset.Samples, len(sc.Variants), len(sc.Seeds), len(sc.Points), len(sc.Priorities))
	}
	var shares float64
	for i, v := range sc.Variants {
		if !(v.WeightSparsity >= 0 && v.WeightSparsity < 1) {
			t.Errorf("variants[%d].weight_sparsity = %g accepted", i, v.WeightSparsity)
		}
		if _, ok := sc.Sparsity[v.Family]; !ok {
			t.Errorf("variants[%d]: family %q without sparsity parameters accepted", i, v.Family)
		}
		shares += v.Share
	}
	if shares != 0 && math.Abs(shares-1) > 1e-6 {
		t.Errorf("shares summing to %g accepted", shares)
	}
	// A load is a rate or a utilisation in (0, MaxUtilisation], never both.
	load := func(what string, p Point) {
		if p.Utilisation != 0 {
			if p.Rate != 0 || !(p.Utilisation > 0 && p.Utilisation <= MaxUtilisation) {
				t.Errorf("%s: rate %g, utilisation %g accepted", what, p.Rate, p.Utilisation)
			}
			return
		}
		finitePos(what+".rate", p.Rate)
	}
	for i, p := range sc.Points {
		load(fmt.Sprintf("operating_points[%d]", i), p)
		finitePos(fmt.Sprintf("operating_points[%d].slo_mult", i), p.SLOMult)
	}
	for _, sw := range sc.Sweeps {
		for _, p := range sc.Grid(sw) {
			load("sweep point", p)
			finitePos("sweep slo_mult", p.SLOMult)
		}
	}
	switch sc.Arrivals.Process {
	case "poisson", "trace":
	case "gamma":
		finitePos("arrivals.burstiness", sc.Arrivals.Burstiness)
	default:
		t.Errorf("arrivals.process %q accepted", sc.Arrivals.Process)
	}
}

// TestFuzzSeeds runs the fuzz property on the seeds in a plain `go test`
// and checks that the seeds reach both outcomes: the unbroken files parse,
// and most broken variants are rejected.
func TestFuzzSeeds(t *testing.T) {
	var ok, bad int
	for _, s := range fuzzSeeds(t) {
		if sc, err := Parse("seed.toml", s); err == nil {
			checkValid(t, sc)
			ok++
		} else {
			bad++
		}
	}
	if ok < 3 || bad < 60 {
		t.Errorf("%d seeds parse and %d do not; want the 3 built-ins to parse and most variants to fail", ok, bad)
	}
}
