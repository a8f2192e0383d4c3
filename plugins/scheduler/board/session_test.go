package board

import (
	"math"
	"strings"
	"testing"

	"github.com/sparsebench/sparsebench/plugins/scheduler"
)

func remoteTables() *scheduler.Tables {
	return &scheduler.Tables{Requests: 3, Models: []scheduler.ModelTable{{
		Name: "m", Family: "f",
		AvgLatency: []float64{1, 2}, FamilyAvgLatency: []float64{1.5, 1.5}, AvgSparsity: []float64{0.5, 0.5}, SLOBase: 3,
	}}}
}

// A session board reveals measured values layer by layer, and the view
// never exposes what has not run.
func TestSessionBoard(t *testing.T) {
	b, err := NewSession(remoteTables(), false)
	if err != nil {
		t.Fatal(err)
	}
	if err := b.AdmitSpec(0, TaskSpec{Model: 0, Arrival: 0, Deadline: 10, Priority: 1}); err != nil {
		t.Fatal(err)
	}
	v := b.View()
	if v.Len() != 1 || v.Remaining(0, scheduler.EstimateVariant) != 3 || v.Oracle() != nil {
		t.Fatalf("after admission: len %d, E %v", v.Len(), v.Remaining(0, scheduler.EstimateVariant))
	}
	if fin, err := b.CompleteMeasured(0, 0, 0.75, 0.4, 0.4); err != nil || fin {
		t.Fatalf("complete layer 0: %v %v", fin, err)
	}
	sp, lat := v.Measured(0)
	if len(sp) != 1 || sp[0] != 0.75 || lat[0] != 0.4 || v.Gamma(0) != 0.5 {
		t.Errorf("measured %v %v, γ %v", sp, lat, v.Gamma(0))
	}
	if c := v.Completed(); len(c) != 1 || c[0].Sparsity != 0.75 || c[0].Latency != 0.4 || c[0].End != 0.4 {
		t.Errorf("completed %+v", c)
	}
	if math.IsNaN(v.Remaining(0, scheduler.EstimateFamily)) {
		t.Errorf("NaN reached an estimate")
	}
	for _, tc := range []struct {
		err  error
		want string
	}{
		{b.AdmitSpec(0, TaskSpec{}), "admitted twice"},
		{b.AdmitSpec(7, TaskSpec{}), "out of range"},
		{b.AdmitSpec(1, TaskSpec{Model: 3}), "model 3 out of range"},
		{b.AdmitSpec(1, TaskSpec{Latency: []float64{1, 1}, Sparsity: []float64{0, 0}}), "must not hold real latencies"},
		{second(b.CompleteMeasured(0, 0, 0.5, 1, 1)), "whose next layer is 1"},
		{second(b.CompleteMeasured(2, 0, 0.5, 1, 1)), "not yet arrived"},
		{second(b.CompleteMeasured(0, 1, 1.5, 1, 1)), "outside [0, 1)"},
	} {
		if tc.err == nil || !strings.Contains(tc.err.Error(), tc.want) {
			t.Errorf("error %v, want %q", tc.err, tc.want)
		}
	}
	if err := b.AdmitSpec(2, TaskSpec{Arrival: 1, Deadline: 5}); err != nil {
		t.Fatal(err)
	}
	if err := b.AdmitSpec(1, TaskSpec{}); err == nil || !strings.Contains(err.Error(), "admitted after task 2") {
		t.Errorf("out of order admission: %v", err)
	}
	if fin, err := b.CompleteMeasured(0, 1, 0.5, 2, 2.4); err != nil || !fin || b.Runnable(0) {
		t.Errorf("last layer: %v %v", fin, err)
	}
}

func TestSessionBoardOracle(t *testing.T) {
	b, err := NewSession(remoteTables(), true)
	if err != nil {
		t.Fatal(err)
	}
	if err := b.AdmitSpec(0, TaskSpec{}); err == nil {
		t.Errorf("an oracle board admitted a task without its sample")
	}
	if err := b.AdmitSpec(0, TaskSpec{Latency: []float64{0.5, 1.5}, Sparsity: []float64{0.2, 0.3}}); err != nil {
		t.Fatal(err)
	}
	if o := b.View().Oracle(); o == nil || o.Remaining(0) != 2 || o.Latencies(0)[1] != 1.5 {
		t.Errorf("oracle view wrong")
	}
}

func second(_ bool, err error) error { return err }
