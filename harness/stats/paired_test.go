package stats_test

import (
	"math"
	"testing"

	"github.com/google/go-cmp/cmp"
	mstats "github.com/montanaflynn/stats"

	"github.com/sparsebench/sparsebench/harness/stats"
)

func TestPairedKnownAnswers(t *testing.T) {
	tests := []struct {
		name            string
		baseline, other []float64
		confidence      float64
		want            stats.Comparison
		tol             float64
	}{
		{
			// d = {1, 2, 2, 3}: mean 2; s² = (1+0+0+1)/3 = 2/3; s/√4 = 0.4082483;
			// t = 2/0.4082483 = √24 = 4.8989795, df 3.
			// p = 1 − (2/π)·(u/(1+u²) + atan u) with u = t/√3 = √8:
			//   = 1 − (2/π)·(2.8284271/9 + 1.2309594) = 0.0162766.
			// t(0.975, 3) = 3.1824463 → h = 1.2992281. p < 0.05: significant.
			name: "four seeds 95%", baseline: []float64{1, 2, 3, 4}, other: []float64{2, 4, 5, 7}, confidence: 0.95,
			want: stats.Comparison{
				Diff: stats.Summary{Center: 2, Lo: 2 - 1.2992281, Hi: 2 + 1.2992281, Confidence: 0.95, N: 4, Method: stats.MethodStudentT},
				P:    0.0162766, Significant: true,
			},
			tol: closedFormTol,
		},
		{
			// Same data at 99%: t(0.995, 3) = 5.8409093 → h = 5.8409093·0.4082483
			// = 2.3845418, so the interval holds 0, and p = 0.0163 > 0.01.
			name: "four seeds 99%", baseline: []float64{1, 2, 3, 4}, other: []float64{2, 4, 5, 7}, confidence: 0.99,
			want: stats.Comparison{
				Diff: stats.Summary{Center: 2, Lo: 2 - 2.3845418, Hi: 2 + 2.3845418, Confidence: 0.99, N: 4, Method: stats.MethodStudentT},
				P:    0.0162766, Significant: false,
			},
			tol: closedFormTol,
		},
		{
			// d = {1, 3}: mean 2, s = √2, s/√2 = 1, t = 2, df 1;
			// p = 1 − (2/π)·atan 2 = 1 − 0.7048328 = 0.2951672;
			// h = t(0.975, 1)·1 = 12.7062047.
			name: "two seeds", baseline: []float64{0, 0}, other: []float64{1, 3}, confidence: 0.95,
			want: stats.Comparison{
				Diff: stats.Summary{Center: 2, Lo: 2 - 12.7062047, Hi: 2 + 12.7062047, Confidence: 0.95, N: 2, Method: stats.MethodStudentT},
				P:    0.2951672,
			},
			tol: closedFormTol,
		},
		{
			// Rates, other lower: d = {0, −0.01, −0.02}: mean −0.01, s = 0.01,
			// s/√3 = 0.0057735, t = −√3 = −1.7320508, df 2;
			// p = 1 − |t|/√(2+t²) = 1 − √(3/5) = 0.2254033;
			// h = t(0.975, 2)·0.0057735 = 4.3026527·0.0057735 = 0.0248414.
			name: "three rates", baseline: []float64{0.05, 0.06, 0.07}, other: []float64{0.05, 0.05, 0.05}, confidence: 0.95,
			want: stats.Comparison{
				Diff: stats.Summary{Center: -0.01, Lo: -0.01 - 0.0248414, Hi: -0.01 + 0.0248414, Confidence: 0.95, N: 3, Method: stats.MethodStudentT},
				P:    0.2254033,
			},
			tol: closedFormTol,
		},
		{
			name: "identical", baseline: []float64{3, 1, 2}, other: []float64{3, 1, 2}, confidence: 0.95,
			want: stats.Comparison{
				Diff: stats.Summary{Center: 0, Lo: 0, Hi: 0, Confidence: 0.95, N: 3, Method: stats.MethodStudentT},
				P:    1,
			},
		},
		{
			name: "constant shift", baseline: []float64{1, 2, 3}, other: []float64{1.5, 2.5, 3.5}, confidence: 0.95,
			want: stats.Comparison{
				Diff:        stats.Summary{Center: 0.5, Lo: 0.5, Hi: 0.5, Confidence: 0.95, N: 3, Method: stats.MethodStudentT},
				P:           0,
				Significant: true,
				Warnings:    []string{"all 3 paired differences equal 0.5: zero variance, so p = 0"},
			},
		},
		{
			name: "one seed differs", baseline: []float64{1}, other: []float64{2}, confidence: 0.95,
			want: stats.Comparison{
				Diff: stats.Summary{Center: 1, Lo: 1, Hi: 1, Confidence: 0.95, N: 1, Method: stats.MethodStudentT,
					Warnings: []string{"need ≥2 seeds for an interval (have 1)"}},
				P: nan,
				Warnings: []string{"need ≥2 seeds for an interval (have 1)",
					"need ≥2 seeds for a p-value (have 1)"},
			},
		},
		{
			name: "one seed equal", baseline: []float64{4}, other: []float64{4}, confidence: 0.95,
			want: stats.Comparison{
				Diff: stats.Summary{Center: 0, Lo: 0, Hi: 0, Confidence: 0.95, N: 1, Method: stats.MethodStudentT,
					Warnings: []string{"need ≥2 seeds for an interval (have 1)"}},
				P:        1,
				Warnings: []string{"need ≥2 seeds for an interval (have 1)"},
			},
		},
		{
			name: "no seeds", baseline: nil, other: []float64{}, confidence: 0.95,
			want: stats.Comparison{
				Diff: stats.Summary{Center: nan, Lo: nan, Hi: nan, Confidence: 0.95, N: 0, Method: stats.MethodStudentT,
					Warnings: []string{"no seeds: the mean and its interval are undefined"}},
				P:        nan,
				Warnings: []string{"no seeds: the mean and its interval are undefined"},
			},
		},
		{
			name: "NaN", baseline: []float64{1, 2}, other: []float64{nan, 2}, confidence: 0.95,
			want: stats.Comparison{
				Diff: stats.Summary{Center: nan, Lo: nan, Hi: nan, Confidence: 0.95, N: 2, Method: stats.MethodStudentT,
					Warnings: []string{"1 of 2 values are NaN or infinite: the mean and its interval are undefined"}},
				P:        nan,
				Warnings: []string{"1 of 2 values are NaN or infinite: the mean and its interval are undefined"},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := stats.Paired(tt.baseline, tt.other, tt.confidence)
			if err != nil {
				t.Fatalf("Paired: unexpected error %v", err)
			}
			if diff := cmp.Diff(tt.want, got, approx(tt.tol)); diff != "" {
				t.Errorf("Paired(%v, %v, %v) mismatch (-want +got):\n%s", tt.baseline, tt.other, tt.confidence, diff)
			}
		})
	}
}

