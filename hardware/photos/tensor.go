package photos

import (
	"image"
	"image/color"
)

// RGB is an image as a float32 tensor of shape [H, W, 3] in row-major HWC
// order (the layout of TensorFlow.js's image tensors): Pix[(y*W+x)*3+c] is
// channel c (0 red, 1 green, 2 blue) of pixel (x, y). FromImage fills it with
// 8-bit values 0..255; Normalize and the model-input helpers rescale it.
type RGB struct {
	H, W int
	Pix  []float32
}

// NewRGB returns a zero h×w image.
func NewRGB(h, w int) RGB {
	return RGB{H: h, W: w, Pix: make([]float32, 3*h*w)}
}

// At returns channel c of pixel (x, y).
func (m RGB) At(y, x, c int) float32 { return m.Pix[(y*m.W+x)*3+c] }

// FromImage converts a decoded image to an RGB tensor of 8-bit values
// 0..255, as TensorFlow's image decoders with channels=3 give them: grey is
// replicated into three channels and alpha is dropped (the colour channels
// are taken unpremultiplied, as stored in the file); 16-bit samples are
// reduced to their high byte.
//
// Go's image/jpeg and libjpeg(-turbo), which TensorFlow uses, may differ by ±1
// in some pixel values (different IDCT rounding and chroma upsampling), so a
// JPEG decoded here is not always bit-identical to the same JPEG decoded by
// TensorFlow. PNG decoding is exact. Comparisons of Go and TensorFlow.js
// inference feed both sides this function's tensor, which removes the
// difference.
func FromImage(img image.Image) RGB {
	b := img.Bounds()
	m := NewRGB(b.Dy(), b.Dx())
	i := 0
	switch src := img.(type) {
	case *image.YCbCr:
		for y := b.Min.Y; y < b.Max.Y; y++ {
			for x := b.Min.X; x < b.Max.X; x++ {
				yi, ci := src.YOffset(x, y), src.COffset(x, y)
				r, g, bl := color.YCbCrToRGB(src.Y[yi], src.Cb[ci], src.Cr[ci])
				m.Pix[i], m.Pix[i+1], m.Pix[i+2] = float32(r), float32(g), float32(bl)
				i += 3
			}
		}
	case *image.Gray:
		for y := b.Min.Y; y < b.Max.Y; y++ {
			row := src.Pix[src.PixOffset(b.Min.X, y):]
			for x := 0; x < b.Dx(); x++ {
				v := float32(row[x])
				m.Pix[i], m.Pix[i+1], m.Pix[i+2] = v, v, v
				i += 3
			}
		}
	case *image.RGBA:
		// Go's PNG decoder returns *image.RGBA only for opaque images, where
		// premultiplied and straight colour agree.
		for y := b.Min.Y; y < b.Max.Y; y++ {
			row := src.Pix[src.PixOffset(b.Min.X, y):]
			for x := 0; x < b.Dx(); x++ {
				m.Pix[i], m.Pix[i+1], m.Pix[i+2] = float32(row[4*x]), float32(row[4*x+1]), float32(row[4*x+2])
				i += 3
			}
		}
	case *image.NRGBA:
		for y := b.Min.Y; y < b.Max.Y; y++ {
			row := src.Pix[src.PixOffset(b.Min.X, y):]
			for x := 0; x < b.Dx(); x++ {
				m.Pix[i], m.Pix[i+1], m.Pix[i+2] = float32(row[4*x]), float32(row[4*x+1]), float32(row[4*x+2])
				i += 3
			}
		}
	case *image.Paletted:
		// Palette entries with transparency are color.NRGBA in Go's PNG
		// decoder; take their stored colour, not the premultiplied one.
		lut := make([][3]float32, len(src.Palette))
		for k, c := range src.Palette {
			lut[k] = straight(c)
		}
		for y := b.Min.Y; y < b.Max.Y; y++ {
			row := src.Pix[src.PixOffset(b.Min.X, y):]
			for x := 0; x < b.Dx(); x++ {
				v := lut[row[x]]
				m.Pix[i], m.Pix[i+1], m.Pix[i+2] = v[0], v[1], v[2]
				i += 3
			}
		}
	default:
		for y := b.Min.Y; y < b.Max.Y; y++ {
			for x := b.Min.X; x < b.Max.X; x++ {
				v := straight(img.At(x, y))
				m.Pix[i], m.Pix[i+1], m.Pix[i+2] = v[0], v[1], v[2]
				i += 3
			}
		}
	}
	return m
}

// straight returns c's unpremultiplied 8-bit colour channels.
func straight(c color.Color) [3]float32 {
	switch c := c.(type) {
	case color.NRGBA:
		return [3]float32{float32(c.R), float32(c.G), float32(c.B)}
	case color.NRGBA64:
		return [3]float32{float32(c.R >> 8), float32(c.G >> 8), float32(c.B >> 8)}
	}
	n := color.NRGBA64Model.Convert(c).(color.NRGBA64)
	return [3]float32{float32(n.R >> 8), float32(n.G >> 8), float32(n.B >> 8)}
}
