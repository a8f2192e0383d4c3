package harness

import (
	"math"
	"sort"
)

// Metrics are the scores of one run (REFERENCE §3).
type Metrics struct {
	Requests   int `json:"requests"`
	Violations int `json:"violations"`
	// ViolationRate is the fraction of requests that finished after
	// arrival + relative deadline.
	ViolationRate float64 `json:"violation_rate"`
	// ANTT is the mean normalized turnaround time,
	// (finish − arrival) / isolated latency.
	ANTT float64 `json:"antt"`
	// STP is requests / (last finish − first arrival), inferences per second.
	STP float64 `json:"stp"`
	// Percentiles of normalized turnaround, linear interpolation between
	// closest ranks (see Percentile).
	P50NTT float64 `json:"p50_ntt"`
	P95NTT float64 `json:"p95_ntt"`
	P99NTT float64 `json:"p99_ntt"`
	// Preemptions counts decisions that switched away from an unfinished task.
	Preemptions int `json:"preemptions"`
	// Makespan is last finish − first arrival, seconds.
	Makespan float64 `json:"makespan_s"`
}

// Score computes the metrics of a finished run. finish and isolated are per
// request.
func Score(reqs []Request, finish, isolated []float64) Metrics {
	m := Metrics{Requests: len(reqs)}
	if len(reqs) == 0 {
		return m
	}
	ntt := make([]float64, len(reqs))
	last := math.Inf(-1)
	var nttSum float64
	for i, r := range reqs {
		if finish[i] > r.Deadline {
			m.Violations++
		}
		ntt[i] = (finish[i] - r.Arrival) / isolated[i]
		nttSum += ntt[i]
		last = math.Max(last, finish[i])
	}
	n := float64(len(reqs))
	m.ViolationRate = float64(m.Violations) / n
	m.ANTT = nttSum / n
	m.Makespan = last - reqs[0].Arrival
	if m.Makespan > 0 {
		m.STP = n / m.Makespan
	}
	sort.Float64s(ntt)
	m.P50NTT = Percentile(ntt, 50)
	m.P95NTT = Percentile(ntt, 95)
	m.P99NTT = Percentile(ntt, 99)
	return m
}

// Percentile returns the p-th percentile (0–100) of sorted xs by linear
// interpolation between closest ranks: rank h = (n−1)·p/100, value
// x[⌊h⌋] + (h−⌊h⌋)·(x[⌊h⌋+1] − x[⌊h⌋]) — the definition of NumPy's default
// and of Hyndman & Fan's type 7.
func Percentile(sorted []float64, p float64) float64 {
	n := len(sorted)
	if n == 0 {
		return math.NaN()
	}
	h := float64(n-1) * p / 100
	lo := int(math.Floor(h))
	if lo >= n-1 {
		return sorted[n-1]
	}
	return sorted[lo] + (h-float64(lo))*(sorted[lo+1]-sorted[lo])
}
