package policies

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/sparsebench/sparsebench/plugins/scheduler"
	"github.com/sparsebench/sparsebench/plugins/scheduler/board"
)

// The tests below build small states by hand: static tables, task specs, a
// Board on which tasks are admitted and layers completed, then they ask a
// policy for its choice. Every expected choice is worked out in the comment
// next to it, from SPEC §4–§5. Times, latencies and sparsities are
// binary fractions so that the arithmetic in the comments is exact.

type ID = scheduler.TaskID // shorthand in this file

// mt builds a static model table. variant is avg_lat_variant, family is
// avg_lat_family, sp is avg_sp.
func mt(name string, variant, family, sp []float64) scheduler.ModelTable {
	return scheduler.ModelTable{Name: name, Family: name, AvgLatency: variant, FamilyAvgLatency: family, AvgSparsity: sp}
}

func rep(x float64, n int) []float64 {
	out := make([]float64, n)
	for i := range out {
		out[i] = x
	}
	return out
}

// task builds a spec; the real latencies and sparsities default to the
// model's tables when nil.
func task(models []scheduler.ModelTable, model int, arrival, deadline, prio float64, lat, sp []float64) board.TaskSpec {
	if lat == nil {
		lat = models[model].AvgLatency
	}
	if sp == nil {
		sp = models[model].AvgSparsity
	}
	return board.TaskSpec{Model: model, Arrival: arrival, Deadline: deadline, Priority: prio, Latency: lat, Sparsity: sp}
}

// fix drives a Board and a policy the way the harness does: admit, set the
// clock, Pick, ClearChanges, Complete.
type fix struct {
	t *testing.T
	s scheduler.Scheduler
	b *board.Board
}

func newFix(t *testing.T, spec string, models []scheduler.ModelTable, specs ...board.TaskSpec) *fix {
	t.Helper()
	sp, err := ParseSpec(spec)
	if err != nil {
		t.Fatalf("ParseSpec(%q): %v", spec, err)
	}
	s := sp.New()
	tables := &scheduler.Tables{Models: models, Requests: len(specs)}
	b, err := board.New(tables, specs, s.Info().Oracle)
	if err != nil {
		t.Fatalf("NewBoard: %v", err)
	}
	if st, ok := s.(scheduler.Starter); ok {
		if err := st.Start(tables); err != nil {
			t.Fatalf("Start: %v", err)
		}
	}
	return &fix{t: t, s: s, b: b}
}

func (f *fix) admit(ids ...ID) {
	for _, id := range ids {
		f.b.Admit(id)
	}
}

// run completes the next layer of id at time end.
func (f *fix) run(id ID, end float64) { f.b.Complete(id, end) }

func (f *fix) pick(now float64) ID {
	f.t.Helper()
	f.b.SetNow(now)
	id, err := f.s.Pick(f.b.View())
	if err != nil {
		f.t.Fatalf("%s: Pick at t=%g: %v", f.s.Info().Name, now, err)
	}
	f.b.ClearChanges()
	return id
}

func (f *fix) want(now float64, want ID, why string) {
	f.t.Helper()
	if got := f.pick(now); got != want {
		f.t.Errorf("%s at t=%g picked task %d, want %d (%s)", f.s.Info().Name, now, got, want, why)
	}
}

// tokens returns PREMA's token of each task.
func (f *fix) tokens(ids ...ID) []float64 {
	p := f.s.(*prema)
	out := make([]float64, len(ids))
	for i, id := range ids {
		out[i], _ = p.tokenOf(id)
	}
	return out
}

// ---------------------------------------------------------------- fcfs, edf

func TestFCFS(t *testing.T) {
	models := []scheduler.ModelTable{mt("a", []float64{1, 1}, []float64{1, 1}, []float64{0, 0})}
	f := newFix(t, "fcfs", models,
		task(models, 0, 0, 100, 1, nil, nil),
		task(models, 0, 1, 2, 9, nil, nil), // earlier deadline, higher priority: fcfs ignores both
		task(models, 0, 1, 100, 1, nil, nil),
	)
	f.admit(0)
	f.want(0, 0, "only task")
	f.run(0, 1)
	f.admit(1, 2)
	f.want(1, 0, "arrival 0 < 1")
	f.run(0, 2) // task 0 finishes and leaves
	f.want(2, 1, "tasks 1 and 2 both arrived at 1: lower id")
	f.run(1, 3)
	f.want(3, 1, "task 1 still earliest")
}

func TestEDF(t *testing.T) {
	models := []scheduler.ModelTable{
		mt("three", []float64{1, 1, 1}, []float64{1, 1, 1}, []float64{0, 0, 0}),
		mt("two", []float64{1, 1}, []float64{1, 1}, []float64{0, 0}),
		mt("one", []float64{1}, []float64{1}, []float64{0}),
	}
	f := newFix(t, "edf", models,
		task(models, 0, 0, 10, 1, nil, nil), // t0 D=10
		task(models, 1, 1, 5, 1, nil, nil),  // t1 D=5
		task(models, 1, 2, 5, 9, nil, nil),  // t2 D=5
		task(models, 2, 3, 1, 1, nil, nil),  // t3 D=1 (already late when it arrives)
	)
	f.admit(0)
	f.want(0, 0, "only task")
	f.run(0, 1)
	f.admit(1)
	f.want(1, 1, "D 5 < 10")
	f.run(1, 2)
	f.admit(2)
	f.want(2, 1, "t1 and t2 both D=5: earlier arrival")
	f.run(1, 3) // t1 finishes
	f.admit(3)
	f.want(3, 3, "D 1 < 5 < 10")
	f.run(3, 4) // t3 finishes
	f.want(4, 2, "D 5 < 10")
	f.run(2, 5)
	f.want(5, 2, "D 5 < 10")
	f.run(2, 6) // t2 finishes
	f.want(6, 0, "only task left")
}

// ---------------------------------------------------------------- sjf

func TestSJFHeapOverSeveralDecisions(t *testing.T) {
	// sjf uses avg_lat_family; the variant tables rank the other way round,
	// so a policy reading the wrong table picks differently.
	models := []scheduler.ModelTable{
		mt("A", []float64{0.25, 0.25, 0.25}, []float64{1, 1, 1}, []float64{0, 0, 0}), // family E = 3
		mt("B", []float64{4, 4}, []float64{2, 0.5}, []float64{0, 0}),                 // family E = 2.5
	}
	f := newFix(t, "sjf", models,
		task(models, 0, 0, 100, 1, nil, nil), // t0: A
		task(models, 1, 0, 100, 1, nil, nil), // t1: B
		task(models, 0, 3, 100, 1, nil, nil), // t2: A, arrives at 3
	)
	f.admit(0, 1)
	f.want(0, 1, "E: t0 1+1+1 = 3, t1 2+0.5 = 2.5")
	f.run(1, 2)
	f.want(2, 1, "key of t1 moved to 0.5 after its layer; t0 still 3")
	f.run(1, 2.5) // t1 finishes and must leave the heap
	f.want(2.5, 0, "t1 finished; only t0")
	f.run(0, 3)
	f.admit(2)
	f.want(3, 0, "E: t0 2, t2 3")
	f.run(0, 4)
	f.want(4, 0, "E: t0 1, t2 3")
	f.run(0, 5) // t0 finishes
	f.want(5, 2, "only t2")
}

func TestSJFTie(t *testing.T) {
	models := []scheduler.ModelTable{mt("A", []float64{1, 1}, []float64{1, 1}, []float64{0, 0})}
	f := newFix(t, "sjf", models,
		task(models, 0, 0, 100, 1, nil, nil),
		task(models, 0, 0, 100, 1, nil, nil),
		task(models, 0, 0, 100, 1, nil, nil),
	)
	f.admit(0, 1, 2)
	f.want(0, 0, "E = 2 for all three, equal arrivals: lowest id")
	f.run(0, 1)
	f.want(1, 0, "E: t0 1 < 2")
	f.run(0, 2) // t0 finishes
	f.want(2, 1, "t1 and t2 tie at 2: lower id")
}

