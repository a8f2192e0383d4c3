package main

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/google/renameio/v2"

	"github.com/sparsebench/sparsebench/hardware"
	"github.com/sparsebench/sparsebench/hardware/measure"
	"github.com/sparsebench/sparsebench/hardware/photos"
	"github.com/sparsebench/sparsebench/hardware/sparsitydata"
)

const hwMeasureExample = `sparsebench hw measure -o hardware/sparsitydata/data`

// runHWMeasure re-creates the measured data set: every measured network on
// every photo of the manifest, as shipped and in low light.
func runHWMeasure(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("hw measure", "sparsebench hw measure -o DIR [--network NAME[,NAME…]] [--photos N] [-j N]", hwMeasureExample, stderr)
	out := fs.String("o", "", "write the data set into `DIR` (NAME.toml and NAME.csv per network); required")
	nets := fs.String("network", "", "measure only these networks (`NAME[,NAME…]`; default: "+strings.Join(measureNames(), ", ")+")")
	nPhotos := fs.Int("photos", 0, "measure only the first `N` photos of the manifest (0: all)")
	workers := fs.Int("j", 0, "measure up to `N` photos at once (0: one per CPU); the counts do not depend on it")
	pos, err := hwParse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return fmt.Errorf("hw measure: unexpected argument %q", pos[0])
	}
	if *out == "" {
		return fmt.Errorf("hw measure: -o: required")
	}
	if *nPhotos < 0 {
		return fmt.Errorf("hw measure: --photos: must be ≥ 0, got %d", *nPhotos)
	}
	opts := measure.Options{Workers: *workers}
	if *nets != "" {
		opts.Networks = strings.Split(*nets, ",")
	}
	if opts.Photos, err = photos.Builtin(); err != nil {
		return err
	}
	if *nPhotos > 0 && *nPhotos < len(opts.Photos) {
		opts.Photos = opts.Photos[:*nPhotos]
	}
	if _, missing := photos.Available(opts.Photos); len(missing) > 0 {
		return fmt.Errorf("hw measure: %d photos are not installed (first %s); install them with: %s", len(missing), missing[0].Path, photos.InstallCommand)
	}
	start := time.Now()
	opts.Progress = func(done, total int) { fmt.Fprintf(stderr, "\rmeasured %d/%d photos", done, total) }
	set, err := measure.Measure(opts)
	fmt.Fprintln(stderr)
	if err != nil {
		return err
	}
	if err := set.WriteDir(*out); err != nil {
		return err
	}
	for _, m := range set.Models {
		fmt.Fprintf(stdout, "%s: %d inputs × %d layers → %s\n", m.Name, len(m.Inputs), len(m.Layers), filepath.Join(*out, m.Name+".{toml,csv}"))
	}
	fmt.Fprintf(stderr, "took %s\n", time.Since(start).Round(time.Second))
	return nil
}

func measureNames() []string {
	var n []string
	for _, x := range measure.Networks {
		n = append(n, x.Name)
	}
	return n
}

const hwFitExample = `sparsebench hw fit --family resnet50`

// runHWFit prints the dynamic-sparsity generator fitted to the measured
// data set for a CNN family, as the [sparsity.FAMILY] table of a scenario.
func runHWFit(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("hw fit", "sparsebench hw fit --family FAMILY", hwFitExample, stderr)
	family := fs.String("family", "", "zoo `FAMILY` to fit (a CNN; see 'sparsebench hw models'); required")
	pos, err := hwParse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return fmt.Errorf("hw fit: unexpected argument %q", pos[0])
	}
	if *family == "" {
		return fmt.Errorf("hw fit: --family is required")
	}
	fam, err := hwFamily(*family, "")
	if err != nil {
		return err
	}
	p, f, err := hardware.FittedSparsity(fam)
	if err != nil {
		return err
	}
	return hardware.WriteFittedSparsity(stdout, fam, p, f)
}

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
	exportDir := fs.String("export-csv", "", "also write the inputs as the artifact's latency file `DIR`/NAME_dense.csv (read by 'hw import-csv' and 'run --lut-csv')")
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
	if err := hardware.WriteSparsityReport(stdout, m, acc); err != nil {
		return err
	}
	if *exportDir != "" {
		var buf bytes.Buffer
		if err := hardware.WriteArtifactCSV(&buf, m, acc); err != nil {
			return err
		}
		if err := os.MkdirAll(*exportDir, 0o755); err != nil {
			return err
		}
		p := filepath.Join(*exportDir, m.Name+"_dense.csv")
		if err := renameio.WriteFile(p, buf.Bytes(), 0o644); err != nil {
			return err
		}
		fmt.Fprintf(stderr, "wrote %s\n", p)
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
