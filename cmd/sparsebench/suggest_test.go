package main

import "testing"

func TestEditDistance(t *testing.T) {
	for _, c := range []struct {
		a, b string
		d    int
	}{
		{"", "", 0}, {"run", "run", 0}, {"run", "", 3}, {"rnu", "run", 1}, {"abc", "ca", 3},
		{"kitten", "sitting", 3}, {"scenarios", "scenraios", 1}, {"Trace", "trace", 0},
	} {
		if got := editDistance(c.a, c.b); got != c.d {
			t.Errorf("editDistance(%q, %q) = %d, want %d", c.a, c.b, got, c.d)
		}
	}
}

func TestNearest(t *testing.T) {
	cmds := []string{"run", "scenarios", "trace", "schedulers", "plugin", "leaderboard", "hw", "verify", "version", "help"}
	for _, c := range []struct{ word, want string }{
		{"rnu", "run"}, {"scenario", "scenarios"}, {"verfy", "verify"}, {"leaderbord", "leaderboard"},
		{"versoin", "version"}, {"frobnicate", ""}, {"x", ""},
	} {
		if got := nearest(c.word, cmds); got != c.want {
			t.Errorf("nearest(%q) = %q, want %q", c.word, got, c.want)
		}
	}
}