func TestSJFSparseHeapWithGamma(t *testing.T) {
	// sjf-sparse: key γ·E on the variant table.
	models := []scheduler.ModelTable{
		mt("V", []float64{1, 1, 1}, []float64{0.1, 0.1, 0.1}, []float64{0.5, 0.75, 0.5}),
		mt("W", []float64{0.6, 0.6, 0.6}, []float64{0.01, 0.01, 0.01}, []float64{0.5, 0.5, 0.5}),
	}
	f := newFix(t, "sjf-sparse", models,
		// t0: measured sparsities 0.75, 0.5, 0.5
		task(models, 0, 0, 100, 1, []float64{1, 1, 1}, []float64{0.75, 0.5, 0.5}),
		task(models, 1, 0.5, 100, 1, nil, nil), // t1: E = 1.8, γ = 1
	)
	f.admit(0)
	f.want(0, 0, "only task")
	f.run(0, 1)
	// γ0 = (1−0.75)/(1−0.5) = 0.5
	f.admit(1)
	f.want(1, 0, "keys: t0 γE = 0.5·2 = 1, t1 1·1.8 = 1.8 (plain E would pick t1: 2 > 1.8; the family table too: 0.2 > 0.03)")
	f.run(0, 2)
	// γ0 = mean(0.5, (1−0.5)/(1−0.75) = 2) = 1.25; key 1.25·1 = 1.25
	if got, want := f.b.View().Gamma(f.b.Slot(0)), 1.25; got != want {
		t.Errorf("γ of t0 after two layers = %g, want %g", got, want)
	}
	f.want(2, 0, "keys: t0 1.25, t1 1.8")
	f.run(0, 3) // t0 finishes: leaves the heap
	f.want(3, 1, "only t1")
}

// ---------------------------------------------------------------- γ and the view

func TestGammaIsMeanOverExecutedLayers(t *testing.T) {
	models := []scheduler.ModelTable{mt("V", []float64{1, 1, 1, 1}, []float64{1, 1, 1, 1}, []float64{0.5, 0.75, 0.5, 0})}
	specs := []board.TaskSpec{task(models, 0, 0, 10, 1, []float64{1, 2, 3, 4}, []float64{0.75, 0.5, 0, 0.5})}
	b, err := board.New(&scheduler.Tables{Models: models, Requests: 1}, specs, false)
	if err != nil {
		t.Fatal(err)
	}
	b.Admit(0)
	v := b.View()
	// ratios (1−sp)/(1−avg_sp): 0.25/0.5 = 0.5, 0.5/0.25 = 2, 1/0.5 = 2
	// γ: 1 (nothing ran), 0.5, (0.5+2)/2 = 1.25, (0.5+2+2)/3 = 1.5
	want := []float64{1, 0.5, 1.25, 1.5}
	const tol = 1e-12
	for layer := 0; layer < 4; layer++ {
		if got := v.Gamma(0); math.Abs(got-want[layer]) > tol {
			t.Errorf("after %d layers γ = %g, want %g", layer, got, want[layer])
		}
		sp, lat := v.Measured(0)
		if diff := cmp.Diff(specs[0].Sparsity[:layer], sp); diff != "" {
			t.Errorf("after %d layers Measured sparsity (-want +got):\n%s", layer, diff)
		}
		if diff := cmp.Diff(specs[0].Latency[:layer], lat); diff != "" {
			t.Errorf("after %d layers Measured latency (-want +got):\n%s", layer, diff)
		}
		b.Complete(0, float64(layer+1))
	}
}

// The monitor exposes executed layers only: the slices View.Measured returns
// must not be re-sliceable into the unexecuted part of the sample.
func TestMeasuredCannotBeReslicedBeyondExecutedLayers(t *testing.T) {
	models := []scheduler.ModelTable{mt("V", []float64{1, 1, 1}, []float64{1, 1, 1}, []float64{0.5, 0.5, 0.5})}
	specs := []board.TaskSpec{task(models, 0, 0, 10, 1, []float64{1, 2, 3}, []float64{0.1, 0.2, 0.3})}
	b, err := board.New(&scheduler.Tables{Models: models, Requests: 1}, specs, false)
	if err != nil {
		t.Fatal(err)
	}
	b.Admit(0)
	for done := 0; done < 3; done++ {
		sp, lat := b.View().Measured(0)
		if len(sp) != done || cap(sp) != done || len(lat) != done || cap(lat) != done {
			t.Errorf("after %d layers: len/cap sparsity %d/%d, latency %d/%d; want all %d",
				done, len(sp), cap(sp), len(lat), cap(lat), done)
		}
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("after %d layers: re-slicing Measured latency to %d did not panic", done, done+1)
				}
			}()
			_ = lat[:done+1]
		}()
		b.Complete(0, float64(done+1))
	}
}

// Only a policy that declares the Oracle capability gets real latencies.
func TestOracleViewOnlyForOraclePolicies(t *testing.T) {
	models := []scheduler.ModelTable{mt("V", []float64{1, 1}, []float64{1, 1}, []float64{0.5, 0.5})}
	specs := []board.TaskSpec{
		task(models, 0, 0, 10, 1, []float64{3, 5}, []float64{0.5, 0.5}),
		task(models, 0, 0, 10, 3, []float64{2, 7}, []float64{0.5, 0.5}),
	}
	for _, e := range All() {
		t.Run(e.Name, func(t *testing.T) {
			s := e.New(Defaults())
			info := s.Info()
			if want := e.Name == "dysta-oracle"; info.Oracle != want {
				t.Fatalf("Info().Oracle = %v, want %v", info.Oracle, want)
			}
			tables := &scheduler.Tables{Models: models, Requests: len(specs)}
			b, err := board.New(tables, specs, info.Oracle)
			if err != nil {
				t.Fatal(err)
			}
			if st, ok := s.(scheduler.Starter); ok {
				st.Start(tables)
			}
			b.Admit(0)
			b.Admit(1)
			b.SetNow(0)
			o := b.View().Oracle()
			if (o != nil) != info.Oracle {
				t.Fatalf("View().Oracle() = %v for a policy with Oracle = %v", o, info.Oracle)
			}
			if o != nil {
				if o.Remaining(0) != 8 || o.Isolated(1) != 9 {
					t.Errorf("oracle Remaining(0) = %g, Isolated(1) = %g; want 8, 9", o.Remaining(0), o.Isolated(1))
				}
			}
			// Every policy decides on the view it is entitled to
			// (a non-oracle policy touching the oracle would panic here).
			if _, err := s.Pick(b.View()); err != nil {
				t.Fatal(err)
			}
		})
	}
}

// ---------------------------------------------------------------- planaria

func TestPlanaria(t *testing.T) {
	models := []scheduler.ModelTable{mt("A", []float64{1}, []float64{1}, []float64{0})}
	type tk struct{ deadline, prio float64 }
	cases := []struct {
		name  string
		now   float64
		tasks []tk
		want  ID
	}{
		// scores p/slack: t0 1/10 = 0.1, t1 3/20 = 0.15
		{"max p over slack", 0, []tk{{10, 1}, {20, 3}}, 1},
		// t0 slack 0 → +∞ beats t1 9/0.001 = 9000
		{"zero slack is +inf", 5, []tk{{5, 1}, {5.001, 9}}, 0},
		// t0 and t1 both +∞: earlier arrival (equal here), then lower id
		{"two zero slacks tie", 5, []tk{{7, 9}, {5, 1}, {5, 3}}, 1},
		// t0 p=9 slack −1 → −9; t1 p=1 slack 100 → 0.01
		{"negative slack used as is", 0, []tk{{-1, 9}, {100, 1}}, 1},
		// every score below −1 (the artifact's sentinel): −3, −2, −9 → t1
		{"all scores below -1", 0, []tk{{-1, 3}, {-4.5, 9}, {-1, 9}}, 1},
		// zero slack (+∞) beats every negative score
		{"zero slack beats late", 2, []tk{{1, 9}, {2, 1}}, 1},
		// 2/4 = 1/2 = 0.5, equal: lower id
		{"equal scores", 0, []tk{{4, 2}, {2, 1}}, 0},
		// late task −1/1 = −1 vs −9/3 = −3 → t0
		{"two late tasks", 0, []tk{{-1, 1}, {-3, 9}}, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var specs []board.TaskSpec
			for _, x := range c.tasks {
				specs = append(specs, task(models, 0, 0, x.deadline, x.prio, nil, nil))
			}
			f := newFix(t, "planaria", models, specs...)
			for i := range specs {
				f.admit(ID(i))
			}
			f.want(c.now, c.want, c.name)
		})
	}
}

