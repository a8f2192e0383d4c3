package photos

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"
)

func TestLowLightDescription(t *testing.T) {
	for _, want := range []string{
		fmt.Sprintf("[%v, %v]", LowLightEVMin, LowLightEVMax),
		fmt.Sprintf("%v electrons", LowLightFullScaleElectrons),
		fmt.Sprintf("%d-bit raw", LowLightADCBits),
		fmt.Sprintf("sigma %v DN", LowLightReadNoiseDN),
		"ExDark/DarkFace",
	} {
		if !strings.Contains(LowLightDescription, want) {
			t.Errorf("LowLightDescription %q does not say %q", LowLightDescription, want)
		}
	}
}

func TestSRGBTransfer(t *testing.T) {
	for _, c := range []struct{ srgb, lin float64 }{
		{0, 0},
		{1, 1},
		{0.04, 0.04 / 12.92}, // on the linear segment (the two segments meet within 3e-8, not exactly)
		{0.5, 0.21404114048223255},
		{128.0 / 255, 0.21586050011389926},
		{0.46135612950044164, 0.18}, // linear mid-grey
		{0.7353569830524495, 0.5},
	} {
		if got := SRGBToLinear(c.srgb); math.Abs(got-c.lin) > 1e-12 {
			t.Errorf("SRGBToLinear(%v) = %v, want %v", c.srgb, got, c.lin)
		}
		if got := LinearToSRGB(c.lin); math.Abs(got-c.srgb) > 1e-12 {
			t.Errorf("LinearToSRGB(%v) = %v, want %v", c.lin, got, c.srgb)
		}
	}
	for v := 0; v <= 255; v++ {
		x := float64(v) / 255
		if got := LinearToSRGB(SRGBToLinear(x)); math.Abs(got-x) > 1e-12 {
			t.Errorf("round trip of %d/255 gives %v", v, got*255)
		}
	}
}

// texture is a deterministic test image with every 8-bit value.
func texture(h, w int) RGB {
	m := NewRGB(h, w)
	for i := range m.Pix {
		m.Pix[i] = float32((i*7 + i/97) % 256)
	}
	return m
}

func TestLowLightDeterministic(t *testing.T) {
	src := texture(64, 80)
	a := LowLight(src, "mate-backgrounds/storm")
	b := LowLight(src, "mate-backgrounds/storm")
	c := LowLight(src, "mate-backgrounds/aqua")
	if !slices.Equal(a.Pix, b.Pix) {
		t.Error("same id gave different captures")
	}
	if slices.Equal(a.Pix, c.Pix) {
		t.Error("different ids gave identical captures")
	}
	if a.H != src.H || a.W != src.W {
		t.Errorf("size %dx%d, want %dx%d", a.W, a.H, src.W, src.H)
	}
	for i, v := range a.Pix {
		if v < 0 || v > 255 || v != float32(math.Round(float64(v))) {
			t.Fatalf("value %d = %v is not an 8-bit level", i, v)
		}
	}
	// The source is not modified.
	if !slices.Equal(src.Pix, texture(64, 80).Pix) {
		t.Error("LowLight changed its input")
	}
}

func TestLowLightEVRange(t *testing.T) {
	ps, err := Builtin()
	if err != nil {
		t.Fatal(err)
	}
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, p := range ps {
		ev := LowLightEV(p.ID)
		if ev < LowLightEVMin || ev > LowLightEVMax {
			t.Errorf("%s: EV %v outside [%v, %v]", p.ID, ev, LowLightEVMin, LowLightEVMax)
		}
		lo, hi = math.Min(lo, ev), math.Max(hi, ev)
	}
	// 109 uniform draws over one stop should spread over most of it.
	if hi-lo < 0.8 {
		t.Errorf("EVs span only [%v, %v]", lo, hi)
	}
}

