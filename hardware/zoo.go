package hardware

import (
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strings"
	"sync"

	"github.com/BurntSushi/toml"

	"github.com/sparsebench/sparsebench/hardware/sparsitydata"
	"github.com/sparsebench/sparsebench/plugins/accelerator"
)

// Family is one model architecture of the zoo: its layers in execution
// order and the default parameters of its dynamic-sparsity generator.
// Families returned by a Zoo are shared; use WithSeqLen for a changed copy.
type Family struct {
	Name        string
	Description string
	// SeqLen is the sequence length of attention families' layers (0 for
	// CNNs).
	SeqLen   int
	Sparsity SparsityParams
	Layers   []accelerator.Layer
	// Source is the file the family was read from.
	Source string
	// Measured, when set, is the measured network whose inputs are the
	// family's samples (MeasuredFamily); Sparsity is then unused.
	Measured *sparsitydata.Model
}

// IsAttention reports whether the family's layers are attention layers
// (families never mix attention with conv/fc layers).
func (f *Family) IsAttention() bool { return f.Layers[0].Kind == accelerator.Attention }

// Count is the number of layers of kind k.
func (f *Family) Count(k accelerator.LayerKind) int {
	n := 0
	for i := range f.Layers {
		if f.Layers[i].Kind == k {
			n++
		}
	}
	return n
}

// MACs is the family's dense MAC count at real strides.
func (f *Family) MACs() int64 {
	var t int64
	for i := range f.Layers {
		t += f.Layers[i].MACs()
	}
	return t
}

// WithSeqLen returns a copy of an attention family whose every layer has
// sequence length L.
func (f *Family) WithSeqLen(L int) (*Family, error) {
	if !f.IsAttention() {
		return nil, fmt.Errorf("family %s: sequence length applies to attention families only", f.Name)
	}
	if L <= 0 {
		return nil, fmt.Errorf("family %s: sequence length must be > 0, got %d", f.Name, L)
	}
	c := *f
	c.SeqLen = L
	c.Layers = slices.Clone(f.Layers)
	for i := range c.Layers {
		c.Layers[i].SeqLen = L
	}
	return &c, nil
}

// Zoo is a set of families, listed by name.
type Zoo struct {
	fams []*Family
}

//go:embed zoo/*.toml
var builtinFS embed.FS

var builtin = sync.OnceValues(func() (*Zoo, error) {
	sub, err := fs.Sub(builtinFS, "zoo")
	if err != nil {
		return nil, err
	}
	// Name built-in files by their path in the repository, so an error
	// points at the file to edit.
	z, err := loadZoo(sub, "hardware/zoo/")
	if err != nil {
		return nil, err
	}
	set, err := sparsitydata.Builtin()
	if err != nil {
		return nil, err
	}
	fams := z.fams
	for _, m := range set.Models {
		f, err := MeasuredFamily(m)
		if err != nil {
			return nil, err
		}
		fams = append(fams, f)
	}
	return NewZoo(fams...)
})

// BuiltinZoo is the zoo shipped with the suite: the families of
// zoo/*.toml (resnet50, vgg16, mobilenet, ssd300, bert, bart, gpt2) and
// the measured networks of hardware/sparsitydata (inceptionv3,
// mobilenetv2), whose samples are their measured inputs.
func BuiltinZoo() (*Zoo, error) { return builtin() }

// LoadZoo reads every *.toml file at the root of fsys as one family.
func LoadZoo(fsys fs.FS) (*Zoo, error) { return loadZoo(fsys, "") }

func loadZoo(fsys fs.FS, prefix string) (*Zoo, error) {
	names, err := fs.Glob(fsys, "*.toml")
	if err != nil {
		return nil, err
	}
	if len(names) == 0 {
		return nil, errors.New("zoo: no *.toml files")
	}
	var fams []*Family
	for _, name := range names { // fs.Glob returns names sorted
		data, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, err
		}
		f, err := ParseFamily(prefix+name, data)
		if err != nil {
			return nil, err
		}
		fams = append(fams, f)
	}
	return NewZoo(fams...)
}

// NewZoo builds a zoo from families with distinct names.
func NewZoo(fams ...*Family) (*Zoo, error) {
	z := &Zoo{fams: slices.Clone(fams)}
	slices.SortStableFunc(z.fams, func(a, b *Family) int { return strings.Compare(a.Name, b.Name) })
	for i := 1; i < len(z.fams); i++ {
		if z.fams[i].Name == z.fams[i-1].Name {
			return nil, fmt.Errorf("zoo: family %s defined twice (%s, %s)", z.fams[i].Name, z.fams[i-1].Source, z.fams[i].Source)
		}
	}
	return z, nil
}

