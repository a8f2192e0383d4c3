package hardware

import (
	"bytes"
	"encoding/json"
	"math"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/sparsebench/sparsebench/hardware/catalogue"
	"github.com/sparsebench/sparsebench/plugins/accelerator"
)

// benchVariants is every variant of the built-in scenario families: the four
// CNNs under unstructured, N:M block and filter pruning, and the three
// attention models.
func benchVariants() []Variant {
	var vs []Variant
	for _, f := range []string{"resnet50", "vgg16", "mobilenet", "ssd300"} {
		vs = append(vs,
			Variant{Family: f, Pattern: "unstructured", WeightSparsity: 0.6},
			Variant{Family: f, Pattern: "nm-block:2:4", WeightSparsity: 0.6},
			Variant{Family: f, Pattern: "filter", WeightSparsity: 0.5},
		)
	}
	for _, f := range []string{"bert", "bart", "gpt2"} {
		vs = append(vs, Variant{Family: f})
	}
	return vs
}

func TestBuildCatalogue(t *testing.T) {
	vs := benchVariants()
	cat, err := BuildCatalogue(vs, 20, 5, BuildOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, m := range cat.Models {
		names = append(names, m.Name)
	}
	want := []string{
		"resnet50/unstructured-60", "resnet50/nm-2:4-60", "resnet50/filter-50",
		"vgg16/unstructured-60", "vgg16/nm-2:4-60", "vgg16/filter-50",
		"mobilenet/unstructured-60", "mobilenet/nm-2:4-60", "mobilenet/filter-50",
		"ssd300/unstructured-60", "ssd300/nm-2:4-60", "ssd300/filter-50",
		"bert/dense", "bart/dense", "gpt2/dense",
	}
	if d := cmp.Diff(want, names); d != "" {
		t.Fatalf("variant names (-want +got):\n%s", d)
	}
	zoo := mustZoo(t)
	eyeriss, sanger := NewEyerissV2(), NewSanger()
	for mi, m := range cat.Models {
		fam, _ := zoo.Family(m.Family)
		if len(m.Samples) != 20 || m.Layers() != len(fam.Layers) {
			t.Fatalf("%s: %d samples of %d layers", m.Name, len(m.Samples), m.Layers())
		}
		if m.SLOBase <= 0 || len(m.AvgLatency) != len(fam.Layers) || len(m.FamilyAvgLatency) != len(fam.Layers) {
			t.Errorf("%s: not derived", m.Name)
		}
		// Every latency is the model's answer for the sample's sparsity.
		v := vs[mi]
		pat, _ := v.pattern()
		for k, s := range m.Samples[:3] {
			for i, l := range fam.Layers {
				it := accelerator.Item{Layer: l, Pattern: pat, WeightDensity: 1 - v.WeightSparsity, ActDensity: 1 - s.Sparsity[i]}
				var acc accelerator.Accelerator = eyeriss
				if fam.IsAttention() {
					acc = sanger
					// The load balance is not stored; recover it from the
					// latency and check it is a plausible draw.
					it.LoadBalance = 1
					lo := []float64{0}
					if err := acc.Latencies([]accelerator.Item{it}, lo); err != nil {
						t.Fatal(err)
					}
					if s.Latency[i] < lo[0] {
						t.Errorf("%s sample %d layer %d: %v s below the b = 1 bound %v s", m.Name, k, i, s.Latency[i], lo[0])
					}
					continue
				}
				out := []float64{0}
				if err := acc.Latencies([]accelerator.Item{it}, out); err != nil {
					t.Fatal(err)
				}
				if out[0] != s.Latency[i] {
					t.Errorf("%s sample %d layer %d: %v s, model says %v s", m.Name, k, i, s.Latency[i], out[0])
				}
			}
		}
	}
	// Unstructured and N:M prune at the same rate, so they differ only by
	// their sample streams; filter pruning at 50 % is a different model.
	rn := cat.Models[0].SLOBase
	if nm := cat.Models[1].SLOBase; math.Abs(nm-rn) > 0.05*rn {
		t.Errorf("resnet50 SLO base: unstructured %v, N:M %v", rn, nm)
	}
	if cat.Models[0].SLOBase != cat.Models[2].SLOBase {
		t.Error("family SLO base differs between variants of one family")
	}
}

// TestBuildCatalogueAttentionSparsity: the monitor sees 1 − d for attention
// layers, so the stored sparsity is the generated one and latency falls as
// it rises.
func TestBuildCatalogueAttentionSparsity(t *testing.T) {
	p := SparsityParams{Mean: 0.8, Spread: 0.05, Rho: 0.5, LoadBalance: LoadBalanceParams{Mean: 1, Spread: 0}}
	cat, err := BuildCatalogue([]Variant{{Family: "bert"}}, 50, 1, BuildOptions{Sparsity: map[string]SparsityParams{"bert": p}, SeqLen: 128})
	if err != nil {
		t.Fatal(err)
	}
	s := NewSanger()
	for _, smp := range cat.Models[0].Samples {
		for i := range smp.Latency {
			d := 1 - smp.Sparsity[i]
			if want := s.Latency(d, 1, 128, 768); smp.Latency[i] != want {
				t.Fatalf("latency %v, want Sanger(d=%v, b=1, L=128) = %v", smp.Latency[i], d, want)
			}
		}
	}
	if m := cat.Models[0].AvgSparsity[0]; math.Abs(m-0.8) > 0.03 {
		t.Errorf("mean attention sparsity %v, want ≈ 0.8", m)
	}
}

// TestBuildCatalogueDeterministic: the same seed gives the same bytes, a
// variant's samples do not depend on the other variants, and another seed
// gives other samples.
func TestBuildCatalogueDeterministic(t *testing.T) {
	vs := benchVariants()
	enc := func(vs []Variant, seed uint64) []byte {
		cat, err := BuildCatalogue(vs, 10, seed, BuildOptions{})
		if err != nil {
			t.Fatal(err)
		}
		b, err := json.Marshal(cat)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	a, b := enc(vs, 77), enc(vs, 77)
	if !bytes.Equal(a, b) {
		t.Fatal("same seed, different catalogues")
	}
	if bytes.Equal(a, enc(vs, 78)) {
		t.Error("different seeds, same catalogue")
	}
	one, err := BuildCatalogue(vs[4:5], 10, 77, BuildOptions{})
	if err != nil {
		t.Fatal(err)
	}
	all, _ := BuildCatalogue(vs, 10, 77, BuildOptions{})
	if d := cmp.Diff(all.Models[4].Samples, one.Models[0].Samples); d != "" {
		t.Errorf("a variant's samples depend on the other variants:\n%s", d)
	}
}

func TestBuildCatalogueErrors(t *testing.T) {
	tests := []struct {
		name     string
		variants []Variant
		samples  int
		opts     BuildOptions
		want     string
	}{
		{"no variants", nil, 10, BuildOptions{}, "no variants"},
		{"no samples", []Variant{{Family: "bert"}}, 0, BuildOptions{}, "samples must be > 0"},
		{"unknown family", []Variant{{Family: "resnet18"}}, 10, BuildOptions{}, `variant resnet18/dense: unknown model family "resnet18"`},
		{"unknown pattern", []Variant{{Family: "vgg16", Pattern: "block", WeightSparsity: 0.5}}, 10, BuildOptions{}, `variants[0]: variant of vgg16: unknown pattern "block"`},
		{"weight sparsity 1", []Variant{{Family: "vgg16", Pattern: "unstructured", WeightSparsity: 1}}, 10, BuildOptions{}, "weight sparsity must be in [0, 1), got 1"},
		{"N:M too dense", []Variant{{Family: "vgg16", Pattern: "nm-block:2:4", WeightSparsity: 0.2}}, 10, BuildOptions{}, "must be ≤ 0.5 (weight sparsity ≥ 0.5), got 0.8"},
		{"pruned attention", []Variant{{Family: "bert", Pattern: "unstructured", WeightSparsity: 0.5}}, 10, BuildOptions{}, "attention family bert has dense weights"},
		{"duplicate", []Variant{{Family: "bert"}, {Family: "bert"}}, 10, BuildOptions{}, "variants[1]: name bert/dense repeats variants[0]"},
		{"bad params", []Variant{{Family: "vgg16"}}, 10, BuildOptions{Sparsity: map[string]SparsityParams{"vgg16": {Mean: 2}}}, "sparsity parameters of vgg16: mean: must be in [0, 0.99]"},
		{"layer rates too few", []Variant{{Family: "vgg16", Pattern: "block:4", WeightSparsity: 0.2, LayerWeightSparsity: []float64{0.2, 0.2}}}, 10, BuildOptions{}, "layer_weight_sparsity has 2 entries; the family has 16 layers"},
		{"layer rate 1", []Variant{{Family: "vgg16", Pattern: "block:4", WeightSparsity: 0.2, LayerWeightSparsity: append(make([]float64, 15), 1)}}, 10, BuildOptions{}, "layer_weight_sparsity[15] = 1; want a fraction in [0, 1)"},
		{"layer rate under N:M", []Variant{{Family: "vgg16", Pattern: "nm-block:2:4", WeightSparsity: 0.5, LayerWeightSparsity: make([]float64, 16)}}, 10, BuildOptions{}, "layer_weight_sparsity[0]: pattern nm-block:2:4 keeps at most 2 of every 4 weights"},
		{"wrong accelerator", []Variant{{Family: "bert"}}, 10, BuildOptions{Accelerators: []accelerator.Accelerator{NewEyerissV2()}}, "hardware/zoo/bert.toml:12: layer encoder.0: attention layers cannot run on eyeriss-v2"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := BuildCatalogue(tc.variants, tc.samples, 1, tc.opts)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error = %v\nwant it to contain %q", err, tc.want)
			}
		})
	}
}

