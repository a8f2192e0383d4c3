package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/BurntSushi/toml"

	"github.com/sparsebench/sparsebench/hardware"
	"github.com/sparsebench/sparsebench/hardware/sparsitydata"
)

// smallDataSet writes a data set of one two-layer network with two photos
// and their low-light versions.
func smallDataSet(t *testing.T) string {
	t.Helper()
	m := &sparsitydata.Model{
		Name: "smallnet", Description: "two layers", InputSize: 8,
		Source:      sparsitydata.Source{Package: "pkg", Version: "1.2.3", Dir: "models/small"},
		Measurement: sparsitydata.Measurement{Tool: "sparsebench hw measure/1"},
		Layers: []sparsitydata.Layer{
			{Name: "conv0", Kind: "conv", C: 3, M: 8, H: 8, W: 8, R: 3, S: 3, Stride: 1, Pad: 1, Groups: 1, Total: 192},
			{Name: "fc", Kind: "fc", C: 8, M: 2, H: 1, W: 1, R: 1, S: 1, Stride: 1, Groups: 1, Total: 8},
		},
		Inputs: []sparsitydata.Input{
			{ID: "a", Domain: "photo", Zeros: []int64{0, 2}},
			{ID: "a", Domain: "low-light", Zeros: []int64{96, 4}},
			{ID: "b", Domain: "photo", Zeros: []int64{0, 4}},
			{ID: "b", Domain: "low-light", Zeros: []int64{48, 6}},
		},
	}
	dir := t.TempDir()
	if err := (&sparsitydata.Set{Models: []*sparsitydata.Model{m}}).WriteDir(dir); err != nil {
		t.Fatal(err)
	}
	return dir
}

func TestHWSparsity(t *testing.T) {
	data := smallDataSet(t)
	plot := filepath.Join(t.TempDir(), "depth.svg")
	export := t.TempDir()
	out, errOut, err := hwRun(t, "sparsity", "--data", data, "--model", "smallnet", "--plot", plot, "--export-csv", export)
	if err != nil {
		t.Fatalf("%v\n%s", err, errOut)
	}
	// fc: photo 2/8 and 4/8 → 0.375 ± 0.177; low-light 4/8, 6/8 → 0.625.
	for _, want := range []string{"smallnet: two layers", "npm pkg@1.2.3 models/small; 2 compute layers; 4 inputs",
		"Isolated latency on eyeriss-v2", "photo       2", "low-light", "conv0  conv", "8×8×3", "3×3/1",
		"0.000 ± 0.000", "0.375 ± 0.177", "0.625 ± 0.177", "0.375 ± 0.177"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	// The export reads back through hw import-csv.
	if _, _, err := hwRun(t, "import-csv", export, "-o", filepath.Join(t.TempDir(), "cat.json")); err != nil {
		t.Errorf("import of the export: %v", err)
	}
	if b, err := os.ReadFile(plot); err != nil || !strings.Contains(string(b), "<svg") {
		t.Errorf("plot not written: %v", err)
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"sparsity", "--data", data}, "--model is required"},
		{[]string{"sparsity", "--data", data, "--model", "nope"}, `no model "nope"; measured: [smallnet]`},
		{[]string{"sparsity", "--data", data, "--model", "smallnet", "--accelerator", "sanger"}, "smallnet"},
		{[]string{"sparsity", "--data", t.TempDir(), "--model", "smallnet"}, "--data: "},
		{[]string{"sparsity", "--data", data, "--model", "smallnet", "--plot", filepath.Join(t.TempDir(), "x.bmp")}, "want a .svg, .png or .pdf file"},
	} {
		if _, _, err := hwRun(t, tc.args...); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v: error %v, want %q", tc.args, err, tc.want)
		}
	}
}

// hw fit prints a [sparsity.FAMILY] table that a scenario can take: it
// decodes into the family's generator parameters and they validate.
func TestHWFit(t *testing.T) {
	out, _, err := hwRun(t, "fit", "--family", "resnet50")
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Sparsity map[string]hardware.SparsityParams `toml:"sparsity"`
	}
	if _, err := toml.Decode(out, &doc); err != nil {
		t.Fatalf("not TOML: %v\n%s", err, out)
	}
	p, ok := doc.Sparsity["resnet50"]
	if !ok || len(p.LayerMean) != 54 || len(p.Domains) != 1 || p.Domains[0].Share != 0.5 || p.Decay <= 0 {
		t.Fatalf("fitted parameters %+v", p)
	}
	if _, err := hardware.NewGenerator(p, 54, false, 1, "x"); err != nil {
		t.Errorf("the printed parameters do not validate: %v", err)
	}
	for _, tc := range [][]string{{"fit"}, {"fit", "--family", "bert"}, {"fit", "--family", "nope"}} {
		if _, _, err := hwRun(t, tc...); err == nil {
			t.Errorf("%v: no error", tc)
		}
	}
}
