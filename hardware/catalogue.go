package hardware

import (
	"errors"
	"fmt"
	"strings"

	"github.com/sparsebench/sparsebench/hardware/catalogue"
	"github.com/sparsebench/sparsebench/plugins/accelerator"
)

// BuildOptions tune BuildCatalogue; the zero value uses the built-in zoo,
// each family's default generator parameters, the zoo's sequence lengths
// and the two reference accelerators.
type BuildOptions struct {
	// Zoo to take families from; nil means BuiltinZoo.
	Zoo *Zoo
	// Sparsity overrides a family's generator parameters, by family name.
	Sparsity map[string]SparsityParams
	// SeqLen, when > 0, replaces the sequence length of attention families.
	SeqLen int
	// Accelerators are tried in order; a family runs on the first one that
	// supports all its layer kinds. Nil means eyeriss-v2 then sanger.
	Accelerators []accelerator.Accelerator
}

// BuildCatalogue generates the catalogue of a scenario: for each variant,
// samples inputs drawn by the dynamic-sparsity generator from the data-set
// seed, each with every layer's latency on the family's accelerator and its
// measured activation sparsity (for attention layers 1 − d), then the
// averages and SLO bases of SPEC §1 (catalogue.Catalogue.Derive).
//
// Each variant's samples come from its own stream (the seed and the
// variant's name), so they do not depend on the other variants or their
// order. Models appear in the order of variants.
func BuildCatalogue(variants []Variant, samples int, seed uint64, opts BuildOptions) (*catalogue.Catalogue, error) {
	if len(variants) == 0 {
		return nil, errors.New("build catalogue: no variants")
	}
	if samples <= 0 {
		return nil, fmt.Errorf("build catalogue: samples must be > 0, got %d", samples)
	}
	zoo := opts.Zoo
	if zoo == nil {
		var err error
		if zoo, err = BuiltinZoo(); err != nil {
			return nil, err
		}
	}
	accs := opts.Accelerators
	if accs == nil {
		for _, n := range []string{"eyeriss-v2", "sanger"} {
			a, err := Lookup(n)
			if err != nil {
				return nil, err
			}
			accs = append(accs, a)
		}
	}
	cat := &catalogue.Catalogue{Models: make([]catalogue.Model, 0, len(variants))}
	var items []accelerator.Item
	var lat []float64
	var draw Draw
	for vi, v := range variants {
		name, err := v.ResolvedName()
		if err != nil {
			return nil, fmt.Errorf("variants[%d]: %w", vi, err)
		}
		if j := cat.Index(name); j >= 0 {
			return nil, fmt.Errorf("variants[%d]: name %s repeats variants[%d]", vi, name, j)
		}
		fail := func(err error) error { return fmt.Errorf("variant %s: %w", name, err) }
		fam, err := zoo.Family(v.Family)
		if err != nil {
			return nil, fail(err)
		}
		if opts.SeqLen > 0 && fam.IsAttention() {
			if fam, err = fam.WithSeqLen(opts.SeqLen); err != nil {
				return nil, fail(err)
			}
		}
		pat, err := v.pattern()
		if err != nil {
			return nil, fail(err)
		}
		if fam.IsAttention() && pat.Kind != accelerator.Dense {
			return nil, fail(fmt.Errorf("attention family %s has dense weights (one variant, %s/dense); pattern %s does not apply", fam.Name, fam.Name, pat))
		}
		acc, err := pickAccelerator(fam, accs)
		if err != nil {
			return nil, fail(err)
		}
		next, err := sampleSource(fam, opts, samples, seed, name)
		if err != nil {
			return nil, fail(err)
		}

		n := len(fam.Layers)
		total := samples * n
		if cap(items) < total {
			items = make([]accelerator.Item, total)
			lat = make([]float64, total)
		}
		items, lat = items[:total], lat[:total]
		sp := make([]float64, total)
		wd, err := v.layerDensities(pat, n)
		if err != nil {
			return nil, fail(err)
		}
		for k := 0; k < samples; k++ {
			next(&draw)
			for i := range fam.Layers {
				it := &items[k*n+i]
				*it = accelerator.Item{Layer: fam.Layers[i], Pattern: pat, WeightDensity: wd[i], ActDensity: 1 - draw.Sparsity[i]}
				if draw.LoadBalance != nil {
					it.LoadBalance = draw.LoadBalance[i]
				}
			}
			copy(sp[k*n:], draw.Sparsity)
		}
		if err := acc.Latencies(items, lat); err != nil {
			return nil, fail(err)
		}
		// One backing array per table keeps the samples compact.
		latencies := append([]float64(nil), lat...)
		m := catalogue.Model{Name: name, Family: fam.Name, Samples: make([]catalogue.Sample, samples)}
		for k := range m.Samples {
			m.Samples[k] = catalogue.Sample{
				Latency:  latencies[k*n : (k+1)*n : (k+1)*n],
				Sparsity: sp[k*n : (k+1)*n : (k+1)*n],
			}
		}
		cat.Models = append(cat.Models, m)
	}
	if err := cat.Derive(); err != nil {
		return nil, err
	}
	return cat, nil
}

// sampleSource is where a variant's samples come from: the measured inputs
// of a measured family, else the family's generator (or the override in
// opts) on the variant's own stream.
func sampleSource(fam *Family, opts BuildOptions, samples int, seed uint64, name string) (func(*Draw), error) {
	if fam.Measured != nil {
		if _, ok := opts.Sparsity[fam.Name]; ok {
			return nil, fmt.Errorf("family %s is measured: its samples are the measured inputs, so sparsity parameters do not apply", fam.Name)
		}
		return measuredSamples(fam, samples)
	}
	params := fam.Sparsity
	if p, ok := opts.Sparsity[fam.Name]; ok {
		params = p
	}
	gen, err := NewGenerator(params, len(fam.Layers), fam.IsAttention(), seed, name)
	if err != nil {
		return nil, fmt.Errorf("sparsity parameters of %s: %w", fam.Name, err)
	}
	return gen.Next, nil
}

// pickAccelerator returns the first accelerator that runs every layer of
// the family, or an error naming the first layer that stops it.
func pickAccelerator(fam *Family, accs []accelerator.Accelerator) (accelerator.Accelerator, error) {
	if len(accs) == 0 {
		return nil, fmt.Errorf("family %s: no accelerator given", fam.Name)
	}
	var names []string
	for _, a := range accs {
		names = append(names, a.Name())
	}
	blocker := -1 // first layer the first accelerator cannot run
	for ai, a := range accs {
		ok := true
		for i := range fam.Layers {
			if !accelerator.Supports(a, fam.Layers[i].Kind) {
				if ai == 0 {
					blocker = i
				}
				ok = false
				break
			}
		}
		if ok {
			return a, nil
		}
	}
	for i := range fam.Layers {
		runnable := false
		for _, a := range accs {
			runnable = runnable || accelerator.Supports(a, fam.Layers[i].Kind)
		}
		if !runnable {
			blocker = i
			break
		}
	}
	l := &fam.Layers[blocker]
	return nil, fmt.Errorf("%s%s layers cannot run on %s", l.Where(), l.Kind, strings.Join(names, " or "))
}
