package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sparsebench/sparsebench/hardware/catalogue"
)

func hwRun(t *testing.T, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	var o, e bytes.Buffer
	err = runHW(args, &o, &e)
	return o.String(), e.String(), err
}

func TestHWLatency(t *testing.T) {
	out, _, err := hwRun(t, "latency", "--accelerator", "eyeriss-v2", "--model", "resnet50", "--pattern", "nm-block:2:4", "--weight-sparsity", "0.6", "--act-sparsity", "0.5")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"resnet50", "eyeriss-v2", "pattern nm-block:2:4, weight sparsity 0.6, activation sparsity 0.5", "layer1.0.conv2", "fc", "total", "54 layers"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	// header + 54 layers + total, after the two title lines and a blank one
	if lines := strings.Count(out, "\n"); lines != 3+1+54+1 {
		t.Errorf("%d lines of output", lines)
	}

	// Attention: the accelerator defaults to sanger; d = 0.75, b = 1 at
	// L = 128.
	out, _, err = hwRun(t, "latency", "--model", "bert", "--act-sparsity", "0.25", "--load-balance", "1", "--seq-len", "128")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, "sanger") || !strings.Contains(out, "L128 W768 h12") || !strings.Contains(out, "12 layers") {
		t.Errorf("attention output:\n%s", out)
	}
}

// TestHWLatencyZooFile: a layer the accelerator cannot run is reported with
// the zoo file and line.
func TestHWLatencyZooFile(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "big.toml")
	src := `family = "big"
layers = [
  { name = "ok", kind = "conv", c = 3, m = 8, size = 32, kernel = 3 },
  { name = "huge", kind = "conv", c = 16, m = 16, size = 4000, kernel = 3 },
]
`
	if err := os.WriteFile(p, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	_, _, err := hwRun(t, "latency", "--zoo", p)
	if err == nil || !strings.Contains(err.Error(), p+":4: layer huge: one activation column of 4000 rows") {
		t.Errorf("error = %v", err)
	}
	_, _, err = hwRun(t, "latency", "--zoo", p, "--accelerator", "sanger")
	if err == nil || !strings.Contains(err.Error(), "--accelerator sanger: "+p+":3: layer ok: sanger cannot run conv layers") {
		t.Errorf("error = %v", err)
	}
}

func TestHWLatencyErrors(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"latency"}, "--model: required"},
		{[]string{"latency", "--model", "resnet"}, `--model: unknown model family "resnet"`},
		{[]string{"latency", "--model", "vgg16", "--pattern", "blocky"}, `--pattern: unknown pattern "blocky"`},
		{[]string{"latency", "--model", "vgg16", "--accelerator", "tpu"}, `--accelerator: unknown accelerator "tpu"; known: eyeriss-v2, sanger`},
		{[]string{"latency", "--model", "bert", "--accelerator", "eyeriss-v2"}, "--accelerator eyeriss-v2: hardware/zoo/bert.toml:12: layer encoder.0: eyeriss-v2 cannot run attention layers (it runs conv, fc)"},
		{[]string{"latency", "--model", "vgg16", "--act-sparsity", "1"}, "--act-sparsity: must be in [0, 1) (activation density 1 − s in (0, 1]), got 1"},
		{[]string{"latency", "--model", "vgg16", "--act-sparsity", "-0.2"}, "--act-sparsity: must be in [0, 1)"},
		{[]string{"latency", "--model", "vgg16", "--pattern", "unstructured", "--weight-sparsity", "1.5"}, "--weight-sparsity: must be in [0, 1)"},
		{[]string{"latency", "--model", "vgg16", "--pattern", "nm-block:2:4", "--weight-sparsity", "0.3"}, "--weight-sparsity 0.3 with --pattern nm-block:2:4: pattern nm-block:2:4 keeps at most 2 of every 4 weights"},
		{[]string{"latency", "--model", "vgg16", "--weight-sparsity", "0.3"}, "pattern dense has weight density 1"},
		{[]string{"latency", "--model", "bert", "--load-balance", "0"}, "--load-balance: must be in (0, 1], got 0"},
		{[]string{"latency", "--model", "vgg16", "--load-balance", "0.5"}, "--load-balance: applies to attention models only"},
		{[]string{"latency", "--model", "vgg16", "--seq-len", "128"}, "--seq-len: family vgg16: sequence length applies to attention families only"},
		{[]string{"latency", "--model", "vgg16", "extra"}, `unexpected argument "extra"`},
		{[]string{"latency", "--zoo", "/nonexistent/zoo.toml"}, "--zoo: open /nonexistent/zoo.toml"},
		{[]string{"latency", "--act-sparsity", "x"}, `invalid value "x" for flag -act-sparsity`},
		{[]string{}, "hw: missing command"},
		{[]string{"frobnicate"}, `hw: unknown command "frobnicate"`},
		{[]string{"models", "extra"}, `hw models: unexpected argument "extra"`},
	}
	for _, tc := range tests {
		_, _, err := hwRun(t, tc.args...)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("hw %s: error = %v\nwant it to contain %q", strings.Join(tc.args, " "), err, tc.want)
		}
	}
}

