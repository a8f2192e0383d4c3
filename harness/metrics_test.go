package harness_test

import (
	"math"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/sparsebench/sparsebench/harness"
	"github.com/sparsebench/sparsebench/harness/workload"
)

// metricTol absorbs the rounding of the few divisions in Score.
const metricTol = 1e-12

func TestScoreKnownAnswer(t *testing.T) {
	reqs := []workload.Request{
		{Arrival: 0, Deadline: 3},  // r0
		{Arrival: 1, Deadline: 2},  // r1
		{Arrival: 2, Deadline: 10}, // r2
		{Arrival: 4, Deadline: 16}, // r3
	}
	finish := []float64{2, 4, 6, 16}
	iso := []float64{1, 2, 4, 4}
	// r0: ntt (2−0)/1 = 2,   2 ≤ 3 on time
	// r1: ntt (4−1)/2 = 1.5, 4 > 2 late
	// r2: ntt (6−2)/4 = 1,   6 ≤ 10 on time
	// r3: ntt (16−4)/4 = 3,  16 ≤ 16 on time (finishing at the deadline is not a violation)
	// violation rate 1/4; ANTT (2+1.5+1+3)/4 = 1.875
	// makespan = last finish 16 − first arrival 0 = 16; STP = 4/16 = 0.25
	// sorted ntt [1, 1.5, 2, 3]; rank h = 3p/100:
	//   p50: h = 1.5  → 1.5 + 0.5·(2 − 1.5) = 1.75
	//   p95: h = 2.85 → 2 + 0.85·(3 − 2) = 2.85
	//   p99: h = 2.97 → 2 + 0.97·1 = 2.97
	want := harness.Metrics{
		Requests: 4, Violations: 1, ViolationRate: 0.25, ANTT: 1.875, STP: 0.25,
		P50NTT: 1.75, P95NTT: 2.85, P99NTT: 2.97, Makespan: 16,
	}
	got := harness.Score(reqs, finish, iso)
	if diff := cmp.Diff(want, got, cmpopts.EquateApprox(0, metricTol)); diff != "" {
		t.Errorf("Score (-want +got):\n%s", diff)
	}
}

func TestScoreMakespanFromFirstArrivalToLastFinish(t *testing.T) {
	// The first request finishes last; the stream starts at 100, not 0.
	reqs := []workload.Request{
		{Arrival: 100, Deadline: 109},
		{Arrival: 101, Deadline: 110},
	}
	finish := []float64{110, 105}
	iso := []float64{5, 2}
	// ntt: (110−100)/5 = 2, (105−101)/2 = 2; r0 110 > 109 late
	// makespan 110 − 100 = 10, STP 2/10 = 0.2
	want := harness.Metrics{
		Requests: 2, Violations: 1, ViolationRate: 0.5, ANTT: 2, STP: 0.2,
		P50NTT: 2, P95NTT: 2, P99NTT: 2, Makespan: 10,
	}
	got := harness.Score(reqs, finish, iso)
	if diff := cmp.Diff(want, got, cmpopts.EquateApprox(0, metricTol)); diff != "" {
		t.Errorf("Score (-want +got):\n%s", diff)
	}
}

func TestScoreEdgeCases(t *testing.T) {
	if diff := cmp.Diff(harness.Metrics{}, harness.Score(nil, nil, nil)); diff != "" {
		t.Errorf("Score of no requests (-want +got):\n%s", diff)
	}
	// One request, alone: ntt 1, no violation, STP 1/iso.
	got := harness.Score([]workload.Request{{Arrival: 2, Deadline: 2.5}}, []float64{2.5}, []float64{0.5})
	want := harness.Metrics{Requests: 1, ANTT: 1, STP: 2, P50NTT: 1, P95NTT: 1, P99NTT: 1, Makespan: 0.5}
	if diff := cmp.Diff(want, got, cmpopts.EquateApprox(0, metricTol)); diff != "" {
		t.Errorf("Score of one request (-want +got):\n%s", diff)
	}
	for _, x := range []float64{got.ANTT, got.STP, got.P99NTT, got.ViolationRate} {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			t.Errorf("non-finite metric in %+v", got)
		}
	}
}

func TestPercentile(t *testing.T) {
	xs := []float64{10, 20, 30, 40, 50}
	cases := []struct {
		xs   []float64
		p    float64
		want float64
	}{
		// rank h = (n−1)·p/100, value x[⌊h⌋] + (h−⌊h⌋)(x[⌊h⌋+1] − x[⌊h⌋])
		{xs, 0, 10},    // h = 0
		{xs, 25, 20},   // h = 1 exactly
		{xs, 10, 14},   // h = 0.4 → 10 + 0.4·10
		{xs, 50, 30},   // median
		{xs, 90, 46},   // h = 3.6 → 40 + 0.6·10
		{xs, 99, 49.6}, // h = 3.96
		{xs, 100, 50},  // h = 4: last
		{[]float64{0, 10}, 99, 9.9},
		{[]float64{0, 10}, 50, 5},
		{[]float64{7}, 0, 7}, // one value: every percentile is it
		{[]float64{7}, 50, 7},
		{[]float64{7}, 100, 7},
		{[]float64{1, 1, 1, 5}, 50, 1}, // h = 1.5 between equal values
		{[]float64{-3, -1}, 25, -2.5},
	}
	for _, c := range cases {
		got := harness.Percentile(c.xs, c.p)
		if math.Abs(got-c.want) > metricTol*math.Max(1, math.Abs(c.want)) {
			t.Errorf("Percentile(%v, %g) = %.17g, want %g", c.xs, c.p, got, c.want)
		}
	}
	if got := harness.Percentile(nil, 50); !math.IsNaN(got) {
		t.Errorf("Percentile(empty) = %g, want NaN", got)
	}
	// Percentile only reads its input.
	in := []float64{1, 2, 3}
	harness.Percentile(in, 50)
	if diff := cmp.Diff([]float64{1, 2, 3}, in); diff != "" {
		t.Errorf("Percentile modified its input (-want +got):\n%s", diff)
	}
}

// Score's percentiles agree with Percentile on the sorted normalized
// turnarounds, whatever the order of the requests' ntt values.
func TestScorePercentilesSortTheirInput(t *testing.T) {
	var reqs []workload.Request
	var finish, iso []float64
	ntts := []float64{5, 1, 4, 2, 3, 9, 7, 8, 6, 10}
	for i, n := range ntts {
		reqs = append(reqs, workload.Request{Arrival: float64(i), Deadline: math.Inf(1)})
		iso = append(iso, 2)
		finish = append(finish, float64(i)+2*n)
	}
	m := harness.Score(reqs, finish, iso)
	// sorted 1..10, h = 9p/100: p50 h 4.5 → 5.5; p95 h 8.55 → 9.55; p99 h 8.91 → 9.91
	got := []float64{m.P50NTT, m.P95NTT, m.P99NTT, m.ANTT}
	want := []float64{5.5, 9.55, 9.91, 5.5}
	if diff := cmp.Diff(want, got, cmpopts.EquateApprox(0, metricTol)); diff != "" {
		t.Errorf("p50, p95, p99, ANTT (-want +got):\n%s", diff)
	}
	if m.Violations != 0 {
		t.Errorf("violations %d with infinite deadlines", m.Violations)
	}
}
