package hardware

import (
	"math"
	"strings"
	"testing"

	"github.com/sparsebench/sparsebench/plugins/accelerator"
)

func TestSangerKnownAnswers(t *testing.T) {
	s := NewSanger()
	bert := accelerator.Layer{Name: "l", Kind: accelerator.Attention, SeqLen: 512, Width: 768, Heads: 12}
	tests := []struct {
		name       string
		d, b       float64
		layer      accelerator.Layer
		wantCycles float64 // attention term
		want       float64 // seconds
	}{
		{
			// L=512, W=768, d=0.25, b=1 → r = 0.25, subrows = 4·0.25·512 = 512.
			// attention = (512/64)·(512/64)·((768+64)+(512+64)) = 8·8·1408 = 90112 cycles.
			// linear = 6·512·768²/2048e9 = 1811939328/2.048e12 s = 0.884736 ms.
			// projection = 2·512·768²/(2048e9·1/0.25) = 0.294912 ms · 0.25 = 0.073728 ms.
			// total = 0.884736 + 0.090112 + 0.073728 = 1.048576 ms.
			name: "bert d=0.25 b=1", d: 0.25, b: 1, layer: bert,
			wantCycles: 90112, want: 1.048576e-3,
		},
		{
			// d=0.5, b=0.5 → r = 1, subrows = 2048.
			// attention = 32·8·((832)+(2112)) = 256·2944 = 753664 cycles.
			// projection = 0.294912 ms · 1. total = 0.884736 + 0.753664 + 0.294912 = 1.933312 ms.
			name: "bert r=1", d: 0.5, b: 0.5, layer: bert,
			wantCycles: 753664, want: 1.933312e-3,
		},
		{
			// L=128, W=64, d=0.5, b=1 → r = 0.5, subrows = 256.
			// attention = (256/64)·(128/64)·((64+64)+(256+64)) = 4·2·448 = 3584 cycles.
			// linear = 6·128·64²/2.048e12 = 3145728/2.048e12 = 1.536 µs.
			// projection = 2·128·64²/(2.048e12·2) = 0.256 µs.
			// total = 1.536 + 3.584 + 0.256 = 5.376 µs.
			name: "small", d: 0.5, b: 1, layer: accelerator.Layer{Name: "s", Kind: accelerator.Attention, SeqLen: 128, Width: 64, Heads: 1},
			wantCycles: 3584, want: 5.376e-6,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := s.AttentionCycles(tc.d, tc.b, tc.layer.SeqLen, tc.layer.Width); math.Abs(got-tc.wantCycles) > 1e-9*tc.wantCycles {
				t.Errorf("attention cycles = %v, want %v", got, tc.wantCycles)
			}
			out := []float64{0}
			err := s.Latencies([]accelerator.Item{{Layer: tc.layer, WeightDensity: 1, ActDensity: tc.d, LoadBalance: tc.b}}, out)
			if err != nil {
				t.Fatal(err)
			}
			if math.Abs(out[0]-tc.want) > 1e-12*tc.want+1e-18 {
				t.Errorf("latency = %.12g s, want %.12g s", out[0], tc.want)
			}
		})
	}
}

// TestSangerApproximation checks the specification's closed form at L = 512:
// latency ≈ 0.885 + 0.524·(r + r²) ms.
func TestSangerApproximation(t *testing.T) {
	s := NewSanger()
	for _, r := range []float64{0.05, 0.1, 0.25, 0.5, 1, 2} {
		got := s.Latency(r*0.5, 0.5, 512, 768) * 1e3
		want := 0.885 + 0.524*(r+r*r)
		if math.Abs(got-want) > 0.001*want+0.001 {
			t.Errorf("r=%v: %.4f ms, SPEC §7 ≈ %.4f ms", r, got, want)
		}
	}
}

func TestSangerErrors(t *testing.T) {
	s := NewSanger()
	att := accelerator.Layer{Name: "a", Kind: accelerator.Attention, SeqLen: 64, Width: 64, Heads: 4, Source: "f.toml:3"}
	ok := accelerator.Item{Layer: att, WeightDensity: 1, ActDensity: 0.5, LoadBalance: 0.8}
	with := func(f func(*accelerator.Item)) accelerator.Item { it := ok; f(&it); return it }
	tests := []struct {
		name string
		item accelerator.Item
		want string
	}{
		{"conv", with(func(it *accelerator.Item) {
			it.Layer = accelerator.Layer{Name: "c", Kind: accelerator.Conv, C: 1, M: 1, H: 1, W: 1, R: 1, S: 1, Stride: 1, Groups: 1}
		}), "layer c: conv layers are not supported (sanger runs attention)"},
		{"zero density", with(func(it *accelerator.Item) { it.ActDensity = 0 }), "activation density must be in (0, 1], got 0"},
		{"zero load balance", with(func(it *accelerator.Item) { it.LoadBalance = 0 }), "f.toml:3: layer a: load balance must be in (0, 1], got 0"},
		{"load balance > 1", with(func(it *accelerator.Item) { it.LoadBalance = 1.2 }), "load balance must be in (0, 1], got 1.2"},
		{"weight pattern", with(func(it *accelerator.Item) {
			it.Pattern = accelerator.Pattern{Kind: accelerator.Unstructured}
			it.WeightDensity = 0.5
		}), "weight pattern unstructured not supported"},
		{"zero seq len", with(func(it *accelerator.Item) { it.Layer.SeqLen = 0 }), "f.toml:3: layer a: seq_len must be > 0, got 0"},
		{"heads", with(func(it *accelerator.Item) { it.Layer.Heads = 5 }), "heads 5 must divide width 64"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := s.Latencies([]accelerator.Item{tc.item}, make([]float64, 1))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error = %v, want it to contain %q", err, tc.want)
			}
		})
	}
}
