package accelerator

import (
	"fmt"
	"strings"
)

// LayerKind names the operator a layer performs. Accelerators list the kinds
// they can run in SupportedKinds.
type LayerKind string

const (
	// Conv is a 2-D convolution, including grouped and depthwise ones.
	Conv LayerKind = "conv"
	// FC is a fully connected (linear) layer.
	FC LayerKind = "fc"
	// Attention is one transformer layer as the Sanger-like model sees it:
	// Q/K/V projections, the sparse score and context products, and the
	// output projection.
	Attention LayerKind = "attention"
)

// Layer is the shape of one layer. Only the fields of its kind are used:
//
//	conv:      C, M, H, W, R, S, Stride, Pad, Groups
//	fc:        C (input features), M (output features)
//	attention: SeqLen, Width, Heads
//
// H and W are the input feature map's height and width. Stride and Pad give
// the layer's real output size (OutH, OutW) and dense MAC count (MACs); the
// Eyeriss-V2-like model ignores both, as SPEC §7 says.
type Layer struct {
	Name   string    `json:"name"`
	Kind   LayerKind `json:"kind"`
	C      int       `json:"c,omitempty"`
	M      int       `json:"m,omitempty"`
	H      int       `json:"h,omitempty"`
	W      int       `json:"w,omitempty"`
	R      int       `json:"r,omitempty"`
	S      int       `json:"s,omitempty"`
	Stride int       `json:"stride,omitempty"`
	Pad    int       `json:"pad,omitempty"`
	Groups int       `json:"groups,omitempty"`
	SeqLen int       `json:"seq_len,omitempty"`
	Width  int       `json:"width,omitempty"`
	Heads  int       `json:"heads,omitempty"`
	// Source is where the layer was defined ("resnet50.toml:12"), empty when
	// it was built in code. Errors about the layer start with it.
	Source string `json:"source,omitempty"`
}

// Validate reports the first field that makes the shape impossible: sizes
// must be positive, channels divisible by the group count, and the kernel
// with its padding must fit the input.
func (l *Layer) Validate() error {
	pos := func(field string, v int) error {
		if v <= 0 {
			return l.errorf("%s must be > 0, got %d", field, v)
		}
		return nil
	}
	switch l.Kind {
	case Conv:
		for _, f := range []struct {
			name string
			v    int
		}{{"c", l.C}, {"m", l.M}, {"h", l.H}, {"w", l.W}, {"r", l.R}, {"s", l.S}, {"stride", l.Stride}, {"groups", l.Groups}} {
			if err := pos(f.name, f.v); err != nil {
				return err
			}
		}
		if l.Pad < 0 {
			return l.errorf("pad must be ≥ 0, got %d", l.Pad)
		}
		if l.C%l.Groups != 0 || l.M%l.Groups != 0 {
			return l.errorf("groups %d must divide c %d and m %d", l.Groups, l.C, l.M)
		}
		if l.H+2*l.Pad < l.R || l.W+2*l.Pad < l.S {
			return l.errorf("kernel %d×%d does not fit input %d×%d with pad %d", l.R, l.S, l.H, l.W, l.Pad)
		}
	case FC:
		if err := pos("c", l.C); err != nil {
			return err
		}
		return pos("m", l.M)
	case Attention:
		for _, f := range []struct {
			name string
			v    int
		}{{"seq_len", l.SeqLen}, {"width", l.Width}, {"heads", l.Heads}} {
			if err := pos(f.name, f.v); err != nil {
				return err
			}
		}
		if l.Width%l.Heads != 0 {
			return l.errorf("heads %d must divide width %d", l.Heads, l.Width)
		}
	case "":
		return l.errorf("kind missing; want conv, fc or attention")
	default:
		return l.errorf("unknown kind %q; want conv, fc or attention", string(l.Kind))
	}
	return nil
}

// OutH is the output height at the layer's real stride (1 for fc).
func (l *Layer) OutH() int {
	if l.Kind != Conv {
		return 1
	}
	return (l.H+2*l.Pad-l.R)/l.Stride + 1
}

// OutW is the output width at the layer's real stride (1 for fc).
func (l *Layer) OutW() int {
	if l.Kind != Conv {
		return 1
	}
	return (l.W+2*l.Pad-l.S)/l.Stride + 1
}

// MACs is the dense multiply-accumulate count at the layer's real stride:
// the figure public model tables quote. For attention it counts the Q/K/V
// and output projections (4·L·W²) and the two L×L products (2·L²·W).
func (l *Layer) MACs() int64 {
	switch l.Kind {
	case Conv:
		return int64(l.OutH()) * int64(l.OutW()) * int64(l.M) * int64(l.C/l.Groups) * int64(l.R) * int64(l.S)
	case FC:
		return int64(l.C) * int64(l.M)
	case Attention:
		L, W := int64(l.SeqLen), int64(l.Width)
		return 4*L*W*W + 2*L*L*W
	}
	return 0
}

// Shape is a compact human-readable form of the shape, for tables.
func (l *Layer) Shape() string {
	switch l.Kind {
	case Conv:
		var b strings.Builder
		fmt.Fprintf(&b, "%d→%d %dx%d @%dx%d", l.C, l.M, l.R, l.S, l.H, l.W)
		if l.Stride != 1 {
			fmt.Fprintf(&b, " /%d", l.Stride)
		}
		if l.Groups != 1 {
			fmt.Fprintf(&b, " g%d", l.Groups)
		}
		return b.String()
	case FC:
		return fmt.Sprintf("%d→%d", l.C, l.M)
	case Attention:
		return fmt.Sprintf("L%d W%d h%d", l.SeqLen, l.Width, l.Heads)
	}
	return string(l.Kind)
}

// errorf prefixes a message with the layer's source and name.
func (l *Layer) errorf(format string, args ...any) error {
	return fmt.Errorf("%s%s", l.Where(), fmt.Sprintf(format, args...))
}

// Where is the prefix that locates the layer in messages: its source and
// name, each followed by ": ", or "" when it has neither.
func (l *Layer) Where() string {
	var b strings.Builder
	if l.Source != "" {
		b.WriteString(l.Source)
		b.WriteString(": ")
	}
	if l.Name != "" {
		fmt.Fprintf(&b, "layer %s: ", l.Name)
	}
	return b.String()
}
