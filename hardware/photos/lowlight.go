package photos

import (
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"math"
	"math/rand/v2"
)

// Domains of the data set: the photographs as shipped, and the synthetic
// low-light captures LowLight makes from them.
const (
	DomainPhoto    = "photo"
	DomainLowLight = "low-light"
)

// Domains lists the domains in a fixed order.
var Domains = []string{DomainPhoto, DomainLowLight}

// Parameters of the low-light capture model. The paper's artifact profiled
// CNNs on ExDark and DarkFace, photographs taken in low light; those data
// sets cannot be had here, so LowLight turns each photograph into a
// stand-in: the same scene as a camera would record it with 3 to 4 stops too
// little light, with the noise of such a capture. The structure of the model
// (linear light, exposure scaling, Poisson shot noise plus Gaussian read
// noise, quantisation) is the standard physical one that synthetic low-light
// and raw-denoising work uses (for example Brooks et al., "Unprocessing
// Images for Learned Raw Denoising", CVPR 2019, whose noise is shot plus
// read noise with signal-dependent variance); the numbers below are the
// project's choice, picked as typical of a small-pixel (phone-class) sensor
// at high ISO, and are not taken from any one paper.
const (
	// LowLightEVMin and LowLightEVMax bound the exposure change in stops:
	// each photo draws EV uniformly in [LowLightEVMin, LowLightEVMax] and its
	// linear light is scaled by 2^EV, i.e. by 1/16 to 1/8.
	LowLightEVMin = -4.0
	LowLightEVMax = -3.0
	// LowLightFullScaleElectrons is the photo-electron count that reaches
	// digital full scale (linear 1.0) at the simulated high ISO: a sensor with
	// a full well of several thousand electrons at base ISO amplified 8-16
	// times. At -3.5 EV a mid-grey (linear 0.18) pixel then collects about 16
	// electrons, a shot-noise SNR of about 4, which is the grainy look of
	// hand-held night photographs.
	LowLightFullScaleElectrons = 1000.0
	// LowLightADCBits is the raw converter's depth; raw values are integers
	// 0..2^bits-1 ("digital numbers", DN).
	LowLightADCBits = 12
	// LowLightReadNoiseDN is the standard deviation of the Gaussian read
	// noise in 12-bit DN (≈2 electrons at this gain), typical of current
	// CMOS sensors at high gain.
	LowLightReadNoiseDN = 8.0
)

// LowLightDescription says in one line how a photo becomes its low-light
// version, for data-set metadata. A test keeps its numbers equal to the
// constants above.
const LowLightDescription = "photos.LowLight, a synthetic stand-in for ExDark/DarkFace applied at full resolution before the resize: " +
	"sRGB decoded to linear light, scaled by 2^EV with EV uniform in [-4, -3] per photo (PCG seeded from the SHA-256 of the photo id), " +
	"Poisson shot noise at 1000 electrons full scale, 12-bit raw with Gaussian read noise sigma 8 DN, " +
	"encoded back to sRGB and quantised to 8 bits"

const (
	lowLightMaxDN = 1<<LowLightADCBits - 1
	// lowLightGain is DN per electron.
	lowLightGain = lowLightMaxDN / LowLightFullScaleElectrons
)

// SRGBToLinear is the sRGB transfer function's inverse (IEC 61966-2-1):
// v in 0..1 to linear light in 0..1.
func SRGBToLinear(v float64) float64 {
	if v <= 0.04045 {
		return v / 12.92
	}
	return math.Pow((v+0.055)/1.055, 2.4)
}

// LinearToSRGB is the sRGB transfer function: linear light in 0..1 to the
// encoded value in 0..1.
func LinearToSRGB(l float64) float64 {
	if l <= 0.0031308 {
		return float64(12.92 * l)
	}
	return float64(1.055*math.Pow(l, 1/2.4)) - 0.055
}

// lowLightRNG returns the photo's own PCG stream: seeded from the SHA-256 of
// a fixed prefix and the photo id, so no global random state is involved and
// the same id always gives the same capture.
func lowLightRNG(id string) *rand.PCG {
	h := sha256.Sum256([]byte("sparsebench/photos/low-light/v1\x00" + id))
	return rand.NewPCG(binary.LittleEndian.Uint64(h[0:8]), binary.LittleEndian.Uint64(h[8:16]))
}

// uniform returns a float64 in [0, 1) from the top 53 bits of one draw.
func uniform(r *rand.PCG) float64 { return float64(r.Uint64()>>11) * 0x1p-53 }

// LowLightEV returns the exposure change in stops that LowLight applies to
// the photo with this id: the first draw of its stream.
func LowLightEV(id string) float64 {
	return lowLightEV(lowLightRNG(id))
}

func lowLightEV(r *rand.PCG) float64 {
	return LowLightEVMin + float64((LowLightEVMax-LowLightEVMin)*uniform(r))
}

// sensor simulates the raw capture of pixels of one linear value: Poisson
// photo-electrons, Gaussian read noise, the ADC's rounding and clipping.
type sensor struct {
	r        *rand.PCG
	spare    float64 // second Box-Muller normal, used by the next call
	hasSpare bool
	cdf      [256][]float64 // Poisson CDF per 8-bit input value, built on first use
	lambda   [256]float64
}

