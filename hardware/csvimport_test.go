package hardware

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/sparsebench/sparsebench/hardware/catalogue"
)

func writeFiles(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, body := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// Rows out of order and batch indices with gaps, as pandas may write them.
const cnnCSV = `sim_lat,overall-sparsity,batch-indx,layer-indx
0.002,0.0,7,0
0.001,0.5,7,1
0.003,0.1,2,0
0.004,0.25,2,1
`

const attCSV = `,overall-sparsity,50%-skip,50%-no-skip,batch-indx,layer-indx
0,0.25,1.0,0.9,0,0
1,0.5,0.5,0.4,0,1
2,0.25,0.5,0.4,1,0
3,0.5,1.0,0.9,1,1
`

func TestImportCSVDir(t *testing.T) {
	dir := writeFiles(t, map[string]string{
		"eyerissv2/resnet50_unstructured_sparse60.csv": cnnCSV,
		"eyerissv2/resnet50_blcok4_sparse20.csv":       strings.ReplaceAll(cnnCSV, "0.00", "0.01"),
		"sanger/load_balance_bert_squad_384.csv":       attCSV,
		"README.md":                                    "not a csv",
	})
	cat, err := ImportCSVDir(dir, ImportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	s := NewSanger()
	want := []catalogue.Model{
		{Name: "resnet50/block4-20", Family: "resnet50", Samples: []catalogue.Sample{
			{Latency: []float64{0.013, 0.014}, Sparsity: []float64{0.1, 0.25}},
			{Latency: []float64{0.012, 0.011}, Sparsity: []float64{0, 0.5}},
		}},
		{Name: "resnet50/unstructured-60", Family: "resnet50", Samples: []catalogue.Sample{
			{Latency: []float64{0.003, 0.004}, Sparsity: []float64{0.1, 0.25}},
			{Latency: []float64{0.002, 0.001}, Sparsity: []float64{0, 0.5}},
		}},
		{Name: "bert/dense", Family: "bert", Samples: []catalogue.Sample{
			// d = 0.25, b = 1 → 1.048576 ms; d = 0.5, b = 0.5 → 1.933312 ms (see sanger_test.go)
			{Latency: []float64{s.Latency(0.25, 1, 512, 768), s.Latency(0.5, 0.5, 512, 768)}, Sparsity: []float64{0.75, 0.5}},
			{Latency: []float64{s.Latency(0.25, 0.5, 512, 768), s.Latency(0.5, 1, 512, 768)}, Sparsity: []float64{0.75, 0.5}},
		}},
	}
	got := make([]catalogue.Model, len(cat.Models))
	for i, m := range cat.Models {
		got[i] = catalogue.Model{Name: m.Name, Family: m.Family, Samples: m.Samples}
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("catalogue (-want +got):\n%s", d)
	}
	if l := cat.Models[2].Samples[0].Latency[0]; l < 1.048575e-3 || l > 1.048577e-3 {
		t.Errorf("bert latency %v, want 1.048576 ms", l)
	}
	// Derived: family average over both resnet50 variants.
	if fa := cat.Models[0].FamilyAvgLatency[0]; fa != (0.013+0.012+0.003+0.002)/4 {
		t.Errorf("family average %v", fa)
	}
	// Sequence length option.
	short, err := ImportCSVDir(dir, ImportOptions{SeqLen: 128})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := short.Models[2].Samples[0].Latency[0], s.Latency(0.25, 1, 128, 768); got != want {
		t.Errorf("L=128 latency %v, want %v", got, want)
	}
}

func TestCSVVariantNames(t *testing.T) {
	tests := []struct {
		file         string
		kind         csvKind
		name, family string
	}{
		{"x/resnet50_unstructured_sparse60.csv", csvCNN, "resnet50/unstructured-60", "resnet50"},
		{"vgg16_blcok4_sparse60.csv", csvCNN, "vgg16/block4-60", "vgg16"},
		{"ssd300_resnet18_filter_sparse20.csv", csvCNN, "ssd300/resnet18_filter_sparse20", "ssd300"},
		{"mobilenet_filter_sparse20.csv", csvCNN, "mobilenet/filter-20", "mobilenet"},
		{"mobilenet.csv", csvCNN, "mobilenet/csv", "mobilenet"},
		{"load_balance_gpt2_glue_128.csv", csvAttention, "gpt2/dense", "gpt2"},
		{"bart.csv", csvAttention, "bart/dense", "bart"},
	}
	for _, tc := range tests {
		name, fam := csvVariantName(tc.file, tc.kind)
		if name != tc.name || fam != tc.family {
			t.Errorf("%s: %s (%s), want %s (%s)", tc.file, name, fam, tc.name, tc.family)
		}
	}
}

func TestImportCSVErrors(t *testing.T) {
	const head = "sim_lat,overall-sparsity,batch-indx,layer-indx\n"
	tests := []struct {
		name  string
		files map[string]string
		want  string
	}{
		{"no files", map[string]string{"a.txt": ""}, "no .csv files"},
		{"empty", map[string]string{"a_x.csv": ""}, "a_x.csv: empty file"},
		{"no rows", map[string]string{"a_x.csv": head}, "a_x.csv: no data rows"},
		{"unknown header", map[string]string{"a_x.csv": "lat,sp\n1,2\n"}, "a_x.csv:1: header has neither sim_lat (CNN file) nor 50%-skip (attention file)"},
		{"missing column", map[string]string{"a_x.csv": "sim_lat,batch-indx,layer-indx\n1,0,0\n"}, "a_x.csv:1: missing column overall-sparsity"},
		{"bad number", map[string]string{"a_x.csv": head + "0.1,0.5,0,0\n0.1,abc,0,1\n"}, `a_x.csv:3: column overall-sparsity: expected a number, got "abc"`},
		{"bad index", map[string]string{"a_x.csv": head + "0.1,0.5,0,-1\n"}, `a_x.csv:2: column layer-indx: expected a non-negative integer, got "-1"`},
		{"fractional index", map[string]string{"a_x.csv": head + "0.1,0.5,0.5,0\n"}, `a_x.csv:2: column batch-indx: expected a non-negative integer, got "0.5"`},
		{"sparsity 1", map[string]string{"a_x.csv": head + "0.1,1,0,0\n"}, "a_x.csv:2: column overall-sparsity: activation sparsity must be in [0, 1), got 1"},
		{"negative latency", map[string]string{"a_x.csv": head + "-0.1,0.5,0,0\n"}, "a_x.csv:2: column sim_lat: latency must be ≥ 0 s"},
		{"density 0", map[string]string{"b.csv": "overall-sparsity,50%-skip,batch-indx,layer-indx\n0,0.5,0,0\n"}, "b.csv:2: column overall-sparsity: attention density must be in (0, 1], got 0"},
		{"load balance 0", map[string]string{"b.csv": "overall-sparsity,50%-skip,batch-indx,layer-indx\n0.5,0,0,0\n"}, "b.csv:2: column 50%-skip: load balance must be in (0, 1], got 0"},
		{"duplicate row", map[string]string{"a_x.csv": head + "0.1,0.5,0,0\n0.1,0.5,0,1\n0.2,0.5,0,0\n"}, "a_x.csv:4: batch-indx 0, layer-indx 0 repeats line 2"},
		{"missing layer", map[string]string{"a_x.csv": head + "0.1,0.5,0,0\n0.1,0.5,0,1\n0.2,0.5,1,1\n"}, "a_x.csv: batch-indx 1 has no row for layer-indx 0 (the file has layers 0..1)"},
		{"short row", map[string]string{"a_x.csv": head + "0.1,0.5,0\n"}, "a_x.csv:2: wrong number of fields"},
		{"same variant", map[string]string{"load_balance_bert_a.csv": attCSV, "sanger/bert_b.csv": attCSV}, "both map to variant bert/dense"},
		{"layer counts differ", map[string]string{"a_x.csv": cnnCSV, "a_y.csv": head + "0.1,0.5,0,0\n"}, "(a/y): 1 layers, but family a has 2"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ImportCSVDir(writeFiles(t, tc.files), ImportOptions{})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error = %v\nwant it to contain %q", err, tc.want)
			}
		})
	}
	if _, err := ImportCSVDir(filepath.Join(t.TempDir(), "missing"), ImportOptions{}); err == nil {
		t.Error("missing directory accepted")
	}
}
