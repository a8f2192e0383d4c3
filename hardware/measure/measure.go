// Package measure makes the measured data set (SPEC §1.10): it runs the
// pretrained networks that npm's nsfwjs package ships (hardware/tfjs) on the
// photographs that Debian packages ship (hardware/photos), each photo as
// shipped and through the low-light transform, and counts the exact zeros
// in every compute layer's input activation (hardware/sparsitydata).
// `sparsebench hw measure` is its command line.
package measure

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"runtime"
	"slices"
	"strings"
	"sync"

	"github.com/sparsebench/sparsebench/hardware/photos"
	"github.com/sparsebench/sparsebench/hardware/sparsitydata"
	"github.com/sparsebench/sparsebench/hardware/tfjs"
	"github.com/sparsebench/sparsebench/harness/parallel"
)

// Version is the measurement's version: it changes whenever anything that
// can move a count changes (the inference, the preprocessing, the low-light
// transform, what counts as a zero).
const Version = "1"

// Tool names the measuring program in the data set.
const Tool = "sparsebench hw measure/" + Version

// Network is one network that can be measured here.
type Network struct {
	// Name is the model's name in the data set and its zoo family.
	Name string
	// Dir is the model's folder in nsfwjs's dist/models.
	Dir         string
	Description string
}

// Networks are the networks measured: the two TF.js layers models nsfwjs
// 4.4.0 ships (its third, mobilenet_v2_mid, is a graph model).
var Networks = []Network{
	{Name: "inceptionv3", Dir: "inception_v3", Description: "InceptionV3, 299×299 input, nsfwjs's 5-class image classifier (ReLU throughout)"},
	{Name: "mobilenetv2", Dir: "mobilenet_v2", Description: "MobileNetV2 1.0, 224×224 input, nsfwjs's 5-class image classifier (ReLU6, linear bottlenecks)"},
}

// Options choose what to measure.
type Options struct {
	// Networks by name; nil measures every one of Networks.
	Networks []string
	// Photos to measure, in order; nil measures photos.Builtin().
	Photos []photos.Photo
	// Workers is how many photos are measured at once (each network run
	// also spreads over the CPUs); 0 means GOMAXPROCS. Results do not
	// depend on it.
	Workers int
	// Progress, when set, is called after each photo with the number done.
	Progress func(done, total int)
}

// Preprocessing is the data set's record of how a photo becomes a
// network's input.
const Preprocessing = "as nsfwjs 4.4.0 does (photos.NSFWJSInput): the decoded 8-bit RGB image divided by 255, then " +
	"tf.image.resizeBilinear to the network's square input size with align_corners (aspect ratio not kept)"

// Zero is the data set's record of what is counted.
const Zero = "values equal to 0 (+0 or −0) in the float32 input activation of each Conv2D, DepthwiseConv2D and Dense layer, " +
	"before any explicit ZeroPadding2D (its zeros are not counted; 'same' padding is implicit and never counted)"

// Measure runs the chosen networks on the chosen photos and returns the
// data set. Every photo gives two inputs, its photo and its low-light
// version, in that order.
func Measure(opts Options) (*sparsitydata.Set, error) {
	nets, err := pick(opts.Networks)
	if err != nil {
		return nil, err
	}
	ps := opts.Photos
	if ps == nil {
		if ps, err = photos.Builtin(); err != nil {
			return nil, err
		}
	}
	if len(ps) == 0 {
		return nil, fmt.Errorf("measure: no photos")
	}
	models := make([]*tfjs.Model, len(nets))
	set := &sparsitydata.Set{}
	for i, n := range nets {
		dir, err := tfjs.NSFWJSModelDir(n.Dir)
		if err != nil {
			return nil, err
		}
		if models[i], err = tfjs.Load(dir); err != nil {
			return nil, err
		}
		m, err := describe(n, models[i], ps)
		if err != nil {
			return nil, err
		}
		set.Models = append(set.Models, m)
	}
	workers := opts.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	// rows[p][n] are photo p's two inputs for network n.
	rows := make([][][2]sparsitydata.Input, len(ps))
	errs := make([]error, len(ps))
	var mu sync.Mutex
	done := 0
	parallel.ForEach(len(ps), workers, func(p int) {
		rows[p], errs[p] = measurePhoto(ps[p], nets, models)
		mu.Lock()
		done++
		if opts.Progress != nil {
			opts.Progress(done, len(ps))
		}
		mu.Unlock()
	})
	// The first failure in photo order, whatever order they ran in.
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	for n, m := range set.Models {
		for p := range ps {
			m.Inputs = append(m.Inputs, rows[p][n][0], rows[p][n][1])
		}
		if err := m.Validate(); err != nil {
			return nil, fmt.Errorf("measure: %w", err)
		}
	}
	return set, nil
}

