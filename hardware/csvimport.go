package hardware

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/sparsebench/sparsebench/hardware/catalogue"
)

// ImportOptions tune the CSV import. The zero value follows the artifact:
// attention latencies from the Sanger-like model at L = 512, W = 768.
type ImportOptions struct {
	// SeqLen and Width are the attention shape given to the Sanger-like
	// model; 0 means 512 and 768.
	SeqLen, Width int
}

// ImportCSVDir reads the latency CSV files of the paper's artifact
// (dysta_scheduler/csv_files) into a catalogue. It reads every *.csv file in
// dir and in its eyerissv2/ and sanger/ subdirectories (the artifact's
// layout), in path order, one variant per file, then derives the averages.
//
// A file is a CNN file if its header has sim_lat (columns sim_lat,
// overall-sparsity, batch-indx, layer-indx; overall-sparsity is the input
// activation sparsity) and an attention file if it has 50%-skip (columns
// overall-sparsity — a density d —, 50%-skip — the load balance b —,
// batch-indx, layer-indx; the latency comes from the Sanger-like model and
// the monitor sparsity is 1 − d). Other columns are ignored. Each
// batch-indx is one sample and must list every layer-indx from 0 to the
// file's largest exactly once.
//
// Variant and family names come from the file name as in the artifact
// (family = text before the first "_"); see README.md for the mapping.
func ImportCSVDir(dir string, opts ImportOptions) (*catalogue.Catalogue, error) {
	if st, err := os.Stat(dir); err != nil {
		return nil, fmt.Errorf("import CSV: %w", err)
	} else if !st.IsDir() {
		return nil, fmt.Errorf("import CSV: %s is not a directory", dir)
	}
	var paths []string
	for _, sub := range []string{".", "eyerissv2", "sanger"} {
		found, err := filepath.Glob(filepath.Join(dir, sub, "*.csv"))
		if err != nil {
			return nil, err
		}
		paths = append(paths, found...)
	}
	if len(paths) == 0 {
		return nil, fmt.Errorf("import CSV: no .csv files in %s, %s or %s", dir, filepath.Join(dir, "eyerissv2"), filepath.Join(dir, "sanger"))
	}
	slices.Sort(paths)
	cat := &catalogue.Catalogue{}
	from := map[string]string{} // variant name → file, for duplicate reports
	for _, p := range paths {
		f, err := os.Open(p)
		if err != nil {
			return nil, err
		}
		m, err := ImportCSV(p, f, opts)
		f.Close()
		if err != nil {
			return nil, err
		}
		if prev, dup := from[m.Name]; dup {
			return nil, fmt.Errorf("import CSV: %s and %s both map to variant %s", prev, p, m.Name)
		}
		from[m.Name] = p
		cat.Models = append(cat.Models, m)
	}
	if err := cat.Derive(); err != nil {
		return nil, fmt.Errorf("import CSV from %s: %w", dir, err)
	}
	return cat, nil
}

// csvKind tells the two artifact file layouts apart.
type csvKind int

const (
	csvCNN csvKind = iota
	csvAttention
)

