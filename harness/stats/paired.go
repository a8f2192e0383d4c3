package stats

import (
	"fmt"
	"math"
)

// Comparison is a paired comparison of a scheduler with a baseline over the
// same seeds.
type Comparison struct {
	// Diff summarizes the per-seed differences other − baseline: their mean
	// and its Student t interval. A negative Center means other is lower.
	Diff Summary `json:"diff"`
	// P is the two-sided p-value of the paired t-test of "the mean
	// difference is 0". It is 1 when every difference is 0, 0 (with a
	// warning) when the differences are equal but not 0, and NaN when the
	// test is undefined (no seeds, one non-zero difference, NaN values).
	P float64 `json:"p"`
	// Significant reports P < 1 − Diff.Confidence; it is false when P is
	// NaN. For N ≥ 2 it agrees with "the interval Diff excludes 0".
	Significant bool `json:"significant"`
	// Warnings holds Diff.Warnings followed by the test's own.
	Warnings []string `json:"warnings,omitempty"`
}

// Paired compares other with baseline seed by seed: baseline[i] and
// other[i] must come from the same seed (the same trace). It returns the
// mean of the differences other[i] − baseline[i] with its Student t
// interval at the given confidence, and the two-sided p-value of the paired
// t-test
//
//	t = mean(d) / (s_d/√n),  df = n − 1.
//
// Weak samples give warnings as described on Comparison. Paired returns an
// error only when the lengths differ, and panics if confidence is not in
// (0, 1).
func Paired(baseline, other []float64, confidence float64) (Comparison, error) {
	checkConfidence(confidence)
	if len(baseline) != len(other) {
		return Comparison{}, fmt.Errorf("stats: paired samples differ in length: baseline has %d values, other has %d",
			len(baseline), len(other))
	}
	n := len(baseline)
	d := make([]float64, n)
	for i := range d {
		d[i] = other[i] - baseline[i]
	}
	diff := Mean(d, confidence)
	c := Comparison{Diff: diff, P: math.NaN()}
	c.Warnings = append(c.Warnings, diff.Warnings...)
	switch {
	case math.IsNaN(diff.Center):
		// No seeds or non-finite values: Mean has said why.
	case allEqual(d) && d[0] == 0:
		// No seed shows a difference: no evidence against equality.
		c.P = 1
	case n < 2:
		c.Warnings = append(c.Warnings, fmt.Sprintf("need ≥2 seeds for a p-value (have %d)", n))
	case allEqual(d):
		c.P = 0
		c.Warnings = append(c.Warnings, fmt.Sprintf(
			"all %d paired differences equal %g: zero variance, so p = 0", n, d[0]))
	default:
		_, sd := meanSD(d)
		t := diff.Center / (sd / math.Sqrt(float64(n)))
		c.P = tTwoSided(t, float64(n-1))
	}
	c.Significant = c.P < 1-confidence
	return c, nil
}
