package harness

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// percentiles3 must give exactly what Percentile gives on the sorted
// values, for any sizes, duplicates and percentiles.
func TestPercentiles3MatchesSorting(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 8))
	for trial := 0; trial < 20000; trial++ {
		n := 1 + r.IntN(40)
		if trial%100 == 0 {
			n = 1 + r.IntN(5000)
		}
		xs := make([]float64, n)
		for i := range xs {
			if trial%2 == 0 {
				xs[i] = float64(r.IntN(6)) // many duplicates
			} else {
				xs[i] = r.ExpFloat64()
			}
		}
		ps := []float64{r.Float64() * 100, r.Float64() * 100, r.Float64() * 100}
		switch trial % 7 {
		case 0:
			ps = []float64{50, 95, 99}
		case 1:
			ps = []float64{0, 50, 100}
		}
		slices.Sort(ps)
		sorted := slices.Sorted(slices.Values(xs))
		a, b, c := percentiles3(xs, ps[0], ps[1], ps[2])
		for i, got := range []float64{a, b, c} {
			if want := Percentile(sorted, ps[i]); got != want {
				t.Fatalf("trial %d, n %d, p %g: got %.17g, sorting gives %.17g", trial, n, ps[i], got, want)
			}
		}
		if !slices.Equal(slices.Sorted(slices.Values(xs)), sorted) {
			t.Fatalf("trial %d: percentiles3 changed the multiset of values", trial)
		}
	}
}
