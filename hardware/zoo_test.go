package hardware

import (
	"math"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/sparsebench/sparsebench/plugins/accelerator"
)

// TestZooShapes checks the public layer counts of SPEC §7 and the MAC
// totals public model tables quote at real strides.
func TestZooShapes(t *testing.T) {
	zoo := mustZoo(t)
	tests := []struct {
		family          string
		conv, fc, attn  int
		gmac, tolerance float64 // dense GMAC at real strides, relative tolerance
	}{
		{"resnet50", 53, 1, 0, 4.1, 0.02},   // torchvision: 4.09 GMAC
		{"vgg16", 13, 3, 0, 15.5, 0.01},     // 15.47 GMAC
		{"mobilenet", 27, 1, 0, 0.57, 0.01}, // paper: 569 M mult-adds
		{"ssd300", 37, 0, 0, 0, 0},
		{"bert", 0, 0, 12, 0, 0},
		{"bart", 0, 0, 12, 0, 0},
		{"gpt2", 0, 0, 12, 0, 0},
		// Measured (nsfwjs's fine-tuned heads end in three Dense layers).
		{"inceptionv3", 94, 3, 0, 5.7, 0.02},  // Keras InceptionV3: 5.7 GMAC
		{"mobilenetv2", 52, 3, 0, 0.30, 0.02}, // MobileNetV2 1.0: 300 M mult-adds
	}
	if got := zoo.Names(); strings.Join(got, ",") != "bart,bert,gpt2,inceptionv3,mobilenet,mobilenetv2,resnet50,ssd300,vgg16" {
		t.Errorf("zoo families = %v", got)
	}
	for _, tc := range tests {
		f, err := zoo.Family(tc.family)
		if err != nil {
			t.Fatal(err)
		}
		if c, fc, a := f.Count(accelerator.Conv), f.Count(accelerator.FC), f.Count(accelerator.Attention); c != tc.conv || fc != tc.fc || a != tc.attn || len(f.Layers) != c+fc+a {
			t.Errorf("%s: %d conv, %d fc, %d attention (%d layers); want %d, %d, %d", tc.family, c, fc, a, len(f.Layers), tc.conv, tc.fc, tc.attn)
		}
		if tc.gmac > 0 {
			got := float64(f.MACs()) / 1e9
			if math.Abs(got-tc.gmac) > tc.tolerance*tc.gmac {
				t.Errorf("%s: %.4f GMAC, want %.2f ± %.0f%%", tc.family, got, tc.gmac, 100*tc.tolerance)
			}
		}
		if f.IsAttention() {
			for _, l := range f.Layers {
				if l.Width != 768 || l.Heads != 12 || l.SeqLen != 512 {
					t.Errorf("%s %s: width %d heads %d seq_len %d, want 768, 12, 512", f.Name, l.Name, l.Width, l.Heads, l.SeqLen)
				}
			}
		}
		src := "hardware/zoo/" + tc.family + ".toml:"
		if f.Measured != nil {
			src = "hardware/sparsitydata/data/" + tc.family + ".toml layers["
		}
		for i, l := range f.Layers {
			if !strings.HasPrefix(l.Source, src) {
				t.Errorf("%s layer %d: source %q", f.Name, i, l.Source)
			}
		}
	}
}

// TestZooConnectivity checks that consecutive CNN layers agree on channels
// and sizes where the architecture feeds one into the next, catching typos in
// the data files.
func TestZooConnectivity(t *testing.T) {
	zoo := mustZoo(t)
	vgg, _ := zoo.Family("vgg16")
	for i := 1; i < 13; i++ {
		if prev, l := vgg.Layers[i-1], vgg.Layers[i]; prev.M != l.C {
			t.Errorf("vgg16 %s: c %d, previous m %d", l.Name, l.C, prev.M)
		}
	}
	mb, _ := zoo.Family("mobilenet")
	for i := 1; i < 27; i++ {
		prev, l := mb.Layers[i-1], mb.Layers[i]
		if prev.M != l.C || prev.OutH() != l.H {
			t.Errorf("mobilenet %s: input %d×%d, previous output %d×%d", l.Name, l.C, l.H, prev.M, prev.OutH())
		}
	}
	rn, _ := zoo.Family("resnet50")
	for i, l := range rn.Layers {
		if strings.HasSuffix(l.Name, ".conv2") || strings.HasSuffix(l.Name, ".conv3") {
			prev := rn.Layers[i-1]
			if prev.M != l.C || prev.OutH() != l.H {
				t.Errorf("resnet50 %s: input %d×%d, previous output %d×%d", l.Name, l.C, l.H, prev.M, prev.OutH())
			}
		}
	}
	if fc := rn.Layers[len(rn.Layers)-1]; fc.Kind != accelerator.FC || fc.C != 2048 || fc.M != 1000 {
		t.Errorf("resnet50 classifier %+v", fc)
	}
}

