package main

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/sparsebench/sparsebench/harness/leaderboard"
	"github.com/sparsebench/sparsebench/plugins/lineup"
	"github.com/sparsebench/sparsebench/plugins/policies"
	"github.com/sparsebench/sparsebench/suite"
)

var progressArgs = []string{"leaderboard", "--scenario", "mobile-visual-perception", "--seeds", "2", "--requests", "40",
	"--scheduler", "fcfs,dysta,dysta-oracle"}

// TestLeaderboardNoProgressOffTerminal: with stderr a buffer, a pipe or a
// file — as in CI — the leaderboard writes nothing at all to stderr.
func TestLeaderboardNoProgressOffTerminal(t *testing.T) {
	t.Setenv("CI", "") // the terminal test alone decides
	t.Setenv("TERM", "xterm-256color")
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	piped := make(chan []byte)
	go func() {
		b, _ := io.ReadAll(r)
		piped <- b
	}()
	file, err := os.Create(filepath.Join(t.TempDir(), "stderr"))
	if err != nil {
		t.Fatal(err)
	}
	defer file.Close()
	var buf bytes.Buffer
	for _, stderr := range []io.Writer{&buf, w, file} {
		var stdout bytes.Buffer
		args := append(append([]string(nil), progressArgs...), "--out", t.TempDir())
		if err := run(args, &stdout, stderr); err != nil {
			t.Fatalf("%v (stderr %T)", err, stderr)
		}
		if !strings.Contains(stdout.String(), "wrote ") {
			t.Errorf("stdout %q", stdout.String())
		}
	}
	w.Close()
	if got := <-piped; len(got) != 0 {
		t.Errorf("wrote %q to a piped stderr", got)
	}
	if buf.Len() != 0 {
		t.Errorf("wrote %q to a buffer stderr", buf.String())
	}
	if b, err := os.ReadFile(file.Name()); err != nil || len(b) != 0 {
		t.Errorf("wrote %q to a file stderr (%v)", b, err)
	}
}

// TestLeaderboardProgressOnTerminal: on a terminal the bar is drawn and
// erased, counts exactly the steps it announced, and changes no output.
func TestLeaderboardProgressOnTerminal(t *testing.T) {
	t.Setenv("CI", "")
	t.Setenv("TERM", "xterm-256color")
	plain := smallLeaderboardFiles(t, io.Discard)
	defer func(f func(io.Writer) bool) { isTerminal = f }(isTerminal)
	isTerminal = func(io.Writer) bool { return true }
	var stderr bytes.Buffer
	withBar := smallLeaderboardFiles(t, &stderr)
	if !regexp.MustCompile(`\r(simulating|plotting) .*\(\d+/\d+\)`).MatchString(stderr.String()) {
		t.Errorf("no progress bar on a terminal: %q", stderr.String())
	}
	for name, b := range plain {
		if !bytes.Equal(b, withBar[name]) {
			t.Errorf("%s differs with the progress bar", name)
		}
	}
	if len(plain) != len(withBar) {
		t.Errorf("%d files without the bar, %d with", len(plain), len(withBar))
	}
	// In CI, even on a terminal: nothing.
	t.Setenv("CI", "true")
	stderr.Reset()
	smallLeaderboardFiles(t, &stderr)
	if stderr.Len() != 0 {
		t.Errorf("progress bar in CI: %q", stderr.String())
	}
}

// TestLeaderboardProgressSteps: the bar's total is exactly the runs and
// figures the leaderboard makes.
func TestLeaderboardProgressSteps(t *testing.T) {
	t.Setenv("CI", "")
	t.Setenv("TERM", "xterm-256color")
	defer func(f func(io.Writer) bool) { isTerminal = f }(isTerminal)
	isTerminal = func(io.Writer) bool { return true }
	specs, err := policies.ParseList("fcfs,edf,dysta-oracle")
	if err != nil {
		t.Fatal(err)
	}
	s, err := suite.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	scs := s.Latest()
	jobs := lineup.Builtin(specs)
	total := leaderboard.Steps(scs, 2, len(jobs))
	prog := newProgress(io.Discard, total)
	if prog == nil {
		t.Fatal("no progress bar on a terminal")
	}
	lb, err := leaderboard.Compute(scs, prog.jobs(jobs), leaderboard.ComputeOptions{Seeds: 2, Requests: 30})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := lb.Files(prog.plotting()); err != nil {
		t.Fatal(err)
	}
	if got := prog.steps.Load(); got != int64(total) {
		t.Errorf("%d steps taken, bar announced %d", got, total)
	}
	prog.done()
	prog.done() // idempotent
}

// smallLeaderboardFiles runs progressArgs with the given stderr and
// returns the files written.
func smallLeaderboardFiles(t *testing.T, stderr io.Writer) map[string][]byte {
	t.Helper()
	dir := t.TempDir()
	var stdout bytes.Buffer
	args := append(append([]string(nil), progressArgs...), "--out", dir)
	if err := run(args, &stdout, stderr); err != nil {
		t.Fatal(err)
	}
	files := map[string][]byte{}
	err := filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(path)
		rel, _ := filepath.Rel(dir, path)
		files[rel] = b
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}