// ---------------------------------------------------------------- sdrm3

func TestSDRM3(t *testing.T) {
	// family [1, 4]: E = 5 before the first layer, 4 after; next-layer
	// estimate 1 then 4. The variant table is different (unused by sdrm3).
	models := []scheduler.ModelTable{mt("A", []float64{9, 9}, []float64{1, 4}, []float64{0, 0})}

	t.Run("f uses the next layer's estimate", func(t *testing.T) {
		f := newFix(t, "sdrm3", models,
			task(models, 0, 0, 1000, 1, []float64{1, 4}, nil), // t0
			task(models, 0, 3, 1000, 1, nil, nil),             // t1
		)
		f.admit(0)
		f.want(0, 0, "only task")
		f.run(0, 1)
		f.admit(1)
		// now = 5, slack 995 for both.
		// t0: u = 4/995 ≈ 0.00402, f = idle/next = (5−1)/4 = 1  → 1.00402
		// t1: u = 5/995 ≈ 0.00503, f = (5−3)/1 = 2            → 2.00503
		// (with the first layer's estimate t0 would score 4.004 and win)
		f.want(5, 1, "t1 2.005 > t0 1.004")
	})
	t.Run("alpha weighs f", func(t *testing.T) {
		// now = 2.
		// t0: arrival 0, D 20: E 5, slack 18 → u = 5/18 ≈ 0.278; idle 2, next 1 → f = 2
		// t1: arrival 2, D 7:  E 5, slack 5  → u = 1;             idle 0          → f = 0
		specs := []board.TaskSpec{
			task(models, 0, 0, 20, 1, nil, nil),
			task(models, 0, 2, 7, 1, nil, nil),
		}
		for _, c := range []struct {
			spec string
			want ID
			why  string
		}{
			{"sdrm3", 0, "α=1: t0 0.278+2 > t1 1"},
			{"sdrm3:alpha=0", 1, "α=0: t0 0.278 < t1 1"},
			{"sdrm3:alpha=0.25", 1, "α=0.25: t0 0.278+0.5 < t1 1"},
			{"sdrm3:alpha=0.5", 0, "α=0.5: t0 0.278+1 > t1 1"},
		} {
			f := newFix(t, c.spec, models, specs...)
			f.admit(0, 1)
			f.want(2, c.want, c.why)
		}
	})
	t.Run("zero slack gives u = 1", func(t *testing.T) {
		// α = 0 isolates u. now = 4.
		// t0: slack 0 → u = 1. t1: E 5, slack 6 → u = 5/6.
		f := newFix(t, "sdrm3:alpha=0", models,
			task(models, 0, 0, 4, 1, nil, nil),
			task(models, 0, 0, 10, 1, nil, nil),
		)
		f.admit(0, 1)
		f.want(4, 0, "u: 1 > 5/6")
		// A later task with slack 0 ties with an earlier one at u = 1:
		// t0 slack 2 → u = min(1, 5/2) = 1; t1 slack 0 → 1 → tie → t0.
		f = newFix(t, "sdrm3:alpha=0", models,
			task(models, 0, 0, 6, 1, nil, nil),
			task(models, 0, 0, 4, 1, nil, nil),
		)
		f.admit(0, 1)
		f.want(4, 0, "u both 1: lower id")
	})
	t.Run("negative slack used as is", func(t *testing.T) {
		// α = 0, now = 10. t0: E 5, slack −1 → u = −5; t1: slack −2.5 → u = −2;
		// t2: slack −5 → u = −1 ... all below the artifact's −1 sentinel but t2.
		f := newFix(t, "sdrm3:alpha=0", models,
			task(models, 0, 0, 9, 1, nil, nil),
			task(models, 0, 0, 7.5, 1, nil, nil),
			task(models, 0, 0, 8, 1, nil, nil), // slack −2 → u = −2.5
		)
		f.admit(0, 1, 2)
		f.want(10, 1, "u: −5, −2, −2.5 → max is −2")
		// A late task loses against an on-time one even with a huge E:
		// t0 slack −1 → u = −5; t1 slack 100 → u = 0.05.
		f = newFix(t, "sdrm3:alpha=0", models,
			task(models, 0, 0, 9, 1, nil, nil),
			task(models, 0, 0, 110, 1, nil, nil),
		)
		f.admit(0, 1)
		f.want(10, 1, "late task de-prioritised")
	})
}

// Two different tasks whose SDRM3 scores are equal in exact arithmetic
// (the specification's formula, which divides): the tie goes to the earlier arrival.
func TestSDRM3TieInExactArithmetic(t *testing.T) {
	for _, name := range []string{"sdrm3", "sdrm3-sparse"} {
		t.Run(name, func(t *testing.T) {
			// The same table serves as family and variant estimate; avg_sp 0, γ = 1.
			models := []scheduler.ModelTable{
				mt("A", []float64{1.75, 0.875}, []float64{1.75, 0.875}, []float64{0, 0}),
				mt("B", []float64{1.125, 0.375, 0.375}, []float64{1.125, 0.375, 0.375}, []float64{0, 0, 0}),
			}
			f := newFix(t, name, models,
				task(models, 0, 1.125, 3.625, 1, nil, nil), // t0
				task(models, 1, 1.25, 5, 1, nil, nil),      // t1
			)
			f.admit(0, 1)
			// now = 2.375
			// t0: E = 2.625 ≥ slack 1.25 → u = 1; f = (2.375−1.125)/1.75 = 1.25/1.75 = 5/7 → 12/7
			// t1: E = 1.875, slack 2.625 → u = 1.875/2.625 = 5/7; f = (2.375−1.25)/1.125 = 1 → 12/7
			// equal scores → earlier arrival: t0
			f.want(2.375, 0, "both score 12/7: earlier arrival")
		})
	}
}

func TestSDRM3Sparse(t *testing.T) {
	// variant [1, 2, 2], avg_sp 0.5; family [3, 3, 3] (must not be used).
	models := []scheduler.ModelTable{mt("V", []float64{1, 2, 2}, []float64{3, 3, 3}, []float64{0.5, 0.5, 0.5})}
	f := newFix(t, "sdrm3-sparse", models,
		task(models, 0, 0, 9, 1, nil, []float64{0.75, 0.5, 0.5}), // t0
		task(models, 0, 2, 9, 1, nil, nil),                       // t1
	)
	f.admit(0)
	f.want(0, 0, "only task")
	f.run(0, 1) // γ0 = 0.25/0.5 = 0.5
	f.admit(1)
	// now = 3, slack 6 for both.
	// t0: γE = 0.5·4 = 2 → u = 2/6 = 1/3; next = γ·2 = 1; idle = 3−1 = 2 → f = 2 → 2.333
	// t1: γ = 1, E = 5 → u = 5/6; next = 1; idle = 3−2 = 1 → f = 1 → 1.833
	// (without γ on the next-layer estimate t0's f would be 1 → 1.333 < 1.833)
	f.want(3, 0, "t0 7/3 > t1 11/6")
}

// ---------------------------------------------------------------- dysta

