package suite

import (
	"bytes"
	"strings"
	"testing"

	"github.com/BurntSushi/toml"
	"github.com/google/go-cmp/cmp"

	"github.com/sparsebench/sparsebench/hardware"
)

// measuredMVP is mobile-visual-perception with its MobileNet-V1 variants
// on the measured MobileNetV2 instead, and no generator table for it.
func measuredMVP(t *testing.T) string {
	t.Helper()
	s := strings.ReplaceAll(builtinText(t, "mobile-visual-perception"), `family = "mobilenet"`, `family = "mobilenetv2"`)
	const table = "[sparsity.mobilenet]\nmean = 0.45\nspread = 0.06\nrho = 0.7\n"
	if !strings.Contains(s, table) {
		t.Fatal("mobile-visual-perception's [sparsity.mobilenet] table changed; update this test")
	}
	return strings.Replace(s, table, "", 1)
}

// A scenario may use a measured family without generator parameters; its
// samples are the measured inputs.
func TestScenarioWithMeasuredFamily(t *testing.T) {
	s, err := Parse("scenarios/x/v1.toml", []byte(measuredMVP(t)))
	if err != nil {
		t.Fatal(err)
	}
	cat, err := s.Catalogue()
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, m := range cat.Models {
		if m.Family == "mobilenetv2" {
			found = true
			if len(m.Samples) != 100 {
				t.Errorf("%s: %d samples, want 100", m.Name, len(m.Samples))
			}
		}
	}
	if !found {
		t.Error("no mobilenetv2 variant in the catalogue")
	}
}

func TestScenarioMeasuredFamilyProblems(t *testing.T) {
	text := measuredMVP(t)
	for _, tc := range []struct{ name, text, want string }{
		{"generator table", text + "\n[sparsity.mobilenetv2]\nmean = 0.5\nspread = 0.1\nrho = 0.5\n",
			"sparsity.mobilenetv2: family mobilenetv2 is measured: its samples are its measured inputs"},
		{"too many samples", strings.Replace(text, "samples = 100", "samples = 300", 1),
			"dataset.samples: 300; family mobilenetv2 has 218 measured inputs, so at most 218 samples per variant"},
	} {
		_, err := Parse("scenarios/x/v1.toml", []byte(tc.text))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want %q", tc.name, err, tc.want)
		} else if strings.Count(err.Error(), tc.want) != 1 {
			t.Errorf("%s: reported more than once:\n%v", tc.name, err)
		}
	}
}

// mobile-visual-perception@v2's generator tables are exactly what
// `sparsebench hw fit --family F` prints for each family (SPEC §1.10): a
// change to the fit or to the measured data shows up here, and a v2 table
// edited by hand does too.
func TestV2SparsityIsTheFit(t *testing.T) {
	sc := resolve(t, "mobile-visual-perception@v2")
	zoo, err := hardware.BuiltinZoo()
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"resnet50", "vgg16", "mobilenet", "ssd300"} {
		fam, err := zoo.Family(name)
		if err != nil {
			t.Fatal(err)
		}
		p, f, err := hardware.FittedSparsity(fam)
		if err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		if err := hardware.WriteFittedSparsity(&buf, fam, p, f); err != nil {
			t.Fatal(err)
		}
		var doc struct {
			Sparsity map[string]hardware.SparsityParams `toml:"sparsity"`
		}
		if _, err := toml.Decode(buf.String(), &doc); err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(doc.Sparsity[name], sc.Sparsity[name]); diff != "" {
			t.Errorf("[sparsity.%s] differs from hw fit (-fit +scenario):\n%s", name, diff)
		}
	}
}
