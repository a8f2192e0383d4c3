package sparsitydata

import (
	"math"

	"github.com/montanaflynn/stats"
)

// LayerSummary describes one layer's sparsity across the inputs of a
// domain.
type LayerSummary struct {
	// Inputs is how many inputs were summarised.
	Inputs int
	// Mean and SD are the mean and the sample standard deviation (n − 1)
	// of the sparsity; SD is 0 for a single input.
	Mean, SD float64
	Min, Max float64
}

// Column is layer i's sparsity for every input of the domain, in input
// order; domain "" takes every input.
func (m *Model) Column(i int, domain string) []float64 {
	var col []float64
	for k, in := range m.Inputs {
		if domain == "" || in.Domain == domain {
			col = append(col, m.Sparsity(k, i))
		}
	}
	return col
}

// Summary summarises every layer over the inputs of domain ("" for all).
// A domain without inputs gives zero summaries.
func (m *Model) Summary(domain string) []LayerSummary {
	out := make([]LayerSummary, len(m.Layers))
	for i := range m.Layers {
		col := m.Column(i, domain)
		if len(col) == 0 {
			continue
		}
		s := LayerSummary{Inputs: len(col)}
		s.Mean, _ = stats.Mean(col)
		if len(col) > 1 {
			s.SD, _ = stats.StandardDeviationSample(col)
		}
		s.Min, _ = stats.Min(col)
		s.Max, _ = stats.Max(col)
		out[i] = s
	}
	return out
}

// Correlation is the Pearson correlation, across the inputs of domain, of
// the sparsity of layers i and j; NaN when either layer is constant over
// those inputs (no correlation is defined).
func (m *Model) Correlation(i, j int, domain string) float64 {
	r, err := stats.Pearson(m.Column(i, domain), m.Column(j, domain))
	if err != nil || math.IsNaN(r) {
		return math.NaN()
	}
	return r
}
