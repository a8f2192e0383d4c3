package workload

import (
	"fmt"
	"github.com/sparsebench/sparsebench/hardware/catalogue"
	"math"
)

// Synthetic describes a made-up catalogue for tests, benchmarks and examples
// that must not depend on the reference accelerator models: families with a
// fixed layer count, each in a few variants whose per-layer latency scales
// with the density of a per-sample, per-layer sparsity draw.
type Synthetic struct {
	Families int
	Variants int // per family
	Samples  int // per variant
	Layers   int
	// Scale is the mean isolated latency of a dense variant, seconds.
	Scale float64
	Seed  uint64
}

// Build draws the catalogue and derives its tables.
func (s Synthetic) Build() *catalogue.Catalogue {
	r := Stream(s.Seed, "synthetic")
	cat := &catalogue.Catalogue{}
	for f := 0; f < s.Families; f++ {
		family := fmt.Sprintf("net%d", f)
		base := make([]float64, s.Layers)
		for l := range base {
			base[l] = s.Scale / float64(s.Layers) * (0.5 + r.Float64()) * (1 + float64(f)/2)
		}
		for v := 0; v < s.Variants; v++ {
			density := 1 - 0.2*float64(v)
			m := catalogue.Model{Name: fmt.Sprintf("%s/v%d", family, v), Family: family}
			for k := 0; k < s.Samples; k++ {
				latent := r.NormFloat64()
				smp := catalogue.Sample{Latency: make([]float64, s.Layers), Sparsity: make([]float64, s.Layers)}
				for l := range base {
					sp := 0.45 + 0.12*latent + 0.08*r.NormFloat64()
					sp = math.Min(0.95, math.Max(0, sp))
					smp.Sparsity[l] = sp
					smp.Latency[l] = base[l] * density * (0.1 + 0.9*(1-sp))
				}
				m.Samples = append(m.Samples, smp)
			}
			cat.Models = append(cat.Models, m)
		}
	}
	if err := cat.Derive(); err != nil {
		panic(err) // the shapes above are consistent by construction
	}
	return cat
}
