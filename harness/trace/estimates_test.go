package trace

import (
	"os"
	"strings"
	"testing"

	"github.com/sparsebench/sparsebench/harness"
	"github.com/sparsebench/sparsebench/harness/workload"
	"github.com/sparsebench/sparsebench/plugins/scheduler"
)

type firstSlot struct{}

func (*firstSlot) Info() scheduler.Info                             { return scheduler.Info{Name: "first"} }
func (*firstSlot) Pick(v *scheduler.View) (scheduler.TaskID, error) { return v.ID(0), nil }

// A zero static estimate would divide scheduler scores by zero; the trace
// reader rejects it by path.
func TestParseTraceZeroEstimate(t *testing.T) {
	data, err := os.ReadFile("testdata/handwritten.json")
	if err != nil {
		t.Fatal(err)
	}
	bad := strings.Replace(string(data), `"family_avg_latency_s": [0.075, 0.1125, 0.075]`, `"family_avg_latency_s": [0.075, 0, 0.075]`, 1)
	if bad == string(data) {
		t.Fatal("test setup: edit did not apply")
	}
	_, err = Parse("z.json", []byte(bad))
	want := "z.json: models[0].family_avg_latency_s[1]: 0; want an estimate of at least 1e-12 s"
	if err == nil || !strings.HasPrefix(err.Error(), want) {
		t.Errorf("err = %v, want it to start with %q", err, want)
	}
}

// Run refuses requests that are out of order or out of range.
func TestRunChecksRequests(t *testing.T) {
	cat := workload.Synthetic{Families: 1, Variants: 1, Samples: 2, Layers: 3, Scale: 1, Seed: 1}.Build()
	for name, reqs := range map[string][]workload.Request{
		"unsorted":    {{Arrival: 1, Deadline: 9}, {Arrival: 0.5, Deadline: 9}},
		"bad model":   {{Arrival: 0, Model: 3, Deadline: 9}},
		"bad sample":  {{Arrival: 0, Sample: 2, Deadline: 9}},
		"neg. sample": {{Arrival: 0, Sample: -1, Deadline: 9}},
	} {
		if _, err := harness.Run(cat, reqs, &firstSlot{}, harness.Options{}); err == nil {
			t.Errorf("%s: Run accepted the requests", name)
		}
	}
}

// The optional preemption_cost_s survives a round trip, is omitted at 0,
// and is validated.
func TestTracePreemptionCost(t *testing.T) {
	data, err := os.ReadFile("testdata/handwritten.json")
	if err != nil {
		t.Fatal(err)
	}
	tr, err := Parse("h.json", data)
	if err != nil {
		t.Fatal(err)
	}
	if tr.PreemptionCost != 0 {
		t.Fatalf("preemption cost %g, want 0 when absent", tr.PreemptionCost)
	}
	var buf strings.Builder
	tr.WriteTo(&buf)
	if strings.Contains(buf.String(), "preemption_cost_s") {
		t.Error("a zero cost is written; want it omitted")
	}
	tr.PreemptionCost = 0.002
	buf.Reset()
	tr.WriteTo(&buf)
	back, err := Parse("h2.json", []byte(buf.String()))
	if err != nil || back.PreemptionCost != 0.002 {
		t.Errorf("round trip: cost %v, err %v; want 0.002", back, err)
	}
	bad := strings.Replace(buf.String(), `"preemption_cost_s": 0.002`, `"preemption_cost_s": -1`, 1)
	if _, err := Parse("b.json", []byte(bad)); err == nil || !strings.Contains(err.Error(), "b.json: preemption_cost_s: -1") {
		t.Errorf("negative cost: %v", err)
	}
}
