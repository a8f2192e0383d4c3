package suite

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/sparsebench/sparsebench/scenarios"
)

// builtinText is the text of a built-in scenario's v1 file.
func builtinText(t testing.TB, name string) string {
	t.Helper()
	data, err := scenarios.Files.ReadFile(name + "/v1.toml")
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// replaceAfter replaces the first old that follows the nth (0-based)
// occurrence of anchor; the test fails when either is missing, so an edit
// of the built-in files cannot silently turn a test into a no-op.
func replaceAfter(t testing.TB, s, anchor string, nth int, old, new string) string {
	t.Helper()
	at := 0
	for i := 0; i <= nth; i++ {
		j := strings.Index(s[at:], anchor)
		if j < 0 {
			t.Fatalf("test setup: occurrence %d of %q not found", nth, anchor)
		}
		at += j
		if i < nth {
			at += len(anchor)
		}
	}
	j := strings.Index(s[at:], old)
	if j < 0 {
		t.Fatalf("test setup: %q not found after occurrence %d of %q", old, nth, anchor)
	}
	at += j
	return s[:at] + new + s[at+len(old):]
}

// lineOf is the 1-based line of the first occurrence of needle.
func lineOf(t testing.TB, s, needle string) int {
	t.Helper()
	i := strings.Index(s, needle)
	if i < 0 {
		t.Fatalf("test setup: %q not in the text", needle)
	}
	return strings.Count(s[:i], "\n") + 1
}

// nthLine is the 1-based line of the nth (0-based) occurrence of needle.
func nthLine(t testing.TB, s, needle string, n int) int {
	t.Helper()
	at := 0
	for i := 0; ; i++ {
		j := strings.Index(s[at:], needle)
		if j < 0 {
			t.Fatalf("test setup: occurrence %d of %q not in the text", n, needle)
		}
		if i == n {
			return strings.Count(s[:at+j], "\n") + 1
		}
		at += j + len(needle)
	}
}

// colOf is the 1-based column of the first occurrence of needle.
func colOf(t testing.TB, s, needle string) int {
	t.Helper()
	i := strings.Index(s, needle)
	if i < 0 {
		t.Fatalf("test setup: %q not in the text", needle)
	}
	return i - strings.LastIndex(s[:i], "\n")
}

// parseProblems parses text that must be invalid and returns its problems.
func parseProblems(t *testing.T, file, text string) Problems {
	t.Helper()
	sc, err := Parse(file, []byte(text))
	if err == nil {
		t.Fatalf("Parse accepted the file (%s)", sc.ID())
	}
	if sc != nil {
		t.Errorf("Parse returned a scenario and an error")
	}
	var ps Problems
	if !errors.As(err, &ps) {
		t.Fatalf("error %T %q is not Problems", err, err)
	}
	if len(ps) == 0 {
		t.Fatalf("empty Problems")
	}
	for _, p := range ps {
		if p.File != file {
			t.Errorf("problem %q names file %q, want %q", p, p.File, file)
		}
	}
	return ps
}

// want is one expected problem: its key, its line and words of its message.
type want struct {
	key  string
	line int
	msg  string // substring of Msg
}

// checkProblems asserts that ps are exactly the wanted problems, in order,
// and that each renders as file:line:col: key: msg.
func checkProblems(t *testing.T, file string, ps Problems, wants ...want) {
	t.Helper()
	if len(ps) != len(wants) {
		t.Fatalf("got %d problems, want %d:\n%v", len(ps), len(wants), ps)
	}
	for i, w := range wants {
		p := ps[i]
		if p.Key != w.key || p.Line != w.line || !strings.Contains(p.Msg, w.msg) {
			t.Errorf("problem %d = %+v; want key %q, line %d, message containing %q", i, p, w.key, w.line, w.msg)
			continue
		}
		prefix := fmt.Sprintf("%s:%d:", file, w.line)
		if w.line == 0 {
			prefix = file + ": "
		}
		if s := p.String(); !strings.HasPrefix(s, prefix) || !strings.Contains(s, w.key+": ") {
			t.Errorf("problem %d renders as %q; want %q…%q", i, s, prefix, w.key+": ")
		}
	}
}

func TestBuiltinFilesParse(t *testing.T) {
	for _, name := range []string{"mobile-visual-perception", "datacenter-personal-assistant", "arvr-hand-tracking"} {
		file := name + "/v1.toml"
		sc, err := Parse(file, []byte(builtinText(t, name)))
		if err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		if sc.ID() != name+"@v1" || sc.Source() != file {
			t.Errorf("%s: ID %q, Source %q", file, sc.ID(), sc.Source())
		}
	}
}

func TestParseProblems(t *testing.T) {
	const file = "scenarios/x/v1.toml"
	mvp := builtinText(t, "mobile-visual-perception")
	arvr := builtinText(t, "arvr-hand-tracking")
	for _, c := range []struct {
		name string
		text func() string
		// wants are computed from the edited text.
		wants func(text string) []want
		col   func(text string) int // expected column of the first problem, 0: unchecked
	}{
		{
			name: "syntax error",
			text: func() string { return replaceAfter(t, mvp, "", 0, "requests = 1000", "requests = = 1000") },
			wants: func(s string) []want {
				return []want{{"", lineOf(t, s, "requests = ="), "expected value"}}
			},
			col: func(s string) int { return colOf(t, s, "= 1000") },
		},
		{
			name: "invalid UTF-8",
			text: func() string { return replaceAfter(t, mvp, "", 0, "phone's", "phone\xff's") },
			wants: func(s string) []want {
				return []want{{"", lineOf(t, s, "\xff"), "UTF-8"}}
			},
		},
		{
			name: "table defined twice",
			text: func() string { return mvp + "\n[arrivals]\nrate = 9.0\n" },
			wants: func(s string) []want {
				return []want{{"", lineOf(t, s, "rate = 9.0") - 1, "already been defined"}}
			},
		},
		{
			name: "wrong type, top level",
			text: func() string { return replaceAfter(t, mvp, "", 0, "requests = 1000", `requests = "many"`) },
			wants: func(s string) []want {
				return []want{{"requests", lineOf(t, s, `requests = "many"`), "type string"}}
			},
			col: func(s string) int { return colOf(t, s, `requests = "many"`) },
		},
		{
			name: "wrong type in an array table",
			text: func() string {
				return replaceAfter(t, mvp, "[[variants]]", 2, "weight_sparsity = 0.3", `weight_sparsity = "thirty"`)
			},
			wants: func(s string) []want {
				// The decoder names the key without its index and the line of
				// its last definition; the problem names the element.
				return []want{{"variants[2].weight_sparsity", lineOf(t, s, `"thirty"`), "type string"}}
			},
			col: func(s string) int { return 1 },
		},
		{
			name: "wrong type in an inline array of an array table",
			text: func() string { return replaceAfter(t, mvp, "[[sweeps]]", 1, "[2.0, 3.0", `[2.0, "3"`) },
			wants: func(s string) []want {
				return []want{{"sweeps[1].rates", lineOf(t, s, `"3"`), "type string"}}
			},
		},
		{
			name: "key defined as a value and as a table",
			text: func() string {
				return replaceAfter(t, mvp, "", 0, "requests = 1000", `requests = 1000
accelerator = "eyeriss-v2"`)
			},
			wants: func(s string) []want {
				// Defining accelerator twice is a syntax error.
				return []want{{"", lineOf(t, s, "[accelerator]"), "accelerator"}}
			},
		},
		{
			name: "unknown top-level key",
			text: func() string { return replaceAfter(t, mvp, "", 0, "requests = 1000", "requests = 1000\nreqests = 5") },
			wants: func(s string) []want {
				return []want{{"reqests", lineOf(t, s, "reqests = 5"), "unknown key"}}
			},
			col: func(s string) int { return 1 },
		},
		{
			name: "unknown key in a table",
			text: func() string {
				return replaceAfter(t, mvp, "[arrivals]", 0, "rate = 3.0", "rate = 3.0\n  burstyness = 2.0")
			},
			wants: func(s string) []want {
				return []want{{"arrivals.burstyness", lineOf(t, s, "burstyness"), "unknown key"}}
			},
			col: func(s string) int { return 3 },
		},
		{
			name: "unknown key in an array table",
			text: func() string {
				return replaceAfter(t, mvp, "[[variants]]", 4, "weight_sparsity = 0.5", "weight_sparsity = 0.5\ncolour = \"red\"")
			},
			wants: func(s string) []want {
				return []want{{"variants[4].colour", lineOf(t, s, "colour ="), "unknown key"}}
			},
			col: func(s string) int { return 1 },
		},
		{
			name: "the same unknown key in two array tables",
			text: func() string {
				s := replaceAfter(t, mvp, "[[variants]]", 1, "weight_sparsity = 0.5", "weight_sparsity = 0.5\ncolour = \"red\"")
				return replaceAfter(t, s, "[[variants]]", 7, "weight_sparsity = 0.5", "weight_sparsity = 0.5\ncolour = \"blue\"")
			},
			wants: func(s string) []want {
				return []want{
					{"variants[1].colour", lineOf(t, s, `colour = "red"`), "unknown key"},
					{"variants[7].colour", lineOf(t, s, `colour = "blue"`), "unknown key"},
				}
			},
		},
		{
			name: "unknown key in a nested table",
			text: func() string {
				return replaceAfter(t, mvp, "[sparsity.vgg16]", 0, "rho = 0.7", "rho = 0.7\nrhoo = 0.1")
			},
			wants: func(s string) []want {
				return []want{{"sparsity.vgg16.rhoo", lineOf(t, s, "rhoo"), "unknown key"}}
			},
		},
		{
			name: "preemption cost outside the numeric domain",
			text: func() string {
				return replaceAfter(t, mvp, "", 0, "preemption_cost_s = 0.0", "preemption_cost_s = 2e6")
			},
			wants: func(s string) []want {
				return []want{{"preemption_cost_s", lineOf(t, s, "preemption_cost_s = 2e6"), "want seconds in [0, 1e+06]"}}
			},
		},
		{
			name: "default rate zero",
			text: func() string { return replaceAfter(t, mvp, "[arrivals]", 0, "rate = 3.0", "rate = 0.0") },
			wants: func(s string) []want {
				return []want{{"arrivals.rate", lineOf(t, s, "rate = 0.0"), "> 0"}}
			},
		},
		{
			name: "operating point rate negative",
			text: func() string { return replaceAfter(t, mvp, "[[operating_points]]", 1, "rate = 4.0", "rate = -4.0") },
			wants: func(s string) []want {
				return []want{{"operating_points[1].rate", lineOf(t, s, "rate = -4.0"), "> 0"}}
			},
		},
		{
			name: "operating point with a rate and a utilisation",
			text: func() string {
				return replaceAfter(t, mvp, "[[operating_points]]", 1, "rate = 4.0", "rate = 4.0\nutilisation = 0.9")
			},
			wants: func(s string) []want {
				return []want{{"operating_points[1].utilisation", lineOf(t, s, "utilisation = 0.9"), "as a rate or as a utilisation, not both"}}
			},
		},
		{
			name: "operating point utilisation beyond the bound",
			text: func() string {
				return replaceAfter(t, mvp, "[[operating_points]]", 1, "rate = 4.0", "utilisation = 12.0")
			},
			wants: func(s string) []want {
				return []want{{"operating_points[1].utilisation", lineOf(t, s, "utilisation = 12.0"), "want a fraction of capacity in (0, 10]"}}
			},
		},
		{
			name: "sweep utilisation zero",
			text: func() string {
				return replaceAfter(t, mvp, "[[sweeps]]", 1, "rates = [2.0", "utilisations = [0.5, 0.0]\nrates = [2.0")
			},
			wants: func(s string) []want {
				return []want{{"sweeps[1].utilisations[1]", lineOf(t, s, "utilisations = [0.5, 0.0]"), "want a fraction of capacity in (0, 10]"}}
			},
		},
		{
			name: "sweep rate zero",
			text: func() string { return replaceAfter(t, mvp, "[[sweeps]]", 1, "[2.0, 3.0", "[2.0, 0.0") },
			wants: func(s string) []want {
				return []want{{"sweeps[1].rates[1]", lineOf(t, s, "[2.0, 0.0"), "> 0"}}
			},
		},
		{
			name: "weight sparsity 1 and negative",
			text: func() string {
				s := replaceAfter(t, mvp, "[[variants]]", 0, "weight_sparsity = 0.6", "weight_sparsity = 1.0")
				return replaceAfter(t, s, "[[variants]]", 3, "weight_sparsity = 0.6", "weight_sparsity = -0.1")
			},
			wants: func(s string) []want {
				return []want{
					{"variants[0].weight_sparsity", lineOf(t, s, "weight_sparsity = 1.0"), "[0, 1)"},
					{"variants[3].weight_sparsity", lineOf(t, s, "weight_sparsity = -0.1"), "[0, 1)"},
				}
			},
		},
		{
			name: "shares do not sum to 1",
			text: func() string { return replaceAfter(t, arvr, "[[variants]]", 2, "share = 0.2", "share = 0.3") },
			wants: func(s string) []want {
				// The sum has no single key: the problem points at the first
				// [[variants]] table.
				return []want{{"variants", lineOf(t, s, "[[variants]]"), "sum to 1.1"}}
			},
		},
		{
			name: "share on some variants only",
			text: func() string {
				return replaceAfter(t, mvp, "[[variants]]", 0, "weight_sparsity = 0.6", "weight_sparsity = 0.6\nshare = 1.0")
			},
			wants: func(s string) []want {
				ws := []want{}
				for i := 1; i < 12; i++ {
					// No share key: the problem points at the variant's header.
					ws = append(ws, want{fmt.Sprintf("variants[%d].share", i), nthLine(t, s, "[[variants]]", i), "set share on every variant or on none"})
				}
				return ws
			},
		},
		{
			name: "negative seeds",
			text: func() string {
				s := replaceAfter(t, mvp, "", 0, "seeds = [1, 2", "seeds = [1, -2")
				return replaceAfter(t, s, "[dataset]", 0, "seed = 2310110961", "seed = -7")
			},
			wants: func(s string) []want {
				return []want{
					{"seeds[1]", lineOf(t, s, "seeds = [1, -2"), "-2; want an integer ≥ 0"},
					{"dataset.seed", lineOf(t, s, "seed = -7"), "-7; want an integer ≥ 0"},
				}
			},
		},
		{
			name: "zero requests",
			text: func() string { return replaceAfter(t, mvp, "", 0, "requests = 1000", "requests = 0") },
			wants: func(s string) []want {
				return []want{{"requests", lineOf(t, s, "requests = 0"), "≥ 1"}}
			},
		},
		{
			name: "unknown family",
			text: func() string {
				return replaceAfter(t, mvp, "[[variants]]", 3, `family = "vgg16"`, `family = "alexnet"`)
			},
			wants: func(s string) []want {
				return []want{{"variants[3].family", lineOf(t, s, "alexnet"), `unknown family "alexnet"`}}
			},
		},
		{
			name: "unknown pattern",
			text: func() string {
				return replaceAfter(t, mvp, "[[variants]]", 5, `pattern = "filter"`, `pattern = "diagonal"`)
			},
			wants: func(s string) []want {
				return []want{{"variants[5].pattern", lineOf(t, s, "diagonal"), "diagonal"}}
			},
		},
		{
			name: "unknown accelerator",
			text: func() string { return replaceAfter(t, mvp, "[accelerator]", 0, `"eyeriss-v2"`, `"tpu-v9"`) },
			wants: func(s string) []want {
				return []want{{"accelerator.name", lineOf(t, s, "tpu-v9"), `unknown accelerator "tpu-v9"`}}
			},
		},
		{
			name: "family the accelerator cannot run",
			text: func() string {
				s := replaceAfter(t, mvp, "[[variants]]", 3, `family = "vgg16"`, `family = "bert"`)
				// Give bert its generator parameters so the only problem is
				// the accelerator.
				return s + "\n[sparsity.bert]\nmean = 0.5\nspread = 0.05\nrho = 0.5\n"
			},
			wants: func(s string) []want {
				return []want{{"variants[3].family", lineOf(t, s, `"bert"`), "eyeriss-v2 cannot run"}}
			},
		},
		{
			name: "trace process without a file",
			text: func() string {
				return replaceAfter(t, mvp, "[arrivals]", 0, `process = "poisson"`, `process = "trace"`)
			},
			wants: func(s string) []want {
				return []want{{"arrivals.trace", lineOf(t, s, "[arrivals]"), "missing"}}
			},
		},
		{
			name: "three independent problems",
			text: func() string {
				s := replaceAfter(t, mvp, "", 0, "requests = 1000", "requests = 0")
				s = replaceAfter(t, s, "[arrivals]", 0, "rate = 3.0", "rate = -1.0")
				return replaceAfter(t, s, "[[variants]]", 4, "weight_sparsity = 0.5", "weight_sparsity = 1.5")
			},
			wants: func(s string) []want {
				return []want{
					{"requests", lineOf(t, s, "requests = 0"), "≥ 1"},
					{"arrivals.rate", lineOf(t, s, "rate = -1.0"), "> 0"},
					{"variants[4].weight_sparsity", lineOf(t, s, "weight_sparsity = 1.5"), "[0, 1)"},
				}
			},
		},
	} {
		t.Run(c.name, func(t *testing.T) {
			text := c.text()
			ps := parseProblems(t, file, text)
			checkProblems(t, file, ps, c.wants(text)...)
			if c.col != nil && len(ps) > 0 {
				if want := c.col(text); ps[0].Col != want {
					t.Errorf("column %d, want %d (%v)", ps[0].Col, want, ps[0])
				}
			}
		})
	}
}

// TestParseBurstinessOnlyForGamma: burstiness is documented as "gamma
// only"; with a replayed trace it must be rejected, not kept in a scenario
// whose canonical encoding then cannot be computed (NaN, ±Inf).
func TestParseBurstinessOnlyForGamma(t *testing.T) {
	mvp := builtinText(t, "mobile-visual-perception")
	for _, b := range []string{"nan", "inf", "2.0"} {
		text := replaceAfter(t, mvp, "[arrivals]", 0, `process = "poisson"`,
			"process = \"trace\"\ntrace = \"t.json\"\nburstiness = "+b)
		ps := parseProblems(t, "x.toml", text)
		checkProblems(t, "x.toml", ps, want{"arrivals.burstiness", lineOf(t, text, "burstiness = "), "trace"})
	}
}

// writeFile writes text to dir/name and returns its path.
func writeFile(t *testing.T, dir, name, text string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func loadProblems(t *testing.T, paths ...string) Problems {
	t.Helper()
	s, err := LoadFiles(paths)
	if err == nil {
		t.Fatalf("LoadFiles accepted %v (%d scenarios)", paths, len(s.All()))
	}
	var ps Problems
	if !errors.As(err, &ps) || len(ps) == 0 {
		t.Fatalf("error %T %q is not a non-empty Problems", err, err)
	}
	return ps
}

func TestLoadFilesTraceMissing(t *testing.T) {
	dir := t.TempDir()
	text := replaceAfter(t, builtinText(t, "mobile-visual-perception"), "[arrivals]", 0, `process = "poisson"`,
		"process = \"trace\"\ntrace = \"recorded/missing.json\"")
	p := writeFile(t, dir, "mvp.toml", text)
	ps := loadProblems(t, p)
	checkProblems(t, p, ps, want{"arrivals.trace", lineOf(t, text, "trace = "), "recorded/missing.json"})
	if ps[0].File != p {
		t.Errorf("problem names %q, want %q", ps[0].File, p)
	}
}

func TestLoadFilesDuplicateIDs(t *testing.T) {
	dir := t.TempDir()
	text := builtinText(t, "mobile-visual-perception")
	a := writeFile(t, dir, "a.toml", text)
	// Another file, other content, same name@vN.
	b := writeFile(t, dir, "b.toml", replaceAfter(t, text, "", 0, "requests = 1000", "requests = 500"))
	ps := loadProblems(t, a, b)
	if len(ps) != 1 {
		t.Fatalf("got %d problems, want 1: %v", len(ps), ps)
	}
	p := ps[0]
	if p.File != b || !strings.Contains(p.Msg, "duplicate scenario id mobile-visual-perception@v1") || !strings.Contains(p.Msg, a) {
		t.Errorf("got %+v; want a duplicate-id problem in %s that names %s", p, b, a)
	}
	// Different versions of one name are no duplicate.
	c := writeFile(t, dir, "c.toml", replaceAfter(t, text, "", 0, "\nversion = 1", "\nversion = 2"))
	s, err := LoadFiles([]string{a, c})
	if err != nil {
		t.Fatal(err)
	}
	if got := len(s.All()); got != 2 {
		t.Errorf("%d scenarios, want 2", got)
	}
}

// TestLoadFilesAllProblemsAtOnce: problems of several files, and files that
// cannot be read, come back in one list.
func TestLoadFilesAllProblemsAtOnce(t *testing.T) {
	dir := t.TempDir()
	mvp := builtinText(t, "mobile-visual-perception")
	bad1 := writeFile(t, dir, "bad1.toml", replaceAfter(t, mvp, "", 0, "requests = 1000", "requests = 0"))
	s := replaceAfter(t, mvp, "[accelerator]", 0, `"eyeriss-v2"`, `"tpu"`)
	bad2 := writeFile(t, dir, "bad2.toml", replaceAfter(t, s, "[dataset]", 0, "samples = 100", "samples = 0"))
	good := writeFile(t, dir, "good.toml", builtinText(t, "arvr-hand-tracking"))
	missing := filepath.Join(dir, "missing.toml")
	ps := loadProblems(t, bad1, good, missing, bad2)
	var got []string
	for _, p := range ps {
		got = append(got, fmt.Sprintf("%s %s", filepath.Base(p.File), p.Key))
	}
	wantList := []string{"bad1.toml requests", "missing.toml ", "bad2.toml accelerator.name", "bad2.toml dataset.samples"}
	if diff := cmp.Diff(wantList, got); diff != "" {
		t.Errorf("problems (-want +got):\n%s\n%v", diff, ps)
	}
}

func TestProblemsError(t *testing.T) {
	one := Problems{{File: "a.toml", Line: 3, Col: 1, Key: "requests", Msg: "0; want ≥ 1"}}
	if got, want := one.Error(), "a.toml:3:1: requests: 0; want ≥ 1"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	two := append(one, Problem{File: "a.toml", Msg: "no line"})
	if got, want := two.Error(), "2 problems:\n  a.toml:3:1: requests: 0; want ≥ 1\n  a.toml: no line"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}
