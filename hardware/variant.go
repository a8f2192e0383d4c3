package hardware

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/sparsebench/sparsebench/plugins/accelerator"
)

// Variant is one family pruned with one static pattern and rate (SPEC
// §1). Attention families have a single dense variant.
//
// Canonical names, used when Name is empty and read back by
// ParseVariantName:
//
//	resnet50/dense              no static pruning
//	resnet50/unstructured-60    unstructured, 60 % of weights zero
//	resnet50/nm-2:4-60          nm-block:2:4, 60 % of weights zero
//	resnet50/filter-50          filter pruning, 50 % of filters removed
//	resnet50/block4-20          block:4, 20 % of weights zero
//	bert/dense                  attention families
//
// The rate is the weight sparsity in percent, without trailing zeros
// (62.5, not 62.50).
type Variant struct {
	Family string `toml:"family" json:"family"`
	// Pattern is a ParsePattern spec; empty means dense.
	Pattern string `toml:"pattern,omitempty" json:"pattern,omitempty"`
	// WeightSparsity is the fraction of weights (for filter pruning, of
	// filters) removed, in [0, 1). With LayerWeightSparsity it is the
	// variant's nominal rate, used in its name only (as the artifact's
	// "sparse20" models are pruned 20–25 % layer by layer).
	WeightSparsity float64 `toml:"weight_sparsity,omitempty" json:"weight_sparsity,omitempty"`
	// LayerWeightSparsity optionally gives every layer its own rate, one
	// entry per layer of the family, each in [0, 1) and possible under the
	// pattern; 0 leaves a layer unpruned.
	LayerWeightSparsity []float64 `toml:"layer_weight_sparsity,omitempty" json:"layer_weight_sparsity,omitempty"`
	// Name overrides the canonical name.
	Name string `toml:"name,omitempty" json:"name,omitempty"`
}

// pattern parses the variant's pattern and checks the rate against it.
func (v Variant) pattern() (accelerator.Pattern, error) {
	spec := v.Pattern
	if spec == "" {
		spec = "dense"
	}
	p, err := accelerator.ParsePattern(spec)
	if err != nil {
		return p, err
	}
	if !(v.WeightSparsity >= 0 && v.WeightSparsity < 1) {
		return p, fmt.Errorf("weight sparsity must be in [0, 1), got %v", v.WeightSparsity)
	}
	if err := p.CheckDensity(1 - v.WeightSparsity); err != nil {
		return p, err
	}
	return p, nil
}

// CanonicalName is the variant's name under the naming scheme above,
// ignoring Name.
func (v Variant) CanonicalName() (string, error) {
	if v.Family == "" || strings.Contains(v.Family, "/") {
		return "", fmt.Errorf("variant family %q: want a zoo family name", v.Family)
	}
	p, err := v.pattern()
	if err != nil {
		return "", fmt.Errorf("variant of %s: %w", v.Family, err)
	}
	pct := strconv.FormatFloat(math.Round(v.WeightSparsity*100*1e6)/1e6, 'f', -1, 64)
	switch p.Kind {
	case accelerator.Unstructured:
		return fmt.Sprintf("%s/unstructured-%s", v.Family, pct), nil
	case accelerator.NMBlock:
		return fmt.Sprintf("%s/nm-%d:%d-%s", v.Family, p.N, p.M, pct), nil
	case accelerator.Block:
		return fmt.Sprintf("%s/block%d-%s", v.Family, p.M, pct), nil
	case accelerator.Filter:
		return fmt.Sprintf("%s/filter-%s", v.Family, pct), nil
	}
	return v.Family + "/dense", nil
}

// ResolvedName is Name if set, else the canonical name.
func (v Variant) ResolvedName() (string, error) {
	canon, err := v.CanonicalName()
	if err != nil {
		return "", err
	}
	if v.Name != "" {
		return v.Name, nil
	}
	return canon, nil
}

// ParseVariantName reads a canonical variant name back into a Variant.
func ParseVariantName(name string) (Variant, error) {
	bad := func(why string) (Variant, error) {
		return Variant{}, fmt.Errorf("variant name %q: %s; want FAMILY/dense, FAMILY/unstructured-PCT, FAMILY/nm-N:M-PCT, FAMILY/blockM-PCT or FAMILY/filter-PCT", name, why)
	}
	family, rest, ok := strings.Cut(name, "/")
	if !ok || family == "" {
		return bad("no family")
	}
	if rest == "dense" {
		return Variant{Family: family}, nil
	}
	i := strings.LastIndexByte(rest, '-')
	if i < 0 {
		return bad("no rate")
	}
	pat, pctText := rest[:i], rest[i+1:]
	pct, err := strconv.ParseFloat(pctText, 64)
	if err != nil || !(pct >= 0 && pct < 100) {
		return bad(fmt.Sprintf("rate %q is not a percentage in [0, 100)", pctText))
	}
	v := Variant{Family: family, WeightSparsity: pct / 100}
	switch {
	case pat == "unstructured" || pat == "filter":
		v.Pattern = pat
	case strings.HasPrefix(pat, "nm-"):
		v.Pattern = "nm-block:" + strings.TrimPrefix(pat, "nm-")
	case strings.HasPrefix(pat, "block"):
		v.Pattern = "block:" + strings.TrimPrefix(pat, "block")
	default:
		return bad(fmt.Sprintf("unknown pattern %q", pat))
	}
	canon, err := v.CanonicalName()
	if err != nil {
		return Variant{}, fmt.Errorf("variant name %q: %w", name, err)
	}
	if canon != name {
		return bad(fmt.Sprintf("not canonical (canonical form: %s)", canon))
	}
	return v, nil
}

// layerDensities are the weight densities of the variant's n layers: 1 −
// the layer's own rate when LayerWeightSparsity is set, else 1 − the
// variant's rate for every layer. Each must be possible under p.
func (v Variant) layerDensities(p accelerator.Pattern, n int) ([]float64, error) {
	out := make([]float64, n)
	if v.LayerWeightSparsity == nil {
		for i := range out {
			out[i] = 1 - v.WeightSparsity
		}
		return out, nil
	}
	if len(v.LayerWeightSparsity) != n {
		return nil, fmt.Errorf("layer_weight_sparsity has %d entries; the family has %d layers", len(v.LayerWeightSparsity), n)
	}
	for i, ws := range v.LayerWeightSparsity {
		if !(ws >= 0 && ws < 1) {
			return nil, fmt.Errorf("layer_weight_sparsity[%d] = %v; want a fraction in [0, 1)", i, ws)
		}
		if err := p.CheckDensity(1 - ws); err != nil {
			return nil, fmt.Errorf("layer_weight_sparsity[%d]: %w", i, err)
		}
		out[i] = 1 - ws
	}
	return out, nil
}