// On a flat grey patch the mean linear light of the capture is the source's
// times 2^EV: the noise has zero mean, and at this level clipping at 0 and
// the 8-bit quantisation (dithered by the noise) bias it by far less than the
// 2% allowed.
func TestLowLightMeanFallsByExposure(t *testing.T) {
	const id = "plasma-workspace-wallpapers/path"
	src := NewRGB(512, 512)
	for i := range src.Pix {
		src.Pix[i] = 128
	}
	out := LowLight(src, id)
	var sum float64
	for _, v := range out.Pix {
		sum += SRGBToLinear(float64(v) / 255)
	}
	got := sum / float64(len(out.Pix))
	want := SRGBToLinear(128.0/255) * math.Exp2(LowLightEV(id))
	if math.Abs(got/want-1) > 0.02 {
		t.Errorf("mean linear light %v, want %v (source %v × 2^%v)", got, want, SRGBToLinear(128.0/255), LowLightEV(id))
	}
	// In sRGB terms the picture is several times darker.
	if m := float64(sumf(out.Pix)) / float64(len(out.Pix)); m > 128.0/2.5 {
		t.Errorf("mean sRGB level %v, want well below 128/2.5", m)
	}
}

func sumf(x []float32) float64 {
	var s float64
	for _, v := range x {
		s += float64(v)
	}
	return s
}

// The raw values of a flat patch have the model's mean gain·λ and variance
// gain²·λ (shot) + σ_read² (read) + 1/12 (rounding), λ the mean electron
// count. With 786 432 samples the sample variance's relative standard error
// is about 0.2%; 2% is allowed. Clipping at 0 is negligible at this level
// (mean ≈ 90 DN, σ ≈ 20 DN).
func TestLowLightNoiseVariance(t *testing.T) {
	const v = 128
	exposure := math.Exp2(-3.5)
	s := newSensor(lowLightRNG("variance-test"), exposure)
	lam := s.lambda[v]
	const n = 512 * 512 * 3
	var sum, sum2 float64
	for i := 0; i < n; i++ {
		x := float64(s.raw(v))
		sum += x
		sum2 += x * x
	}
	mean := sum / n
	variance := sum2/n - mean*mean
	wantMean := lowLightGain * lam
	wantVar := lowLightGain*lowLightGain*lam + LowLightReadNoiseDN*LowLightReadNoiseDN + 1.0/12
	if math.Abs(mean/wantMean-1) > 0.005 {
		t.Errorf("raw mean %v, want %v", mean, wantMean)
	}
	if math.Abs(variance/wantVar-1) > 0.02 {
		t.Errorf("raw variance %v, want %v (shot %v + read %v + rounding 1/12)", variance, wantVar,
			lowLightGain*lowLightGain*lam, LowLightReadNoiseDN*LowLightReadNoiseDN)
	}
	// Black stays black on average but is noisy: read noise only, clipped.
	z := newSensor(lowLightRNG("black"), exposure)
	var nz int
	for i := 0; i < 10000; i++ {
		if z.raw(0) != 0 {
			nz++
		}
	}
	if nz < 4000 || nz > 6000 { // half the Gaussian is above 0.5 DN, minus a little
		t.Errorf("black pixels: %d of 10000 nonzero raw values, want about half", nz)
	}
}

func TestPhotoInputDomains(t *testing.T) {
	ps, err := Builtin()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ps[0].Input("night", 224); err == nil {
		t.Error("unknown domain accepted")
	}
	p := ps[0]
	for _, q := range ps {
		if q.Width*q.Height < p.Width*p.Height {
			p = q
		}
	}
	requireInstalled(t, []Photo{p})
	a, err := p.Input(DomainPhoto, 224)
	if err != nil {
		t.Fatal(err)
	}
	b, err := p.Input(DomainLowLight, 224)
	if err != nil {
		t.Fatal(err)
	}
	if a.H != 224 || a.W != 224 || b.H != 224 || b.W != 224 {
		t.Fatalf("sizes %dx%d and %dx%d", a.W, a.H, b.W, b.H)
	}
	if ma, mb := sumf(a.Pix)/float64(len(a.Pix)), sumf(b.Pix)/float64(len(b.Pix)); !(mb < ma/2) || ma > 1 || mb < 0 {
		t.Errorf("%s: mean input %v photo, %v low-light; want 0..1 and the low-light one much darker", p.ID, ma, mb)
	}
}

// BenchmarkLowLight times the transform on a 12-megapixel image.
func BenchmarkLowLight(b *testing.B) {
	src := texture(3000, 4000)
	for b.Loop() {
		LowLight(src, "bench")
	}
}
