package sparsitydata

import (
	"bytes"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// tiny is a two-layer model with four inputs, small enough to check by hand.
func tiny() *Model {
	return &Model{
		Name: "tiny", Description: `a "tiny" net`, InputSize: 2,
		Source:      Source{Package: "pkg", Version: "1.0.0", Dir: "dist/tiny", Files: []File{{Name: "model.json", SHA256: strings.Repeat("ab", 32), Bytes: 10}}},
		Measurement: Measurement{Tool: "test/1", Photos: strings.Repeat("cd", 32), Preprocessing: "none", LowLight: "none", Zero: "x == 0"},
		Layers: []Layer{
			{Name: "conv0", Kind: "conv", C: 3, M: 4, H: 2, W: 2, R: 3, S: 3, Stride: 1, Pad: 1, Groups: 1, Total: 12},
			{Name: "fc", Kind: "fc", C: 4, M: 2, H: 1, W: 1, R: 1, S: 1, Stride: 1, Groups: 1, Total: 4},
		},
		Inputs: []Input{
			{ID: "a", Domain: DomainPhoto, Zeros: []int64{0, 1}},
			{ID: "a", Domain: DomainLowLight, Zeros: []int64{3, 2}},
			{ID: "b", Domain: DomainPhoto, Zeros: []int64{6, 3}},
			{ID: "b", Domain: DomainLowLight, Zeros: []int64{12, 4}},
		},
	}
}

func TestRoundTrip(t *testing.T) {
	dir := t.TempDir()
	want := &Set{Models: []*Model{tiny()}}
	if err := want.WriteDir(dir); err != nil {
		t.Fatal(err)
	}
	got, err := ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("read back (-written +read):\n%s", diff)
	}
	csv, _ := os.ReadFile(filepath.Join(dir, "tiny.csv"))
	if want := "input,domain,conv0,fc\na,photo,0,1\na,low-light,3,2\nb,photo,6,3\nb,low-light,12,4\n"; string(csv) != want {
		t.Errorf("CSV:\n%s\nwant:\n%s", csv, want)
	}
	for _, name := range []string{"tiny.toml", "tiny.csv"} {
		st, err := os.Stat(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		if st.Mode().Perm()&0o044 != 0o044 {
			t.Errorf("%s has mode %v, want readable by all (0644 under the umask)", name, st.Mode().Perm())
		}
	}
	// CRLF line endings (a checkout on Windows) read the same.
	for _, name := range []string{"tiny.toml", "tiny.csv"} {
		p := filepath.Join(dir, name)
		b, _ := os.ReadFile(p)
		os.WriteFile(p, bytes.ReplaceAll(b, []byte("\n"), []byte("\r\n")), 0o644)
	}
	if got, err = ReadDir(dir); err != nil {
		t.Fatal(err)
	} else if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("CRLF read (-want +got):\n%s", diff)
	}
}

// Sparsity, summaries and correlations of tiny, by hand: conv0's
// sparsity is 0, 1/4, 1/2, 1 and fc's 1/4, 1/2, 3/4, 1.
func TestSummary(t *testing.T) {
	m := tiny()
	if got := m.Sparsity(2, 0); got != 0.5 {
		t.Errorf("Sparsity(2, 0) = %v, want 0.5", got)
	}
	all := m.Summary("")
	// conv0: mean 7/16; deviations −7/16, −3/16, 1/16, 9/16; squares sum
	// (49 + 9 + 1 + 81)/256 = 140/256; over n − 1 = 3.
	if w := 7.0 / 16; math.Abs(all[0].Mean-w) > 1e-15 {
		t.Errorf("conv0 mean %v, want %v", all[0].Mean, w)
	}
	if w := math.Sqrt(140.0 / 256 / 3); math.Abs(all[0].SD-w) > 1e-15 {
		t.Errorf("conv0 SD %v, want %v", all[0].SD, w)
	}
	if all[1].Min != 0.25 || all[1].Max != 1 || all[1].Inputs != 4 {
		t.Errorf("fc summary %+v", all[1])
	}
	photo := m.Summary(DomainPhoto)
	if photo[0].Mean != 0.25 || photo[1].Mean != 0.5 || photo[0].Inputs != 2 {
		t.Errorf("photo summary %+v", photo)
	}
	if got := m.Summary("night"); got[0] != (LayerSummary{}) {
		t.Errorf("a domain without inputs: %+v", got[0])
	}
	// Photo inputs: conv0 0, 1/2 and fc 1/4, 3/4 move together: r = 1.
	if r := m.Correlation(0, 1, DomainPhoto); math.Abs(r-1) > 1e-12 {
		t.Errorf("correlation %v, want 1", r)
	}
	c := tiny()
	c.Inputs[2].Zeros[1] = 1 // fc now 1/4 on both photo inputs: constant
	if r := c.Correlation(0, 1, DomainPhoto); !math.IsNaN(r) {
		t.Errorf("correlation with a constant layer %v, want NaN", r)
	}
	if d := m.Domains(); !cmp.Equal(d, []string{DomainPhoto, DomainLowLight}) {
		t.Errorf("Domains %v", d)
	}
}