func TestDystaNaiveBeta(t *testing.T) {
	models := []scheduler.ModelTable{
		mt("A", []float64{9, 9}, []float64{1, 1}, []float64{0, 0}),       // family E = iso = 2
		mt("B", []float64{9, 9}, []float64{1.25, 1.25}, []float64{0, 0}), // family E = iso = 2.5
	}
	specs := []board.TaskSpec{
		task(models, 0, 0, 106, 1, nil, nil), // t0
		task(models, 1, 4, 6.5, 1, nil, nil), // t1
	}
	// now = 4, n = 2.
	// t0: E 2, slack 102 → max(0, 100) = 100; idle 4 → 4/2/2 = 1 → 2 + 0.01·101 = 3.01
	// t1: E 2.5, slack 2.5 → 0; idle 0 → 2.5
	f := newFix(t, "dysta-naive", models, specs...)
	f.admit(0, 1)
	f.want(4, 1, "β=0.01: 3.01 vs 2.5")
	// β = 0: scores are E alone: 2 vs 2.5
	f = newFix(t, "dysta-naive:beta=0", models, specs...)
	f.admit(0, 1)
	f.want(4, 0, "β=0: 2 vs 2.5")
}

func TestDystaNaiveNegativeSlackClamped(t *testing.T) {
	models := []scheduler.ModelTable{mt("A", []float64{9, 9}, []float64{1, 1}, []float64{0, 0})}
	// now = 4, n = 2.
	// t0: E 2, slack −100 → max(0, −102) = 0; idle 4 → 4/2/2 = 1 → 2 + 0.01·1 = 2.01
	//     (unclamped: 2 + 0.01·(−102 + 1) = 0.99 would win)
	// t1: E 2, slack 2 → max(0, 0) = 0; idle 0 → 2
	f := newFix(t, "dysta-naive", models,
		task(models, 0, 0, -96, 1, nil, nil),
		task(models, 0, 4, 6, 1, nil, nil),
	)
	f.admit(0, 1)
	f.want(4, 1, "2.01 vs 2")
}

func TestDystaTie(t *testing.T) {
	models := []scheduler.ModelTable{mt("A", []float64{1, 1}, []float64{1, 1}, []float64{0.5, 0.5})}
	for _, name := range []string{"dysta", "dysta-naive", "dysta-oracle"} {
		t.Run(name, func(t *testing.T) {
			// Identical tasks, identical scores: lowest id.
			f := newFix(t, name, models,
				task(models, 0, 1, 50, 1, nil, nil),
				task(models, 0, 1, 50, 1, nil, nil),
				task(models, 0, 1, 50, 1, nil, nil),
			)
			f.admit(0, 1, 2)
			f.want(3, 0, "three equal scores")
		})
	}
}

func TestDystaAndOracle(t *testing.T) {
	models := []scheduler.ModelTable{
		// V: variant [1,1,1,1] (iso 4), family [3,3,3,3], avg_sp 0.5
		mt("V", []float64{1, 1, 1, 1}, []float64{3, 3, 3, 3}, []float64{0.5, 0.5, 0.5, 0.5}),
		// W: variant = family = [1, 1]
		mt("W", []float64{1, 1}, []float64{1, 1}, []float64{0.5, 0.5}),
	}
	specs := []board.TaskSpec{
		// t0's real latencies are far above the estimates: [1, 5, 5, 5]
		task(models, 0, 0, 102, 1, []float64{1, 5, 5, 5}, []float64{0.75, 0.5, 0.5, 0.5}),
		task(models, 1, 0, 102, 1, nil, nil),
	}
	// The state at now = 2: t0 ran its first layer from 0 to 1 (γ0 = 0.25/0.5 = 0.5), t1 waits.
	// n = 2, slack = 100 for both, β = 0.01.
	setup := func(name string) *fix {
		f := newFix(t, name, models, specs...)
		f.admit(0)
		f.want(0, 0, "only task") // every policy picks the only task
		f.run(0, 1)
		f.admit(1)
		return f
	}
	// dysta: t0: γE = 0.5·3 = 1.5; 1.5 + 0.01·(100−1.5 + (2−1)/4/2) = 1.5 + 0.01·98.625 = 2.48625
	//        t1: E = 2;           2 + 0.01·(100−2 + (2−0)/2/2)    = 2 + 0.01·98.5     = 2.985
	setup("dysta").want(2, 0, "dysta: 2.48625 < 2.985")
	// dysta-naive: t0 E = 9 (family), t1 E = 2: 9 + 0.01·(91 + 1/12/2) vs 2.985 → t1
	setup("dysta-naive").want(2, 1, "dysta-naive: family E 9 vs 2")
	// dysta-oracle: t0 real remaining 15, real iso 16: 15 + 0.01·(85 + 1/16/2) = 15.8503
	//               t1 real remaining 2, iso 2: 2.985
	setup("dysta-oracle").want(2, 1, "dysta-oracle: 15.85 vs 2.985")
	// β = 0 for dysta: scores are γE: 1.5 vs 2 → t0 (without γ: 3 vs 2 → t1)
	setup("dysta:beta=0").want(2, 0, "γE 1.5 < 2")
}

// ---------------------------------------------------------------- prema

// Models for PREMA (family tables; the variant tables rank differently).
func premaModels() []scheduler.ModelTable {
	return []scheduler.ModelTable{
		mt("L", rep(0.01, 4), rep(2, 4), rep(0.5, 4)),              // 0: family iso 8
		mt("S", []float64{1, 1}, []float64{0.5, 0.5}, rep(0.5, 2)), // 1: family iso 1
		mt("T", []float64{5}, []float64{0.25}, []float64{0.5}),     // 2: family iso 0.25
		mt("U", []float64{5}, []float64{0.125}, []float64{0.5}),    // 3: family iso 0.125
	}
}

func TestPREMAThreshold3AndTokenAccrual(t *testing.T) {
	m := premaModels()
	f := newFix(t, "prema", m,
		task(m, 0, 0, 100, 3, nil, nil), // t0: L, p 3
		task(m, 1, 0, 100, 1, nil, nil), // t1: S, p 1
		task(m, 2, 1, 100, 9, nil, nil), // t2: T, p 9
		task(m, 3, 2, 100, 1, nil, nil), // t3: U, p 1
	)
	const tol = 1e-12
	checkTokens := func(ids []ID, want []float64) {
		t.Helper()
		if diff := cmp.Diff(want, f.tokens(ids...), cmp.Comparer(func(a, b float64) bool { return math.Abs(a-b) <= tol })); diff != "" {
			t.Errorf("tokens (-want +got):\n%s", diff)
		}
	}
	f.admit(0, 1)
	// t=0: both newcomers: tokens 3, 1; no old token → threshold 1; E: t0 8, t1 1 → t1
	f.want(0, 1, "threshold 1, shortest")
	checkTokens([]ID{0, 1}, []float64{3, 1})
	f.run(1, 0.5)
	// t=0.5: t0 += 3·(0.5−0)/8 = 0.1875 → 3.1875; t1 += 1·(0.5−0.5)/1 = 0 → 1
	// threshold 3 (3.1875 ≥ 3); candidates {t0} although t1 is shorter (E 0.5 < 8)
	f.want(0.5, 0, "threshold 3 excludes t1")
	checkTokens([]ID{0, 1}, []float64{3.1875, 1})
	f.run(0, 2.5)
	f.admit(2, 3)
	// t=2.5: t0 idle 0 → 3.1875; t1 += 1·(2.5−0.5)/1 = 2 → 3; newcomers t2 9, t3 1.
	// threshold 3 (newcomers don't count); candidates t0 (E 6), t1 (E 0.5, token exactly 3),
	// t2 (E 0.25, newcomer token 9 ≥ 3); t3 (E 0.125) is shortest but holds 1 < 3 → t2
	f.want(2.5, 2, "newcomer with p ≥ threshold is a candidate; short newcomer with p < threshold is not")
	checkTokens([]ID{0, 1, 2, 3}, []float64{3.1875, 3, 9, 1})
	f.run(2, 2.75) // t2 finishes
	// t=2.75: t0 += 3·0.25/8 = 0.09375 → 3.28125
	//         t1 += 1·(2.75−0.5)/1 = 2.25 → 5.25 (its whole idle time again, from last_exec)
	//         t3 += 1·(2.75−2)/0.125 = 6 → 7
	// threshold 3; candidates all three, shortest t3 (0.125)
	f.want(2.75, 3, "t3 became a candidate by accrual")
	checkTokens([]ID{0, 1, 3}, []float64{3.28125, 5.25, 7})
}