func TestWithSeqLen(t *testing.T) {
	bert, _ := mustZoo(t).Family("bert")
	short, err := bert.WithSeqLen(128)
	if err != nil {
		t.Fatal(err)
	}
	if short.Layers[3].SeqLen != 128 || bert.Layers[3].SeqLen != 512 {
		t.Errorf("seq len: copy %d, original %d", short.Layers[3].SeqLen, bert.Layers[3].SeqLen)
	}
	rn, _ := mustZoo(t).Family("resnet50")
	if _, err := rn.WithSeqLen(128); err == nil {
		t.Error("WithSeqLen accepted a CNN")
	}
	if _, err := bert.WithSeqLen(0); err == nil {
		t.Error("WithSeqLen accepted 0")
	}
}

const goodFamily = `family = "tiny"
description = "two layers"
layers = [
  { name = "c1", kind = "conv", c = 3, m = 8, size = 16, kernel = 3 },
  { name = "c2", kind = "conv", c = 8, m = 8, h = 16, w = 8, r = 3, s = 1, stride = 2, pad = 0, groups = 8 },
  { name = "fc", kind = "fc", c = 512, m = 10 },
]

[sparsity]
mean = 0.4
spread = 0.1
rho = 0.5

[[sparsity.domains]]
name = "night"
share = 0.3
mean_shift = 0.1
spread_scale = 1.5
`

func TestParseFamily(t *testing.T) {
	f, err := ParseFamily("tiny.toml", []byte(goodFamily))
	if err != nil {
		t.Fatal(err)
	}
	want := []accelerator.Layer{
		{Name: "c1", Kind: accelerator.Conv, C: 3, M: 8, H: 16, W: 16, R: 3, S: 3, Stride: 1, Pad: 1, Groups: 1, Source: "tiny.toml:4"},
		{Name: "c2", Kind: accelerator.Conv, C: 8, M: 8, H: 16, W: 8, R: 3, S: 1, Stride: 2, Pad: 0, Groups: 8, Source: "tiny.toml:5"},
		{Name: "fc", Kind: accelerator.FC, C: 512, M: 10, Source: "tiny.toml:6"},
	}
	if len(f.Layers) != len(want) {
		t.Fatalf("%d layers", len(f.Layers))
	}
	for i := range want {
		if f.Layers[i] != want[i] {
			t.Errorf("layer %d = %+v, want %+v", i, f.Layers[i], want[i])
		}
	}
	if f.Sparsity.Mean != 0.4 || len(f.Sparsity.Domains) != 1 || f.Sparsity.Domains[0].SpreadScale != 1.5 {
		t.Errorf("sparsity = %+v", f.Sparsity)
	}
	if f.Description != "two layers" || f.Name != "tiny" {
		t.Errorf("family %q %q", f.Name, f.Description)
	}
}

// TestParseFamilyErrors: every bad input gets one error naming file and
// line.
func TestParseFamilyErrors(t *testing.T) {
	tests := []struct {
		name, edit, with string
		want             string
	}{
		{"syntax", `rho = 0.5`, `rho = = 0.5`, "tiny.toml:12: "},
		{"unknown top-level key", `description = "two layers"`, `descripton = "two layers"`, `tiny.toml:2: unknown key "descripton"`},
		{"unknown sparsity key", `rho = 0.5`, `rho = 0.5` + "\nsprad = 1", `tiny.toml:13: unknown key "sparsity.sprad"`},
		{"unknown domain key", `spread_scale = 1.5`, `spread_scale = 1.5` + "\nshift = 1", `tiny.toml:19: unknown key "sparsity.domains.shift"`},
		{"unknown layer key", `stride = 2, pad = 0`, `stride = 2, padd = 0`, `tiny.toml:5: layer c2: unknown key "padd" for a conv layer`},
		{"fc key on fc", `kind = "fc", c = 512`, `kind = "fc", size = 3, c = 512`, `tiny.toml:6: layer fc: unknown key "size" for a fc layer`},
		{"zero kernel", `size = 16, kernel = 3`, `size = 16, kernel = 0`, "tiny.toml:4: layer c1: r must be > 0, got 0"},
		{"negative channels", `c = 512, m = 10`, `c = -512, m = 10`, "tiny.toml:6: layer fc: c must be > 0, got -512"},
		{"missing key", `c = 8, m = 8, h = 16`, `c = 8, h = 16`, "tiny.toml:5: layer c2: missing key m"},
		{"size and h", `size = 16, kernel = 3`, `size = 16, h = 16, kernel = 3`, "tiny.toml:4: layer c1: give size or h and w, not both"},
		{"no size", `c = 3, m = 8, size = 16,`, `c = 3, m = 8,`, "tiny.toml:4: layer c1: missing key size (or h and w)"},
		{"wrong type", `c = 3, m = 8`, `c = "3", m = 8`, "tiny.toml:4: layer c1: c: expected an integer"},
		{"unknown kind", `kind = "fc"`, `kind = "pool"`, `tiny.toml:6: layer fc: unknown kind "pool"`},
		{"no name", `{ name = "c1", kind`, `{ kind`, "tiny.toml:4: layers[0]: missing key name"},
		{"groups", `groups = 8`, `groups = 3`, "tiny.toml:5: layer c2: groups 3 must divide c 8 and m 8"},
		{"kernel and r", `stride = 2, pad = 0`, `stride = 2, pad = 0, kernel = 3`, "tiny.toml:5: layer c2: give kernel or r and s, not both"},
		{"duplicate key", `stride = 2, pad = 0`, `stride = 2, pad = 0, r = 20`, "tiny.toml:5: Key 'layers.r' has already been defined"},
		{"family mismatch", `family = "tiny"`, `family = "small"`, `tiny.toml:1: family "small" must match the file name "tiny"`},
		{"mixed kinds", `{ name = "fc", kind = "fc", c = 512, m = 10 }`, `{ name = "att", kind = "attention", seq_len = 8, width = 8, heads = 2 }`, "tiny.toml:6: layer att: a family cannot mix attention"},
		{"bad domain share", `share = 0.3`, `share = 1.3`, "tiny.toml:16: sparsity.domains[0].share: must be in (0, 1], got 1.3"},
		{"bad rho", `rho = 0.5`, `rho = 1.5`, "tiny.toml:12: sparsity.rho: must be in [0, 1], got 1.5"},
		{"layer_mean length", `rho = 0.5`, `rho = 0.5` + "\nlayer_mean = [0.1, 0.2]", "tiny.toml:13: sparsity.layer_mean: has 2 entries, the family has 3 layers"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if !strings.Contains(goodFamily, tc.edit) {
				t.Fatalf("test edit %q not in the file", tc.edit)
			}
			data := strings.Replace(goodFamily, tc.edit, tc.with, 1)
			_, err := ParseFamily("tiny.toml", []byte(data))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error = %v\nwant it to contain %q", err, tc.want)
			}
		})
	}
}