func TestHWModels(t *testing.T) {
	out, _, err := hwRun(t, "models")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"resnet50  54", "vgg16     16", "mobilenet  28", "ssd300    37", "bert      12", "bart      12", "gpt2      12", "sanger", "eyeriss-v2"} {
		if !strings.Contains(strings.Join(strings.Fields(out), " "), strings.Join(strings.Fields(want), " ")) {
			t.Errorf("models output lacks %q:\n%s", want, out)
		}
	}
}

func TestHWHelp(t *testing.T) {
	for _, args := range [][]string{{"--help"}, {"latency", "--help"}, {"models", "-h"}, {"import-csv", "--help"}} {
		_, errOut, err := hwRun(t, args...)
		if !errors.Is(err, flag.ErrHelp) {
			t.Errorf("hw %v: error %v, want flag.ErrHelp", args, err)
		}
		if !strings.Contains(errOut, "Example:\n  sparsebench hw ") {
			t.Errorf("hw %v: help lacks an example:\n%s", args, errOut)
		}
	}
}

func TestHWImportCSV(t *testing.T) {
	dir := t.TempDir()
	csvDir := filepath.Join(dir, "csv_files")
	if err := os.MkdirAll(filepath.Join(csvDir, "sanger"), 0o755); err != nil {
		t.Fatal(err)
	}
	files := map[string]string{
		"resnet50_unstructured_sparse60.csv":     "sim_lat,overall-sparsity,batch-indx,layer-indx\n0.1,0.5,0,0\n0.2,0.4,0,1\n0.3,0.5,1,0\n0.4,0.6,1,1\n",
		"sanger/load_balance_bert_squad_384.csv": "overall-sparsity,50%-skip,batch-indx,layer-indx\n0.25,1,0,0\n",
	}
	for name, body := range files {
		if err := os.WriteFile(filepath.Join(csvDir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	out := filepath.Join(dir, "catalogue.json")
	// Flags after the positional argument work too.
	stdout, _, err := hwRun(t, "import-csv", csvDir, "-o", out)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(stdout, "2 variants of 2 families, 3 samples") {
		t.Errorf("summary: %q", stdout)
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	var cat catalogue.Catalogue
	if err := json.Unmarshal(data, &cat); err != nil {
		t.Fatal(err)
	}
	if len(cat.Models) != 2 || cat.Models[0].Name != "resnet50/unstructured-60" || cat.Models[1].Name != "bert/dense" {
		t.Fatalf("catalogue models: %+v", cat.Models)
	}
	if got := cat.Models[1].Samples[0].Latency[0]; got < 1.048575e-3 || got > 1.048577e-3 {
		t.Errorf("bert latency %v, want 1.048576 ms", got)
	}
	if cat.Models[0].SLOBase != (0.1+0.2+0.3+0.4)/2 {
		t.Errorf("SLO base %v", cat.Models[0].SLOBase)
	}
	if st, _ := os.Stat(out); st.Mode().Perm() != 0o644 {
		t.Errorf("mode %v", st.Mode())
	}
	left, _ := filepath.Glob(filepath.Join(dir, ".catalogue.json.*"))
	if len(left) != 0 {
		t.Errorf("temporary files left: %v", left)
	}
	// A failed import leaves the previous file alone.
	if err := os.WriteFile(filepath.Join(csvDir, "vgg16_filter_sparse20.csv"), []byte("sim_lat,overall-sparsity,batch-indx,layer-indx\n0.1,x,0,0\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, _, err = hwRun(t, "import-csv", "-o", out, csvDir)
	if err == nil || !strings.Contains(err.Error(), "vgg16_filter_sparse20.csv:2: column overall-sparsity: expected a number") {
		t.Errorf("error = %v", err)
	}
	if again, _ := os.ReadFile(out); !bytes.Equal(again, data) {
		t.Error("failed import changed the output file")
	}
	if err := os.Remove(filepath.Join(csvDir, "vgg16_filter_sparse20.csv")); err != nil {
		t.Fatal(err)
	}

	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"import-csv", "-o", out}, "hw import-csv: missing DIR"},
		{[]string{"import-csv", csvDir}, "-o: required"},
		{[]string{"import-csv", csvDir, dir, "-o", out}, "unexpected argument"},
		{[]string{"import-csv", csvDir, "-o", out, "--seq-len", "0"}, "--seq-len: must be > 0, got 0"},
		{[]string{"import-csv", filepath.Join(dir, "nope"), "-o", out}, "import CSV: stat"},
		{[]string{"import-csv", csvDir, "-o", filepath.Join(dir, "no", "such", "dir.json")}, "-o " + filepath.Join(dir, "no", "such", "dir.json")},
	} {
		_, _, err := hwRun(t, tc.args...)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("hw %s: error = %v\nwant it to contain %q", strings.Join(tc.args, " "), err, tc.want)
		}
	}
}