func TestPREMAThreshold9(t *testing.T) {
	m := premaModels()
	f := newFix(t, "prema", m,
		task(m, 0, 0, 100, 9, nil, nil), // t0: L, p 9
		task(m, 1, 0, 100, 3, nil, nil), // t1: S, p 3
		task(m, 1, 1, 100, 9, nil, nil), // t2: S, p 9
	)
	f.admit(0, 1)
	// t=0: newcomers 9, 3; threshold 1 → shortest: t1 (E 1 < 8)
	f.want(0, 1, "threshold 1")
	f.run(1, 0.5)
	// t=0.5: t0 += 9·0.5/8 = 0.5625 → 9.5625 ≥ 9 → threshold 9; t1 3 → only t0
	f.want(0.5, 0, "threshold 9")
	f.run(0, 2.5)
	f.admit(2)
	// t=2.5: t0 9.5625; t1 += 3·2/1 = 6 → 9 (exactly the threshold); t2 newcomer 9.
	// candidates all; E: t0 6, t1 0.5, t2 1 → t1
	f.want(2.5, 1, "token = threshold is a candidate")
	if got := f.tokens(0, 1, 2); !cmp.Equal(got, []float64{9.5625, 9, 9}) {
		t.Errorf("tokens = %v, want [9.5625 9 9]", got)
	}
}

func TestPREMANewcomersDoNotSetTheThreshold(t *testing.T) {
	m := premaModels()
	f := newFix(t, "prema", m,
		task(m, 1, 0, 100, 1, nil, nil),    // t0: S, p 1
		task(m, 0, 0.25, 100, 9, nil, nil), // t1: L, p 9
		task(m, 3, 0.5, 100, 1, nil, nil),  // t2: U, p 1
	)
	f.admit(0)
	f.want(0, 0, "only task")
	f.run(0, 0.5)
	f.admit(1, 2)
	// t=0.5: t0 old, idle 0 → 1; newcomers t1 9, t2 1. Largest old token 1 → threshold 1.
	// all candidates; E: t0 0.5, t1 8, t2 0.125 → t2.
	// (counting the newcomer's 9 would make the threshold 9 and pick t1)
	f.want(0.5, 2, "threshold from old tokens only")
}

func TestPREMATie(t *testing.T) {
	m := premaModels()
	f := newFix(t, "prema", m,
		task(m, 1, 0, 100, 3, nil, nil),
		task(m, 1, 0, 100, 3, nil, nil),
	)
	f.admit(0, 1)
	f.want(0, 0, "same E, same token: lower id")
}

func TestPREMAFallbackWithCustomLevels(t *testing.T) {
	m := premaModels()
	// levels 2/4: a lone newcomer of priority 1 holds 1 < 2 → no candidate →
	// the policy falls back to every task rather than stall.
	f := newFix(t, "prema:levels=2/4", m,
		task(m, 0, 0, 100, 1, nil, nil),
		task(m, 1, 0, 100, 1, nil, nil),
	)
	f.admit(0, 1)
	f.want(0, 1, "no candidate: shortest of all")
}

func TestPREMASparseOwnGamma(t *testing.T) {
	models := []scheduler.ModelTable{
		// V4: variant [1,1,1,1] (iso 4), avg_sp 0.5; family [0.25]·4
		mt("V4", rep(1, 4), rep(0.25, 4), rep(0.5, 4)),
		// R: variant [0.5]·4 (iso 2), avg_sp 0.5; family [1]·4
		mt("R", rep(0.5, 4), rep(1, 4), rep(0.5, 4)),
	}
	f := newFix(t, "prema-sparse", models,
		task(models, 0, 0, 100, 1, nil, []float64{0.75, 0.75, 0.5, 0.5}), // t0
		task(models, 1, 0.5, 100, 1, nil, nil),                           // t1, γ stays 1
	)
	f.admit(0)
	f.want(0, 0, "only task")
	f.run(0, 1) // γ0 = 0.25/0.5 = 0.5
	f.admit(1)
	// t=1: t0 += 1·0/(0.5·4) → 1; t1 newcomer 1; threshold 1; both candidates.
	// own γ: t0 0.5·3 = 1.5, t1 1·2 = 2 → t0.
	// one γ for all (the artifact's defect) compares 3 vs 2 → t1.
	f.want(1, 0, "each task's own γ")
}

func TestPREMASparseTokenUsesGammaIso(t *testing.T) {
	models := []scheduler.ModelTable{
		mt("V4", rep(1, 4), rep(0.25, 4), rep(0.5, 4)), // variant iso 4
		mt("Q", rep(0.25, 4), rep(1, 4), rep(0.5, 4)),  // variant iso 1
	}
	f := newFix(t, "prema-sparse", models,
		task(models, 0, 0, 100, 3, nil, []float64{0.75, 0.75, 0.5, 0.5}), // t0 p 3
		task(models, 1, 0.5, 100, 3, nil, nil),                           // t1 p 3, γ 1
	)
	f.admit(0)
	f.want(0, 0, "only task")
	f.run(0, 1) // γ0 = 0.5
	f.admit(1)
	// t=1: t0 idle 0 → 3; t1 newcomer 3; threshold 3; γE: t0 0.5·3 = 1.5, t1 1 → t1
	f.want(1, 1, "γE 1 < 1.5")
	f.run(1, 1.5)
	// t=1.5: t0 += 3·0.5/(0.5·4) = 0.75 → 3.75 (non-sparse: 3·0.5/4 = 0.375)
	//        t1 idle 0 → 3; threshold 3; γE: t0 1.5, t1 0.75 → t1
	f.want(1.5, 1, "γE 0.75 < 1.5")
	if got := f.tokens(0, 1); !cmp.Equal(got, []float64{3.75, 3}) {
		t.Errorf("tokens = %v, want [3.75 3]", got)
	}
}

func TestPREMAWithoutStart(t *testing.T) {
	// Pick without Start (e.g. a server that skipped it) still works.
	m := premaModels()
	specs := []board.TaskSpec{task(m, 1, 0, 100, 1, nil, nil), task(m, 0, 0, 100, 1, nil, nil)}
	b, err := board.New(&scheduler.Tables{Models: m, Requests: 2}, specs, false)
	if err != nil {
		t.Fatal(err)
	}
	b.Admit(0)
	b.Admit(1)
	s := newPREMA(Defaults(), false)
	if id, err := s.Pick(b.View()); err != nil || id != 0 {
		t.Errorf("Pick = %d, %v; want 0 (E 1 < 8), nil", id, err)
	}
}

// ---------------------------------------------------------------- registry

func TestInfoMatchesTheTable(t *testing.T) {
	type row struct {
		Est            scheduler.Estimate
		Monitor, Oracl bool
	}
	want := map[string]row{
		"fcfs":         {scheduler.EstimateNone, false, false},
		"sjf":          {scheduler.EstimateFamily, false, false},
		"sjf-sparse":   {scheduler.EstimateVariant, true, false},
		"prema":        {scheduler.EstimateFamily, false, false},
		"prema-sparse": {scheduler.EstimateVariant, true, false},
		"planaria":     {scheduler.EstimateNone, false, false},
		"sdrm3":        {scheduler.EstimateFamily, false, false},
		"sdrm3-sparse": {scheduler.EstimateVariant, true, false},
		"dysta-naive":  {scheduler.EstimateFamily, false, false},
		"dysta":        {scheduler.EstimateVariant, true, false},
		"dysta-oracle": {scheduler.EstimateReal, false, true},
		"edf":          {scheduler.EstimateNone, false, false},
	}
	wantNames := []string{"fcfs", "sjf", "sjf-sparse", "prema", "prema-sparse", "planaria", "sdrm3",
		"sdrm3-sparse", "dysta-naive", "dysta", "dysta-oracle", "edf"}
	if diff := cmp.Diff(wantNames, Names()); diff != "" {
		t.Errorf("Names() (-want +got):\n%s", diff)
	}
	for _, e := range All() {
		info := e.New(Defaults()).Info()
		if info.Name != e.Name {
			t.Errorf("%s: Info().Name = %q", e.Name, info.Name)
		}
		if got := (row{info.Estimate, info.Monitor, info.Oracle}); got != want[e.Name] {
			t.Errorf("%s: Info() estimate/monitor/oracle = %+v, want %+v", e.Name, got, want[e.Name])
		}
		if e.Summary == "" || info.Version == "" {
			t.Errorf("%s: empty summary or version", e.Name)
		}
	}
}

