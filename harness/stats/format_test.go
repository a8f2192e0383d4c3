package stats_test

import (
	"math"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/sparsebench/sparsebench/harness/stats"
)

func TestFormat(t *testing.T) {
	sum := func(c, lo, hi float64, n int) stats.Summary {
		return stats.Summary{Center: c, Lo: lo, Hi: hi, Confidence: 0.95, N: n}
	}
	tests := []struct {
		name string
		s    stats.Summary
		unit stats.Unit
		want string
	}{
		// h = 0.4 points: leading digit 4 → one significant digit, center to 0.1.
		{"rate", sum(0.031, 0.027, 0.035, 5), stats.Percent, "3.1% ± 0.4"},
		// h = 0.12: leading digit 1 → two significant digits, center to 0.01.
		{"plain", sum(2.4137, 2.2937, 2.5337, 5), stats.Plain, "2.41 ± 0.12"},
		// h = 0.25 → "0.25"; center 0.5 → "0.50".
		{"two digits of 2x", sum(0.5, 0.25, 0.75, 5), stats.Plain, "0.50 ± 0.25"},
		// h = 37 → 40 (tens); center 1234.5 → 1230.
		{"tens", sum(1234.5, 1197.5, 1271.5, 5), stats.Plain, "1230 ± 40"},
		// h = 0.96 → one digit at 0.1 → "1.0".
		{"rounds up", sum(5.04, 4.08, 6.0, 5), stats.Plain, "5.0 ± 1.0"},
		// Negative difference in percentage points.
		{"negative rate", sum(-0.012, -0.015, -0.009, 5), stats.Percent, "-1.2% ± 0.3"},
		// Center rounds to zero: no minus sign.
		{"negative zero", sum(-0.00001, -0.00031, 0.00029, 5), stats.Plain, "0.0000 ± 0.0003"},
		// Asymmetric (bootstrap) interval: ± the larger side, 0.5.
		{"asymmetric", sum(1.0, 0.8, 1.5, 12), stats.Plain, "1.0 ± 0.5"},
		// Zero width with N ≥ 2: "± 0", three significant digits.
		{"zero width", sum(10, 10, 10, 3), stats.Plain, "10.0 ± 0"},
		{"zero rate", sum(0, 0, 0, 5), stats.Percent, "0% ± 0"},
		// N = 1: no interval, center alone with three significant digits.
		{"one seed", sum(7, 7, 7, 1), stats.Plain, "7.00"},
		{"one seed rate", sum(0.03127, 0.03127, 0.03127, 1), stats.Percent, "3.13%"},
		{"one seed large", sum(98765.4, 98765.4, 98765.4, 1), stats.Plain, "98765"},
		// N = 0 or non-finite.
		{"no seeds", sum(math.NaN(), math.NaN(), math.NaN(), 0), stats.Plain, "n/a"},
		{"infinite", sum(math.Inf(1), math.NaN(), math.NaN(), 3), stats.Percent, "n/a"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := stats.Format(tt.s, tt.unit)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Format(%+v, %v) mismatch (-want +got):\n%s", tt.s, tt.unit, diff)
			}
		})
	}
}

// TestFormatMean renders real results end to end.
func TestFormatMean(t *testing.T) {
	tests := []struct {
		name string
		xs   []float64
		unit stats.Unit
		want string
	}{
		// mean 0.03, h = 0.0248414 → 2.48414 points → "2.5".
		{"rates", []float64{0.02, 0.03, 0.04}, stats.Percent, "3.0% ± 2.5"},
		// mean 3, h = 1.9632431 → "2.0".
		{"plain", []float64{1, 2, 3, 4, 5}, stats.Plain, "3.0 ± 2.0"},
		{"one seed", []float64{2.5}, stats.Plain, "2.50"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := stats.Format(stats.Mean(tt.xs, 0.95), tt.unit)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Format(Mean(%v)) mismatch (-want +got):\n%s", tt.xs, diff)
			}
		})
	}
}

func TestFormatP(t *testing.T) {
	tests := []struct {
		p    float64
		want string
	}{
		{0.0162766, "p=0.016"},
		{1, "p=1.000"},
		{0.05, "p=0.050"},
		{0.001, "p=0.001"},
		{0.000999, "p<0.001"},
		{0, "p<0.001"},
		{math.NaN(), "p=n/a"},
	}
	for _, tt := range tests {
		if diff := cmp.Diff(tt.want, stats.FormatP(tt.p)); diff != "" {
			t.Errorf("FormatP(%v) mismatch (-want +got):\n%s", tt.p, diff)
		}
	}
}

func TestFormatDiff(t *testing.T) {
	sum := func(c, lo, hi float64, n int) stats.Summary {
		return stats.Summary{Center: c, Lo: lo, Hi: hi, Confidence: 0.95, N: n}
	}
	tests := []struct {
		s    stats.Summary
		unit stats.Unit
		want string
	}{
		{sum(0.012, 0.009, 0.015, 5), stats.Percent, "+1.2% ± 0.3"},
		{sum(-0.012, -0.015, -0.009, 5), stats.Percent, "-1.2% ± 0.3"},
		{sum(0.05, 0.03, 0.07, 5), stats.Plain, "+0.050 ± 0.020"},
		{sum(-0.05, -0.07, -0.03, 5), stats.Plain, "-0.050 ± 0.020"},
		// Rounds to zero at the interval's precision: no sign.
		{sum(0.0001, -0.02, 0.0202, 5), stats.Plain, "0.000 ± 0.020"},
		{sum(0, 0, 0, 5), stats.Percent, "0% ± 0"},
		{sum(math.NaN(), 0, 0, 5), stats.Plain, "n/a"},
		// One seed: the center alone, signed.
		{sum(2.5, 2.5, 2.5, 1), stats.Plain, "+2.50"},
	}
	for _, tc := range tests {
		if got := stats.FormatDiff(tc.s, tc.unit); got != tc.want {
			t.Errorf("FormatDiff(%+v) = %q, want %q", tc.s, got, tc.want)
		}
	}
}