// Families lists the families by name.
func (z *Zoo) Families() []*Family { return slices.Clone(z.fams) }

// Names lists the family names in order.
func (z *Zoo) Names() []string {
	out := make([]string, len(z.fams))
	for i, f := range z.fams {
		out[i] = f.Name
	}
	return out
}

// Family returns the family called name.
func (z *Zoo) Family(name string) (*Family, error) {
	for _, f := range z.fams {
		if f.Name == name {
			return f, nil
		}
	}
	return nil, fmt.Errorf("unknown model family %q; the zoo has %s", name, strings.Join(z.Names(), ", "))
}

// zooFile is the TOML layout of one family. Layers decode generically so
// each one can be checked against the keys of its own kind, with lines.
type zooFile struct {
	Family      string           `toml:"family"`
	Description string           `toml:"description"`
	SeqLen      int              `toml:"seq_len"`
	Layers      []map[string]any `toml:"layers"`
	Sparsity    SparsityParams   `toml:"sparsity"`
}

// ParseFamily reads one zoo file. file names it in errors, which all start
// with "file:line:" when the line is known. The family key must match the
// file's base name; unknown keys are errors.
//
// The format (see zoo/resnet50.toml):
//
//	family = "resnet50"
//	description = "..."
//	seq_len = 512                 # attention families: default sequence length
//	layers = [
//	  { name = "conv1", kind = "conv", c = 3, m = 64, size = 224, kernel = 7, stride = 2 },
//	  { name = "fc", kind = "fc", c = 2048, m = 1000 },
//	]
//	[sparsity]                    # SparsityParams
//	mean = 0.5
func ParseFamily(file string, data []byte) (*Family, error) {
	x := indexTOML(file, data)
	var zf zooFile
	md, err := toml.Decode(string(data), &zf)
	if err != nil {
		var pe toml.ParseError
		if errors.As(err, &pe) {
			return nil, fmt.Errorf("%s:%d: %s", file, pe.Position.Line, pe.Message)
		}
		return nil, fmt.Errorf("%s: %v", file, err)
	}
	if und := md.Undecoded(); len(und) > 0 {
		p := x.resolve(und[0])
		return nil, fmt.Errorf("%s: unknown key %q", x.at(p), und[0].String())
	}
	base := strings.TrimSuffix(path.Base(file), path.Ext(file))
	switch {
	case zf.Family == "":
		return nil, fmt.Errorf("%s: missing key family", file)
	case zf.Family != base:
		return nil, fmt.Errorf("%s: family %q must match the file name %q", x.at("family"), zf.Family, base)
	case len(zf.Layers) == 0:
		return nil, fmt.Errorf("%s: no layers", x.at("layers"))
	case zf.SeqLen < 0:
		return nil, fmt.Errorf("%s: seq_len must be > 0, got %d", x.at("seq_len"), zf.SeqLen)
	}
	f := &Family{Name: zf.Family, Description: zf.Description, SeqLen: zf.SeqLen, Sparsity: zf.Sparsity, Source: file}
	for i, m := range zf.Layers {
		l, err := decodeLayer(m, fmt.Sprintf("layers[%d]", i), x, zf.SeqLen)
		if err != nil {
			return nil, err
		}
		if i > 0 && (l.Kind == accelerator.Attention) != (f.Layers[0].Kind == accelerator.Attention) {
			return nil, fmt.Errorf("%s: layer %s: a family cannot mix attention with conv/fc layers", l.Source, l.Name)
		}
		f.Layers = append(f.Layers, l)
	}
	if !f.IsAttention() && zf.SeqLen != 0 {
		return nil, fmt.Errorf("%s: seq_len applies to attention families only", x.at("seq_len"))
	}
	if err := f.Sparsity.validateFor(len(f.Layers), f.IsAttention()); err != nil {
		field, _, _ := strings.Cut(err.Error(), ":")
		return nil, fmt.Errorf("%s: sparsity.%v", x.at("sparsity."+field), err)
	}
	return f, nil
}

// layerKeys are the keys each layer kind accepts besides name and kind.
var layerKeys = map[accelerator.LayerKind][]string{
	accelerator.Conv:      {"c", "m", "h", "w", "size", "r", "s", "kernel", "stride", "pad", "groups"},
	accelerator.FC:        {"c", "m"},
	accelerator.Attention: {"seq_len", "width", "heads"},
}

