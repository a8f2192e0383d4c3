package main

import (
	"bytes"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// helpPaths are every command and subcommand a user can ask for help on.
var helpPaths = [][]string{
	{"help"},
	{"run"},
	{"scenarios"}, {"scenarios", "list"}, {"scenarios", "show"}, {"scenarios", "validate"},
	{"trace"},
	{"schedulers"},
	{"plugin"}, {"plugin", "serve"}, {"plugin", "serve", "scheduler"}, {"plugin", "serve", "accelerator"}, {"plugin", "check"},
	{"leaderboard"},
	{"study"}, {"study", "ablation"}, {"study", "compare"},
	{"hw"}, {"hw", "latency"}, {"hw", "models"}, {"hw", "import-csv"}, {"hw", "sparsity"}, {"hw", "measure"}, {"hw", "fit"},
	{"verify"},
	{"version"},
}

// Go's flag package names a placeholder after the flag's type when the
// usage text has no `NAME` in backquotes; these say nothing about what the
// flag takes.
var typePlaceholder = regexp.MustCompile(`(?m)^  -[a-z0-9-]+ (int|uint|float|string|value|duration|uint64|int64)$`)

// exampleLine is an example section whose first line runs sparsebench.
var exampleLine = regexp.MustCompile(`Example:\n  .*sparsebench`)

// flagLine is a flag with a placeholder in the defaults listing.
var flagLine = regexp.MustCompile(`(?m)^  -([a-z0-9-]+) (\S+)$`)

// Every command and subcommand answers --help (and -h) with exit status 0,
// a usage line and an example, and every flag placeholder is an upper-case
// word that says what the flag takes, not the Go type name.
func TestHelpEverywhere(t *testing.T) {
	for _, cmd := range commands {
		if !slices.ContainsFunc(helpPaths, func(p []string) bool { return p[0] == cmd }) {
			t.Errorf("command %q is missing from helpPaths", cmd)
		}
	}
	for _, path := range helpPaths {
		for _, h := range []string{"--help", "-h"} {
			args := append(slices.Clone(path), h)
			var stdout, stderr bytes.Buffer
			err := run(args, &stdout, &stderr)
			name := strings.Join(args, " ")
			if code := exitCode(err); code != 0 {
				t.Errorf("sparsebench %s: exit status %d (%v), want 0", name, code, err)
				continue
			}
			out := stdout.String() + stderr.String()
			if !strings.Contains(out, "Usage") {
				t.Errorf("sparsebench %s: no usage:\n%s", name, out)
			}
			if !exampleLine.MatchString(out) {
				t.Errorf("sparsebench %s: no example:\n%s", name, out)
			}
			if m := typePlaceholder.FindString(out); m != "" {
				t.Errorf("sparsebench %s: placeholder is a type name: %q", name, m)
			}
			for _, m := range flagLine.FindAllStringSubmatch(out, -1) {
				if p := m[2]; p != strings.ToUpper(p) {
					t.Errorf("sparsebench %s: flag -%s has placeholder %q, want an upper-case word", name, m[1], p)
				}
			}
		}
	}
}
