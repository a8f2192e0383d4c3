package sparsitydata

import (
	"bytes"
	"embed"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/BurntSushi/toml"
	"github.com/google/renameio/v2"
)

//go:embed data
var builtinFS embed.FS

var builtin = sync.OnceValues(func() (*Set, error) {
	sub, err := fs.Sub(builtinFS, "data")
	if err != nil {
		return nil, err
	}
	return read(sub, "hardware/sparsitydata/data")
})

// Builtin is the committed data set, parsed once per process. Callers
// must not modify it.
func Builtin() (*Set, error) { return builtin() }

// ReadDir reads a data set from a folder of NAME.toml and NAME.csv pairs.
func ReadDir(dir string) (*Set, error) { return read(os.DirFS(dir), dir) }

// modelFile is the TOML half of a model.
type modelFile struct {
	Format      string      `toml:"format"`
	Model       string      `toml:"model"`
	Description string      `toml:"description"`
	InputSize   int         `toml:"input_size"`
	Source      Source      `toml:"source"`
	Measurement Measurement `toml:"measurement"`
	Layers      []Layer     `toml:"layers"`
}

// maxFileBytes bounds what the reader takes from one file: the committed
// files are a few hundred kilobytes.
const maxFileBytes = 64 << 20

func read(fsys fs.FS, dir string) (*Set, error) {
	names, err := fs.Glob(fsys, "*.toml")
	if err != nil {
		return nil, err
	}
	if len(names) == 0 {
		return nil, fmt.Errorf("%s: no NAME.toml files", dir)
	}
	slices.Sort(names)
	set := &Set{}
	for _, n := range names {
		m, err := readModel(fsys, dir, strings.TrimSuffix(n, ".toml"))
		if err != nil {
			return nil, err
		}
		set.Models = append(set.Models, m)
	}
	return set, nil
}

func readFile(fsys fs.FS, name, shown string) ([]byte, error) {
	f, err := fsys.Open(name)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", shown, err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxFileBytes+1))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", shown, err)
	}
	if len(data) > maxFileBytes {
		return nil, fmt.Errorf("%s: larger than %d bytes", shown, maxFileBytes)
	}
	return data, nil
}

func readModel(fsys fs.FS, dir, name string) (*Model, error) {
	tomlPath := path.Join(dir, name+".toml")
	data, err := readFile(fsys, name+".toml", tomlPath)
	if err != nil {
		return nil, err
	}
	var mf modelFile
	md, err := toml.Decode(string(data), &mf)
	if err != nil {
		var pe toml.ParseError
		if errors.As(err, &pe) {
			return nil, fmt.Errorf("%s:%d: %s", tomlPath, pe.Position.Line, pe.Message)
		}
		return nil, fmt.Errorf("%s: %w", tomlPath, err)
	}
	if und := md.Undecoded(); len(und) > 0 {
		return nil, fmt.Errorf("%s: unknown key %s", tomlPath, und[0])
	}
	if mf.Format != Format {
		return nil, fmt.Errorf("%s: format %q, want %q", tomlPath, mf.Format, Format)
	}
	if mf.Model != name {
		return nil, fmt.Errorf("%s: model = %q, want the file's name %q", tomlPath, mf.Model, name)
	}
	m := &Model{Name: mf.Model, Description: mf.Description, Source: mf.Source, Measurement: mf.Measurement,
		InputSize: mf.InputSize, Layers: mf.Layers}
	csvPath := path.Join(dir, name+".csv")
	data, err = readFile(fsys, name+".csv", csvPath)
	if err != nil {
		return nil, err
	}
	if m.Inputs, err = readCounts(data, csvPath, m.Layers); err != nil {
		return nil, err
	}
	if err := m.Validate(); err != nil {
		return nil, fmt.Errorf("%s, %s: %w", tomlPath, csvPath, err)
	}
	return m, nil
}