func TestParseSpec(t *testing.T) {
	def := Defaults()
	cases := []struct {
		text string
		want Params
	}{
		{"dysta", def},
		{"dysta:beta=0.02", Params{Beta: 0.02, Alpha: 1, Levels: []float64{1, 3, 9}, Monitor: true}},
		{"dysta-naive:beta=0", Params{Beta: 0, Alpha: 1, Levels: []float64{1, 3, 9}, Monitor: true}},
		{"sdrm3:alpha=2.5", Params{Beta: 0.01, Alpha: 2.5, Levels: []float64{1, 3, 9}, Monitor: true}},
		{"prema:levels=1/3/9", def},
		{"prema-sparse:levels=2/4/8/16", Params{Beta: 0.01, Alpha: 1, Levels: []float64{2, 4, 8, 16}, Monitor: true}},
		{"dysta-oracle:beta=1:beta=2", Params{Beta: 2, Alpha: 1, Levels: []float64{1, 3, 9}, Monitor: true}}, // last one wins
		{"dysta:monitor=off", Params{Beta: 0.01, Alpha: 1, Levels: []float64{1, 3, 9}, Monitor: false}},
		{"sjf-sparse:monitor=off:monitor=on", def},
		{"prema-sparse:monitor=off:levels=1/2", Params{Beta: 0.01, Alpha: 1, Levels: []float64{1, 2}, Monitor: false}},
		{"sdrm3-sparse:alpha=2:monitor=off", Params{Beta: 0.01, Alpha: 2, Levels: []float64{1, 3, 9}, Monitor: false}},
	}
	for _, c := range cases {
		s, err := ParseSpec(c.text)
		if err != nil {
			t.Errorf("ParseSpec(%q): %v", c.text, err)
			continue
		}
		if s.Text != c.text || s.Entry.Name != strings.Split(c.text, ":")[0] {
			t.Errorf("ParseSpec(%q): Text %q, Entry %q", c.text, s.Text, s.Entry.Name)
		}
		if diff := cmp.Diff(c.want, s.Params); diff != "" {
			t.Errorf("ParseSpec(%q) params (-want +got):\n%s", c.text, diff)
		}
	}
	// Parameters reach the policy.
	s, _ := ParseSpec("sdrm3-sparse:alpha=2")
	if p := s.New().(*sdrm3); p.alpha != 2 || !p.sparse {
		t.Errorf("sdrm3-sparse:alpha=2 built %+v", p)
	}
	s, _ = ParseSpec("dysta:beta=0.5")
	if p := s.New().(*dysta); p.beta != 0.5 || p.kind != kindSparse {
		t.Errorf("dysta:beta=0.5 built %+v", p)
	}
	s, _ = ParseSpec("prema:levels=2/5")
	if p := s.New().(*prema); !cmp.Equal(p.levels, []float64{2, 5}) {
		t.Errorf("prema:levels=2/5 built levels %v", p.levels)
	}
}

func TestParseSpecErrors(t *testing.T) {
	known := "fcfs, sjf, sjf-sparse, prema, prema-sparse, planaria, sdrm3, sdrm3-sparse, dysta-naive, dysta, dysta-oracle, edf"
	cases := []struct{ text, want string }{
		{"dysta2", `unknown scheduler "dysta2" (known: ` + known + `)`},
		{"", `unknown scheduler "" (known: ` + known + `)`},
		{"DYSTA", `unknown scheduler "DYSTA"`},
		{"dysta:beta", `scheduler "dysta:beta": parameter "beta" is not key=value`},
		{"dysta:alpha=1", `scheduler "dysta:alpha=1": dysta has no parameter "alpha" (it has: beta, monitor)`},
		{"dysta:monitor=no", `scheduler "dysta:monitor=no": monitor="no", want on or off`},
		{"dysta-naive:monitor=off", `dysta-naive has no parameter "monitor" (it has: beta)`},
		{"dysta-oracle:monitor=off", `dysta-oracle has no parameter "monitor" (it has: beta)`},
		{"sjf:monitor=off", `sjf has no parameter "monitor"`},
		{"sdrm3:beta=1", `scheduler "sdrm3:beta=1": sdrm3 has no parameter "beta" (it has: alpha)`},
		{"prema:beta=1", `scheduler "prema:beta=1": prema has no parameter "beta" (it has: levels)`},
		{"fcfs:beta=1", `scheduler "fcfs:beta=1": fcfs has no parameter "beta"`},
		{"dysta:beta=-1", `scheduler "dysta:beta=-1": beta="-1", want a number in [0, 1e+06]`},
		{"dysta:beta=NaN", `beta="NaN", want a number in [0, 1e+06]`},
		{"dysta:beta=Inf", `beta="Inf", want a number in [0, 1e+06]`},
		{"dysta:beta=x", `beta="x", want a number in [0, 1e+06]`},
		{"sdrm3:alpha=", `alpha="", want a number in [0, 1e+06]`},
		{"sdrm3:alpha=1e308", `alpha="1e308", want a number in [0, 1e+06]`}, // outside the numeric domain
		{"prema:levels=1/3/1e7", `levels="1/3/1e7", want numbers in (0, 1e+06] separated by /`},
		{"prema:levels=3/1", `scheduler "prema:levels=3/1": levels="3/1" must be ascending`},
		{"prema:levels=0/1", `levels="0/1", want numbers in (0, 1e+06] separated by /`},
		{"prema:levels=1/x", `levels="1/x", want numbers in (0, 1e+06] separated by /`},
		{"prema:levels=1/Inf", `levels="1/Inf", want numbers in (0, 1e+06] separated by /`},
		{"prema:levels=", `levels="", want numbers in (0, 1e+06] separated by /`},
	}
	for _, c := range cases {
		_, err := ParseSpec(c.text)
		if err == nil {
			t.Errorf("ParseSpec(%q) succeeded, want an error containing %q", c.text, c.want)
			continue
		}
		if !strings.Contains(err.Error(), c.want) {
			t.Errorf("ParseSpec(%q) error\n  %q\nwant it to contain\n  %q", c.text, err, c.want)
		}
	}
}

func TestParseList(t *testing.T) {
	got, err := ParseList("dysta:beta=0.02, fcfs,all")
	if err != nil {
		t.Fatal(err)
	}
	var labels []string
	for _, s := range got {
		labels = append(labels, s.Text)
	}
	want := append([]string{"dysta:beta=0.02", "fcfs"}, Names()...)
	if diff := cmp.Diff(want, labels); diff != "" {
		t.Errorf("labels (-want +got):\n%s", diff)
	}
	if got[0].Params.Beta != 0.02 || got[len(got)-2].Params.Beta != 0.01 {
		t.Errorf("betas %g, %g; want 0.02 for the override and 0.01 for all's dysta", got[0].Params.Beta, got[len(got)-2].Params.Beta)
	}
	for _, bad := range []struct{ text, want string }{
		{"fcfs,nope", `unknown scheduler "nope"`},
		{"fcfs,", `unknown scheduler ""`},
		{"fcfs,dysta:gamma=1", `dysta has no parameter "gamma"`},
	} {
		if _, err := ParseList(bad.text); err == nil || !strings.Contains(err.Error(), bad.want) {
			t.Errorf("ParseList(%q) error = %v, want one containing %q", bad.text, err, bad.want)
		}
	}
}

// ---------------------------------------------------------------- differential

