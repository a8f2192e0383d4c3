package main

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/sparsebench/sparsebench/harness/results"
)

// An accelerator plugin that reproduces the reference model gives the
// reference metrics, and its rows say where the latencies came from.
func TestAcceleratorPlugin(t *testing.T) {
	if testing.Short() {
		t.Skip("starts plugin processes")
	}
	t.Setenv(asCLI, "1")
	plug := scriptPlugin(t, "eyeriss-copy", "test-plugin", "accelerator-eyeriss")
	args := []string{"run", "--scenario", "mobile-visual-perception", "--scheduler", "fcfs,dysta",
		"--seeds", "1", "--requests", "150", "--format", "json"}
	decode := func(extra ...string) results.Run {
		t.Helper()
		var stdout, stderr bytes.Buffer
		if err := run(append(append([]string(nil), args...), extra...), &stdout, &stderr); err != nil {
			t.Fatalf("run %v: %v\n%s", extra, err, stderr.String())
		}
		var res results.Run
		if err := json.Unmarshal(stdout.Bytes(), &res); err != nil {
			t.Fatal(err)
		}
		return res
	}
	ref := decode()
	got := decode("--accelerator-plugin", plug)
	for i := range got.Results {
		if !strings.Contains(got.Results[i].Accelerator, "plugin "+plug) || !strings.Contains(got.Results[i].Accelerator, "sha256 ") {
			t.Errorf("row %d: accelerator = %q, want it to name the plugin and its checksum", i, got.Results[i].Accelerator)
		}
		got.Results[i].Accelerator = ""
	}
	for i := range got.Means {
		got.Means[i].Accelerator = ""
	}
	if diff := cmp.Diff(ref, got); diff != "" {
		t.Errorf("a faithful accelerator plugin changed the results (-reference +plugin):\n%s", diff)
	}

	var stdout, stderr bytes.Buffer
	err := run([]string{"run", "--trace", "../../harness/trace/testdata/handwritten.json", "--accelerator-plugin", plug}, &stdout, &stderr)
	if exitCode(err) != 2 || !strings.Contains(err.Error(), "--accelerator-plugin") {
		t.Errorf("run --trace with --accelerator-plugin: %v, want a usage error naming the flag", err)
	}
}