// readCounts reads the CSV half: a header input,domain,LAYER… naming the
// layers in order, then one row per input.
func readCounts(data []byte, file string, layers []Layer) ([]Input, error) {
	r := csv.NewReader(bytes.NewReader(data))
	r.FieldsPerRecord = 2 + len(layers)
	r.ReuseRecord = true
	head, err := r.Read()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	want := []string{"input", "domain"}
	for _, l := range layers {
		want = append(want, l.Name)
	}
	for i, h := range head {
		if h != want[i] {
			return nil, fmt.Errorf("%s:1: column %d is %q, want %q (input, domain, then the TOML file's layers in order)", file, i+1, h, want[i])
		}
	}
	var inputs []Input
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", file, err)
		}
		line, _ := r.FieldPos(0)
		in := Input{ID: rec[0], Domain: rec[1], Zeros: make([]int64, len(layers))}
		for i := range layers {
			z, err := strconv.ParseInt(rec[2+i], 10, 64)
			if err != nil {
				return nil, fmt.Errorf("%s:%d: column %s: %q is not a zero count", file, line, layers[i].Name, rec[2+i])
			}
			in.Zeros[i] = z
		}
		inputs = append(inputs, in)
	}
	if len(inputs) == 0 {
		return nil, fmt.Errorf("%s: no inputs", file)
	}
	return inputs, nil
}

// WriteDir writes the set into dir as NAME.toml and NAME.csv per model,
// each file replaced atomically. The bytes depend only on the set.
func (s *Set) WriteDir(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	for _, m := range s.Models {
		if err := m.Validate(); err != nil {
			return err
		}
		var t, c bytes.Buffer
		if err := m.WriteTOML(&t); err != nil {
			return err
		}
		if err := m.WriteCSV(&c); err != nil {
			return err
		}
		if err := renameio.WriteFile(filepath.Join(dir, m.Name+".toml"), t.Bytes(), 0o644); err != nil {
			return err
		}
		if err := renameio.WriteFile(filepath.Join(dir, m.Name+".csv"), c.Bytes(), 0o644); err != nil {
			return err
		}
	}
	return nil
}

// WriteTOML writes the model's TOML half: one line per layer, so a diff of
// two measurements reads layer by layer.
func (m *Model) WriteTOML(w io.Writer) error {
	var b bytes.Buffer
	q := tomlString
	fmt.Fprintf(&b, "# Measured activation sparsity: see hardware/sparsitydata and SPEC §1.10.\n")
	fmt.Fprintf(&b, "format = %s\nmodel = %s\ndescription = %s\ninput_size = %d\n\n", q(Format), q(m.Name), q(m.Description), m.InputSize)
	b.WriteString("# Compute layers in execution order; h×w×c is the input activation a layer\n# receives, total = h·w·c.\nlayers = [\n")
	for _, l := range m.Layers {
		fmt.Fprintf(&b, "  { name = %s, kind = %s, c = %d, m = %d, h = %d, w = %d, r = %d, s = %d, stride = %d, pad = %d, groups = %d, total = %d },\n",
			q(l.Name), q(l.Kind), l.C, l.M, l.H, l.W, l.R, l.S, l.Stride, l.Pad, l.Groups, l.Total)
	}
	b.WriteString("]\n\n")
	fmt.Fprintf(&b, "[source]\npackage = %s\nversion = %s\ndir = %s\nfiles = [\n", q(m.Source.Package), q(m.Source.Version), q(m.Source.Dir))
	for _, f := range m.Source.Files {
		fmt.Fprintf(&b, "  { name = %s, sha256 = %s, bytes = %d },\n", q(f.Name), q(f.SHA256), f.Bytes)
	}
	ms := m.Measurement
	fmt.Fprintf(&b, "]\n\n[measurement]\ntool = %s\nphotos_sha256 = %s\npreprocessing = %s\nlow_light = %s\nzero = %s\n",
		q(ms.Tool), q(ms.Photos), q(ms.Preprocessing), q(ms.LowLight), q(ms.Zero))
	_, err := w.Write(b.Bytes())
	return err
}

// WriteCSV writes the model's CSV half.
func (m *Model) WriteCSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	head := []string{"input", "domain"}
	for _, l := range m.Layers {
		head = append(head, l.Name)
	}
	if err := cw.Write(head); err != nil {
		return err
	}
	rec := make([]string, len(head))
	for _, in := range m.Inputs {
		rec[0], rec[1] = in.ID, in.Domain
		for i, z := range in.Zeros {
			rec[2+i] = strconv.FormatInt(z, 10)
		}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// tomlString quotes s as a TOML basic string.
func tomlString(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(&b, "\\u%04X", r)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}
