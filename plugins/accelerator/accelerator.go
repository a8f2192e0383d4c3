// Package accelerator is the API between sparsebench and an accelerator
// model: the Accelerator interface a model implements, and the layer shapes,
// static weight-sparsity patterns and latency questions (Item) it answers.
// The reference models (hardware.EyerissV2, hardware.Sanger) implement it in
// process; plugins/sdk serves an implementation out of process and
// plugins/host drives one. It imports nothing of the simulator, so a plugin
// that implements it links only this API and the protocol.
package accelerator

import "slices"

// Item is one question for an accelerator: how long does this layer take
// with these densities? Densities are 1 − sparsity, in (0, 1].
type Item struct {
	Layer   Layer
	Pattern Pattern
	// WeightDensity is the fraction of weights kept by the static pattern
	// (for Filter, the fraction of filters kept). Attention layers take 1.
	WeightDensity float64
	// ActDensity is the fraction of non-zero input activations; for
	// attention it is d, the kept fraction of the score matrix.
	ActDensity float64
	// LoadBalance is b, the PE utilisation after Sanger's pack-and-split
	// step, in (0, 1]. Attention only; CNN layers leave it 0.
	LoadBalance float64
}

// Accelerator is an analytical accelerator model. It is deliberately small
// and batched so it can be served out of process: one Latencies call
// answers many items.
type Accelerator interface {
	// Name is the registry key, e.g. "eyeriss-v2".
	Name() string
	// Version changes whenever the model's numbers change.
	Version() string
	// ClockHz is the clock the model counts cycles at.
	ClockHz() float64
	// SupportedKinds lists the layer kinds Latencies accepts.
	SupportedKinds() []LayerKind
	// Latencies writes the latency in seconds of items[i] to out[i].
	// len(out) must equal len(items). On error out's content is undefined
	// and the error names the first bad item.
	Latencies(items []Item, out []float64) error
}

// Supports reports whether a can run layers of kind k.
func Supports(a Accelerator, k LayerKind) bool {
	return slices.Contains(a.SupportedKinds(), k)
}