func TestPairedLengthMismatch(t *testing.T) {
	got, err := stats.Paired([]float64{1, 2, 3}, []float64{1, 2}, 0.95)
	if err == nil {
		t.Fatalf("Paired with lengths 3 and 2: got %+v, want an error", got)
	}
	const want = "stats: paired samples differ in length: baseline has 3 values, other has 2"
	if diff := cmp.Diff(want, err.Error()); diff != "" {
		t.Errorf("error mismatch (-want +got):\n%s", diff)
	}
}

// TestPairedAgreesWithOneSampleTTest cross-checks the p-value with
// montanaflynn/stats' one-sample t-test of the differences against 0 (an
// independent implementation), and Significant with the interval.
func TestPairedAgreesWithOneSampleTTest(t *testing.T) {
	// pValueTol: montanaflynn's continued fraction stops at a relative step
	// of 1e-10.
	const pValueTol = 1e-8
	tests := []struct{ baseline, other []float64 }{
		{[]float64{0.12, 0.10, 0.15, 0.11, 0.13}, []float64{0.09, 0.08, 0.13, 0.07, 0.12}},
		{[]float64{2.1, 2.4, 1.9, 2.2, 2.0, 2.6}, []float64{2.0, 2.5, 2.0, 2.1, 2.2, 2.4}},
		{[]float64{10, 11, 12, 13, 14, 15, 16, 17, 18, 19}, []float64{10.5, 10.9, 12.8, 13.1, 14.9, 15.2, 16.1, 17.7, 18.3, 19.9}},
	}
	for _, tt := range tests {
		got, err := stats.Paired(tt.baseline, tt.other, 0.95)
		if err != nil {
			t.Fatal(err)
		}
		d := make([]float64, len(tt.baseline))
		for i := range d {
			d[i] = tt.other[i] - tt.baseline[i]
		}
		_, wantP, err := mstats.TTest(d, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(wantP, got.P, approx(pValueTol)); diff != "" {
			t.Errorf("Paired(%v, %v).P mismatch (-want +got):\n%s", tt.baseline, tt.other, diff)
		}
		excludesZero := got.Diff.Lo > 0 || got.Diff.Hi < 0
		if got.Significant != excludesZero {
			t.Errorf("Paired(%v, %v): Significant = %v but interval [%v, %v]", tt.baseline, tt.other, got.Significant, got.Diff.Lo, got.Diff.Hi)
		}
	}
}

// TestPairedFalsePositiveRate: with no true difference, p < 0.05 should
// happen in ≈5% of 2000 experiments of 5 seeds (σ of the rate ≈ 0.0049;
// band ±0.02 ≈ 4σ). Paired noise shared by both schedulers (the common
// random numbers) must cancel.
func TestPairedFalsePositiveRate(t *testing.T) {
	rng := newRand(5, 5)
	const trials, n = 2000, 5
	hits := 0
	base, other := make([]float64, n), make([]float64, n)
	for range trials {
		for i := range base {
			shared := 100 * rng.NormFloat64() // trace difficulty, same for both
			base[i] = shared + rng.NormFloat64()
			other[i] = shared + rng.NormFloat64()
		}
		c, err := stats.Paired(base, other, 0.95)
		if err != nil {
			t.Fatal(err)
		}
		if c.Significant {
			hits++
		}
	}
	got := float64(hits) / trials
	t.Logf("false positive rate %.4f", got)
	if math.Abs(got-0.05) > 0.02 {
		t.Errorf("false positive rate = %.4f over %d trials, want 0.05 ± 0.02", got, trials)
	}
}
