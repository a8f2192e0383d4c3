package photos

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// requireInstalled skips the test when some photos' files are absent, naming
// the install command; with CI set in the environment absence fails instead.
func requireInstalled(t testing.TB, ps []Photo) {
	t.Helper()
	_, missing := Available(ps)
	if len(missing) == 0 {
		return
	}
	msg := fmt.Sprintf("photos not installed: %d of %d, first %s (%s); install them with: %s",
		len(missing), len(ps), missing[0].ID, missing[0].Path, InstallCommand)
	if os.Getenv("CI") != "" {
		t.Fatal(msg)
	}
	t.Skip(msg)
}

func TestManifest(t *testing.T) {
	ps, err := Builtin()
	if err != nil {
		t.Fatal(err)
	}
	if len(ps) < 100 {
		t.Fatalf("manifest has %d photos, want at least 100", len(ps))
	}
	pkgs, err := Packages()
	if err != nil {
		t.Fatal(err)
	}
	byName := map[string]Package{}
	for _, p := range pkgs {
		byName[p.Name] = p
	}
	count := map[string]int{}
	for _, p := range ps {
		pk, ok := byName[p.Package]
		if !ok {
			t.Errorf("%s: package %s is not in packages.csv", p.ID, p.Package)
			continue
		}
		if pk.Version != p.Version {
			t.Errorf("%s: version %s, packages.csv says %s", p.ID, p.Version, pk.Version)
		}
		if !strings.HasSuffix(strings.ToLower(p.Path), ".jpg") && !strings.HasSuffix(strings.ToLower(p.Path), ".png") {
			t.Errorf("%s: %s is neither JPEG nor PNG", p.ID, p.Path)
		}
		count[p.Package]++
	}
	var apt []string
	for _, pk := range pkgs {
		if count[pk.Name] != pk.Photos {
			t.Errorf("packages.csv: %s has photos=%d, the manifest has %d", pk.Name, pk.Photos, count[pk.Name])
		}
		if pk.Licence == "" || pk.DebBytes <= 0 || pk.InstalledKiB <= 0 {
			t.Errorf("packages.csv: %s row incomplete: %+v", pk.Name, pk)
		}
		apt = append(apt, pk.Name+"="+pk.Version)
	}
	apt = append(apt, HelperPackages...)
	if got, want := strings.Join(AptPackages(), " "), strings.Join(apt, " "); got != want {
		t.Errorf("apt-packages.txt lists %q, packages.csv %q", got, want)
	}
	if want := "apt-get install -y --no-install-recommends " + strings.Join(apt, " "); InstallCommand != want {
		t.Errorf("InstallCommand = %q, want %q", InstallCommand, want)
	}
}

func TestParseManifestRejects(t *testing.T) {
	const head = "id,package,version,path,sha256,width,height,note\n"
	const h1 = "1111111111111111111111111111111111111111111111111111111111111111"
	const h2 = "2222222222222222222222222222222222222222222222222222222222222222"
	good := "a-pkg/x,a-pkg,1.0,/usr/share/x.jpg," + h1 + ",10,20,cat\n"
	if ps, err := parseManifest([]byte(head + good)); err != nil || len(ps) != 1 || ps[0].Width != 10 || ps[0].Height != 20 {
		t.Fatalf("good manifest: %v %+v", err, ps)
	}
	for name, body := range map[string]string{
		"header":       "id,package\n",
		"unsorted":     "a-pkg/y,a-pkg,1.0,/y.jpg," + h2 + ",1,1,\n" + good,
		"duplicate id": good + "a-pkg/x,a-pkg,1.0,/y.jpg," + h2 + ",1,1,\n",
		"same hash":    good + "a-pkg/y,a-pkg,1.0,/y.jpg," + h1 + ",1,1,\n",
		"bad id":       "a-pkg/X Y,a-pkg,1.0,/y.jpg," + h2 + ",1,1,\n",
		"wrong prefix": "b-pkg/x,a-pkg,1.0,/y.jpg," + h2 + ",1,1,\n",
		"no version":   "a-pkg/x,a-pkg,,/y.jpg," + h2 + ",1,1,\n",
		"relative":     "a-pkg/x,a-pkg,1.0,y.jpg," + h2 + ",1,1,\n",
		"short hash":   "a-pkg/x,a-pkg,1.0,/y.jpg,abc,1,1,\n",
		"zero width":   "a-pkg/x,a-pkg,1.0,/y.jpg," + h2 + ",0,1,\n",
		"field count":  "a-pkg/x,a-pkg,1.0\n",
	} {
		if _, err := parseManifest([]byte(head + body)); err == nil {
			t.Errorf("%s: parseManifest accepted it", name)
		}
	}
}