// decodeLayer checks one layer table of a zoo file and builds the Layer.
func decodeLayer(m map[string]any, p string, x *sourceIndex, famSeqLen int) (accelerator.Layer, error) {
	l := accelerator.Layer{Source: x.at(p)}
	fail := func(key, format string, args ...any) error {
		where := x.at(p + "." + key)
		if key == "" {
			where = l.Source
		}
		who := p
		if l.Name != "" {
			who = "layer " + l.Name
		}
		return fmt.Errorf("%s: %s: %s", where, who, fmt.Sprintf(format, args...))
	}
	str := func(key string) (string, error) {
		v, ok := m[key]
		if !ok {
			return "", fail("", "missing key %s", key)
		}
		s, ok := v.(string)
		if !ok {
			return "", fail(key, "%s: expected a string, got %v", key, v)
		}
		return s, nil
	}
	var err error
	if l.Name, err = str("name"); err != nil {
		return l, err
	}
	kind, err := str("kind")
	if err != nil {
		return l, err
	}
	l.Kind = accelerator.LayerKind(kind)
	allowed, ok := layerKeys[l.Kind]
	if !ok {
		return l, fail("kind", "unknown kind %q; want conv, fc or attention", kind)
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys) // report the same unknown key every time
	for _, k := range keys {
		if k != "name" && k != "kind" && !slices.Contains(allowed, k) {
			return l, fail(k, "unknown key %q for a %s layer; want %s", k, kind, strings.Join(allowed, ", "))
		}
	}
	num := func(key string, def int, dst *int) error {
		v, ok := m[key]
		if !ok {
			*dst = def
			return nil
		}
		n, ok := v.(int64)
		if !ok {
			return fail(key, "%s: expected an integer, got %v", key, v)
		}
		*dst = int(n)
		return nil
	}
	need := func(keys ...string) error {
		for _, k := range keys {
			if _, ok := m[k]; !ok {
				return fail("", "missing key %s", k)
			}
		}
		return nil
	}
	either := func(short string, long ...string) error {
		_, hasShort := m[short]
		for _, k := range long {
			if _, ok := m[k]; ok == hasShort {
				if hasShort {
					return fail(k, "give %s or %s, not both", short, strings.Join(long, " and "))
				}
				return fail("", "missing key %s (or %s)", short, strings.Join(long, " and "))
			}
		}
		return nil
	}
	switch l.Kind {
	case accelerator.Conv:
		if err := need("c", "m"); err != nil {
			return l, err
		}
		if err := either("size", "h", "w"); err != nil {
			return l, err
		}
		if err := either("kernel", "r", "s"); err != nil {
			return l, err
		}
		var size, kernel int
		for _, f := range []struct {
			key string
			def int
			dst *int
		}{
			{"c", 0, &l.C}, {"m", 0, &l.M}, {"size", 0, &size}, {"h", 0, &l.H}, {"w", 0, &l.W},
			{"kernel", 0, &kernel}, {"r", 0, &l.R}, {"s", 0, &l.S}, {"stride", 1, &l.Stride}, {"groups", 1, &l.Groups},
		} {
			if err := num(f.key, f.def, f.dst); err != nil {
				return l, err
			}
		}
		if _, ok := m["size"]; ok {
			l.H, l.W = size, size
		}
		if _, ok := m["kernel"]; ok {
			l.R, l.S = kernel, kernel
		}
		if err := num("pad", (l.R-1)/2, &l.Pad); err != nil {
			return l, err
		}
	case accelerator.FC:
		if err := need("c", "m"); err != nil {
			return l, err
		}
		if err := num("c", 0, &l.C); err != nil {
			return l, err
		}
		if err := num("m", 0, &l.M); err != nil {
			return l, err
		}
	case accelerator.Attention:
		if err := need("width", "heads"); err != nil {
			return l, err
		}
		for _, f := range []struct {
			key string
			def int
			dst *int
		}{{"seq_len", famSeqLen, &l.SeqLen}, {"width", 0, &l.Width}, {"heads", 0, &l.Heads}} {
			if err := num(f.key, f.def, f.dst); err != nil {
				return l, err
			}
		}
		if l.SeqLen == 0 {
			if _, ok := m["seq_len"]; !ok {
				return l, fail("", "missing key seq_len (set it on the layer or at the top of the file)")
			}
		}
	}
	return l, l.Validate()
}
