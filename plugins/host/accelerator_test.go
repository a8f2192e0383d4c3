package host

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/sparsebench/sparsebench/hardware"
	"github.com/sparsebench/sparsebench/plugins/accelerator"
)

// Both reference accelerator models give the same catalogue out of process
// as in process, and a rejected item is an ordinary error that names it.
func TestAcceleratorOutOfProcess(t *testing.T) {
	var remote []accelerator.Accelerator
	for _, name := range []string{"eyeriss-v2", "sanger"} {
		a, err := BuiltinAccelerator(name, testExe(t), Config{})
		if err != nil {
			t.Fatal(err)
		}
		defer func() {
			pid := a.PID()
			a.Close()
			waitGone(t, pid)
		}()
		local, _ := hardware.Lookup(name)
		if a.Name() != local.Name() || a.Version() != local.Version() || a.ClockHz() != local.ClockHz() ||
			!cmp.Equal(a.SupportedKinds(), local.SupportedKinds()) {
			t.Errorf("%s: described as %s %s %v Hz %v", name, a.Name(), a.Version(), a.ClockHz(), a.SupportedKinds())
		}
		remote = append(remote, a)
	}
	var variants []hardware.Variant
	for _, n := range []string{"resnet50/nm-2:4-50", "mobilenet/unstructured-80", "vgg16/filter-30", "bert/dense"} {
		v, err := hardware.ParseVariantName(n)
		if err != nil {
			t.Fatal(err)
		}
		variants = append(variants, v)
	}
	in, err := hardware.BuildCatalogue(variants, 4, 7, hardware.BuildOptions{})
	if err != nil {
		t.Fatal(err)
	}
	out, err := hardware.BuildCatalogue(variants, 4, 7, hardware.BuildOptions{Accelerators: remote})
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(in, out); d != "" {
		t.Errorf("catalogues differ (-in process +out of process):\n%s", d)
	}

	bad := []accelerator.Item{{Layer: accelerator.Layer{Name: "fc1", Kind: accelerator.FC, C: 8, M: 8}, ActDensity: 2, WeightDensity: 1}}
	err = remote[0].Latencies(bad, make([]float64, 1))
	if err == nil || !strings.Contains(err.Error(), "accelerator eyeriss-v2") || !strings.Contains(err.Error(), "item 0") {
		t.Errorf("bad item: %v", err)
	}
	if err := remote[0].Latencies(bad[:0], nil); err != nil {
		t.Errorf("the plugin did not survive a rejected item: %v", err)
	}
}