func newSensor(r *rand.PCG, exposure float64) *sensor {
	s := &sensor{r: r}
	for v := range s.lambda {
		lin := SRGBToLinear(float64(v) / 255)
		s.lambda[v] = float64(float64(lin*exposure) * LowLightFullScaleElectrons)
	}
	return s
}

// normal returns a standard normal deviate (Box-Muller; two uniforms give
// two deviates, the second kept for the next call).
func (s *sensor) normal() float64 {
	if s.hasSpare {
		s.hasSpare = false
		return s.spare
	}
	u1 := float64(s.r.Uint64()>>11+1) * 0x1p-53 // (0, 1]: log is finite
	u2 := uniform(s.r)
	rad := math.Sqrt(-2 * math.Log(u1))
	s.spare, s.hasSpare = float64(rad*math.Sin(2*math.Pi*u2)), true
	return float64(rad * math.Cos(2*math.Pi*u2))
}

// poisson draws a Poisson(lambda[v]) count by inverting its CDF with one
// uniform.
func (s *sensor) poisson(v int) int {
	cdf := s.cdf[v]
	if cdf == nil {
		lam := s.lambda[v]
		p := math.Exp(-lam)
		acc := p
		cdf = append(cdf, acc)
		for k := 1; acc < 1-1e-15 && k < 100000; k++ {
			p = float64(p*lam) / float64(k)
			acc += p
			cdf = append(cdf, acc)
			if p == 0 && float64(k) > lam {
				break
			}
		}
		s.cdf[v] = cdf
	}
	u := uniform(s.r)
	lo, hi := 0, len(cdf)-1
	if u >= cdf[hi] {
		return hi
	}
	for lo < hi { // smallest k with u < cdf[k]
		mid := (lo + hi) / 2
		if u < cdf[mid] {
			hi = mid
		} else {
			lo = mid + 1
		}
	}
	return lo
}

// raw returns the 12-bit raw value of one pixel channel whose 8-bit sRGB
// value is v: electrons·gain + read noise, rounded and clipped to 0..4095.
// It consumes one uniform for the shot noise and one normal for the read
// noise, in that order.
func (s *sensor) raw(v int) int {
	e := s.poisson(v)
	dn := float64(float64(e)*lowLightGain) + float64(LowLightReadNoiseDN*s.normal())
	q := math.RoundToEven(dn)
	return int(math.Max(0, math.Min(lowLightMaxDN, q)))
}

// rawToSRGB8 maps each 12-bit raw value to the 8-bit sRGB value the capture
// is stored with (black level 0, white at full scale, no white balance or
// tone curve beyond the sRGB transfer function).
var rawToSRGB8 = func() (t [lowLightMaxDN + 1]float32) {
	for dn := range t {
		t[dn] = float32(math.RoundToEven(float64(255 * LinearToSRGB(float64(dn)/lowLightMaxDN))))
	}
	return t
}()

// LowLight returns the synthetic low-light capture of src, the photo with
// this id (src holds 8-bit sRGB values 0..255, as FromImage gives; other
// values are rounded and clipped to that range). Per pixel and channel, in
// row-major order, R then G then B:
//
//  1. decode sRGB to linear light,
//  2. scale by 2^EV, EV = LowLightEV(id) in [-4, -3],
//  3. draw the photo-electron count from a Poisson distribution with mean
//     linear·2^EV·LowLightFullScaleElectrons (shot noise),
//  4. convert to 12-bit DN (gain 4095/LowLightFullScaleElectrons) and add
//     Gaussian read noise of LowLightReadNoiseDN, round, clip to 0..4095,
//  5. encode back to sRGB and quantise to 8 bits.
//
// The result is again 8-bit values 0..255, so NSFWJSInput applies unchanged.
// It is meant to be applied at the photo's full resolution, before the
// model's resize: noise arises per sensor pixel, and ExDark's and DarkFace's
// pictures, too, are full-resolution captures that the preprocessing then
// scales down, averaging their noise.
//
// The same id always gives the same output: the random stream is a PCG
// seeded from the id's SHA-256, drawn in a fixed order, and products are
// rounded explicitly so that no fused multiply-add can change them. Across
// architectures math.Log, Sin, Cos, Exp and Pow may differ in the last bit,
// which can, rarely, move a value by one step.
func LowLight(src RGB, id string) RGB {
	r := lowLightRNG(id)
	ev := lowLightEV(r)
	s := newSensor(r, math.Exp2(ev))
	out := RGB{H: src.H, W: src.W, Pix: make([]float32, len(src.Pix))}
	for i, v := range src.Pix {
		q := int(math.Max(0, math.Min(255, math.RoundToEven(float64(v)))))
		out.Pix[i] = rawToSRGB8[s.raw(q)]
	}
	return out
}

// Input returns the photo ready for an nsfwjs model of input size×size in
// the given domain: Load, FromImage, LowLight for DomainLowLight (at full
// resolution), then NSFWJSInput (values 0..1).
func (p Photo) Input(domain string, size int) (RGB, error) {
	if domain != DomainPhoto && domain != DomainLowLight {
		return RGB{}, fmt.Errorf("photos: unknown domain %q (want %q or %q)", domain, DomainPhoto, DomainLowLight)
	}
	img, err := p.Load()
	if err != nil {
		return RGB{}, err
	}
	m := FromImage(img)
	if domain == DomainLowLight {
		m = LowLight(m, p.ID)
	}
	return NSFWJSInput(m, size), nil
}