func TestVariantNames(t *testing.T) {
	tests := []struct {
		v    Variant
		name string
	}{
		{Variant{Family: "resnet50", Pattern: "unstructured", WeightSparsity: 0.6}, "resnet50/unstructured-60"},
		{Variant{Family: "resnet50", Pattern: "nm-block:2:4", WeightSparsity: 0.6}, "resnet50/nm-2:4-60"},
		{Variant{Family: "resnet50", Pattern: "filter", WeightSparsity: 0.5}, "resnet50/filter-50"},
		{Variant{Family: "vgg16", Pattern: "unstructured", WeightSparsity: 0.625}, "vgg16/unstructured-62.5"},
		{Variant{Family: "vgg16", Pattern: "nm-block:1:8", WeightSparsity: 0.875}, "vgg16/nm-1:8-87.5"},
		{Variant{Family: "vgg16", Pattern: "block:4", WeightSparsity: 0.2}, "vgg16/block4-20"},
		{Variant{Family: "vgg16", Pattern: "block:16", WeightSparsity: 0.225}, "vgg16/block16-22.5"},
		{Variant{Family: "bert"}, "bert/dense"},
		{Variant{Family: "bert", Pattern: "dense"}, "bert/dense"},
	}
	for _, tc := range tests {
		got, err := tc.v.CanonicalName()
		if err != nil || got != tc.name {
			t.Errorf("%+v: name %q, %v; want %q", tc.v, got, err, tc.name)
			continue
		}
		back, err := ParseVariantName(got)
		if err != nil {
			t.Errorf("ParseVariantName(%q): %v", got, err)
			continue
		}
		if again, _ := back.CanonicalName(); again != got {
			t.Errorf("round trip %q → %+v → %q", got, back, again)
		}
	}
	named := Variant{Family: "bert", Name: "bert-squad"}
	if n, _ := named.ResolvedName(); n != "bert-squad" {
		t.Errorf("explicit name ignored: %q", n)
	}
	for _, bad := range []string{"resnet50", "/dense", "resnet50/unstructured", "resnet50/unstructured-100", "resnet50/block-60", "resnet50/block0-60", "resnet50/blockx-60", "resnet50/nm-2:4-20", "resnet50/unstructured-60.0"} {
		if v, err := ParseVariantName(bad); err == nil {
			t.Errorf("ParseVariantName(%q) = %+v, want an error", bad, v)
		}
	}
}

