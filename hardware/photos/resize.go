package photos

import "math"

// Normalize returns src's values divided by scale (float32 division, one
// correctly rounded quotient per value, as TensorFlow.js's CPU backend
// divides a float32 tensor by a float32 scalar). Normalize(m, 255) maps 8-bit
// pixels to 0..1.
func Normalize(src RGB, scale float32) []float32 {
	out := make([]float32, len(src.Pix))
	for i, v := range src.Pix {
		out[i] = v / scale
	}
	return out
}

// ResizeBilinear resizes src to h×w exactly as TensorFlow.js 4.22.0's CPU
// backend (tfjs-backend-cpu, kernel ResizeBilinear) does, so that equal
// inputs give bit-identical outputs:
//
//   - With alignCorners (and an output dimension above 1) the corner pixels
//     of input and output coincide: ratio = (in-1)/(out-1); otherwise
//     ratio = in/out.
//   - The source coordinate of output index d is ratio*d, or with
//     halfPixelCenters ratio*(d+0.5)-0.5.
//   - floor = max(0, ⌊src⌋), ceil = min(in-1, ⌈src⌉), frac = src - floor.
//     A negative frac (half-pixel centres near the first row or column)
//     multiplies a zero difference, since floor and ceil are then both 0, so
//     the source is in effect clamped to the edge.
//   - top = topLeft + (topRight-topLeft)*colFrac, bottom likewise from the
//     bottom row, value = top + (bottom-top)*rowFrac.
//
// TensorFlow.js computes all of this in JavaScript numbers (float64) from the
// float32 inputs and rounds once, when the value is stored in the output
// Float32Array; this function does the same, with every product wrapped in a
// float64 conversion so that the compiler cannot fuse it into a
// multiply-add. alignCorners and halfPixelCenters together panic, as
// tf.image.resizeBilinear throws for them.
func ResizeBilinear(src RGB, h, w int, alignCorners, halfPixelCenters bool) RGB {
	if alignCorners && halfPixelCenters {
		panic("photos.ResizeBilinear: halfPixelCenters requires alignCorners false")
	}
	if h <= 0 || w <= 0 || src.H <= 0 || src.W <= 0 {
		panic("photos.ResizeBilinear: empty image")
	}
	inH, inW, outH, outW := float64(src.H), float64(src.W), float64(h), float64(w)
	if alignCorners && h > 1 {
		inH, outH = inH-1, outH-1
	}
	if alignCorners && w > 1 {
		inW, outW = inW-1, outW-1
	}
	rowRatio, colRatio := inH/outH, inW/outW

	// Column taps are the same for every row.
	type tap struct {
		lo, hi int
		frac   float64
	}
	source := func(ratio float64, d, n int) tap {
		var s float64
		if halfPixelCenters {
			s = float64(ratio*(float64(d)+0.5)) - 0.5
		} else {
			s = float64(ratio * float64(d))
		}
		lo := math.Max(0, math.Floor(s))
		hi := math.Min(float64(n-1), math.Ceil(s))
		return tap{int(lo), int(hi), s - lo}
	}
	cols := make([]tap, w)
	for c := range cols {
		cols[c] = source(colRatio, c, src.W)
	}
	out := NewRGB(h, w)
	o := 0
	for r := 0; r < h; r++ {
		rt := source(rowRatio, r, src.H)
		top := src.Pix[rt.lo*src.W*3:]
		bot := src.Pix[rt.hi*src.W*3:]
		for _, ct := range cols {
			l, rr := ct.lo*3, ct.hi*3
			for d := 0; d < 3; d++ {
				tl, tr := float64(top[l+d]), float64(top[rr+d])
				bl, br := float64(bot[l+d]), float64(bot[rr+d])
				t := tl + float64((tr-tl)*ct.frac)
				b := bl + float64((br-bl)*ct.frac)
				out.Pix[o] = float32(t + float64((b-t)*rt.frac))
				o++
			}
		}
	}
	return out
}

// NSFWJSInput prepares src (8-bit values 0..255) as nsfwjs 4.4.0's infer
// does before the model sees it (dist/cjs/core.js): the pixel tensor is cast
// to float32 and divided by 255 first, and then, unless it is already
// size×size, resized with tf.image.resizeBilinear(x, [size, size],
// alignCorners=true) (halfPixelCenters false). Note the order: normalise,
// then resize. nsfwjs does not keep the aspect ratio. The result has values
// 0..1.
func NSFWJSInput(src RGB, size int) RGB {
	n := RGB{H: src.H, W: src.W, Pix: Normalize(src, 255)}
	if src.H == size && src.W == size {
		return n
	}
	return ResizeBilinear(n, size, size, true, false)
}
