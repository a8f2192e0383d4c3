package photos

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"strconv"
	"testing"
)

// gray returns an h×w RGB whose three channels all hold vals (row-major).
func gray(h, w int, vals ...float32) RGB {
	m := NewRGB(h, w)
	for i, v := range vals {
		m.Pix[3*i], m.Pix[3*i+1], m.Pix[3*i+2] = v, v, v
	}
	return m
}

// Hand-computed cases for each flag combination; the arithmetic is in the
// comments.
func TestResizeBilinearKnownAnswers(t *testing.T) {
	type flags struct{ ac, hp bool }
	cases := []struct {
		name   string
		src    RGB
		h, w   int
		f      flags
		expect []float64
	}{
		// 1x4 [0 10 20 30] -> 1x3, scale 4/3 (non-integer, downsampling).
		// plain: src = c*4/3 = 0, 1.33, 2.67 -> 0, 10+10/3, 20+20/3.
		{"down-plain", gray(1, 4, 0, 10, 20, 30), 1, 3, flags{}, []float64{0, 10 + 10.0/3, 20 + 20.0/3}},
		// align corners: ratio (4-1)/(3-1) = 1.5: src = 0, 1.5, 3.
		{"down-align", gray(1, 4, 0, 10, 20, 30), 1, 3, flags{ac: true}, []float64{0, 15, 30}},
		// half-pixel: src = (c+0.5)*4/3-0.5 = 1/6, 1.5, 17/6.
		{"down-half", gray(1, 4, 0, 10, 20, 30), 1, 3, flags{hp: true}, []float64{10.0 / 6, 15, 20 + 50.0/6}},
		// 1x2 [0 12] -> 1x5 (upsampling).
		// plain: ratio 0.4: src 0, .4, .8, 1.2, 1.6; past the last column
		// floor = ceil = 1, so 12.
		{"up-plain", gray(1, 2, 0, 12), 1, 5, flags{}, []float64{0, 4.8, 9.6, 12, 12}},
		// align corners: ratio 1/4.
		{"up-align", gray(1, 2, 0, 12), 1, 5, flags{ac: true}, []float64{0, 3, 6, 9, 12}},
		// half-pixel: src = -0.3 (clamped to column 0), 0.1, 0.5, 0.9, 1.3.
		{"up-half", gray(1, 2, 0, 12), 1, 5, flags{hp: true}, []float64{0, 1.2, 6, 10.8, 12}},
		// 2-D, rows and columns: [[0 10] [20 30]] -> 3x3 with align corners.
		{"2d-align", gray(2, 2, 0, 10, 20, 30), 3, 3, flags{ac: true}, []float64{0, 5, 10, 10, 15, 20, 20, 25, 30}},
		// 2-D plain, ratio 2/3 both ways: rows 0, 2/3, 4/3(->1); columns
		// likewise. Row 1: top 0,6.67,10 bottom 20,26.67,30, mixed 2/3.
		{"2d-plain", gray(2, 2, 0, 10, 20, 30), 3, 3, flags{}, []float64{
			0, 20.0 / 3, 10,
			40.0 / 3, 20.0/3 + 40.0/3, 10 + 40.0/3,
			20, 20 + 20.0/3, 30}},
		// Output 1x1 with align corners keeps ratio in/out (the "out > 1"
		// rule): source (0,0).
		{"1x1-align", gray(2, 3, 5, 6, 7, 8, 9, 10), 1, 1, flags{ac: true}, []float64{5}},
		// Same size is the identity.
		{"identity", gray(1, 3, 1.5, -2, 7), 1, 3, flags{}, []float64{1.5, -2, 7}},
	}
	for _, c := range cases {
		got := ResizeBilinear(c.src, c.h, c.w, c.f.ac, c.f.hp)
		if got.H != c.h || got.W != c.w {
			t.Errorf("%s: size %dx%d, want %dx%d", c.name, got.W, got.H, c.w, c.h)
			continue
		}
		for i, want := range c.expect {
			for ch := 0; ch < 3; ch++ {
				if g := float64(got.Pix[3*i+ch]); math.Abs(g-want) > 1e-5*math.Max(1, math.Abs(want)) {
					t.Errorf("%s: value %d channel %d = %v, want %v", c.name, i, ch, g, want)
				}
			}
		}
	}
}

func TestResizeBilinearPanicsOnBothFlags(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("alignCorners with halfPixelCenters did not panic")
		}
	}()
	ResizeBilinear(gray(2, 2, 1, 2, 3, 4), 3, 3, true, true)
}

func TestNormalize(t *testing.T) {
	got := Normalize(gray(1, 3, 0, 128, 255), 255)
	want := []float32{0, 0, 0, 128.0 / 255, 128.0 / 255, 128.0 / 255, 1, 1, 1}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("Normalize[%d] = %v, want %v", i, got[i], want[i])
		}
	}
}

