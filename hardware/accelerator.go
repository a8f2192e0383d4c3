package hardware

import (
	"fmt"
	"slices"
	"strings"
	"sync"
)

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

var registry = struct {
	sync.RWMutex
	byName map[string]Accelerator
	order  []string
}{
	byName: map[string]Accelerator{},
}

func init() {
	for _, a := range []Accelerator{NewEyerissV2(), NewSanger()} {
		if err := Register(a); err != nil {
			panic(err)
		}
	}
}

// Register adds an accelerator (for instance a client of an out-of-process
// model) under its Name. Names are unique.
func Register(a Accelerator) error {
	registry.Lock()
	defer registry.Unlock()
	name := a.Name()
	if name == "" {
		return fmt.Errorf("register accelerator: empty name")
	}
	if _, dup := registry.byName[name]; dup {
		return fmt.Errorf("register accelerator: %q already registered", name)
	}
	registry.byName[name] = a
	registry.order = append(registry.order, name)
	return nil
}

// Lookup returns the registered accelerator called name.
func Lookup(name string) (Accelerator, error) {
	registry.RLock()
	defer registry.RUnlock()
	if a, ok := registry.byName[name]; ok {
		return a, nil
	}
	return nil, fmt.Errorf("unknown accelerator %q; known: %s", name, strings.Join(registry.order, ", "))
}

// Names lists the registered accelerators in registration order (the two
// reference models first).
func Names() []string {
	registry.RLock()
	defer registry.RUnlock()
	return slices.Clone(registry.order)
}

// checkBatch is the common argument check of Latencies implementations.
func checkBatch(a Accelerator, items []Item, out []float64) error {
	if len(out) != len(items) {
		return fmt.Errorf("%s: %d items but %d outputs", a.Name(), len(items), len(out))
	}
	return nil
}

// itemError names the item, its layer and where the layer was defined.
func itemError(a Accelerator, i int, it *Item, format string, args ...any) error {
	return fmt.Errorf("%s: item %d: %s%s", a.Name(), i, it.Layer.where(), fmt.Sprintf(format, args...))
}

// checkDensities validates the densities every model needs.
func checkDensities(a Accelerator, i int, it *Item) error {
	if !(it.ActDensity > 0 && it.ActDensity <= 1) {
		return itemError(a, i, it, "activation density must be in (0, 1], got %v", it.ActDensity)
	}
	if err := it.Pattern.Validate(); err != nil {
		return itemError(a, i, it, "%v", err)
	}
	if err := it.Pattern.CheckDensity(it.WeightDensity); err != nil {
		return itemError(a, i, it, "%v", err)
	}
	return nil
}