func TestValidate(t *testing.T) {
	for _, tc := range []struct {
		name string
		edit func(m *Model)
		want string
	}{
		{"no name", func(m *Model) { m.Name = "" }, "no name"},
		{"repeated layer", func(m *Model) { m.Layers[1].Name = "conv0" }, "layers[1] (conv0): name repeats layers[0]"},
		{"kind", func(m *Model) { m.Layers[0].Kind = "pool" }, `kind "pool", want conv or fc`},
		{"zero shape", func(m *Model) { m.Layers[0].R = 0 }, "r must be > 0"},
		{"pad", func(m *Model) { m.Layers[0].Pad = 3 }, "pad must be in [0, kernel), got 3"},
		{"groups", func(m *Model) { m.Layers[0].Groups = 2 }, "not a multiple of groups"},
		{"total", func(m *Model) { m.Layers[0].Total = 11 }, "total = 11, want h·w·c = 12"},
		{"count above total", func(m *Model) { m.Inputs[3].Zeros[1] = 5 }, "input 3 (b, low-light): layer fc: 5 zeros, want 0…4"},
		{"negative count", func(m *Model) { m.Inputs[0].Zeros[0] = -1 }, "-1 zeros"},
		{"counts", func(m *Model) { m.Inputs[0].Zeros = m.Inputs[0].Zeros[:1] }, "1 counts for 2 layers"},
		{"repeated input", func(m *Model) { m.Inputs[2].ID = "a" }, "repeats input 0"},
		{"no domain", func(m *Model) { m.Inputs[1].Domain = "" }, "needs an id and a domain"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := tiny()
			tc.edit(m)
			err := m.Validate()
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v, want one saying %q", err, tc.want)
			}
		})
	}
	if err := tiny().Validate(); err != nil {
		t.Errorf("valid model: %v", err)
	}
}

// Bad files get one message naming the file and, where there is one, the
// line.
func TestReadErrors(t *testing.T) {
	write := func(t *testing.T, toml, csv string) string {
		dir := t.TempDir()
		if err := (&Set{Models: []*Model{tiny()}}).WriteDir(dir); err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(dir, "tiny")
		if toml != "" {
			os.WriteFile(p+".toml", []byte(toml), 0o644)
		}
		if csv != "" {
			os.WriteFile(p+".csv", []byte(csv), 0o644)
		}
		return dir
	}
	var good bytes.Buffer
	tiny().WriteTOML(&good)
	g := good.String()
	for _, tc := range []struct {
		name, toml, csv, want string
	}{
		{"syntax", g + "x = \n", "", "tiny.toml:"},
		{"unknown key", strings.Replace(g, "input_size = 2", "input_size = 2\nextra = 1", 1), "", "unknown key extra"},
		{"format", strings.Replace(g, Format, "sparsebench-sparsity/9", 1), "", `format "sparsebench-sparsity/9"`},
		{"model name", strings.Replace(g, `model = "tiny"`, `model = "other"`, 1), "", `want the file's name "tiny"`},
		{"header", "", "input,domain,conv0,fc2\na,photo,0,1\n", `tiny.csv:1: column 4 is "fc2", want "fc"`},
		{"count", "", "input,domain,conv0,fc\na,photo,0,1\nb,photo,x,1\n", `tiny.csv:3: column conv0: "x" is not a zero count`},
		{"fields", "", "input,domain,conv0,fc\na,photo,0\n", "tiny.csv"},
		{"empty", "", "input,domain,conv0,fc\n", "tiny.csv: no inputs"},
		{"validation", "", "input,domain,conv0,fc\na,photo,13,1\n", "13 zeros, want 0…12"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ReadDir(write(t, tc.toml, tc.csv))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v, want one saying %q", err, tc.want)
			}
		})
	}
	if _, err := ReadDir(t.TempDir()); err == nil || !strings.Contains(err.Error(), "no NAME.toml files") {
		t.Errorf("empty folder: %v", err)
	}
	dir := write(t, "", "")
	os.Remove(filepath.Join(dir, "tiny.csv"))
	if _, err := ReadDir(dir); err == nil || !strings.Contains(err.Error(), "tiny.csv") {
		t.Errorf("missing CSV: %v", err)
	}
}

func TestTOMLString(t *testing.T) {
	if got, want := tomlString("a \"b\" \\ c\n"), `"a \"b\" \\ c\u000A"`; got != want {
		t.Errorf("tomlString = %s, want %s", got, want)
	}
}

func TestQuantile(t *testing.T) {
	xs := []float64{1, 2, 3, 4, 5}
	for _, tc := range []struct{ q, want float64 }{{0, 1}, {0.1, 1.4}, {0.5, 3}, {0.9, 4.6}, {1, 5}} {
		if got := Quantile(xs, tc.q); math.Abs(got-tc.want) > 1e-12 {
			t.Errorf("Quantile(%v) = %v, want %v", tc.q, got, tc.want)
		}
	}
	if Quantile([]float64{7}, 0.9) != 7 {
		t.Error("one value")
	}
}

// The depth plot renders in each format, the same bytes twice.
func TestDepthPlot(t *testing.T) {
	m := tiny()
	for _, f := range []string{"svg", "png"} {
		a, err := m.DepthPlot(f)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := m.DepthPlot(f)
		if len(a) < 100 || !bytes.Equal(a, b) {
			t.Errorf("%s: %d bytes, deterministic %v", f, len(a), bytes.Equal(a, b))
		}
	}
	if _, err := m.DepthPlot("bmp"); err == nil {
		t.Error("an unknown format rendered")
	}
}
