// Package sparsitydata is the benchmark's measured data set: for real
// pretrained networks run on real photographs, the number of exact zeros in
// every compute layer's input activation, per input (SPEC §1.10). It is what
// the paper's artifact measured with hooks on its own networks and data
// sets, made here with the Go inference of hardware/tfjs on the photographs
// of hardware/photos, and re-created by `sparsebench hw measure`.
//
// The data set is committed under data/ and embedded: per model one TOML
// file (format, source package and the SHA-256 of every weight file, input
// size, preprocessing, the layers' shapes) and one CSV file (one row per
// input: its id, its domain and one zero count per layer). Counts are
// integers, so the data set is exact: a re-measurement reproduces it byte for
// byte or it has changed. This package only reads, writes and summarises
// it; it imports nothing that runs a network.
package sparsitydata

import (
	"fmt"
	"slices"
)

// Format names the version of the file layout; readers refuse others.
const Format = "sparsebench-sparsity/1"

// Domains of the inputs: a photograph as shipped, and the same photograph
// through the low-light transform of hardware/photos, which stands in for
// the artifact's ExDark and DarkFace images (SPEC §1.10).
const (
	DomainPhoto    = "photo"
	DomainLowLight = "low-light"
)

// Set is the data set: one entry per measured model, sorted by name.
type Set struct {
	Models []*Model
}

// Model is one network's measurements.
type Model struct {
	// Name is the zoo family the model becomes, e.g. "mobilenetv2".
	Name        string
	Description string
	Source      Source
	Measurement Measurement
	// InputSize is the side of the square RGB input the model takes.
	InputSize int
	// Layers are the compute layers (conv and fc) in execution order.
	Layers []Layer
	// Inputs are the measured inputs, in the order measured (photos in
	// manifest order, each followed by its low-light version).
	Inputs []Input
}

// Source is where the network's weights come from.
type Source struct {
	// Package and Version name the registry package (npm) that ships them.
	Package string `toml:"package"`
	Version string `toml:"version"`
	// Dir is the model's folder inside the package.
	Dir   string `toml:"dir"`
	Files []File `toml:"files"`
}

// File is one file of the model with its SHA-256, so a measurement is tied
// to the exact weights.
type File struct {
	Name   string `toml:"name"`
	SHA256 string `toml:"sha256"`
	Bytes  int64  `toml:"bytes"`
}

// Measurement records how the counts were made.
type Measurement struct {
	// Tool is the measuring program and its measurement version; a change
	// to anything that moves a count bumps the version.
	Tool string `toml:"tool"`
	// Photos is the SHA-256 of the measured photos' list: one line
	// "ID SHA256\n" per photo, in input order, with the SHA-256 of its
	// file (hardware/photos/manifest.csv).
	Photos string `toml:"photos_sha256"`
	// Preprocessing says how a photo becomes the model's input tensor.
	Preprocessing string `toml:"preprocessing"`
	// LowLight says how a photo becomes its low-light version.
	LowLight string `toml:"low_light"`
	// Zero is the definition of a zero that was counted.
	Zero string `toml:"zero"`
}

// Layer is one compute layer's shape, as the network runs it: the input
// activation is H×W×C, the kernel R×S, M output channels, Groups channel
// groups (C for a depthwise layer). Total is the number of input
// activation values, the denominator of the layer's sparsity.
type Layer struct {
	Name   string `toml:"name"`
	Kind   string `toml:"kind"` // "conv" or "fc"
	C      int    `toml:"c"`
	M      int    `toml:"m"`
	H      int    `toml:"h"`
	W      int    `toml:"w"`
	R      int    `toml:"r"`
	S      int    `toml:"s"`
	Stride int    `toml:"stride"`
	// Pad is the zero padding the layer itself adds before the first row
	// and column ('same' padding); an explicit padding layer before it is
	// already in H and W.
	Pad    int   `toml:"pad"`
	Groups int   `toml:"groups"`
	Total  int64 `toml:"total"`
}

