package main

import (
	"io"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/sparsebench/sparsebench/harness/trace"
	"github.com/sparsebench/sparsebench/harness/workload"
)

// writeBenchTrace writes a trace of ~35-layer CNN-like requests arriving at
// load × the accelerator's capacity.
func writeBenchTrace(b *testing.B, requests int, load float64) string {
	cat := workload.Synthetic{Families: 4, Variants: 3, Samples: 50, Layers: 35, Scale: 0.25, Seed: 7}.Build()
	reqs, err := workload.Generate(cat, workload.Workload{Requests: requests, Rate: load / cat.MeanIsolatedLatency(), SLOMult: 10, Seed: 1})
	if err != nil {
		b.Fatal(err)
	}
	path := filepath.Join(b.TempDir(), "trace.json")
	tr := &trace.Trace{Catalogue: *cat, Requests: reqs}
	if err := tr.WriteFile(path); err != nil {
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

// BenchmarkReplayAllProcess is the 3,000-request replay of
// BenchmarkReplayAll as a whole process, which is what the speed target
// is about: the sparsebench binary (built once, as `go build` builds it)
// starts, reads the trace, runs all twelve policies, prints and exits —
// `time sparsebench run --trace FILE` without the shell.
func BenchmarkReplayAllProcess(b *testing.B) {
	bin := filepath.Join(b.TempDir(), "sparsebench")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		b.Fatalf("go build: %v\n%s", err, out)
	}
	path := writeBenchTrace(b, 3000, 0.95)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		cmd := exec.Command(bin, "run", "--trace", path, "--format", "csv")
		cmd.Stdout, cmd.Stderr = io.Discard, io.Discard
		if err := cmd.Run(); err != nil {
			b.Fatal(err)
		}
	}
}