func TestParseAttentionFamily(t *testing.T) {
	src := `family = "att"
seq_len = 64
layers = [
  { name = "a0", kind = "attention", width = 64, heads = 4 },
  { name = "a1", kind = "attention", width = 64, heads = 4, seq_len = 32 },
]
[sparsity]
mean = 0.8
[sparsity.load_balance]
mean = 0.7
spread = 0.1
`
	f, err := ParseFamily("att.toml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	if !f.IsAttention() || f.Layers[0].SeqLen != 64 || f.Layers[1].SeqLen != 32 || f.Sparsity.LoadBalance.Mean != 0.7 {
		t.Errorf("family = %+v", f)
	}
	noLB := strings.Replace(src, "mean = 0.7", "", 1)
	noLB = strings.Replace(noLB, "spread = 0.1", "", 1)
	if _, err := ParseFamily("att.toml", []byte(noLB)); err == nil || !strings.Contains(err.Error(), "load_balance.mean: must be set") {
		t.Errorf("missing load balance: %v", err)
	}
	noLen := strings.Replace(src, "seq_len = 64\n", "", 1)
	if _, err := ParseFamily("att.toml", []byte(noLen)); err == nil || !strings.Contains(err.Error(), "att.toml:3: layer a0: missing key seq_len") {
		t.Errorf("missing seq_len: %v", err)
	}
}

func TestLoadZooErrors(t *testing.T) {
	_, err := LoadZoo(fstest.MapFS{"tiny.toml": {Data: []byte(strings.Replace(goodFamily, "kernel = 3", "kernel = -1", 1))}})
	if err == nil || !strings.Contains(err.Error(), "tiny.toml:4: layer c1: r must be > 0, got -1") {
		t.Errorf("LoadZoo error = %v", err)
	}
	if _, err := LoadZoo(fstest.MapFS{}); err == nil {
		t.Error("empty zoo accepted")
	}
	z, err := LoadZoo(fstest.MapFS{"tiny.toml": {Data: []byte(goodFamily)}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := z.Family("resnet"); err == nil || !strings.Contains(err.Error(), `unknown model family "resnet"; the zoo has tiny`) {
		t.Errorf("unknown family: %v", err)
	}
}

// TestZooLayerAcceleratorCannotRun: a zoo layer that does not fit the
// accelerator is reported with its file and line.
func TestZooLayerAcceleratorCannotRun(t *testing.T) {
	src := strings.Replace(goodFamily, "h = 16, w = 8", "h = 2000, w = 8", 1)
	f, err := ParseFamily("tiny.toml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	z, _ := NewZoo(f)
	_, err = BuildCatalogue([]Variant{{Family: "tiny"}}, 2, 1, BuildOptions{Zoo: z})
	if err == nil || !strings.Contains(err.Error(), "tiny.toml:5: layer c2: one activation column of 2000 rows") {
		t.Errorf("error = %v", err)
	}
	_, err = BuildCatalogue([]Variant{{Family: "tiny"}}, 2, 1, BuildOptions{Zoo: z, Accelerators: []accelerator.Accelerator{NewSanger()}})
	if err == nil || !strings.Contains(err.Error(), "tiny.toml:4: layer c1: conv layers cannot run on sanger") {
		t.Errorf("error = %v", err)
	}
}
