package measure

import (
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"os"
	"slices"
	"strings"
	"testing"

	gocmp "github.com/google/go-cmp/cmp"

	"github.com/sparsebench/sparsebench/hardware/photos"
	"github.com/sparsebench/sparsebench/hardware/sparsitydata"
	"github.com/sparsebench/sparsebench/hardware/tfjs"
)

// A stride-2 conv behind ZeroPadding2D ((0, 1), (0, 1)) on 112×112×32, as
// in MobileNetV2: the tensor it receives is 113×113, of which
// (113² − 112²)·32 = 7,200 values are padding.
func TestLayerBeforePadding(t *testing.T) {
	st := tfjs.LayerStat{Name: "block_1_depthwise", Kind: "conv", C: 32, M: 32, H: 113, W: 113, R: 3, S: 3,
		StrideH: 2, StrideW: 2, Groups: 32, ExplicitPad: [4]int{0, 1, 0, 1}, Zeros: 7200 + 1000, Total: 113 * 113 * 32}
	l, err := layer(st)
	if err != nil {
		t.Fatal(err)
	}
	want := sparsitydata.Layer{Name: "block_1_depthwise", Kind: "conv", C: 32, M: 32, H: 112, W: 112, R: 3, S: 3,
		Stride: 2, Pad: 0, Groups: 32, Total: 112 * 112 * 32}
	if diff := gocmp.Diff(want, l); diff != "" {
		t.Errorf("layer (-want +got):\n%s", diff)
	}
	if z := zerosBeforePadding(st); z != 1000 {
		t.Errorf("zeros before padding %d, want 1000", z)
	}
	// 'same' padding is the layer's own: nothing to subtract.
	same := tfjs.LayerStat{Name: "c", Kind: "conv", C: 3, M: 8, H: 10, W: 10, R: 3, S: 3, StrideH: 1, StrideW: 1, Groups: 1, PadTop: 1, PadLeft: 1, Zeros: 7}
	if l, _ := layer(same); l.Pad != 1 || l.H != 10 || zerosBeforePadding(same) != 7 {
		t.Errorf("same padding: %+v, zeros %d", l, zerosBeforePadding(same))
	}
	if _, err := layer(tfjs.LayerStat{Name: "x", StrideH: 1, StrideW: 2}); err == nil || !strings.Contains(err.Error(), "strides 1×2") {
		t.Errorf("unequal strides: %v", err)
	}
}

func TestPickAndDigest(t *testing.T) {
	got, err := pick([]string{"mobilenetv2", "inceptionv3", "mobilenetv2"})
	if err != nil || len(got) != 2 || got[0].Name != "inceptionv3" {
		t.Errorf("pick: %v %v", got, err)
	}
	if _, err := pick([]string{"resnet50"}); err == nil || !strings.Contains(err.Error(), `unknown network "resnet50"; want one of inceptionv3, mobilenetv2`) {
		t.Errorf("unknown network: %v", err)
	}
	sum := sha256.Sum256([]byte("a/x 00\nb/y 11\n"))
	if d := photosDigest([]photos.Photo{{ID: "a/x", SHA256: "00"}, {ID: "b/y", SHA256: "11"}}); d != hex.EncodeToString(sum[:]) {
		t.Errorf("digest %s", d)
	}
}

// ready skips a test that needs the npm models and the photo packages when
// they are absent — except in CI, whose .ci/run installs them.
func ready(t *testing.T) []photos.Photo {
	t.Helper()
	var missing []string
	for _, n := range Networks {
		if _, err := tfjs.NSFWJSModelDir(n.Dir); err != nil {
			missing = append(missing, err.Error())
		}
	}
	ps, err := photos.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	if _, absent := photos.Available(ps[:2]); len(absent) > 0 {
		missing = append(missing, "photos missing; install with: "+photos.InstallCommand)
	}
	if len(missing) > 0 {
		if os.Getenv("CI") != "" {
			t.Fatalf("CI must install the models and photos:\n%s", strings.Join(missing, "\n"))
		}
		t.Skipf("needs the nsfwjs models and the photo packages:\n%s", strings.Join(missing, "\n"))
	}
	return ps
}

// TestRemeasure re-measures two photos (both domains, both
// networks) and must reproduce their rows of the committed data set
// exactly, with the same layers and sources: the data set is derived from
// the code.
func TestRemeasure(t *testing.T) {
	ps := ready(t)
	committed, err := sparsitydata.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	// The two smallest photos: the networks' cost is the same for any
	// photo, decoding and the low-light transform grow with its size.
	picked := slices.Clone(ps)
	slices.SortStableFunc(picked, func(a, b photos.Photo) int { return cmp.Compare(a.Width*a.Height, b.Width*b.Height) })
	picked = picked[:2]
	got, err := Measure(Options{Photos: picked})
	if err != nil {
		t.Fatal(err)
	}
	for _, g := range got.Models {
		c, err := committed.Model(g.Name)
		if err != nil {
			t.Fatal(err)
		}
		if c.Measurement.Photos != photosDigest(ps) {
			t.Errorf("%s: the committed data set was measured on other photos than the manifest's", g.Name)
		}
		g.Measurement.Photos = c.Measurement.Photos
		if diff := gocmp.Diff(c.Layers, g.Layers); diff != "" {
			t.Errorf("%s layers (-committed +measured):\n%s", g.Name, diff)
		}
		if diff := gocmp.Diff(c.Source, g.Source); diff != "" {
			t.Errorf("%s source (-committed +measured):\n%s", g.Name, diff)
		}
		if diff := gocmp.Diff(c.Measurement, g.Measurement); diff != "" {
			t.Errorf("%s measurement (-committed +measured):\n%s", g.Name, diff)
		}
		var rows []sparsitydata.Input
		for _, p := range picked {
			for _, in := range c.Inputs {
				if in.ID == p.ID {
					rows = append(rows, in)
				}
			}
		}
		if diff := gocmp.Diff(rows, g.Inputs); diff != "" {
			t.Errorf("%s: re-measured rows differ (-committed +measured):\n%s", g.Name, diff)
		}
	}
}

// A photo that fails to load fails the measurement with its id.
func TestMeasureNamesTheBadPhoto(t *testing.T) {
	ready(t)
	_, err := Measure(Options{Networks: []string{"mobilenetv2"}, Photos: []photos.Photo{{ID: "none/missing", Path: "/nonexistent/x.jpg", SHA256: strings.Repeat("0", 64)}}})
	if err == nil || !strings.Contains(err.Error(), "none/missing") || !errors.Is(err, photos.ErrMissing) {
		t.Errorf("error %v, want one naming the photo", err)
	}
}