// Input is one measured input.
type Input struct {
	// ID names the photograph (its id in the photo manifest).
	ID     string
	Domain string
	// Zeros has one count per layer: exact zeros in the layer's input.
	Zeros []int64
}

// Sparsity is the fraction of zeros in layer i's input for input k.
func (m *Model) Sparsity(k, i int) float64 {
	return float64(m.Inputs[k].Zeros[i]) / float64(m.Layers[i].Total)
}

// Model returns the model of that name.
func (s *Set) Model(name string) (*Model, error) {
	for _, m := range s.Models {
		if m.Name == name {
			return m, nil
		}
	}
	return nil, fmt.Errorf("sparsity data set: no model %q; measured: %v", name, s.Names())
}

// Names lists the measured models.
func (s *Set) Names() []string {
	var n []string
	for _, m := range s.Models {
		n = append(n, m.Name)
	}
	return n
}

// Domains lists the domains of the model's inputs in order of first
// appearance.
func (m *Model) Domains() []string {
	var d []string
	for _, in := range m.Inputs {
		if !slices.Contains(d, in.Domain) {
			d = append(d, in.Domain)
		}
	}
	return d
}

// Validate checks the model's internal consistency: names, shapes, one count
// per layer within [0, total], unique (id, domain) pairs.
func (m *Model) Validate() error {
	if m.Name == "" {
		return fmt.Errorf("model: no name")
	}
	if m.InputSize <= 0 {
		return fmt.Errorf("model %s: input_size must be > 0, got %d", m.Name, m.InputSize)
	}
	if len(m.Layers) == 0 {
		return fmt.Errorf("model %s: no layers", m.Name)
	}
	names := map[string]int{}
	for i, l := range m.Layers {
		p := fmt.Sprintf("model %s: layers[%d] (%s)", m.Name, i, l.Name)
		if l.Name == "" {
			return fmt.Errorf("model %s: layers[%d]: no name", m.Name, i)
		}
		if j, ok := names[l.Name]; ok {
			return fmt.Errorf("%s: name repeats layers[%d]", p, j)
		}
		names[l.Name] = i
		if l.Kind != "conv" && l.Kind != "fc" {
			return fmt.Errorf("%s: kind %q, want conv or fc", p, l.Kind)
		}
		for _, f := range []struct {
			n string
			v int
		}{{"c", l.C}, {"m", l.M}, {"h", l.H}, {"w", l.W}, {"r", l.R}, {"s", l.S}, {"stride", l.Stride}, {"groups", l.Groups}} {
			if f.v <= 0 {
				return fmt.Errorf("%s: %s must be > 0, got %d", p, f.n, f.v)
			}
		}
		if l.Pad < 0 || l.Pad >= max(l.R, l.S) {
			return fmt.Errorf("%s: pad must be in [0, kernel), got %d", p, l.Pad)
		}
		if l.C%l.Groups != 0 {
			return fmt.Errorf("%s: c = %d is not a multiple of groups = %d", p, l.C, l.Groups)
		}
		if want := int64(l.H) * int64(l.W) * int64(l.C); l.Total != want {
			return fmt.Errorf("%s: total = %d, want h·w·c = %d", p, l.Total, want)
		}
	}
	seen := map[[2]string]int{}
	for k, in := range m.Inputs {
		p := fmt.Sprintf("model %s: input %d (%s, %s)", m.Name, k, in.ID, in.Domain)
		if in.ID == "" || in.Domain == "" {
			return fmt.Errorf("%s: needs an id and a domain", p)
		}
		key := [2]string{in.ID, in.Domain}
		if j, ok := seen[key]; ok {
			return fmt.Errorf("%s: repeats input %d", p, j)
		}
		seen[key] = k
		if len(in.Zeros) != len(m.Layers) {
			return fmt.Errorf("%s: %d counts for %d layers", p, len(in.Zeros), len(m.Layers))
		}
		for i, z := range in.Zeros {
			if z < 0 || z > m.Layers[i].Total {
				return fmt.Errorf("%s: layer %s: %d zeros, want 0…%d", p, m.Layers[i].Name, z, m.Layers[i].Total)
			}
		}
	}
	return nil
}
