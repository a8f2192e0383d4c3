package main

import (
	"bytes"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// smallLeaderboard runs a small leaderboard into a fresh directory and
// returns its files.
func smallLeaderboard(t *testing.T, extra ...string) map[string][]byte {
	t.Helper()
	dir := t.TempDir()
	args := append([]string{"leaderboard", "--scenario", "mobile-visual-perception", "--seeds", "2", "--requests", "60",
		"--out", dir}, extra...)
	var stdout, stderr bytes.Buffer
	if err := run(args, &stdout, &stderr); err != nil {
		t.Fatalf("sparsebench %s: %v\n%s", strings.Join(args, " "), err, stderr.String())
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	files := map[string][]byte{}
	for _, e := range entries {
		names := []string{e.Name()}
		if e.IsDir() {
			sub, err := os.ReadDir(filepath.Join(dir, e.Name()))
			if err != nil {
				t.Fatal(err)
			}
			names = names[:0]
			for _, s := range sub {
				names = append(names, e.Name()+"/"+s.Name())
			}
		}
		for _, n := range names {
			b, err := os.ReadFile(filepath.Join(dir, n))
			if err != nil {
				t.Fatal(err)
			}
			files[n] = b
		}
	}
	return files
}

// TestLeaderboardDeterministic: the output bytes do not depend on the
// number of cores.
func TestLeaderboardDeterministic(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the leaderboard twice")
	}
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	runtime.GOMAXPROCS(1)
	one := smallLeaderboard(t)
	runtime.GOMAXPROCS(4)
	four := smallLeaderboard(t)
	if len(one) < 3 {
		t.Fatalf("only %d files written", len(one))
	}
	for name, b := range one {
		if !bytes.Equal(b, four[name]) {
			t.Errorf("%s differs between GOMAXPROCS 1 and 4:\n%s", name, cmp.Diff(string(b), string(four[name])))
		}
	}
	if diff := cmp.Diff(sortedKeys(one), sortedKeys(four)); diff != "" {
		t.Errorf("file lists differ (-GOMAXPROCS=1 +GOMAXPROCS=4):\n%s", diff)
	}
}

func TestLeaderboardOutputs(t *testing.T) {
	files := smallLeaderboard(t, "--scheduler", "fcfs,edf,dysta,dysta-oracle")
	md := string(files["leaderboard.md"])
	for _, want := range []string{"## mobile-visual-perception@v2", "dysta-oracle (oracle, upper bound)",
		"violations vs dysta-oracle", "60 requests per run", "note: --requests 60"} {
		if !strings.Contains(md, want) {
			t.Errorf("leaderboard.md lacks %q", want)
		}
	}
	csv := string(files["leaderboard.csv"])
	if !strings.Contains(csv, ",slo,") || !strings.Contains(csv, ",rate,") {
		t.Errorf("leaderboard.csv lacks the slo and rate sweeps")
	}
	if !bytes.Contains(files["leaderboard.json"], []byte(`"format": "sparsebench-leaderboard/1"`)) {
		t.Errorf("leaderboard.json lacks its format tag")
	}
}

func TestLeaderboardUsage(t *testing.T) {
	for _, args := range [][]string{
		{"leaderboard"},
		{"leaderboard", "--all", "--scenario", "x", "--out", "d"},
		{"leaderboard", "--scenario", "no-such", "--out", "d"},
		{"leaderboard", "--scheduler", "nope", "--out", "d"},
	} {
		var stdout, stderr bytes.Buffer
		if err := run(args, &stdout, &stderr); exitCode(err) != 2 {
			t.Errorf("%q: exit %d (%v), want 2", args, exitCode(err), err)
		}
	}
}

// TestLeaderboardHTML: index.html is one self-contained page with the
// tables, inline SVG plots and no external resources; every plot exists as
// SVG and PNG.
func TestLeaderboardHTML(t *testing.T) {
	files := smallLeaderboard(t, "--scheduler", "fcfs,edf,dysta,dysta-oracle")
	page := string(files["index.html"])
	for _, want := range []string{`<meta name="viewport" content="width=device-width, initial-scale=1">`,
		`<table class="sortable">`, "<svg ", "dysta-oracle (oracle, upper bound)", "<script>"} {
		if !strings.Contains(page, want) {
			t.Errorf("index.html lacks %q", want)
		}
	}
	for _, bad := range []string{"<script src", "<link ", "<img src=\"http", "@import", "url(http"} {
		if strings.Contains(page, bad) {
			t.Errorf("index.html is not self-contained: has %q", bad)
		}
	}
	for _, stem := range []string{"tradeoff-mobile-visual-perception-v2-paper-3rps", "cdf-mobile-visual-perception-v2-paper-3rps",
		"sweep-mobile-visual-perception-v2-slo-violation-rate", "sweep-mobile-visual-perception-v2-rate-antt"} {
		if !bytes.HasPrefix(files["plots/"+stem+".png"], []byte("\x89PNG")) {
			t.Errorf("plots/%s.png missing or not a PNG", stem)
		}
		if !bytes.Contains(files["plots/"+stem+".svg"], []byte("<svg")) {
			t.Errorf("plots/%s.svg missing or not an SVG", stem)
		}
	}
}
