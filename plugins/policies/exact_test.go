package policies

import (
	"math"
	"testing"

	"github.com/sparsebench/sparsebench/plugins/scheduler"
)

// These states are exact ties or exact thresholds in REFERENCE's arithmetic
// that any shortcut (reciprocals, heap order standing in for score order)
// would break in the last bit. They come from a review that transcribed the
// formulas directly.

// Two deadlines one ulp apart give the same rounded Planaria score
// 1/13 = 1/nextafter(13, 0): a plain arg-max takes the earlier arrival.
func TestPlanariaRoundedTie(t *testing.T) {
	models := []scheduler.ModelTable{mt("a", []float64{1}, []float64{1}, []float64{0.5})}
	d1 := math.Nextafter(13, 0)
	if 1/13.0 != 1/d1 {
		t.Fatal("test setup: the two scores must round to the same value")
	}
	f := newFix(t, "planaria", models,
		task(models, 0, 0, 13, 1, nil, nil),
		task(models, 0, 0, d1, 1, nil, nil))
	f.admit(0, 1)
	f.want(0, 0, "both score 1/13 after rounding: the earlier request wins")
}

// γ = (1 − 0.05)/(1 − 0.05) = 1 exactly, so task 1's γE ties with task 0's
// E = 1 and the earlier request runs; 0.95 × (1/0.95) would be 1 − 2⁻⁵³
// and hand the decision to task 1.
func TestGammaExactTie(t *testing.T) {
	models := []scheduler.ModelTable{
		mt("a", []float64{1}, []float64{1}, []float64{0}),
		mt("b", []float64{1, 1}, []float64{1, 1}, []float64{0.05, 0}),
	}
	for _, spec := range []string{"sjf-sparse", "prema-sparse"} {
		t.Run(spec, func(t *testing.T) {
			f := newFix(t, spec, models,
				task(models, 0, 0, 100, 1, nil, nil),
				task(models, 1, 0, 100, 1, []float64{1, 1}, []float64{0.05, 0}))
			f.admit(0, 1)
			f.pick(0)
			f.run(1, 1) // task 1's first layer: sp = avg_sp = 0.05, so γ = 1
			// prema-sparse: tokens 1 + 1·1/1 = 2 (task 0) and 1 (task 1);
			// threshold 1; both candidates with γE = 1.
			f.want(1, 0, "γE = 1 for both: the earlier request (id 0) wins")
		})
	}
}

// PREMA: a task that arrived at 0.3 holds token 1 + 1·(now − 0.3)/iso_est,
// exactly 9 at now = 0.468 − ε for iso_est = 0.021 (multiplying by 1/iso_est
// would give 8.999999999999998). The threshold is then 9, and a newcomer
// with priority 3 is no candidate, however short it is.
func TestPREMAExactThreshold(t *testing.T) {
	iso, now, one := 0.021, 0.46799999999999997, 1.0 // variables: no exact constant folding
	if 1+(now-0.3)/iso != 9 || 1+(now-0.3)*(one/iso) == 9 {
		t.Fatal("test setup: want a state where only the literal formula gives 9")
	}
	models := []scheduler.ModelTable{
		mt("long", []float64{iso}, []float64{iso}, []float64{0.5}),
		mt("short", []float64{iso / 10}, []float64{iso / 10}, []float64{0.5}),
	}
	f := newFix(t, "prema", models,
		task(models, 0, 0.3, 100, 1, nil, nil),
		task(models, 1, now, 100, 3, nil, nil))
	f.admit(0)
	f.want(0.3, 0, "alone")
	f.admit(1)
	f.want(now, 0, "task 0's token is exactly 9, so the threshold is 9 and the newcomer (token 3) is no candidate")
}
