package tfjs

import "testing"

func benchModel(b *testing.B, name string) {
	m := loadModel(b, name)
	h, w, c := m.InputShape()
	in := makeInput(referenceInputs["pattern"], h, w, c)
	var macs int64
	for _, s := range m.ComputeLayers() {
		per := int64(s.R * s.S * s.C / s.Groups)
		macs += int64(s.OutH*s.OutW*s.M) * per
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := m.Run(in, func(LayerStat) {}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(macs)/1e9, "GMAC/image")
	b.ReportMetric(b.Elapsed().Seconds()/float64(b.N), "s/image")
}

// go test -run '^$' -bench . -benchtime 5x -cpu 2 ./hardware/tfjs
func BenchmarkMobileNetV2(b *testing.B) { benchModel(b, "mobilenet_v2") }
func BenchmarkInceptionV3(b *testing.B) { benchModel(b, "inception_v3") }
