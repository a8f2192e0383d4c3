package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"

	"github.com/google/renameio/v2"

	"github.com/sparsebench/sparsebench/hardware"
	"github.com/sparsebench/sparsebench/plugins/accelerator"
)

const hwUsage = `Usage: sparsebench hw COMMAND [flags]

Reference accelerator models and the model zoo.

Commands:
  latency      per-layer and total latency of a zoo model on an accelerator
  models       list the model zoo
  import-csv   convert the paper artifact's latency CSV files to a catalogue
  sparsity     what was measured for a network: sparsity by layer, isolated latency by input
  measure      re-create the measured data set: real networks on real photographs
  fit          the sparsity generator fitted to the measured data set, for a CNN family

Run 'sparsebench hw COMMAND --help' for a command's flags and an example.

Example:
  sparsebench hw latency --accelerator eyeriss-v2 --model resnet50 --pattern nm-block:2:4 --weight-sparsity 0.6 --act-sparsity 0.5
`

// runHW is the 'sparsebench hw' command. It returns flag.ErrHelp after
// printing help on request; every other error is bad input or a failed
// write, described in its message.
func runHW(args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, hwUsage)
		return fmt.Errorf("hw: missing command; want latency, models, import-csv, sparsity, measure or fit")
	}
	switch args[0] {
	case "latency":
		return runHWLatency(args[1:], stdout, stderr)
	case "models":
		return runHWModels(args[1:], stdout, stderr)
	case "import-csv":
		return runHWImportCSV(args[1:], stdout, stderr)
	case "sparsity":
		return runHWSparsity(args[1:], stdout, stderr)
	case "measure":
		return runHWMeasure(args[1:], stdout, stderr)
	case "fit":
		return runHWFit(args[1:], stdout, stderr)
	case "help", "-h", "-help", "--help":
		fmt.Fprint(stderr, hwUsage)
		return flag.ErrHelp
	}
	return fmt.Errorf("hw: unknown command %q; want latency, models, import-csv, sparsity, measure or fit", args[0])
}

