package accelerator

import (
	"fmt"
	"strconv"
	"strings"
)

// PatternKind is the shape of a static weight-sparsity pattern.
type PatternKind uint8

const (
	// Dense weights: no static pruning (weight density 1).
	Dense PatternKind = iota
	// Unstructured pruning zeroes individual weights anywhere.
	Unstructured
	// NMBlock allows at most N non-zero weights in every block of M
	// consecutive weights of a filter.
	NMBlock
	// Filter pruning removes whole output channels (filters).
	Filter
	// Block pruning zeroes blocks of M consecutive weights of a filter
	// together, at any rate (SparseML's "block4" mask, M = 4).
	Block
)

// Pattern is a static weight-sparsity pattern. The zero value is Dense.
type Pattern struct {
	Kind PatternKind
	// N and M are the block parameters of NMBlock; Block uses M, the
	// block size, with N = 0; other kinds leave both zero.
	N, M int
}

// ParsePattern reads a pattern spec: "dense", "unstructured", "filter",
// "nm-block:N:M" (1 ≤ N ≤ M), e.g. "nm-block:2:4", or "block:M" (M ≥ 1),
// e.g. "block:4".
func ParsePattern(spec string) (Pattern, error) {
	switch spec {
	case "dense":
		return Pattern{Kind: Dense}, nil
	case "unstructured":
		return Pattern{Kind: Unstructured}, nil
	case "filter":
		return Pattern{Kind: Filter}, nil
	}
	if rest, ok := strings.CutPrefix(spec, "nm-block:"); ok {
		ns, ms, ok := strings.Cut(rest, ":")
		n, err1 := strconv.Atoi(ns)
		m, err2 := strconv.Atoi(ms)
		if !ok || err1 != nil || err2 != nil {
			return Pattern{}, fmt.Errorf("pattern %q: want nm-block:N:M with integers N and M, e.g. nm-block:2:4", spec)
		}
		p := Pattern{Kind: NMBlock, N: n, M: m}
		return p, p.Validate()
	}
	if rest, ok := strings.CutPrefix(spec, "block:"); ok {
		m, err := strconv.Atoi(rest)
		if err != nil {
			return Pattern{}, fmt.Errorf("pattern %q: want block:M with an integer block size M, e.g. block:4", spec)
		}
		p := Pattern{Kind: Block, M: m}
		return p, p.Validate()
	}
	return Pattern{}, fmt.Errorf("unknown pattern %q; want dense, unstructured, nm-block:N:M, block:M or filter", spec)
}

// Validate checks the N:M block parameters.
func (p Pattern) Validate() error {
	switch p.Kind {
	case Dense, Unstructured, Filter:
		if p.N != 0 || p.M != 0 {
			return fmt.Errorf("pattern %s takes no N:M parameters", p)
		}
	case NMBlock:
		if p.N < 1 || p.M < p.N {
			return fmt.Errorf("pattern nm-block:%d:%d: want 1 ≤ N ≤ M", p.N, p.M)
		}
	case Block:
		if p.N != 0 || p.M < 1 {
			return fmt.Errorf("pattern block:%d: want a block size ≥ 1", p.M)
		}
	default:
		return fmt.Errorf("unknown pattern kind %d", p.Kind)
	}
	return nil
}

// String is the spec ParsePattern reads.
func (p Pattern) String() string {
	switch p.Kind {
	case Dense:
		return "dense"
	case Unstructured:
		return "unstructured"
	case NMBlock:
		return fmt.Sprintf("nm-block:%d:%d", p.N, p.M)
	case Block:
		return fmt.Sprintf("block:%d", p.M)
	case Filter:
		return "filter"
	}
	return fmt.Sprintf("pattern(%d)", p.Kind)
}

// CheckDensity reports whether weight density d is possible under the
// pattern: d ∈ (0, 1]; dense weights have d = 1; N:M keeps at most N of M
// weights, so d ≤ N/M.
func (p Pattern) CheckDensity(d float64) error {
	if !(d > 0 && d <= 1) {
		return fmt.Errorf("weight density must be in (0, 1], got %v", d)
	}
	switch p.Kind {
	case Dense:
		if d != 1 {
			return fmt.Errorf("pattern dense has weight density 1, got %v (choose unstructured, nm-block:N:M or filter to prune)", d)
		}
	case NMBlock:
		// Compare N ≥ d·M rather than d ≤ N/M so 2:4 at density 0.5 passes
		// despite rounding.
		if d*float64(p.M) > float64(p.N)*(1+1e-12) {
			return fmt.Errorf("pattern %s keeps at most %d of every %d weights, so weight density must be ≤ %v (weight sparsity ≥ %v), got %v",
				p, p.N, p.M, float64(p.N)/float64(p.M), 1-float64(p.N)/float64(p.M), d)
		}
	}
	return nil
}
