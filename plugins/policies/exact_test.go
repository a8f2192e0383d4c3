package policies

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/sparsebench/sparsebench/plugins/scheduler"
	"github.com/sparsebench/sparsebench/plugins/scheduler/board"
)

// These states are exact ties or exact thresholds in the specification's arithmetic
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

// SDRM3 scores the previous runner-up first. The pick must not depend on
// that seed: on states full of exact ties (multiples of 1/8, many equal
// idle times and next-layer estimates) every seed gives the pick of a
// plain arg-max in slot order with the specification's formula.
func TestSDRM3PickDoesNotDependOnTheSeed(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 3))
	pick := func(xs ...float64) float64 { return xs[r.IntN(len(xs))] }
	ties := 0
	for trial := 0; trial < 3000; trial++ {
		n := 1 + r.IntN(12)
		now := 10.0
		dl, last, rem, next, gamma := make([]float64, n), make([]float64, n), make([]float64, n), make([]float64, n), make([]float64, n)
		for i := range dl {
			// Slack ≤ E often caps u at 1, so equal idle/next ratios tie.
			dl[i] = now + pick(-2, -0.5, 0, 0.5, 1, 3, 40)
			last[i], rem[i], next[i] = pick(0, 2, 5, 8, 10), pick(1, 2, 3), pick(0.5, 1, 2)
			gamma[i] = pick(0.5, 1, 1.5)
		}
		for _, g := range [][]float64{nil, gamma} {
			want, wantScore, equal := -1, math.Inf(-1), 0
			for i := range dl {
				gi := 1.0
				if g != nil {
					gi = g[i]
				}
				u := 1.0
				if slack := dl[i] - now; slack != 0 {
					u = math.Min(1, gi*rem[i]/slack)
				}
				score := u + (now-last[i])/(gi*next[i])
				if score == wantScore {
					equal++
				}
				if score > wantScore {
					want, wantScore = i, score
				}
			}
			if equal > 0 {
				ties++
			}
			for seed := 0; seed < n; seed++ {
				if got, _ := sdrm3Scan(now, 1, dl, last, rem, next, g, seed); got != want {
					t.Fatalf("trial %d (γ %v), seed slot %d: picked slot %d, the arg-max is slot %d\nnow %v dl %v last %v rem %v next %v", trial, g != nil, seed, got, want, now, dl, last, rem, next)
				}
			}
		}
	}
	if ties < 100 {
		t.Fatalf("only %d states had equal scores; the test needs ties to mean anything", ties)
	}
}

// Dysta scores its previous pick first. As for SDRM3, the pick must not
// depend on that seed: on tie-heavy states every seed gives the plain
// arg-min in slot order of the specification's formula.
func TestDystaPickDoesNotDependOnTheSeed(t *testing.T) {
	r := rand.New(rand.NewPCG(12, 4))
	pick := func(xs ...float64) float64 { return xs[r.IntN(len(xs))] }
	const beta = 0.01
	ties := 0
	for trial := 0; trial < 3000; trial++ {
		n := 1 + r.IntN(12)
		now := 10.0
		dl, last, rem, iso, gamma := make([]float64, n), make([]float64, n), make([]float64, n), make([]float64, n), make([]float64, n)
		for i := range dl {
			dl[i] = now + pick(-1, 0, 1, 2, 3, 6)
			last[i], rem[i], iso[i], gamma[i] = pick(10, 9, 8), pick(1, 2), pick(2, 4), pick(0.5, 1, 2)
		}
		for _, g := range [][]float64{nil, gamma} {
			want, wantScore, equal := -1, math.Inf(1), 0
			for i := range dl {
				e := rem[i]
				if g != nil {
					e = g[i] * e
				}
				score := e + float64(beta*(math.Max(0, dl[i]-now-e)+(now-last[i])/iso[i]/float64(n)))
				if score == wantScore {
					equal++
				}
				if score < wantScore {
					want, wantScore = i, score
				}
			}
			if equal > 0 {
				ties++
			}
			for seed := 0; seed < n; seed++ {
				if got := dystaScan(now, beta, dl, last, rem, iso, g, seed); got != want {
					t.Fatalf("trial %d (γ %v), seed slot %d: picked slot %d, the arg-min is slot %d", trial, g != nil, seed, got, want)
				}
			}
		}
	}
	if ties < 100 {
		t.Fatalf("only %d states had equal scores; the test needs ties to mean anything", ties)
	}
}