// golden is testdata/resize_golden.json, written by TensorFlow.js 4.22.0's
// CPU backend (testdata/resize_golden.cjs).
type golden struct {
	Core    string `json:"tfjs_core"`
	Backend string `json:"backend"`
	Resize  []struct {
		H, W       int
		OutH       int      `json:"out_h"`
		OutW       int      `json:"out_w"`
		Align      bool     `json:"align_corners"`
		Half       bool     `json:"half_pixel_centers"`
		OutputBits []string `json:"output_bits"`
	} `json:"resize"`
	NSFWJS []struct {
		H, W, Size int
		SHA256     string   `json:"output_sha256"`
		FirstBits  []string `json:"first_bits"`
	} `json:"nsfwjs"`
}

// The inputs resize_golden.cjs generates, computed the same way.
func goldenFloats(n int) []float32 {
	a := make([]float32, n)
	for i := range a {
		a[i] = float32(math.Mod(float64(i)*0.7311, 13) - 6.5)
	}
	return a
}

func goldenPixels(n int) []float32 {
	a := make([]float32, n)
	for i := range a {
		a[i] = float32((i*37 + 11 + (i*i)%7) % 256)
	}
	return a
}

func loadGolden(t *testing.T) golden {
	data, err := os.ReadFile("testdata/resize_golden.json")
	if err != nil {
		t.Fatal(err)
	}
	var g golden
	if err := json.Unmarshal(data, &g); err != nil {
		t.Fatal(err)
	}
	if g.Core != "4.22.0" || g.Backend != "cpu" || len(g.Resize) == 0 || len(g.NSFWJS) == 0 {
		t.Fatalf("unexpected golden file: core %s backend %s, %d+%d cases", g.Core, g.Backend, len(g.Resize), len(g.NSFWJS))
	}
	return g
}

func bits(t *testing.T, hexs []string) []uint32 {
	out := make([]uint32, len(hexs))
	for i, s := range hexs {
		u, err := strconv.ParseUint(s, 16, 32)
		if err != nil {
			t.Fatal(err)
		}
		out[i] = uint32(u)
	}
	return out
}

// TestResizeBilinearMatchesTFJS compares ResizeBilinear with TensorFlow.js
// bit for bit: up- and downsampling, integer and non-integer scales, every
// allowed flag combination.
func TestResizeBilinearMatchesTFJS(t *testing.T) {
	g := loadGolden(t)
	for _, c := range g.Resize {
		name := fmt.Sprintf("%dx%d->%dx%d align=%v half=%v", c.H, c.W, c.OutH, c.OutW, c.Align, c.Half)
		src := RGB{H: c.H, W: c.W, Pix: goldenFloats(c.H * c.W * 3)}
		got := ResizeBilinear(src, c.OutH, c.OutW, c.Align, c.Half)
		want := bits(t, c.OutputBits)
		if len(want) != len(got.Pix) {
			t.Errorf("%s: %d values, TF.js %d", name, len(got.Pix), len(want))
			continue
		}
		for i, w := range want {
			if math.Float32bits(got.Pix[i]) != w {
				t.Errorf("%s: value %d = %v, TF.js %v", name, i, got.Pix[i], math.Float32frombits(w))
				break
			}
		}
	}
}

// TestNSFWJSInputMatchesTFJS checks the whole nsfwjs preprocessing (cast,
// divide by 255, resize with align corners) against TF.js by a SHA-256 of the
// float32 output, for the two model sizes and a no-resize case.
func TestNSFWJSInputMatchesTFJS(t *testing.T) {
	g := loadGolden(t)
	for _, c := range g.NSFWJS {
		got := NSFWJSInput(RGB{H: c.H, W: c.W, Pix: goldenPixels(c.H * c.W * 3)}, c.Size)
		buf := make([]byte, 4*len(got.Pix))
		for i, v := range got.Pix {
			binary.LittleEndian.PutUint32(buf[4*i:], math.Float32bits(v))
		}
		sum := sha256.Sum256(buf)
		if hex.EncodeToString(sum[:]) != c.SHA256 {
			first := make([]string, 0, 12)
			for _, v := range got.Pix[:12] {
				first = append(first, fmt.Sprintf("%08x", math.Float32bits(v)))
			}
			t.Errorf("%dx%d -> %d: SHA-256 differs from TF.js; first values %v, TF.js %v", c.H, c.W, c.Size, first, c.FirstBits)
		}
	}
}

func BenchmarkNSFWJSInput(b *testing.B) {
	src := RGB{H: 1080, W: 1920, Pix: goldenPixels(1080 * 1920 * 3)}
	for b.Loop() {
		NSFWJSInput(src, 299)
	}
}
