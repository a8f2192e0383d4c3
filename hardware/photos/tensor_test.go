package photos

import (
	"image"
	"image/color"
	"slices"
	"testing"
)

func TestFromImage(t *testing.T) {
	r := image.Rect(0, 0, 2, 1)
	gray := image.NewGray(r)
	gray.Pix = []uint8{7, 250}
	rgba := image.NewRGBA(r)
	rgba.Pix = []uint8{1, 2, 3, 255, 4, 5, 6, 255}
	nrgba := image.NewNRGBA(r)
	nrgba.Pix = []uint8{10, 20, 30, 0, 40, 50, 60, 128} // alpha is dropped, colour kept as stored
	pal := image.NewPaletted(r, color.Palette{color.RGBA{9, 8, 7, 255}, color.NRGBA{100, 110, 120, 0}})
	pal.Pix = []uint8{1, 0}
	ycc := image.NewYCbCr(r, image.YCbCrSubsampleRatio444)
	ycc.Y, ycc.Cb, ycc.Cr = []uint8{128, 235}, []uint8{128, 128}, []uint8{128, 200}
	y1r, y1g, y1b := color.YCbCrToRGB(235, 128, 200)
	g16 := image.NewGray16(r)
	g16.SetGray16(0, 0, color.Gray16{Y: 0x12ff})
	g16.SetGray16(1, 0, color.Gray16{Y: 0xff00})
	n64 := image.NewNRGBA64(r)
	n64.SetNRGBA64(0, 0, color.NRGBA64{0x1234, 0x5678, 0x9abc, 0})
	n64.SetNRGBA64(1, 0, color.NRGBA64{0xffff, 0, 0x00ff, 0xffff})
	// A sub-image starting off the origin.
	big := image.NewRGBA(image.Rect(0, 0, 4, 4))
	big.SetRGBA(2, 3, color.RGBA{11, 12, 13, 255})
	big.SetRGBA(3, 3, color.RGBA{14, 15, 16, 255})
	sub := big.SubImage(image.Rect(2, 3, 4, 4))

	for name, c := range map[string]struct {
		img  image.Image
		want []float32
	}{
		"gray":     {gray, []float32{7, 7, 7, 250, 250, 250}},
		"rgba":     {rgba, []float32{1, 2, 3, 4, 5, 6}},
		"nrgba":    {nrgba, []float32{10, 20, 30, 40, 50, 60}},
		"paletted": {pal, []float32{100, 110, 120, 9, 8, 7}},
		"ycbcr":    {ycc, []float32{128, 128, 128, float32(y1r), float32(y1g), float32(y1b)}},
		"gray16":   {g16, []float32{0x12, 0x12, 0x12, 0xff, 0xff, 0xff}},
		"nrgba64":  {n64, []float32{0x12, 0x56, 0x9a, 0xff, 0, 0}},
		"subimage": {sub, []float32{11, 12, 13, 14, 15, 16}},
	} {
		m := FromImage(c.img)
		if m.H != 1 || m.W != 2 || !slices.Equal(m.Pix, c.want) {
			t.Errorf("%s: FromImage = %dx%d %v, want 2x1 %v", name, m.W, m.H, m.Pix, c.want)
		}
	}
}
