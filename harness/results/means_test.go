package results

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/sparsebench/sparsebench/harness"
)

func seed(s uint64) *uint64 { return &s }

func ns(x float64) *float64 { return &x }

// at is a row of scenario s@v1 at point p, rate 3/s, SLO ×10.
func at(point, sched string, sd uint64, m *harness.Metrics) Row {
	return Row{Scenario: "s@v1", ScenarioHash: "h", Point: point, Rate: 3, SLOMult: 10, Seed: seed(sd), Scheduler: sched, Metrics: m}
}

// Means, by hand: the mean of each metric over the seeds that ran, counts
// rounded half away from zero, failed seeds left out, one mean per point
// and scheduler in order of first appearance.
func TestMeans(t *testing.T) {
	a1 := at("p", "a", 1, &harness.Metrics{Requests: 10, Violations: 1, ViolationRate: 0.25, ANTT: 2, STP: 4,
		P50NTT: 1, P95NTT: 3, P99NTT: 5, Preemptions: 2, Makespan: 2.5})
	a1.Decisions, a1.DecideNSPerDecision = 40, ns(100)
	a2 := at("p", "a", 2, &harness.Metrics{Requests: 10, Violations: 2, ViolationRate: 0.5, ANTT: 4, STP: 6,
		P50NTT: 2, P95NTT: 4, P99NTT: 7, Preemptions: 3, Makespan: 3.5})
	a2.Decisions, a2.DecideNSPerDecision = 50, ns(300)
	b1 := at("p", "b", 1, nil)
	b1.Error = "boom"
	b2 := at("p", "b", 2, &harness.Metrics{Requests: 10, Violations: 3, ViolationRate: 0.3, ANTT: 1.5, STP: 5,
		P50NTT: 1.25, P95NTT: 2, P99NTT: 2.5, Preemptions: 0, Makespan: 2})
	b2.Oracle = true
	q1, q2 := at("q", "a", 1, nil), at("q", "a", 2, nil)
	q1.Error, q2.Error = "first", "second"

	got := Means([]Row{a1, b1, q1, a2, b2, q2})
	want := []Row{
		{Scenario: "s@v1", ScenarioHash: "h", Point: "p", Rate: 3, SLOMult: 10, Seeds: 2, Scheduler: "a",
			Metrics: &harness.Metrics{Requests: 10, Violations: 2 /* 1.5 */, ViolationRate: 0.375, ANTT: 3, STP: 5,
				P50NTT: 1.5, P95NTT: 3.5, P99NTT: 6, Preemptions: 3 /* 2.5 */, Makespan: 3},
			DecideNSPerDecision: ns(200)},
		{Scenario: "s@v1", ScenarioHash: "h", Point: "p", Rate: 3, SLOMult: 10, Seeds: 1, Scheduler: "b", Oracle: true,
			Metrics: &harness.Metrics{Requests: 10, Violations: 3, ViolationRate: 0.3, ANTT: 1.5, STP: 5,
				P50NTT: 1.25, P95NTT: 2, P99NTT: 2.5, Preemptions: 0, Makespan: 2}},
		{Scenario: "s@v1", ScenarioHash: "h", Point: "q", Rate: 3, SLOMult: 10, Seeds: 0, Scheduler: "a", Error: "first"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Means (-want +got):\n%s", diff)
	}
	if Means(nil) != nil {
		t.Error("Means(nil) is not empty")
	}
}
