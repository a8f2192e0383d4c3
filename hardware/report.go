package hardware

import (
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/montanaflynn/stats"

	"github.com/sparsebench/sparsebench/hardware/sparsitydata"
	"github.com/sparsebench/sparsebench/plugins/accelerator"
)

// WriteSparsityReport writes what was measured for m (`sparsebench hw
// sparsity`): per domain the distribution of the inputs' isolated latency
// on acc with dense weights, and per layer the mean and spread of its
// input sparsity.
func WriteSparsityReport(w io.Writer, m *sparsitydata.Model, acc accelerator.Accelerator) error {
	lat, err := IsolatedLatencies(m, acc)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "%s: %s\n  weights: npm %s@%s %s; %d compute layers; %d inputs; %s\n\n",
		m.Name, m.Description, m.Source.Package, m.Source.Version, m.Source.Dir, len(m.Layers), len(m.Inputs), m.Measurement.Tool)
	fmt.Fprintf(w, "Isolated latency on %s (dense weights), per input:\n", acc.Name())
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "domain\tinputs\tmean (ms)\tCV\tp5 (ms)\tp50 (ms)\tp95 (ms)\t")
	for _, dom := range m.Domains() {
		var xs []float64
		for k, in := range m.Inputs {
			if in.Domain == dom {
				xs = append(xs, lat[k]*1e3)
			}
		}
		mean, _ := stats.Mean(xs)
		sd, _ := stats.StandardDeviationSample(xs)
		slices.Sort(xs)
		q := func(p float64) float64 { return sparsitydata.Quantile(xs, p/100) }
		fmt.Fprintf(tw, "%s\t%d\t%.3f\t%.1f%%\t%.3f\t%.3f\t%.3f\t\n", dom, len(xs), mean, 100*sd/mean, q(5), q(50), q(95))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(w, "\nInput activation sparsity per layer (mean ± standard deviation across inputs):\n")
	tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	head := "#\tlayer\tkind\tinput h×w×c\tkernel\t"
	doms := m.Domains()
	sums := make([][]sparsitydata.LayerSummary, len(doms))
	for d, dom := range doms {
		head += dom + "\t"
		sums[d] = m.Summary(dom)
	}
	fmt.Fprintln(tw, head)
	for i, l := range m.Layers {
		row := fmt.Sprintf("%d\t%s\t%s\t%d×%d×%d\t%d×%d/%d\t", i, l.Name, l.Kind, l.H, l.W, l.C, l.R, l.S, l.Stride)
		for d := range doms {
			row += fmt.Sprintf("%.3f ± %.3f\t", sums[d][i].Mean, sums[d][i].SD)
		}
		fmt.Fprintln(tw, row)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	return nil
}

// WriteFittedSparsity writes the generator fitted for fam as the
// [sparsity.FAMILY] table of a scenario (`sparsebench hw fit`), values
// rounded to 4 decimals (the fit's precision does not warrant more).
func WriteFittedSparsity(w io.Writer, fam *Family, p SparsityParams, f *SparsityFit) error {
	round := func(xs []float64) []float64 {
		out := make([]float64, len(xs))
		for i, x := range xs {
			out[i] = math.Round(x*1e4) / 1e4
		}
		return out
	}
	fmt.Fprintf(w, "# %s fitted to the measured %s (SPEC §1.10): %d knots, ρ = %.3f, λ = %.3f of the depth\n",
		fam.Name, f.Source, len(f.Knots), f.Rho, f.Length)
	fmt.Fprintf(w, "# (correlation residual %.3f over %d layer pairs; the profile is %.3f from each measured layer's mean on average).\n",
		f.CorrResidual, f.Pairs, f.MeanResidual)
	fmt.Fprintf(w, "# Low-light share %.4g as the artifact profiled %s (SPEC §8.2); values rounded to 4 decimals.\n", LowLightShare(fam.Name), fam.Name)
	fmt.Fprintf(w, "[sparsity.%s]\nmean = %.4f\nlayer_mean = %s\nspread = %.4f\nlayer_spread = %s\nrho = %.4f\ndecay = %.4f\n",
		fam.Name, p.Mean, tomlFloats(round(p.LayerMean)), p.Spread, tomlFloats(round(p.LayerSpread)), p.Rho, p.Decay)
	for _, d := range p.Domains {
		fmt.Fprintf(w, "[[sparsity.%s.domains]]\nname = %q\nshare = %.4f\nmean_shift = 0\nlayer_shift = %s\nspread_scale = %.4f\n",
			fam.Name, d.Name, d.Share, tomlFloats(round(d.LayerShift)), d.SpreadScale)
	}
	return nil
}

// tomlFloats is a TOML array of floats on one line.
func tomlFloats(xs []float64) string {
	s := make([]string, len(xs))
	for i, x := range xs {
		s[i] = strconv.FormatFloat(x, 'f', -1, 64)
	}
	return "[" + strings.Join(s, ", ") + "]"
}