// TestPoliciesAgreeWithTheSpecFormulas replays many random small runs and,
// at every decision, compares each policy's choice with a direct
// transcription of SPEC §5: scores computed from the static tables and
// the monitor's measurements (not from the Board's incremental sums), and
// ties broken explicitly by (arrival, id). All inputs are multiples of 1/8
// (latencies, times) or 1/16 (sparsities), so sums are exact and ties,
// zero slack and negative slack occur often.
func TestPoliciesAgreeWithTheSpecFormulas(t *testing.T) {
	for _, e := range All() {
		t.Run(e.Name, func(t *testing.T) {
			for seed := uint64(0); seed < 150; seed++ {
				if !diffRun(t, e, seed) {
					return
				}
			}
		})
	}
}

type randomRun struct {
	tables *scheduler.Tables
	specs  []board.TaskSpec
}

func randomState(seed uint64) randomRun {
	r := rand.New(rand.NewPCG(seed, 0x5eed))
	eighths := func(lo, hi int) float64 { return float64(lo+r.IntN(hi-lo+1)) / 8 }
	sixteenths := func(hi int) float64 { return float64(r.IntN(hi+1)) / 16 }
	nm := 1 + r.IntN(3)
	tables := &scheduler.Tables{}
	for m := 0; m < nm; m++ {
		n := 1 + r.IntN(5)
		tab := scheduler.ModelTable{Name: fmt.Sprint("m", m), Family: fmt.Sprint("f", m)}
		for l := 0; l < n; l++ {
			tab.AvgLatency = append(tab.AvgLatency, eighths(1, 16))
			tab.FamilyAvgLatency = append(tab.FamilyAvgLatency, eighths(1, 16))
			tab.AvgSparsity = append(tab.AvgSparsity, sixteenths(12))
		}
		tables.Models = append(tables.Models, tab)
	}
	nt := 2 + r.IntN(12)
	tables.Requests = nt
	var specs []board.TaskSpec
	arrival := 0.0
	for i := 0; i < nt; i++ {
		if r.IntN(3) > 0 {
			arrival += eighths(0, 24)
		}
		m := r.IntN(nm)
		n := tables.Models[m].Layers()
		s := board.TaskSpec{
			Model: m, Arrival: arrival, Deadline: arrival + eighths(0, 80),
			Priority: []float64{1, 3, 9}[r.IntN(3)],
		}
		for l := 0; l < n; l++ {
			s.Latency = append(s.Latency, eighths(1, 16))
			s.Sparsity = append(s.Sparsity, sixteenths(15))
		}
		specs = append(specs, s)
	}
	return randomRun{tables, specs}
}

// diffRun simulates one random run under e and compares every decision with
// the reference. It reports false after the first disagreement.
func diffRun(t *testing.T, e Entry, seed uint64) bool {
	t.Helper()
	rr := randomState(seed)
	s := e.New(Defaults())
	info := s.Info()
	b, err := board.New(rr.tables, rr.specs, info.Oracle)
	if err != nil {
		t.Fatal(err)
	}
	if st, ok := s.(scheduler.Starter); ok {
		st.Start(rr.tables)
	}
	ref := &reference{name: e.Name, p: Defaults(), tables: rr.tables, specs: rr.specs, token: map[ID]float64{}}
	for _, s := range rr.specs {
		ref.last = append(ref.last, s.Arrival)
	}
	v := b.View()
	now, next, done := rr.specs[0].Arrival, 0, 0
	for decision := 0; done < len(rr.specs); decision++ {
		for next < len(rr.specs) && rr.specs[next].Arrival <= now {
			b.Admit(ID(next))
			next++
		}
		if b.Len() == 0 {
			now = rr.specs[next].Arrival
			continue
		}
		b.SetNow(now)
		want, why := ref.pick(v)
		got, err := s.Pick(v)
		if err != nil {
			t.Fatalf("seed %d decision %d: %v", seed, decision, err)
		}
		if got != want {
			// The policies compute the specification's formulas literally, in its
			// order of operations, so even ties must agree exactly.
			near, _ := ref.nearTie(got, want)
			t.Errorf("seed %d, decision %d at t=%g: %s picked task %d, the spec's formula picks %d (scores differ by %g)\n%s",
				seed, decision, now, e.Name, got, want, near, why)
			return false
		}
		b.ClearChanges()
		slot := b.Slot(got)
		now += rr.specs[got].Latency[v.Done(slot)]
		ref.last[got] = now
		if b.Complete(got, now) {
			done++
		}
	}
	return true
}

type reference struct {
	name   string
	p      Params
	tables *scheduler.Tables
	specs  []board.TaskSpec
	token  map[ID]float64
	last   []float64 // last_exec by task, kept by the driver

	// scores and candidacy of the last decision, by task
	scores  map[ID]float64
	cands   map[ID]bool
	tokNear bool // a PREMA token lies within rounding of a level
}

// roundingTol is the relative difference under which two scores count as
// equal up to floating-point rounding (the implementation multiplies by
// reciprocals where the specification divides: a few ulps, ~1e-16 relative).
const roundingTol = 1e-12

// nearTie reports whether the policy's choice got and the reference's want
// are equally good up to rounding: equal scores within roundingTol, and for
// PREMA no token so close to a threshold level that rounding decides
// candidacy.
func (r *reference) nearTie(got, want ID) (float64, bool) {
	if !r.cands[got] && !r.tokNear {
		return 0, false
	}
	a, b := r.scores[got], r.scores[want]
	d := math.Abs(a - b)
	if d <= roundingTol*math.Max(1, math.Max(math.Abs(a), math.Abs(b))) {
		return d, true
	}
	return d, false
}

// pick returns the spec's choice and a description of every score.
func (r *reference) pick(v *scheduler.View) (ID, string) {
	type cand struct {
		id      ID
		score   float64
		arrival float64
		ok      bool // candidate (PREMA)
	}
	now := v.Now()
	n := v.Len()
	var cs []cand
	sparse := strings.HasSuffix(r.name, "-sparse") || r.name == "dysta"
	estOf := func(i int) []float64 {
		m := &r.tables.Models[v.Model(i)]
		if sparse {
			return m.AvgLatency
		}
		return m.FamilyAvgLatency
	}
	// sums from the last layer down, like a suffix sum
	sumFrom := func(xs []float64, from int) float64 {
		s := 0.0
		for j := len(xs) - 1; j >= from; j-- {
			s += xs[j]
		}
		return s
	}
	gamma := func(i int) float64 {
		if !sparse {
			return 1
		}
		sp, _ := v.Measured(i)
		if len(sp) == 0 {
			return 1
		}
		avg := r.tables.Models[v.Model(i)].AvgSparsity
		g := 0.0
		for l, x := range sp {
			g += (1 - x) / (1 - avg[l])
		}
		return g / float64(len(sp))
	}
	maximize := false
	r.tokNear = false
	// PREMA first updates the tokens.
	threshold := 0.0
	if strings.HasPrefix(r.name, "prema") {
		maxOld := math.Inf(-1)
		for i := 0; i < n; i++ {
			id := v.ID(i)
			if _, old := r.token[id]; !old {
				r.token[id] = v.Priority(i)
				continue
			}
			iso := sumFrom(estOf(i), 0)
			if sparse {
				iso *= gamma(i)
			}
			tok := r.token[id] + v.Priority(i)*(now-r.last[id])/iso
			r.token[id] = tok
			maxOld = math.Max(maxOld, tok)
		}
		for _, tok := range r.token {
			for _, l := range []float64{1, 3, 9} {
				if math.Abs(tok-l) <= roundingTol*l {
					r.tokNear = true
				}
			}
		}
		switch {
		case maxOld >= 9:
			threshold = 9
		case maxOld >= 3:
			threshold = 3
		default:
			threshold = 1
		}
	}
	for i := 0; i < n; i++ {
		id := v.ID(i)
		c := cand{id: id, arrival: r.specs[id].Arrival, ok: true}
		slack := r.specs[id].Deadline - now
		idle := now - r.last[id]
		done := v.Done(i)
		switch r.name {
		case "fcfs":
			c.score = r.specs[id].Arrival
		case "edf":
			c.score = r.specs[id].Deadline
		case "sjf", "sjf-sparse":
			c.score = gamma(i) * sumFrom(estOf(i), done)
		case "prema", "prema-sparse":
			c.score = gamma(i) * sumFrom(estOf(i), done)
			c.ok = r.token[id] >= threshold
		case "planaria":
			maximize = true
			c.score = math.Inf(1)
			if slack != 0 {
				c.score = r.specs[id].Priority / slack
			}
		case "sdrm3", "sdrm3-sparse":
			maximize = true
			g := gamma(i)
			e, next := g*sumFrom(estOf(i), done), g*estOf(i)[done]
			u := 1.0
			if slack != 0 {
				u = math.Min(1, e/slack)
			}
			c.score = u + r.p.Alpha*(idle/next)
		case "dysta", "dysta-naive":
			e := gamma(i) * sumFrom(estOf(i), done)
			iso := sumFrom(estOf(i), 0)
			c.score = e + r.p.Beta*(math.Max(0, slack-e)+idle/iso/float64(n))
		case "dysta-oracle":
			lat := r.specs[id].Latency
			e, iso := sumFrom(lat, done), sumFrom(lat, 0)
			c.score = e + r.p.Beta*(math.Max(0, slack-e)+idle/iso/float64(n))
		default:
			panic("no reference for " + r.name)
		}
		cs = append(cs, c)
	}
	r.scores, r.cands = map[ID]float64{}, map[ID]bool{}
	for _, c := range cs {
		r.scores[c.id], r.cands[c.id] = c.score, c.ok
	}
	better := func(a, b cand) bool { // a strictly better than b
		if a.score != b.score {
			return (a.score > b.score) == maximize
		}
		if a.arrival != b.arrival {
			return a.arrival < b.arrival
		}
		return a.id < b.id
	}
	best := -1
	for i, c := range cs {
		if c.ok && (best < 0 || better(c, cs[best])) {
			best = i
		}
	}
	var why strings.Builder
	fmt.Fprintf(&why, "now %g, threshold %g:\n", now, threshold)
	for _, c := range cs {
		fmt.Fprintf(&why, "  task %d: score %.17g candidate %v token %g\n", c.id, c.score, c.ok, r.token[c.id])
	}
	return cs[best].id, why.String()
}