// Per-layer rates reach the layers: a layer left at 0 costs what the
// unpruned layer costs, a pruned one what the uniform variant at its rate
// costs; and block pruning thins products as unstructured pruning does
// (SPEC §7.1).
func TestLayerWeightSparsity(t *testing.T) {
	// One name for every variant: each variant's samples come from a
	// stream named after it, so equal names give equal activations.
	build := func(v Variant) *catalogue.Catalogue {
		t.Helper()
		v.Name = "vgg16/same-inputs"
		cat, err := BuildCatalogue([]Variant{v}, 3, 7, BuildOptions{})
		if err != nil {
			t.Fatal(err)
		}
		return cat
	}
	fam, err := BuiltinZoo()
	if err != nil {
		t.Fatal(err)
	}
	vgg, err := fam.Family("vgg16")
	if err != nil {
		t.Fatal(err)
	}
	rates := make([]float64, len(vgg.Layers))
	for i := 1; i < len(rates); i += 2 {
		rates[i] = 0.25
	}
	for _, pat := range []string{"unstructured", "block:4", "filter"} {
		mixed := build(Variant{Family: "vgg16", Pattern: pat, WeightSparsity: 0.2, LayerWeightSparsity: rates})
		dense := build(Variant{Family: "vgg16"})
		uniform := build(Variant{Family: "vgg16", Pattern: pat, WeightSparsity: 0.25})
		for k := range mixed.Models[0].Samples {
			got := mixed.Models[0].Samples[k].Latency
			for i := range got {
				want := dense.Models[0].Samples[k].Latency[i]
				if rates[i] > 0 {
					want = uniform.Models[0].Samples[k].Latency[i]
				}
				if got[i] != want {
					t.Errorf("%s sample %d layer %d: latency %g, want %g (rate %g)", pat, k, i, got[i], want, rates[i])
				}
			}
		}
	}
	un := build(Variant{Family: "vgg16", Pattern: "unstructured", WeightSparsity: 0.25})
	bl := build(Variant{Family: "vgg16", Pattern: "block:4", WeightSparsity: 0.25})
	if diff := cmp.Diff(un.Models[0].AvgLatency, bl.Models[0].AvgLatency); diff != "" {
		t.Errorf("block:4 and unstructured at 25%% differ on eyeriss-v2 (-unstructured +block):\n%s", diff)
	}
}

func TestParsePattern(t *testing.T) {
	for _, spec := range []string{"dense", "unstructured", "filter", "nm-block:2:4", "nm-block:1:1", "block:4", "block:1"} {
		p, err := accelerator.ParsePattern(spec)
		if err != nil || p.String() != spec {
			t.Errorf("ParsePattern(%q) = %v, %v", spec, p, err)
		}
	}
	for _, spec := range []string{"", "nm", "nm-block:2", "nm-block:a:4", "nm-block:0:4", "nm-block:5:4", "Unstructured", "block", "block:0", "block:-4", "block:4:4"} {
		if p, err := accelerator.ParsePattern(spec); err == nil {
			t.Errorf("ParsePattern(%q) = %v, want an error", spec, p)
		}
	}
}

// BenchmarkBuildCatalogue builds every variant of the built-in scenario
// families (12 CNN + 3 attention) with 100 samples each. Budget: 100 ms.
func BenchmarkBuildCatalogue(b *testing.B) {
	vs := benchVariants()
	if _, err := BuiltinZoo(); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if _, err := BuildCatalogue(vs, 100, 1, BuildOptions{}); err != nil {
			b.Fatal(err)
		}
	}
}