// ImportCSV reads one artifact CSV file into a model (not yet derived).
// file names it in errors ("file:line: ...") and gives the variant name.
func ImportCSV(file string, r io.Reader, opts ImportOptions) (catalogue.Model, error) {
	var m catalogue.Model
	seqLen, width := opts.SeqLen, opts.Width
	if seqLen == 0 {
		seqLen = 512
	}
	if width == 0 {
		width = 768
	}
	if seqLen < 0 || width < 0 {
		return m, fmt.Errorf("import %s: sequence length %d and width %d must be > 0", file, seqLen, width)
	}
	cr := csv.NewReader(r)
	cr.TrimLeadingSpace = true
	header, err := cr.Read()
	if err == io.EOF {
		return m, fmt.Errorf("%s: empty file", file)
	}
	if err != nil {
		return m, csvError(file, err)
	}
	col := map[string]int{}
	for i, h := range header {
		h = strings.TrimSpace(strings.TrimPrefix(h, "\ufeff"))
		if _, dup := col[h]; dup && h != "" {
			return m, fmt.Errorf("%s:1: column %q appears twice", file, h)
		}
		col[h] = i
	}
	kind := csvCNN
	need := []string{"sim_lat", "overall-sparsity", "batch-indx", "layer-indx"}
	if _, ok := col["sim_lat"]; !ok {
		if _, ok := col["50%-skip"]; !ok {
			return m, fmt.Errorf("%s:1: header has neither sim_lat (CNN file) nor 50%%-skip (attention file); got %s", file, strings.Join(header, ","))
		}
		kind = csvAttention
		need = []string{"overall-sparsity", "50%-skip", "batch-indx", "layer-indx"}
	}
	for _, c := range need {
		if _, ok := col[c]; !ok {
			return m, fmt.Errorf("%s:1: missing column %s (want %s)", file, c, strings.Join(need, ", "))
		}
	}
	m.Name, m.Family = csvVariantName(file, kind)

	type cell struct {
		lat, sp float64
		line    int
	}
	rows := map[int]map[int]cell{} // batch → layer → cell
	maxLayer := -1
	sanger := NewSanger()
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return m, csvError(file, err)
		}
		line, _ := cr.FieldPos(0)
		field := func(name string) string { return strings.TrimSpace(rec[col[name]]) }
		num := func(name string) (float64, error) {
			v, err := strconv.ParseFloat(field(name), 64)
			if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
				return 0, fmt.Errorf("%s:%d: column %s: expected a number, got %q", file, line, name, field(name))
			}
			return v, nil
		}
		index := func(name string) (int, error) {
			v, err := num(name)
			if err != nil {
				return 0, err
			}
			if v < 0 || v != math.Trunc(v) || v > 1e9 {
				return 0, fmt.Errorf("%s:%d: column %s: expected a non-negative integer, got %q", file, line, name, field(name))
			}
			return int(v), nil
		}
		batch, err := index("batch-indx")
		if err != nil {
			return m, err
		}
		layer, err := index("layer-indx")
		if err != nil {
			return m, err
		}
		var c cell
		c.line = line
		if kind == csvCNN {
			if c.lat, err = num("sim_lat"); err != nil {
				return m, err
			}
			if c.lat < 0 {
				return m, fmt.Errorf("%s:%d: column sim_lat: latency must be ≥ 0 s, got %v", file, line, c.lat)
			}
			if c.sp, err = num("overall-sparsity"); err != nil {
				return m, err
			}
			if !(c.sp >= 0 && c.sp < 1) {
				return m, fmt.Errorf("%s:%d: column overall-sparsity: activation sparsity must be in [0, 1), got %v", file, line, c.sp)
			}
		} else {
			d, err := num("overall-sparsity")
			if err != nil {
				return m, err
			}
			if !(d > 0 && d <= 1) {
				return m, fmt.Errorf("%s:%d: column overall-sparsity: attention density must be in (0, 1], got %v", file, line, d)
			}
			b, err := num("50%-skip")
			if err != nil {
				return m, err
			}
			if !(b > 0 && b <= 1) {
				return m, fmt.Errorf("%s:%d: column 50%%-skip: load balance must be in (0, 1], got %v", file, line, b)
			}
			c.lat, c.sp = sanger.Latency(d, b, seqLen, width), 1-d
		}
		if rows[batch] == nil {
			rows[batch] = map[int]cell{}
		}
		if prev, dup := rows[batch][layer]; dup {
			return m, fmt.Errorf("%s:%d: batch-indx %d, layer-indx %d repeats line %d", file, line, batch, layer, prev.line)
		}
		rows[batch][layer] = c
		maxLayer = max(maxLayer, layer)
	}
	if len(rows) == 0 {
		return m, fmt.Errorf("%s: no data rows", file)
	}
	batches := make([]int, 0, len(rows))
	for b := range rows {
		batches = append(batches, b)
	}
	slices.Sort(batches) // samples in batch order, never map order
	n := maxLayer + 1
	lat := make([]float64, len(batches)*n)
	sp := make([]float64, len(batches)*n)
	m.Samples = make([]catalogue.Sample, len(batches))
	for k, b := range batches {
		for l := 0; l < n; l++ {
			c, ok := rows[b][l]
			if !ok {
				return m, fmt.Errorf("%s: batch-indx %d has no row for layer-indx %d (the file has layers 0..%d)", file, b, l, maxLayer)
			}
			lat[k*n+l], sp[k*n+l] = c.lat, c.sp
		}
		m.Samples[k] = catalogue.Sample{Latency: lat[k*n : (k+1)*n : (k+1)*n], Sparsity: sp[k*n : (k+1)*n : (k+1)*n]}
	}
	return m, nil
}

func csvError(file string, err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return fmt.Errorf("%s:%d: %v", file, pe.Line, pe.Err)
	}
	return fmt.Errorf("%s: %w", file, err)
}

// cnnFileName matches the artifact's CNN files, named after the pruned
// model: FAMILY_PATTERN_sparseRATE (e.g. resnet50_unstructured_sparse60,
// vgg16_blcok4_sparse20 — the artifact's own spelling).
var cnnFileName = regexp.MustCompile(`^([^_]+)_(unstructured|filter|block4|blcok4)_sparse([0-9]+(?:\.[0-9]+)?)$`)

// csvVariantName maps a file name to the variant and family names.
//
//	resnet50_unstructured_sparse60.csv   → resnet50/unstructured-60
//	resnet50_filter_sparse20.csv         → resnet50/filter-20
//	resnet50_block4_sparse60.csv         → resnet50/block4-60 (SparseML 1×4 blocks)
//	other CNN names FAMILY_REST.csv      → FAMILY/REST
//	load_balance_bert_squad_384.csv      → bert/dense
//
// The family is the text before the first "_" as in the artifact; the
// artifact also cuts the name at its first ".".
func csvVariantName(file string, kind csvKind) (name, family string) {
	base, _, _ := strings.Cut(filepath.Base(file), ".")
	if kind == csvAttention {
		rest := strings.TrimPrefix(base, "load_balance_")
		family, _, _ = strings.Cut(rest, "_")
		return family + "/dense", family
	}
	if m := cnnFileName.FindStringSubmatch(base); m != nil {
		pat := m[2]
		if pat == "blcok4" {
			pat = "block4"
		}
		return m[1] + "/" + pat + "-" + m[3], m[1]
	}
	family, rest, ok := strings.Cut(base, "_")
	if !ok || rest == "" {
		return family + "/csv", family
	}
	return family + "/" + rest, family
}
