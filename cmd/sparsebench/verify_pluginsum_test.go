package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// `run` records each plugin's SHA-256 in its rows, and verify checks the
// --plugin binary against it: the same binary verifies, a changed one is
// reported as a checksum mismatch.
func TestVerifyRunPluginChecksum(t *testing.T) {
	if testing.Short() {
		t.Skip("starts plugin processes")
	}
	t.Setenv(asCLI, "1")
	plug := scriptPlugin(t, "sjfplug", "plugin", "serve", "scheduler", "sjf")
	var stdout, stderr bytes.Buffer
	if err := run([]string{"run", "--scenario", "datacenter-personal-assistant", "--seeds", "1", "--requests", "80",
		"--scheduler", "fcfs", "--scheduler-plugin", plug, "--format", "json"}, &stdout, &stderr); err != nil {
		t.Fatalf("run: %v\n%s", err, stderr.String())
	}
	if !strings.Contains(stdout.String(), `"plugin_sha256"`) {
		t.Fatalf("run output records no plugin_sha256:\n%s", stdout.String())
	}
	results := filepath.Join(t.TempDir(), "results.json")
	if err := os.WriteFile(results, stdout.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}

	stdout.Reset()
	if err := run([]string{"verify", "--plugin", plug, results}, &stdout, &stderr); err != nil {
		t.Fatalf("verify with the same plugin: %v\n%s", err, stdout.String())
	}

	// The same program, another binary: append a comment to the script.
	f, err := os.OpenFile(plug, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString("# rebuilt\n")
	f.Close()
	stdout.Reset()
	err = run([]string{"verify", "--plugin", plug, results}, &stdout, &stderr)
	if exitCode(err) != 1 || !strings.Contains(stdout.String(), "plugin checksum mismatch") {
		t.Errorf("verify with a changed plugin: %v, want exit 1 and a checksum mismatch\n%s", err, stdout.String())
	}
}
