package hardware

import (
	"math/rand/v2"
	"testing"

	"github.com/sparsebench/sparsebench/plugins/accelerator"
)

// densityGrid runs from 1 down to 0.01.
func densityGrid() []float64 {
	var g []float64
	for i := 100; i >= 1; i-- {
		g = append(g, float64(i)/100)
	}
	return g
}

// monotonicLayers are the zoo's CNN layers plus random shapes, including
// grouped, depthwise, tiny and first-layer ones.
func monotonicLayers(t *testing.T) []accelerator.Layer {
	var ls []accelerator.Layer
	for _, f := range mustZoo(t).Families() {
		if !f.IsAttention() {
			ls = append(ls, f.Layers...)
		}
	}
	r := rand.New(rand.NewPCG(7, 11))
	for i := 0; i < 300; i++ {
		k := 1 + 2*r.IntN(4)
		g := 1
		c := 1 + r.IntN(300)
		m := 1 + r.IntN(300)
		switch r.IntN(3) {
		case 0: // depthwise
			g, m = c, c
		case 1: // grouped
			g = 1 + r.IntN(4)
			c, m = c*g, m*g
		}
		size := k + r.IntN(60)
		ls = append(ls, accelerator.Layer{Name: "rand", Kind: accelerator.Conv, C: c, M: m, H: size, W: size, R: k, S: k, Stride: 1, Pad: (k - 1) / 2, Groups: g})
		if i%10 == 0 {
			ls = append(ls, accelerator.Layer{Name: "randfc", Kind: accelerator.FC, C: 1 + r.IntN(5000), M: 1 + r.IntN(5000)})
		}
	}
	return ls
}

// TestEyerissMonotonic: latency never increases when the activation density
// or the weight density decreases, for every pattern.
func TestEyerissMonotonic(t *testing.T) {
	e := NewEyerissV2()
	grid := densityGrid()
	patterns := []accelerator.Pattern{{Kind: accelerator.Unstructured}, {Kind: accelerator.NMBlock, N: 2, M: 4}, {Kind: accelerator.Filter}}
	lat := func(it accelerator.Item) float64 {
		b, err := e.Breakdown(it)
		if err != nil {
			t.Fatalf("%+v: %v", it, err)
		}
		return b.Latency
	}
	for _, l := range monotonicLayers(t) {
		for _, p := range patterns {
			maxW := 1.0
			if p.Kind == accelerator.NMBlock {
				maxW = 0.5
			}
			// activation density falls, weight density fixed
			for _, wd := range []float64{maxW, maxW / 2, 0.05} {
				prev := lat(accelerator.Item{Layer: l, Pattern: p, WeightDensity: wd, ActDensity: 1})
				for _, ad := range grid[1:] {
					cur := lat(accelerator.Item{Layer: l, Pattern: p, WeightDensity: wd, ActDensity: ad})
					if cur > prev {
						t.Fatalf("%s %s %s d_w=%v: latency rises from %v to %v as d_act falls to %v", l.Name, l.Shape(), p, wd, prev, cur, ad)
					}
					prev = cur
				}
			}
			// weight density falls, activation density fixed
			for _, ad := range []float64{1, 0.5, 0.05} {
				prev := lat(accelerator.Item{Layer: l, Pattern: p, WeightDensity: maxW, ActDensity: ad})
				for _, wd := range grid {
					if wd >= maxW {
						continue
					}
					cur := lat(accelerator.Item{Layer: l, Pattern: p, WeightDensity: wd, ActDensity: ad})
					if cur > prev {
						t.Fatalf("%s %s %s d_act=%v: latency rises from %v to %v as d_w falls to %v", l.Name, l.Shape(), p, ad, prev, cur, wd)
					}
					prev = cur
				}
			}
		}
	}
}

// TestSangerMonotonic: latency never increases when the attention density
// decreases or the load balance improves.
func TestSangerMonotonic(t *testing.T) {
	s := NewSanger()
	grid := densityGrid()
	for _, L := range []int{64, 128, 384, 512, 1024} {
		for _, b := range []float64{1, 0.8, 0.5, 0.1} {
			prev := s.Latency(1, b, L, 768)
			for _, d := range grid[1:] {
				cur := s.Latency(d, b, L, 768)
				if cur > prev {
					t.Fatalf("L=%d b=%v: latency rises from %v to %v as d falls to %v", L, b, prev, cur, d)
				}
				prev = cur
			}
		}
		for _, d := range []float64{1, 0.3, 0.05} {
			prev := s.Latency(d, 0.05, L, 768)
			for i := 6; i <= 100; i++ {
				cur := s.Latency(d, float64(i)/100, L, 768)
				if cur > prev {
					t.Fatalf("L=%d d=%v: latency rises from %v to %v as b rises to %v", L, d, prev, cur, float64(i)/100)
				}
				prev = cur
			}
		}
	}
}