// Inside the numeric domain (scheduler.MinEstimate … MaxWeight), the
// division-free bounds and seeds of SDRM3 and Dysta are exact even at its
// edges: weights up to 10⁶, estimates from 10⁻¹² to 10⁶ s, times up to
// 10⁹ s, γ from sparsities a hair below 1. Every seed gives the plain
// arg-max (arg-min) of the formula.
func TestScansAreExactAtTheEdgesOfTheDomain(t *testing.T) {
	r := rand.New(rand.NewPCG(13, 5))
	logUniform := func(lo, hi float64) float64 {
		return math.Exp(math.Log(lo) + r.Float64()*(math.Log(hi)-math.Log(lo)))
	}
	for trial := 0; trial < 4000; trial++ {
		n := 1 + r.IntN(10)
		now := logUniform(1e-6, scheduler.MaxTime)
		weight := []float64{0, logUniform(1e-6, scheduler.MaxWeight), scheduler.MaxWeight}[r.IntN(3)]
		dl, last, rem, next, iso, gamma := make([]float64, n), make([]float64, n), make([]float64, n), make([]float64, n), make([]float64, n), make([]float64, n)
		for i := range dl {
			last[i] = now * r.Float64()
			if r.IntN(4) == 0 {
				last[i] = math.Nextafter(now, 0) // idle of one ulp
			}
			dl[i] = math.Min(scheduler.MaxTime, now+logUniform(1e-9, 1e8)*float64(1-2*r.IntN(2)))
			next[i] = logUniform(scheduler.MinEstimate, scheduler.MaxLatency)
			rem[i] = next[i] * float64(1+r.IntN(50))
			iso[i] = rem[i] * float64(1+r.IntN(3))
			// γ: a mean of (1 − sp)/(1 − avg_sp), sparsities in [0, 1).
			sp, avg := []float64{0, 0.5, math.Nextafter(1, 0)}[r.IntN(3)], []float64{0, 0.5, math.Nextafter(1, 0)}[r.IntN(3)]
			gamma[i] = (1 - sp) / (1 - avg)
		}
		for _, g := range [][]float64{nil, gamma} {
			gi := func(i int) float64 {
				if g == nil {
					return 1
				}
				return g[i]
			}
			sdrm, sdrmScore := 0, math.Inf(-1)
			dys, dysScore := 0, math.Inf(1)
			for i := range dl {
				f := float64(weight * ((now - last[i]) / (gi(i) * next[i])))
				if s := urgency(gi(i)*rem[i], dl[i]-now) + f; s > sdrmScore {
					sdrm, sdrmScore = i, s
				}
				e := gi(i) * rem[i]
				if s := e + float64(weight*(posPart(dl[i]-now-e)+(now-last[i])/iso[i]/float64(n))); s < dysScore {
					dys, dysScore = i, s
				}
			}
			for seed := 0; seed < n; seed++ {
				if got, _ := sdrm3Scan(now, weight, dl, last, rem, next, g, seed); got != sdrm {
					t.Fatalf("trial %d, sdrm3 (γ %v, α %g), seed %d: slot %d, the arg-max is %d", trial, g != nil, weight, seed, got, sdrm)
				}
				if got := dystaScan(now, weight, dl, last, rem, iso, g, seed); got != dys {
					t.Fatalf("trial %d, dysta (γ %v, β %g), seed %d: slot %d, the arg-min is %d", trial, g != nil, weight, seed, got, dys)
				}
			}
		}
	}
}

// Outside the domain a board refuses the tables rather than let a scan's
// shortcut meet a subnormal or infinite product.
func TestBoardRefusesTablesOutsideTheDomain(t *testing.T) {
	for _, c := range []struct {
		name      string
		fam, vari float64
		want      string
	}{
		{"subnormal estimate", 5e-324, 1, "family_avg_latency_s[0] = 5e-324 s; want an estimate in [1e-12, 1e+06] s"},
		{"huge estimate", 1, 1e300, "avg_latency_s[0] = 1e+300 s; want an estimate in [1e-12, 1e+06] s"},
	} {
		models := []scheduler.ModelTable{mt("a", []float64{c.vari}, []float64{c.fam}, []float64{0})}
		_, err := board.New(&scheduler.Tables{Models: models, Requests: 0}, nil, false)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: NewBoard error %v, want one containing %q", c.name, err, c.want)
		}
	}
}