func pick(names []string) ([]Network, error) {
	if names == nil {
		return Networks, nil
	}
	var out []Network
	for _, name := range names {
		i := slices.IndexFunc(Networks, func(n Network) bool { return n.Name == name })
		if i < 0 {
			var all []string
			for _, n := range Networks {
				all = append(all, n.Name)
			}
			return nil, fmt.Errorf("measure: unknown network %q; want one of %s", name, strings.Join(all, ", "))
		}
		if !slices.ContainsFunc(out, func(n Network) bool { return n.Name == name }) {
			out = append(out, Networks[i])
		}
	}
	slices.SortFunc(out, func(a, b Network) int { return strings.Compare(a.Name, b.Name) })
	return out, nil
}

// describe is the data set's entry for a network before any input: its
// source, how it is measured and its layers.
func describe(n Network, tm *tfjs.Model, ps []photos.Photo) (*sparsitydata.Model, error) {
	h, w, c := tm.InputShape()
	if h != w || c != 3 {
		return nil, fmt.Errorf("measure %s: input %d×%d×%d, want a square RGB input", n.Name, h, w, c)
	}
	m := &sparsitydata.Model{Name: n.Name, Description: n.Description, InputSize: h,
		Source: sparsitydata.Source{Package: "nsfwjs", Version: tfjs.NSFWJSVersion, Dir: "dist/models/" + n.Dir},
		Measurement: sparsitydata.Measurement{Tool: Tool, Photos: photosDigest(ps), Preprocessing: Preprocessing,
			LowLight: photos.LowLightDescription, Zero: Zero}}
	for _, f := range tm.Files() {
		m.Source.Files = append(m.Source.Files, sparsitydata.File{Name: f.Name, SHA256: f.SHA256, Bytes: f.Bytes})
	}
	for _, st := range tm.ComputeLayers() {
		l, err := layer(st)
		if err != nil {
			return nil, fmt.Errorf("measure %s: %w", n.Name, err)
		}
		m.Layers = append(m.Layers, l)
	}
	return m, nil
}

// photosDigest identifies the measured photos: SHA-256 over one line
// "ID SHA256\n" per photo.
func photosDigest(ps []photos.Photo) string {
	h := sha256.New()
	for _, p := range ps {
		fmt.Fprintf(h, "%s %s\n", p.ID, p.SHA256)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// layer is a compute layer's shape as the data set records it: the
// activation before any explicit padding layer, whose top padding joins the
// layer's own.
func layer(st tfjs.LayerStat) (sparsitydata.Layer, error) {
	if st.StrideH != st.StrideW {
		return sparsitydata.Layer{}, fmt.Errorf("layer %s: strides %d×%d; the accelerator models take one stride", st.Name, st.StrideH, st.StrideW)
	}
	p := st.ExplicitPad
	h, w := st.H-p[0]-p[1], st.W-p[2]-p[3]
	return sparsitydata.Layer{Name: st.Name, Kind: st.Kind, C: st.C, M: st.M, H: h, W: w, R: st.R, S: st.S,
		Stride: st.StrideH, Pad: st.PadTop + p[0], Groups: st.Groups, Total: int64(h) * int64(w) * int64(st.C)}, nil
}

// zerosBeforePadding is a layer's zero count without the explicit padding
// layer's zeros.
func zerosBeforePadding(st tfjs.LayerStat) int64 {
	p := st.ExplicitPad
	h, w := st.H-p[0]-p[1], st.W-p[2]-p[3]
	return st.Zeros - (int64(st.H)*int64(st.W)-int64(h)*int64(w))*int64(st.C)
}

// measurePhoto runs every network on the photo and its low-light version.
func measurePhoto(p photos.Photo, nets []Network, models []*tfjs.Model) ([][2]sparsitydata.Input, error) {
	img, err := p.Load()
	if err != nil {
		return nil, err
	}
	rgb := photos.FromImage(img)
	low := photos.LowLight(rgb, p.ID)
	out := make([][2]sparsitydata.Input, len(nets))
	for n, tm := range models {
		size, _, _ := tm.InputShape()
		for d, src := range []photos.RGB{rgb, low} {
			in := sparsitydata.Input{ID: p.ID, Domain: sparsitydata.DomainPhoto}
			if d == 1 {
				in.Domain = sparsitydata.DomainLowLight
			}
			if _, err := tm.Run(photos.NSFWJSInput(src, size).Pix, func(st tfjs.LayerStat) {
				in.Zeros = append(in.Zeros, zerosBeforePadding(st))
			}); err != nil {
				return nil, fmt.Errorf("measure %s on %s (%s): %w", nets[n].Name, p.ID, in.Domain, err)
			}
			out[n][d] = in
		}
	}
	return out, nil
}
