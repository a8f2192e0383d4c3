// Package catalogue holds the data set of a scenario (SPEC §1): its
// variants, each with the samples an accelerator model produced — per
// input, every layer's real latency and measured activation sparsity — and
// the per-layer averages and SLO bases derived from them, which are all a
// scheduler may know in advance (SPEC §4). hardware.BuildCatalogue and
// hardware.ImportCSVDir make catalogues; the harness runs requests drawn
// from them; the trace format carries one.
package catalogue

import (
	"fmt"
)

// Sample is one input of a variant's data set: the real latency of every
// layer on the accelerator and the activation sparsity the hardware monitor
// measures at that layer.
type Sample struct {
	Latency  []float64 `json:"latency_s"`
	Sparsity []float64 `json:"sparsity"`
}

// Model is one variant: a model family pruned with one static pattern and
// rate. The averaged tables are what a scheduler is allowed to know
// (SPEC §4); Catalogue.Derive fills them from the samples.
type Model struct {
	Name    string   `json:"name"`
	Family  string   `json:"family"`
	Samples []Sample `json:"samples"`

	// AvgLatency is avg_lat_variant: per layer, the mean real latency over
	// this variant's samples.
	AvgLatency []float64 `json:"avg_latency_s"`
	// FamilyAvgLatency is avg_lat_family: per layer, the mean over every
	// sample of every variant of the family.
	FamilyAvgLatency []float64 `json:"family_avg_latency_s"`
	// AvgSparsity is avg_sp: per layer, the mean measured sparsity.
	AvgSparsity []float64 `json:"avg_sparsity"`
	// SLOBase is slo_base(family): the mean isolated latency over every
	// sample of every variant of the family. A request's relative deadline
	// is slo_mult × SLOBase.
	SLOBase float64 `json:"slo_base_s"`
}

// Layers is the number of layers every sample of the model has.
func (m *Model) Layers() int {
	if len(m.Samples) == 0 {
		return len(m.AvgLatency)
	}
	return len(m.Samples[0].Latency)
}

// IsolatedLatency is Σ_i lat[k][i] for sample k: the time the request takes
// alone on the accelerator.
func (m *Model) IsolatedLatency(k int) float64 {
	return m.Samples[k].IsolatedLatency()
}

// IsolatedLatency is Σ_i lat[i], added in layer order: the time the input
// takes alone on the accelerator.
func (s *Sample) IsolatedLatency() float64 {
	var t float64
	for _, x := range s.Latency {
		t += x
	}
	return t
}

// Catalogue is the set of variants a workload draws from.
type Catalogue struct {
	Models []Model `json:"models"`
}

// Index returns the position of the model called name, or -1.
func (c *Catalogue) Index(name string) int {
	for i := range c.Models {
		if c.Models[i].Name == name {
			return i
		}
	}
	return -1
}

// Derive computes every model's AvgLatency, AvgSparsity, FamilyAvgLatency
// and SLOBase from its samples, as SPEC §1 defines them. Families are
// visited in order of first appearance so the floating-point sums are the
// same on every machine.
func (c *Catalogue) Derive() error {
	if err := c.checkShapes(); err != nil {
		return err
	}
	for i := range c.Models {
		m := &c.Models[i]
		n := m.Layers()
		m.AvgLatency = make([]float64, n)
		m.AvgSparsity = make([]float64, n)
		for _, s := range m.Samples {
			for l := 0; l < n; l++ {
				m.AvgLatency[l] += s.Latency[l]
				m.AvgSparsity[l] += s.Sparsity[l]
			}
		}
		k := float64(len(m.Samples))
		for l := 0; l < n; l++ {
			m.AvgLatency[l] /= k
			m.AvgSparsity[l] /= k
		}
	}
	for _, fam := range c.Families() {
		var members []int
		for i := range c.Models {
			if c.Models[i].Family == fam {
				members = append(members, i)
			}
		}
		n := c.Models[members[0]].Layers()
		famAvg := make([]float64, n)
		var isoSum float64
		var count int
		for _, i := range members {
			for k, s := range c.Models[i].Samples {
				for l := 0; l < n; l++ {
					famAvg[l] += s.Latency[l]
				}
				isoSum += c.Models[i].IsolatedLatency(k)
				count++
			}
		}
		for l := range famAvg {
			famAvg[l] /= float64(count)
		}
		base := isoSum / float64(count)
		for _, i := range members {
			c.Models[i].FamilyAvgLatency = append([]float64(nil), famAvg...)
			c.Models[i].SLOBase = base
		}
	}
	return nil
}

// Families lists the model families in order of first appearance.
func (c *Catalogue) Families() []string {
	var out []string
	seen := map[string]bool{}
	for i := range c.Models {
		f := c.Models[i].Family
		if !seen[f] {
			seen[f] = true
			out = append(out, f)
		}
	}
	return out
}

func (c *Catalogue) checkShapes() error {
	layers := map[string]int{}
	for i := range c.Models {
		m := &c.Models[i]
		if len(m.Samples) == 0 {
			return fmt.Errorf("models[%d] (%s): no samples", i, m.Name)
		}
		n := len(m.Samples[0].Latency)
		if n == 0 {
			return fmt.Errorf("models[%d] (%s): samples[0] has no layers", i, m.Name)
		}
		for k, s := range m.Samples {
			if len(s.Latency) != n || len(s.Sparsity) != n {
				return fmt.Errorf("models[%d] (%s): samples[%d] has %d latencies and %d sparsities, want %d of each",
					i, m.Name, k, len(s.Latency), len(s.Sparsity), n)
			}
		}
		if want, ok := layers[m.Family]; ok && want != n {
			return fmt.Errorf("models[%d] (%s): %d layers, but family %s has %d", i, m.Name, n, m.Family, want)
		}
		layers[m.Family] = n
	}
	return nil
}

// MeanIsolatedLatency is the mean isolated latency, in seconds, of a request
// whose variant is drawn uniformly from the catalogue and whose sample is
// drawn uniformly from the variant's: 1/MeanIsolatedLatency is the arrival
// rate that saturates the accelerator.
func (c *Catalogue) MeanIsolatedLatency() float64 {
	var s float64
	for i := range c.Models {
		s += c.Models[i].MeanIsolatedLatency()
	}
	return s / float64(len(c.Models))
}

// MeanIsolatedLatency is the model's isolated latency averaged over its
// samples, in seconds.
func (m *Model) MeanIsolatedLatency() float64 {
	var iso float64
	for k := range m.Samples {
		iso += m.IsolatedLatency(k)
	}
	return iso / float64(len(m.Samples))
}
