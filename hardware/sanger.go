package hardware

import (
	"fmt"

	"github.com/sparsebench/sparsebench/plugins/accelerator"
)

// Sanger is the Sanger-like sparse attention accelerator of SPEC §7:
// a 64×64 PE array with 16 multipliers per row for the dense linear layers
// (2048 GOPS), 1 GHz, 16-bit data and 128 GB/s of memory bandwidth.
//
// For an attention layer of sequence length L and width W with score-matrix
// density d and load balance b (the PE utilisation left after Sanger's
// pack-and-split step), r = d/b and
//
//	linear     = 3·2·L·W² / 2048 GOPS                (Q, K, V projections)
//	attention  = (4rL/64)·(L/64)·((W+64) + (4rL+64)) cycles
//	projection = 2·L·W² / (2048·b/d GOPS)
//
// latency = linear + attention / 1 GHz + projection. The attention term
// counts subrows = 4rL packed subrows of the score matrix (each row of the
// L×L matrix is split into subrows holding a quarter of the kept entries on
// average, stretched by 1/b for imbalance), processed 64 at a time against
// L/64 column tiles, each tile costing the Q·Kᵀ pipeline (W deep, 64 skew)
// plus the S·V pipeline (subrows deep, 64 skew). The projection runs on the
// packed rows, so its effective throughput scales with b/d.
type Sanger struct {
	clockHz     float64
	peRows      int     // TH: score-matrix rows in flight
	peCols      int     // TW: score-matrix columns per tile
	perRow      int     // multipliers per PE row for the linear layers
	dataBytes   int     // bytes per element
	bandwidthGB float64 // memory bandwidth, GB/s
}

// NewSanger returns the model with SPEC §7's configuration.
func NewSanger() *Sanger {
	return &Sanger{clockHz: 1e9, peRows: 64, peCols: 64, perRow: 16, dataBytes: 2, bandwidthGB: 128}
}

// Name implements Accelerator.
func (s *Sanger) Name() string { return "sanger" }

// Version implements Accelerator.
func (s *Sanger) Version() string { return "1" }

// ClockHz implements Accelerator.
func (s *Sanger) ClockHz() float64 { return s.clockHz }

// SupportedKinds implements Accelerator.
func (s *Sanger) SupportedKinds() []accelerator.LayerKind {
	return []accelerator.LayerKind{accelerator.Attention}
}

// Latencies implements Accelerator.
func (s *Sanger) Latencies(items []accelerator.Item, out []float64) error {
	if err := checkBatch(s, items, out); err != nil {
		return err
	}
	for i := range items {
		it := &items[i]
		if err := it.Layer.Validate(); err != nil {
			return fmt.Errorf("%s: item %d: %w", s.Name(), i, err)
		}
		if it.Layer.Kind != accelerator.Attention {
			return itemError(s, i, it, "%s layers are not supported (sanger runs attention)", it.Layer.Kind)
		}
		if it.Pattern.Kind != accelerator.Dense {
			return itemError(s, i, it, "weight pattern %s not supported: sanger models dense weights and sparse attention", it.Pattern)
		}
		if err := checkDensities(s, i, it); err != nil {
			return err
		}
		if !(it.LoadBalance > 0 && it.LoadBalance <= 1) {
			return itemError(s, i, it, "load balance must be in (0, 1], got %v", it.LoadBalance)
		}
		out[i] = s.Latency(it.ActDensity, it.LoadBalance, it.Layer.SeqLen, it.Layer.Width)
	}
	return nil
}

// linearGOPS is the dense throughput: one MAC (2 ops) per multiplier per
// cycle.
func (s *Sanger) linearGOPS() float64 {
	return float64(s.peRows*s.perRow*2) * s.clockHz / 1e9
}

// AttentionCycles is the attention term of the formula, in cycles.
func (s *Sanger) AttentionCycles(d, b float64, seqLen, width int) float64 {
	L := float64(seqLen)
	th, tw := float64(s.peRows), float64(s.peCols)
	subrows := float64(4*(d/b)) * L
	tile := (float64(width) + tw) + (subrows + tw)
	perRowBlock := float64(tile*(L/tw)) * s.transferCoeff()
	return float64(subrows/th) * perRowBlock
}

// transferCoeff stretches the attention term when streaming K and V tiles
// (TW elements per cycle) needs more than the memory bandwidth; with the
// reference configuration the demand is exactly 128 GB/s, so it is 1.
func (s *Sanger) transferCoeff() float64 {
	need := float64(s.peCols*s.dataBytes) * s.clockHz / 1e9
	if need < s.bandwidthGB {
		return 1
	}
	return need / s.bandwidthGB
}

// Latency is the formula itself, in seconds, for density d and load balance
// b in (0, 1].
func (s *Sanger) Latency(d, b float64, seqLen, width int) float64 {
	L, W := float64(seqLen), float64(width)
	ops := float64(2*L) * W * W
	linear := float64(3*ops) / (s.linearGOPS() * 1e9)
	projection := ops / (float64(s.linearGOPS()*b/d) * 1e9)
	return linear + s.AttentionCycles(d, b, seqLen, width)/s.clockHz + projection
}
