package hardware

import (
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/sparsebench/sparsebench/plugins/accelerator"
)

var registry = struct {
	sync.RWMutex
	byName map[string]accelerator.Accelerator
	order  []string
}{
	byName: map[string]accelerator.Accelerator{},
}

func init() {
	for _, a := range []accelerator.Accelerator{NewEyerissV2(), NewSanger()} {
		if err := Register(a); err != nil {
			panic(err)
		}
	}
}

// Register adds an accelerator (for instance a client of an out-of-process
// model) under its Name. Names are unique.
func Register(a accelerator.Accelerator) error {
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
func Lookup(name string) (accelerator.Accelerator, error) {
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
func checkBatch(a accelerator.Accelerator, items []accelerator.Item, out []float64) error {
	if len(out) != len(items) {
		return fmt.Errorf("%s: %d items but %d outputs", a.Name(), len(items), len(out))
	}
	return nil
}

// itemError names the item, its layer and where the layer was defined.
func itemError(a accelerator.Accelerator, i int, it *accelerator.Item, format string, args ...any) error {
	return fmt.Errorf("%s: item %d: %s%s", a.Name(), i, it.Layer.Where(), fmt.Sprintf(format, args...))
}

// checkDensities validates the densities every model needs.
func checkDensities(a accelerator.Accelerator, i int, it *accelerator.Item) error {
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
