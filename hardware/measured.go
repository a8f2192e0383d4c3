package hardware

import (
	"encoding/csv"
	"fmt"
	"io"
	"strconv"

	"github.com/sparsebench/sparsebench/hardware/sparsitydata"
	"github.com/sparsebench/sparsebench/plugins/accelerator"
)

// MeasuredFamily is the zoo family of a measured network (SPEC §1.10): its
// layers are the shapes the network ran, and its samples are the measured
// inputs themselves, in data-set order, like the artifact's latency tables
// — the generator is not used. A variant may take at most as many samples
// as there are measured inputs; the first k keep the data set's alternation
// of photos and their low-light versions.
func MeasuredFamily(m *sparsitydata.Model) (*Family, error) {
	if err := m.Validate(); err != nil {
		return nil, err
	}
	f := &Family{Name: m.Name, Description: m.Description + " (measured)", Measured: m,
		Source: "hardware/sparsitydata/data/" + m.Name + ".toml"}
	for i, l := range m.Layers {
		kind := accelerator.Conv
		if l.Kind == "fc" {
			kind = accelerator.FC
		}
		al := accelerator.Layer{Name: l.Name, Kind: kind, C: l.C, M: l.M, H: l.H, W: l.W, R: l.R, S: l.S,
			Stride: l.Stride, Pad: l.Pad, Groups: l.Groups, Source: fmt.Sprintf("%s layers[%d]", f.Source, i)}
		if kind == accelerator.FC {
			al = accelerator.Layer{Name: l.Name, Kind: kind, C: l.C, M: l.M, Source: al.Source}
		}
		if err := al.Validate(); err != nil {
			return nil, err
		}
		f.Layers = append(f.Layers, al)
	}
	return f, nil
}

// measuredSamples returns the draw function of a measured family: the
// sparsity of input k, layer i, clipped to MaxSparsity (a layer whose input
// is all zeros would have no valid MAC; SPEC §1 keeps sp < 1).
func measuredSamples(fam *Family, samples int) (func(*Draw), error) {
	m := fam.Measured
	if samples > len(m.Inputs) {
		return nil, fmt.Errorf("family %s has %d measured inputs; a variant takes at most that many samples, not %d", fam.Name, len(m.Inputs), samples)
	}
	k := 0
	return func(d *Draw) {
		d.Domain = m.Inputs[k].Domain
		d.Sparsity = resize(d.Sparsity, len(m.Layers))
		for i := range d.Sparsity {
			d.Sparsity[i] = min(m.Sparsity(k, i), MaxSparsity)
		}
		d.LoadBalance = nil
		k++
	}, nil
}

// layerLatencies prices every (input, layer) of m on acc with dense
// weights, input-major, at density 1 − sparsity clipped as for catalogue
// samples.
func layerLatencies(m *sparsitydata.Model, acc accelerator.Accelerator) ([]float64, error) {
	fam, err := MeasuredFamily(m)
	if err != nil {
		return nil, err
	}
	if _, err := pickAccelerator(fam, []accelerator.Accelerator{acc}); err != nil {
		return nil, err
	}
	n := len(fam.Layers)
	items := make([]accelerator.Item, 0, len(m.Inputs)*n)
	for k := range m.Inputs {
		for i := range fam.Layers {
			items = append(items, accelerator.Item{Layer: fam.Layers[i], WeightDensity: 1, ActDensity: 1 - min(m.Sparsity(k, i), MaxSparsity)})
		}
	}
	lat := make([]float64, len(items))
	if err := acc.Latencies(items, lat); err != nil {
		return nil, fmt.Errorf("family %s: %w", m.Name, err)
	}
	return lat, nil
}

// IsolatedLatencies are the isolated latencies of every measured input of
// m on acc with dense weights: the sum over layers of the layer's latency
// at density 1 − sparsity (clipped as for catalogue samples), in input
// order.
func IsolatedLatencies(m *sparsitydata.Model, acc accelerator.Accelerator) ([]float64, error) {
	lat, err := layerLatencies(m, acc)
	if err != nil {
		return nil, err
	}
	n := len(m.Layers)
	out := make([]float64, len(m.Inputs))
	for k := range out {
		for _, l := range lat[k*n : (k+1)*n] {
			out[k] += l
		}
	}
	return out, nil
}

// WriteArtifactCSV writes m's measured inputs as one of the paper
// artifact's CNN latency files (sim_lat, overall-sparsity, batch-indx,
// layer-indx): batch k is input k, sim_lat the layer's latency on acc with
// dense weights. Saved as NAME_dense.csv, ImportCSVDir reads it back as
// variant NAME/dense with exactly the measured family's samples.
func WriteArtifactCSV(w io.Writer, m *sparsitydata.Model, acc accelerator.Accelerator) error {
	lat, err := layerLatencies(m, acc)
	if err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	cw.Write([]string{"sim_lat", "overall-sparsity", "batch-indx", "layer-indx"})
	n := len(m.Layers)
	for k := range m.Inputs {
		for i := range n {
			sp := min(m.Sparsity(k, i), MaxSparsity)
			cw.Write([]string{strconv.FormatFloat(lat[k*n+i], 'g', -1, 64), strconv.FormatFloat(sp, 'g', -1, 64), strconv.Itoa(k), strconv.Itoa(i)})
		}
	}
	cw.Flush()
	return cw.Error()
}
