package main

import (
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/google/renameio/v2"
	"github.com/montanaflynn/stats"

	"github.com/sparsebench/sparsebench/hardware"
	"github.com/sparsebench/sparsebench/hardware/sparsitydata"
	"github.com/sparsebench/sparsebench/harness"
)

const hwSparsityExample = `sparsebench hw sparsity --model inceptionv3 --plot inceptionv3-depth.svg`

// runHWSparsity prints what was measured for one network: per domain the
// isolated latency's distribution on the reference accelerator, and per
// layer the mean and spread of its input sparsity; --plot draws sparsity
// by depth.
func runHWSparsity(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("hw sparsity", "sparsebench hw sparsity --model NAME [--accelerator NAME] [--plot FILE] [--data DIR]", hwSparsityExample, stderr)
	model := fs.String("model", "", "measured network `NAME` (see 'sparsebench hw models'); required")
	accName := fs.String("accelerator", "eyeriss-v2", "accelerator model `NAME` for the isolated latencies")
	plotFile := fs.String("plot", "", "also draw sparsity by depth into `FILE` (.svg, .png or .pdf)")
	dataDir := fs.String("data", "", "read the data set from `DIR` instead of the built-in one (hardware/sparsitydata/data)")
	pos, err := hwParse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return fmt.Errorf("hw sparsity: unexpected argument %q", pos[0])
	}
	if *model == "" {
		return fmt.Errorf("hw sparsity: --model is required")
	}
	set, err := hwDataSet(*dataDir)
	if err != nil {
		return err
	}
	m, err := set.Model(*model)
	if err != nil {
		return fmt.Errorf("--model: %v", err)
	}
	acc, err := hardware.Lookup(*accName)
	if err != nil {
		return fmt.Errorf("--accelerator: %v", err)
	}
	lat, err := hardware.IsolatedLatencies(m, acc)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%s: %s\n  weights: npm %s@%s %s; %d compute layers; %d inputs; %s\n\n",
		m.Name, m.Description, m.Source.Package, m.Source.Version, m.Source.Dir, len(m.Layers), len(m.Inputs), m.Measurement.Tool)
	fmt.Fprintf(stdout, "Isolated latency on %s (dense weights), per input:\n", acc.Name())
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
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
		q := func(p float64) float64 { return harness.Percentile(xs, p) }
		fmt.Fprintf(tw, "%s\t%d\t%.3f\t%.1f%%\t%.3f\t%.3f\t%.3f\t\n", dom, len(xs), mean, 100*sd/mean, q(5), q(50), q(95))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "\nInput activation sparsity per layer (mean ± standard deviation across inputs):\n")
	tw = tabwriter.NewWriter(stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
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
	if *plotFile != "" {
		format := strings.TrimPrefix(filepath.Ext(*plotFile), ".")
		b, err := m.DepthPlot(format)
		if err != nil {
			return fmt.Errorf("--plot %s: want a .svg, .png or .pdf file (%v)", *plotFile, err)
		}
		if err := renameio.WriteFile(*plotFile, b, 0o644); err != nil {
			return err
		}
		fmt.Fprintf(stderr, "wrote %s\n", *plotFile)
	}
	return nil
}

// hwDataSet is the data set in dir, or the built-in one.
func hwDataSet(dir string) (*sparsitydata.Set, error) {
	if dir == "" {
		return sparsitydata.Builtin()
	}
	set, err := sparsitydata.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("--data: %v", err)
	}
	return set, nil
}
