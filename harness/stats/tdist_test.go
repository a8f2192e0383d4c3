package stats

import (
	"math"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// tableTol is half a unit in the third decimal: published t tables give
// three decimals, so a correct quantile is within this of the table value.
const tableTol = 0.0005

// closedFormTol is the tolerance against closed-form values computed to
// double precision.
const closedFormTol = 1e-9

// TestTQuantileTable checks t quantiles against a published two-sided
// table (e.g. NIST/SEMATECH e-Handbook 1.3.6.7.2, upper critical values of
// Student's t), rows df = 1, 2, 3, 4, 9, 29, ∞.
func TestTQuantileTable(t *testing.T) {
	tests := []struct {
		p, df float64
		want  float64
	}{
		{0.975, 1, 12.706},
		{0.975, 2, 4.303},
		{0.975, 3, 3.182},
		{0.975, 4, 2.776},
		{0.975, 9, 2.262},
		{0.975, 29, 2.045},
		{0.975, math.Inf(1), 1.960},
		{0.95, 4, 2.132},
		{0.95, 9, 1.833},
		{0.95, math.Inf(1), 1.645},
		{0.995, 3, 5.841},
		{0.995, 9, 3.250},
		{0.995, math.Inf(1), 2.576},
		{0.025, 4, -2.776}, // symmetry: lower tail
	}
	for _, tt := range tests {
		got := tQuantile(tt.p, tt.df)
		if diff := cmp.Diff(tt.want, got, cmpopts.EquateApprox(0, tableTol)); diff != "" {
			t.Errorf("tQuantile(%v, %v) mismatch (-want +got):\n%s", tt.p, tt.df, diff)
		}
	}
}

// TestTQuantileLargeDF checks that the t quantile tends to the normal one.
func TestTQuantileLargeDF(t *testing.T) {
	got := tQuantile(0.975, 1e7)
	if diff := cmp.Diff(1.959964, got, cmpopts.EquateApprox(0, 1e-5)); diff != "" {
		t.Errorf("tQuantile(0.975, 1e7) mismatch (-want +got):\n%s", diff)
	}
}

// TestTQuantileClosedForm checks df = 1 and 2, where the quantile has a
// closed form:
//
//	df = 1 (Cauchy): t_p = tan(π(p − 1/2));   p = 0.975: tan(0.475π) = 12.7062047…
//	df = 2:          t_p = (2p − 1)·√(2/(4p(1−p)));
//	                 p = 0.975: 0.95·√(2/0.0975) = 0.95·4.529108… = 4.3026527…
func TestTQuantileClosedForm(t *testing.T) {
	for _, p := range []float64{0.6, 0.9, 0.95, 0.975, 0.995} {
		want1 := math.Tan(math.Pi * (p - 0.5))
		want2 := (2*p - 1) * math.Sqrt(2/(4*p*(1-p)))
		got := []float64{tQuantile(p, 1), tQuantile(p, 2)}
		want := []float64{want1, want2}
		if diff := cmp.Diff(want, got, cmpopts.EquateApprox(closedFormTol, 0)); diff != "" {
			t.Errorf("tQuantile(%v, {1, 2}) mismatch (-want +got):\n%s", p, diff)
		}
	}
}

// TestTTwoSided checks two-sided tail probabilities against closed forms:
//
//	df = 1: P(|T| ≥ t) = 1 − (2/π)·atan(t);  t = 2: 1 − 0.7048327 = 0.2951672
//	df = 2: P(|T| ≥ t) = 1 − t/√(2 + t²);    t = √3: 1 − √(3/5) = 0.2254033
//	df = 3: P(|T| ≥ t) = 1 − (2/π)·(u/(1+u²) + atan u), u = t/√3;
//	        t = √24, u = √8: 1 − (2/π)·(0.3142697 + 1.2309594) = 0.0162766
//
// and against the table: P(|T| ≥ 2.776) with df 4 is 0.05.
func TestTTwoSided(t *testing.T) {
	tests := []struct {
		t, df, want, tol float64
	}{
		{2, 1, 1 - 2*math.Atan(2)/math.Pi, closedFormTol},
		{math.Sqrt(3), 2, 1 - math.Sqrt(3.0/5), closedFormTol},
		{math.Sqrt(24), 3, 1 - 2/math.Pi*(math.Sqrt(8)/9+math.Atan(math.Sqrt(8))), closedFormTol},
		{2.776445, 4, 0.05, 1e-6},
		{0, 4, 1, closedFormTol},
		{math.Inf(1), 4, 0, 0},
	}
	for _, tt := range tests {
		got := tTwoSided(tt.t, tt.df)
		if diff := cmp.Diff(tt.want, got, cmpopts.EquateApprox(0, tt.tol)); diff != "" {
			t.Errorf("tTwoSided(%v, %v) mismatch (-want +got):\n%s", tt.t, tt.df, diff)
		}
	}
}