func TestLoadMissingAndChanged(t *testing.T) {
	ps, err := Builtin()
	if err != nil {
		t.Fatal(err)
	}
	p := ps[0]
	p.Path = filepath.Join(t.TempDir(), "absent.jpg")
	_, err = p.Load()
	if !errors.Is(err, ErrMissing) {
		t.Fatalf("missing file: err = %v, want ErrMissing", err)
	}
	for _, want := range []string{p.ID, p.Path, "apt-get install", p.Package + "=" + p.Version} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("missing-file error %q does not name %q", err, want)
		}
	}
	if err := os.WriteFile(p.Path, []byte("not the photo"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err = p.Load()
	if !errors.Is(err, ErrChanged) {
		t.Fatalf("changed file: err = %v, want ErrChanged", err)
	}
	for _, want := range []string{p.ID, p.Path, p.SHA256, "--reinstall", p.Package + "=" + p.Version} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("changed-file error %q does not name %q", err, want)
		}
	}
	present, missing := Available([]Photo{p, {ID: "x/y", Path: filepath.Join(t.TempDir(), "nope")}})
	if len(present) != 1 || len(missing) != 1 || missing[0].ID != "x/y" {
		t.Errorf("Available = %v, %v", present, missing)
	}
	if got := MissingPackages([]Photo{ps[2], ps[1], ps[2]}); len(got) != 1 || got[0] != ps[1].Package+"="+ps[1].Version {
		t.Errorf("MissingPackages = %v", got)
	}
}

// TestLoadAll loads, verifies and decodes every photo of the manifest.
func TestLoadAll(t *testing.T) {
	ps, err := Builtin()
	if err != nil {
		t.Fatal(err)
	}
	requireInstalled(t, ps)
	// Every file is the one hashed; its header gives the recorded size.
	// Decoding every pixel (BenchmarkLoadAll, 3.8 s) adds nothing the
	// hash does not already pin, so one small photo is decoded whole.
	smallest := 0
	for i, p := range ps {
		data, err := p.Read()
		if err != nil {
			t.Error(err)
			continue
		}
		cfg, _, err := image.DecodeConfig(bytes.NewReader(data))
		if err != nil || cfg.Width != p.Width || cfg.Height != p.Height {
			t.Errorf("%s: header %dx%d (%v), manifest %dx%d", p.ID, cfg.Width, cfg.Height, err, p.Width, p.Height)
		}
		if p.Width*p.Height < ps[smallest].Width*ps[smallest].Height {
			smallest = i
		}
	}
	p := ps[smallest]
	img, err := p.Load()
	if err != nil {
		t.Fatal(err)
	}
	if m := FromImage(img); m.H != p.Height || m.W != p.Width || len(m.Pix) != 3*p.Width*p.Height {
		t.Errorf("%s: FromImage gives %dx%d with %d values", p.ID, m.W, m.H, len(m.Pix))
	}
}

// BenchmarkLoadAll times reading, hashing and decoding every photo
// (go test -run '^$' -bench LoadAll -benchtime 1x ./hardware/photos).
func BenchmarkLoadAll(b *testing.B) {
	ps, err := Builtin()
	if err != nil {
		b.Fatal(err)
	}
	requireInstalled(b, ps)
	var px int64
	for b.Loop() {
		px = 0
		for _, p := range ps {
			img, err := p.Load()
			if err != nil {
				b.Fatal(err)
			}
			px += int64(img.Bounds().Dx() * img.Bounds().Dy())
		}
	}
	b.ReportMetric(float64(px)/1e6, "Mpixel/op")
}
