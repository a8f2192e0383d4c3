package harness

import (
	"math"
	"slices"

	"github.com/sparsebench/sparsebench/harness/workload"
)

// Metrics are the scores of one run (SPEC §3).
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
func Score(reqs []workload.Request, finish, isolated []float64) Metrics {
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
	m.P50NTT, m.P95NTT, m.P99NTT = percentiles3(ntt, 50, 95, 99)
	return m
}

// percentiles3 returns Percentile(sorted xs, p) for three increasing p
// without sorting xs: each needs only the order statistics at ⌊h⌋ and
// ⌊h⌋+1, found by selection (xs is reordered). A replay scores every
// scheduler's run, and sorting thousands of values was the larger part of
// that.
func percentiles3(xs []float64, p1, p2, p3 float64) (float64, float64, float64) {
	n := len(xs)
	if n == 0 {
		return math.NaN(), math.NaN(), math.NaN()
	}
	from := 0 // xs[:from] holds the order statistics already placed
	at := func(p float64) float64 {
		h := float64(n-1) * p / 100
		lo := int(math.Floor(h))
		if lo >= n-1 {
			selectRank(xs, from, n-1)
			from = n - 1
			return xs[n-1]
		}
		selectRank(xs, from, lo)
		// Everything after lo is ≥ xs[lo]; the next order statistic is
		// the smallest of them.
		next := slices.Min(xs[lo+1:])
		from = lo
		return xs[lo] + (h-float64(lo))*(next-xs[lo])
	}
	return at(p1), at(p2), at(p3)
}

// selectRank reorders xs[from:] so that xs[k] holds the value sorting xs
// would put there, with nothing smaller after k and nothing larger before
// it. xs[:from] must already be ≤ every element of xs[from:]. It is
// Hoare's quickselect with a median-of-three pivot, deterministic.
func selectRank(xs []float64, from, k int) {
	lo, hi := from, len(xs)-1
	for hi > lo {
		mid := lo + (hi-lo)/2
		if xs[mid] < xs[lo] {
			xs[mid], xs[lo] = xs[lo], xs[mid]
		}
		if xs[hi] < xs[lo] {
			xs[hi], xs[lo] = xs[lo], xs[hi]
		}
		if xs[hi] < xs[mid] {
			xs[hi], xs[mid] = xs[mid], xs[hi]
		}
		pivot := xs[mid]
		i, j := lo, hi
		for i <= j {
			for xs[i] < pivot {
				i++
			}
			for xs[j] > pivot {
				j--
			}
			if i <= j {
				xs[i], xs[j] = xs[j], xs[i]
				i++
				j--
			}
		}
		// Now xs[lo..j] ≤ pivot ≤ xs[i..hi], and any between equal pivot.
		switch {
		case k <= j:
			hi = j
		case k >= i:
			lo = i
		default:
			return
		}
	}
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
