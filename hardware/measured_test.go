package hardware

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/sparsebench/sparsebench/plugins/accelerator"
)

// A measured family's samples are the measured inputs in order, each
// layer's latency the accelerator's at density 1 − measured sparsity.
func TestMeasuredFamilyCatalogue(t *testing.T) {
	m := syntheticMeasurement(t, 12, 5)      // 10 inputs: 5 photos, then 5 low-light
	m.Inputs[0].Zeros[3] = m.Layers[3].Total // an all-zero input clips to MaxSparsity
	fam, err := MeasuredFamily(m)
	if err != nil {
		t.Fatal(err)
	}
	if len(fam.Layers) != 12 || fam.Layers[0].Kind != accelerator.Conv || fam.Measured != m {
		t.Fatalf("family %+v", fam)
	}
	zoo, err := NewZoo(fam)
	if err != nil {
		t.Fatal(err)
	}
	acc, err := Lookup("eyeriss-v2")
	if err != nil {
		t.Fatal(err)
	}
	cat, err := BuildCatalogue([]Variant{{Family: "synthetic"}}, 7, 1, BuildOptions{Zoo: zoo})
	if err != nil {
		t.Fatal(err)
	}
	s := cat.Models[0].Samples
	if len(s) != 7 {
		t.Fatalf("%d samples, want 7", len(s))
	}
	for k := range s {
		for i := range m.Layers {
			want := min(m.Sparsity(k, i), MaxSparsity)
			if s[k].Sparsity[i] != want {
				t.Fatalf("sample %d layer %d: sparsity %v, want the measured %v", k, i, s[k].Sparsity[i], want)
			}
			out := make([]float64, 1)
			if err := acc.Latencies([]accelerator.Item{{Layer: fam.Layers[i], WeightDensity: 1, ActDensity: 1 - want}}, out); err != nil {
				t.Fatal(err)
			}
			if s[k].Latency[i] != out[0] {
				t.Fatalf("sample %d layer %d: latency %v, want %v", k, i, s[k].Latency[i], out[0])
			}
		}
	}
	if s[0].Sparsity[3] != MaxSparsity {
		t.Errorf("all-zero input: sparsity %v, want MaxSparsity", s[0].Sparsity[3])
	}
	// The data-set seed does not matter: the samples are the data.
	other, err := BuildCatalogue([]Variant{{Family: "synthetic"}}, 7, 99, BuildOptions{Zoo: zoo})
	if err != nil || other.Models[0].Samples[6].Latency[5] != s[6].Latency[5] {
		t.Errorf("another seed changed a measured sample (%v)", err)
	}
	if _, err := BuildCatalogue([]Variant{{Family: "synthetic"}}, 11, 1, BuildOptions{Zoo: zoo}); err == nil ||
		!strings.Contains(err.Error(), "has 10 measured inputs") {
		t.Errorf("more samples than inputs: %v", err)
	}
	if _, err := BuildCatalogue([]Variant{{Family: "synthetic"}}, 5, 1, BuildOptions{Zoo: zoo,
		Sparsity: map[string]SparsityParams{"synthetic": {Mean: 0.5}}}); err == nil || !strings.Contains(err.Error(), "is measured") {
		t.Errorf("sparsity override of a measured family: %v", err)
	}
}

// IsolatedLatencies is the per-input sum of the catalogue's layer
// latencies.
func TestIsolatedLatencies(t *testing.T) {
	m := syntheticMeasurement(t, 12, 3)
	acc, _ := Lookup("eyeriss-v2")
	got, err := IsolatedLatencies(m, acc)
	if err != nil {
		t.Fatal(err)
	}
	fam, _ := MeasuredFamily(m)
	zoo, _ := NewZoo(fam)
	cat, err := BuildCatalogue([]Variant{{Family: "synthetic"}}, len(m.Inputs), 1, BuildOptions{Zoo: zoo})
	if err != nil {
		t.Fatal(err)
	}
	for k, s := range cat.Models[0].Samples {
		var sum float64
		for _, l := range s.Latency {
			sum += l
		}
		if got[k] != sum {
			t.Errorf("input %d: %v, want %v", k, got[k], sum)
		}
	}
	if sanger, _ := Lookup("sanger"); sanger != nil {
		if _, err := IsolatedLatencies(m, sanger); err == nil {
			t.Error("a CNN priced on the attention model")
		}
	}
}

// The artifact-format export reads back through ImportCSVDir as the
// measured family's catalogue, bit for bit.
func TestWriteArtifactCSV(t *testing.T) {
	m := syntheticMeasurement(t, 12, 3)
	acc, _ := Lookup("eyeriss-v2")
	dir := t.TempDir()
	f, err := os.Create(filepath.Join(dir, "synthetic_dense.csv"))
	if err != nil {
		t.Fatal(err)
	}
	if err := WriteArtifactCSV(f, m, acc); err != nil {
		t.Fatal(err)
	}
	f.Close()
	got, err := ImportCSVDir(dir, ImportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	fam, _ := MeasuredFamily(m)
	zoo, _ := NewZoo(fam)
	want, err := BuildCatalogue([]Variant{{Family: "synthetic"}}, len(m.Inputs), 1, BuildOptions{Zoo: zoo})
	if err != nil {
		t.Fatal(err)
	}
	if got.Models[0].Name != "synthetic/dense" {
		t.Errorf("variant %s", got.Models[0].Name)
	}
	if diff := cmp.Diff(want.Models[0].Samples, got.Models[0].Samples); diff != "" {
		t.Errorf("samples (-built +imported):\n%s", diff)
	}
}
