package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sparsebench/sparsebench/harness/results"
)

// A plugin ranked on the leaderboard appears in its rows, and its binary's
// SHA-256 in the provenance, which verify then checks.
func TestLeaderboardWithPlugin(t *testing.T) {
	if testing.Short() {
		t.Skip("starts plugin processes")
	}
	t.Setenv(asCLI, "1")
	plug := scriptPlugin(t, "edfplug", "plugin", "serve", "scheduler", "edf")
	out := t.TempDir()
	var stdout, stderr bytes.Buffer
	if err := run([]string{"leaderboard", "--scenario", "datacenter-personal-assistant", "--seeds", "2", "--requests", "60",
		"--scheduler", "fcfs", "--scheduler-plugin", plug, "--out", out}, &stdout, &stderr); err != nil {
		t.Fatalf("leaderboard: %v\n%s", err, stderr.String())
	}
	data, err := os.ReadFile(filepath.Join(out, "leaderboard.json"))
	if err != nil {
		t.Fatal(err)
	}
	var lb struct {
		Provenance struct {
			Plugins []struct{ Name, SHA256 string }
		}
	}
	if err := json.Unmarshal(data, &lb); err != nil {
		t.Fatal(err)
	}
	sum, err := results.PluginSHA256(plug)
	if err != nil {
		t.Fatal(err)
	}
	// The row is labelled with the identity the plugin declares (the
	// built-in edf, version 1), not its file name.
	if len(lb.Provenance.Plugins) != 1 || lb.Provenance.Plugins[0].Name != "edf@1" || lb.Provenance.Plugins[0].SHA256 != sum {
		t.Errorf("provenance plugins = %+v, want edf@1 with sha256 %s", lb.Provenance.Plugins, sum)
	}
	md, _ := os.ReadFile(filepath.Join(out, "leaderboard.md"))
	if !strings.Contains(string(md), "| edf@1 |") {
		t.Errorf("leaderboard.md has no edf@1 row:\n%s", md)
	}
	stdout.Reset()
	if err := run([]string{"verify", "--plugin", plug, filepath.Join(out, "leaderboard.json")}, &stdout, &stderr); err != nil {
		t.Errorf("verify: %v\n%s", err, stdout.String())
	}
}
