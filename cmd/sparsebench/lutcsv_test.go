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

// `run --lut-csv DIR` runs the schedulers on the paper artifact's CSV
// files: here two small ones written by the test, in the artifact's layout.
func TestRunLUTCSV(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{
		// Two samples (batch-indx 0, 1) of a two-layer family.
		"eyerissv2/resnet50_unstructured_sparse60.csv": "sim_lat,overall-sparsity,batch-indx,layer-indx\n" +
			"0.010,0.5,0,0\n0.020,0.4,0,1\n0.012,0.3,1,0\n0.018,0.6,1,1\n",
		"eyerissv2/resnet50_filter_sparse20.csv": "sim_lat,overall-sparsity,batch-indx,layer-indx\n" +
			"0.015,0.5,0,0\n0.025,0.4,0,1\n0.011,0.3,1,0\n0.022,0.6,1,1\n",
	}
	for name, body := range files {
		p := filepath.Join(dir, name)
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	var stdout, stderr bytes.Buffer
	err := run([]string{"run", "--lut-csv", dir, "--rate", "20", "--requests", "200", "--seeds", "2",
		"--scheduler", "fcfs,dysta", "--format", "json"}, &stdout, &stderr)
	if err != nil {
		t.Fatalf("%v\n%s", err, stderr.String())
	}
	var res results.Run
	if err := json.Unmarshal(stdout.Bytes(), &res); err != nil {
		t.Fatal(err)
	}
	if len(res.Results) != 4 || len(res.Means) != 2 {
		t.Fatalf("%d results and %d means, want 4 (2 schedulers × 2 seeds) and 2", len(res.Results), len(res.Means))
	}
	for _, r := range res.Results {
		if r.Metrics == nil || r.Requests != 200 || !strings.HasPrefix(r.Scenario, "lut-csv:") {
			t.Errorf("row %+v: want 200 requests from lut-csv:%s", r, dir)
		}
	}

	stdout.Reset()
	err = run([]string{"run", "--lut-csv", dir}, &stdout, &stderr)
	if exitCode(err) != 2 || !strings.Contains(err.Error(), "--rate") || stdout.Len() != 0 {
		t.Errorf("run --lut-csv without --rate: %v (stdout %q), want a usage error naming --rate", err, stdout.String())
	}
	err = run([]string{"run", "--lut-csv", filepath.Join(dir, "missing"), "--rate", "5"}, &stdout, &stderr)
	if exitCode(err) != 2 {
		t.Errorf("run --lut-csv on a missing folder: %v, want exit status 2", err)
	}
}