// hwParse parses flags that may come before or after positional arguments
// and returns the positional ones.
func hwParse(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := parseQuietly(fs, args); err != nil {
			return nil, err
		}
		args = fs.Args()
		if len(args) == 0 {
			return pos, nil
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
}

const hwLatencyExample = `sparsebench hw latency --accelerator eyeriss-v2 --model resnet50 --pattern nm-block:2:4 --weight-sparsity 0.6 --act-sparsity 0.5`

func runHWLatency(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("hw latency", "sparsebench hw latency --model FAMILY [--accelerator NAME] [--pattern P --weight-sparsity S] [--act-sparsity S] [--load-balance B] [--seq-len L] [--zoo FILE]",
		hwLatencyExample, stderr)
	accName := fs.String("accelerator", "", "accelerator model `NAME`: "+strings.Join(hardware.Names(), ", ")+" (default: the one that runs the model's layers)")
	model := fs.String("model", "", "model `FAMILY` from the zoo (see 'sparsebench hw models'); required")
	pattern := fs.String("pattern", "dense", "static weight `PATTERN`: dense, unstructured, nm-block:N:M, block:M or filter")
	wSparsity := fs.Float64("weight-sparsity", 0, "fraction `S` of weights (filter: of filters) pruned, in [0, 1)")
	aSparsity := fs.Float64("act-sparsity", 0.5, "activation sparsity `S` of every layer, in [0, 1); for attention 1 − d, d the kept fraction of the score matrix")
	loadBalance := fs.Float64("load-balance", 0, "attention load balance `B` in (0, 1] (default: the family's generator mean)")
	seqLen := fs.Int("seq-len", 0, "attention sequence length `L` (default: the zoo's)")
	zooFile := fs.String("zoo", "", "read the model from the zoo TOML `FILE` instead of the built-in zoo")
	pos, err := hwParse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return fmt.Errorf("hw latency: unexpected argument %q (flags only)", pos[0])
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })

	fam, err := hwFamily(*model, *zooFile)
	if err != nil {
		return err
	}
	if set["seq-len"] {
		if fam, err = fam.WithSeqLen(*seqLen); err != nil {
			return fmt.Errorf("--seq-len: %v", err)
		}
	}
	pat, err := accelerator.ParsePattern(*pattern)
	if err != nil {
		return fmt.Errorf("--pattern: %v", err)
	}
	if !(*wSparsity >= 0 && *wSparsity < 1) {
		return fmt.Errorf("--weight-sparsity: must be in [0, 1) (weight density 1 − s in (0, 1]), got %v", *wSparsity)
	}
	if err := pat.CheckDensity(1 - *wSparsity); err != nil {
		return fmt.Errorf("--weight-sparsity %v with --pattern %s: %v", *wSparsity, pat, err)
	}
	if !(*aSparsity >= 0 && *aSparsity < 1) {
		return fmt.Errorf("--act-sparsity: must be in [0, 1) (activation density 1 − s in (0, 1]), got %v", *aSparsity)
	}
	lb := 0.0
	if fam.IsAttention() {
		lb = fam.Sparsity.LoadBalance.Mean
		if set["load-balance"] {
			lb = *loadBalance
		}
		if !(lb > 0 && lb <= 1) {
			return fmt.Errorf("--load-balance: must be in (0, 1], got %v", lb)
		}
	} else if set["load-balance"] {
		return fmt.Errorf("--load-balance: applies to attention models only; %s is a CNN", fam.Name)
	}

	acc, err := hwAccelerator(*accName, fam)
	if err != nil {
		return err
	}
	items := make([]accelerator.Item, len(fam.Layers))
	for i, l := range fam.Layers {
		items[i] = accelerator.Item{Layer: l, Pattern: pat, WeightDensity: 1 - *wSparsity, ActDensity: 1 - *aSparsity, LoadBalance: lb}
	}
	lat := make([]float64, len(items))
	if err := acc.Latencies(items, lat); err != nil {
		return err
	}
	var total float64
	for _, x := range lat {
		total += x
	}

	fmt.Fprintf(stdout, "%s (%s) on %s v%s at %g MHz\n", fam.Name, fam.Description, acc.Name(), acc.Version(), acc.ClockHz()/1e6)
	if fam.IsAttention() {
		fmt.Fprintf(stdout, "attention density d %g (sparsity %g), load balance %g\n\n", 1-*aSparsity, *aSparsity, lb)
	} else {
		fmt.Fprintf(stdout, "pattern %s, weight sparsity %g, activation sparsity %g\n\n", pat, *wSparsity, *aSparsity)
	}
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "#\tlayer\tkind\tshape\tcycles\tlatency_ms\tshare_%\t")
	for i, l := range fam.Layers {
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%.0f\t%.4f\t%.1f\t\n", i, l.Name, l.Kind, l.Shape(), lat[i]*acc.ClockHz(), lat[i]*1e3, 100*lat[i]/total)
	}
	fmt.Fprintf(tw, "\ttotal\t%d layers\t\t%.0f\t%.4f\t100.0\t\n", len(fam.Layers), total*acc.ClockHz(), total*1e3)
	return tw.Flush()
}

// hwFamily finds the family in the built-in zoo or in a zoo file.
func hwFamily(model, zooFile string) (*hardware.Family, error) {
	if zooFile != "" {
		data, err := os.ReadFile(zooFile)
		if err != nil {
			return nil, fmt.Errorf("--zoo: %v", err)
		}
		fam, err := hardware.ParseFamily(zooFile, data)
		if err != nil {
			return nil, err
		}
		if model != "" && model != fam.Name {
			return nil, fmt.Errorf("--model %s: the zoo file %s holds family %s", model, zooFile, fam.Name)
		}
		return fam, nil
	}
	if model == "" {
		return nil, fmt.Errorf("--model: required (one of the families 'sparsebench hw models' lists)")
	}
	zoo, err := hardware.BuiltinZoo()
	if err != nil {
		return nil, err
	}
	fam, err := zoo.Family(model)
	if err != nil {
		return nil, fmt.Errorf("--model: %v", err)
	}
	return fam, nil
}

