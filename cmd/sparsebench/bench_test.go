package main

import (
	"io"
	"path/filepath"
	"testing"

	"github.com/sparsebench/sparsebench/harness"
)

// writeBenchTrace writes a trace of ~35-layer CNN-like requests arriving at
// load × the accelerator's capacity.
func writeBenchTrace(b *testing.B, requests int, load float64) string {
	cat := harness.Synthetic{Families: 4, Variants: 3, Samples: 50, Layers: 35, Scale: 0.25, Seed: 7}.Build()
	reqs, err := harness.Generate(cat, harness.Workload{Requests: requests, Rate: load / cat.Capacity(), SLOMult: 10, Seed: 1})
	if err != nil {
		b.Fatal(err)
	}
	path := filepath.Join(b.TempDir(), "trace.json")
	tr := &harness.Trace{Catalogue: *cat, Requests: reqs}
	if err := harness.WriteFileAtomic(path, func(w io.Writer) error { _, err := tr.WriteTo(w); return err }); err != nil {
		b.Fatal(err)
	}
	return path
}

// BenchmarkReplayAll is `sparsebench run --trace FILE --scheduler all` on a
// 3,000-request trace near saturation and on a 10,000-request trace at 1.5×
// capacity (thousands of runnable tasks at the end): reading and validating
// the trace, all twelve policies (in parallel) and the output.
func BenchmarkReplayAll(b *testing.B) {
	for _, c := range []struct {
		name     string
		requests int
		load     float64
	}{{"3000-near-saturation", 3000, 0.95}, {"10000-overload-1.5x", 10000, 1.5}} {
		path := writeBenchTrace(b, c.requests, c.load)
		b.Run(c.name, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				if err := run([]string{"run", "--trace", path, "--format", "csv"}, io.Discard, io.Discard); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