// ---------------------------------------------------------------- monitor=off

// The ablation of SPEC §5.4: each monitor-using policy with monitor=off is
// the same policy with γ = 1, declared without the Monitor capability. The
// states are those of the γ tests above, where γ changes the pick.

func TestMonitorOffDeclaresNoMonitor(t *testing.T) {
	for _, name := range []string{"sjf-sparse", "prema-sparse", "sdrm3-sparse", "dysta"} {
		s, err := ParseSpec(name + ":monitor=off")
		if err != nil {
			t.Fatal(err)
		}
		info := s.New().Info()
		if info.Monitor || info.Name != name || info.Estimate != scheduler.EstimateVariant {
			t.Errorf("%s:monitor=off Info() = %+v, want name %s, variant estimates, no monitor", name, info, name)
		}
		if !strings.HasSuffix(info.Description, "monitor off (γ = 1)") {
			t.Errorf("%s:monitor=off description %q does not say the monitor is off", name, info.Description)
		}
	}
}

func TestSJFSparseMonitorOff(t *testing.T) {
	models := []scheduler.ModelTable{
		mt("V", []float64{1, 1, 1}, []float64{0.1, 0.1, 0.1}, []float64{0.5, 0.75, 0.5}),
		mt("W", []float64{0.6, 0.6, 0.6}, []float64{0.01, 0.01, 0.01}, []float64{0.5, 0.5, 0.5}),
	}
	f := newFix(t, "sjf-sparse:monitor=off", models,
		task(models, 0, 0, 100, 1, []float64{1, 1, 1}, []float64{0.75, 0.5, 0.5}),
		task(models, 1, 0.5, 100, 1, nil, nil),
	)
	f.admit(0)
	f.want(0, 0, "only task")
	f.run(0, 1) // the monitor would give γ0 = 0.5 (key 1, t0 wins)
	f.admit(1)
	f.want(1, 1, "keys without γ: t0 E = 2, t1 1.8")
}

func TestSDRM3SparseMonitorOff(t *testing.T) {
	models := []scheduler.ModelTable{mt("V", []float64{1, 2, 2}, []float64{3, 3, 3}, []float64{0.5, 0.5, 0.5})}
	f := newFix(t, "sdrm3-sparse:monitor=off", models,
		task(models, 0, 0, 9, 1, nil, []float64{0.75, 0.5, 0.5}),
		task(models, 0, 2, 9, 1, nil, nil),
	)
	f.admit(0)
	f.want(0, 0, "only task")
	f.run(0, 1)
	f.admit(1)
	// now = 3, slack 6 for both; γ = 1:
	// t0: E = 4 → u = 4/6; next = 2; idle 2 → f = 1 → 1.667
	// t1: E = 5 → u = 5/6; next = 1; idle 1 → f = 1 → 1.833
	// (with the monitor t0 scores 7/3 and wins; on the family table
	// E = 6 for t0 → u = 1, f = 2/3 → 1.667 vs t1 u = 1, f = 1/3 → 1.333: t0)
	f.want(3, 1, "t1 11/6 > t0 5/3")
}

func TestDystaMonitorOff(t *testing.T) {
	models := []scheduler.ModelTable{
		mt("V", []float64{1, 1, 1, 1}, []float64{3, 3, 3, 3}, []float64{0.5, 0.5, 0.5, 0.5}),
		mt("W", []float64{1, 1}, []float64{1, 1}, []float64{0.5, 0.5}),
	}
	f := newFix(t, "dysta:monitor=off", models,
		task(models, 0, 0, 102, 1, []float64{1, 5, 5, 5}, []float64{0.75, 0.5, 0.5, 0.5}),
		task(models, 1, 0, 102, 1, nil, nil),
	)
	f.admit(0)
	f.want(0, 0, "only task")
	f.run(0, 1)
	f.admit(1)
	// t0: E = 3 (variant, γ = 1): 3 + 0.01·(100−3 + (2−1)/4/2) = 3.97125
	// t1: 2 + 0.01·(98 + 0.5) = 2.985 (with the monitor t0 scores 2.48625 and wins)
	f.want(2, 1, "3.97125 > 2.985")
	// β = 0: E alone, 3 vs 2.
	g := newFix(t, "dysta:beta=0:monitor=off", models,
		task(models, 0, 0, 102, 1, []float64{1, 5, 5, 5}, []float64{0.75, 0.5, 0.5, 0.5}),
		task(models, 1, 0, 102, 1, nil, nil),
	)
	g.admit(0)
	g.want(0, 0, "only task")
	g.run(0, 1)
	g.admit(1)
	g.want(2, 1, "E 3 > 2")
}

func TestPREMASparseMonitorOff(t *testing.T) {
	models := []scheduler.ModelTable{
		mt("V4", rep(1, 4), rep(0.25, 4), rep(0.5, 4)),
		mt("Q", rep(0.25, 4), rep(1, 4), rep(0.5, 4)),
	}
	f := newFix(t, "prema-sparse:monitor=off", models,
		task(models, 0, 0, 100, 3, nil, []float64{0.75, 0.75, 0.5, 0.5}),
		task(models, 1, 0.5, 100, 3, nil, nil),
	)
	f.admit(0)
	f.want(0, 0, "only task")
	f.run(0, 1)
	f.admit(1)
	f.want(1, 1, "variant E: t0 3, t1 1")
	f.run(1, 1.5)
	// t0's token += 3·0.5/4 = 0.375 (with the monitor 3·0.5/(0.5·4) = 0.75)
	f.want(1.5, 1, "variant E: t0 3, t1 0.75")
	if got := f.tokens(0, 1); !cmp.Equal(got, []float64{3.375, 3}) {
		t.Errorf("tokens = %v, want [3.375 3]", got)
	}
}