// hwAccelerator resolves --accelerator, defaulting to the reference model
// that runs the family's layers, and checks it can run every layer.
func hwAccelerator(name string, fam *hardware.Family) (accelerator.Accelerator, error) {
	if name == "" {
		name = hwDefaultAccelerator(fam)
	}
	acc, err := hardware.Lookup(name)
	if err != nil {
		return nil, fmt.Errorf("--accelerator: %v", err)
	}
	for _, l := range fam.Layers {
		if !accelerator.Supports(acc, l.Kind) {
			return nil, fmt.Errorf("--accelerator %s: %s: layer %s: %s cannot run %s layers (it runs %s)",
				name, l.Source, l.Name, name, l.Kind, hwKinds(acc.SupportedKinds()))
		}
	}
	return acc, nil
}

func hwDefaultAccelerator(fam *hardware.Family) string {
	if fam.IsAttention() {
		return "sanger"
	}
	return "eyeriss-v2"
}

func hwKinds(ks []accelerator.LayerKind) string {
	s := make([]string, len(ks))
	for i, k := range ks {
		s[i] = string(k)
	}
	return strings.Join(s, ", ")
}

func runHWModels(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("hw models", "sparsebench hw models", "sparsebench hw models", stderr)
	pos, err := hwParse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return fmt.Errorf("hw models: unexpected argument %q", pos[0])
	}
	zoo, err := hardware.BuiltinZoo()
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "family\tlayers\tconv\tfc\tattention\tGMAC\taccelerator\tdescription")
	for _, f := range zoo.Families() {
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%d\t%.3f\t%s\t%s\n", f.Name, len(f.Layers), f.Count(accelerator.Conv), f.Count(accelerator.FC), f.Count(accelerator.Attention),
			float64(f.MACs())/1e9, hwDefaultAccelerator(f), f.Description)
	}
	return tw.Flush()
}

const hwImportExample = `sparsebench hw import-csv dysta_scheduler/csv_files -o catalogue.json`

func runHWImportCSV(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("hw import-csv", "sparsebench hw import-csv DIR -o FILE [--seq-len L] [--width W]", hwImportExample, stderr)
	out := fs.String("o", "", "catalogue JSON `FILE` to write (- for standard output); required")
	seqLen := fs.Int("seq-len", 512, "sequence length `L` for the Sanger-like latency of attention files")
	width := fs.Int("width", 768, "model width `W` for the Sanger-like latency of attention files")
	pos, err := hwParse(fs, args)
	if err != nil {
		return err
	}
	switch {
	case len(pos) == 0:
		return fmt.Errorf("hw import-csv: missing DIR (the directory holding the artifact's CSV files)")
	case len(pos) > 1:
		return fmt.Errorf("hw import-csv: unexpected argument %q after DIR %s", pos[1], pos[0])
	case *out == "":
		return fmt.Errorf("-o: required (the catalogue JSON file to write, or - for standard output)")
	case *seqLen <= 0:
		return fmt.Errorf("--seq-len: must be > 0, got %d", *seqLen)
	case *width <= 0:
		return fmt.Errorf("--width: must be > 0, got %d", *width)
	}
	cat, err := hardware.ImportCSVDir(pos[0], hardware.ImportOptions{SeqLen: *seqLen, Width: *width})
	if err != nil {
		return err
	}
	data, err := json.Marshal(cat)
	if err != nil {
		return err
	}
	data = append(data, '\n')
	if *out == "-" {
		_, err := stdout.Write(data)
		return err
	}
	if err := renameio.WriteFile(*out, data, 0o644); err != nil {
		return fmt.Errorf("-o %s: %v", *out, err)
	}
	samples := 0
	for _, m := range cat.Models {
		samples += len(m.Samples)
	}
	fmt.Fprintf(stdout, "wrote %s: %d variants of %d families, %d samples\n", *out, len(cat.Models), len(cat.Families()), samples)
	return nil
}
