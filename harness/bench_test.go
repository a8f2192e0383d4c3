package harness

import (
	"fmt"
	"testing"

	"github.com/sparsebench/sparsebench/hardware/catalogue"
	"github.com/sparsebench/sparsebench/harness/workload"
	"github.com/sparsebench/sparsebench/plugins/policies"
	"github.com/sparsebench/sparsebench/plugins/scheduler"
	"github.com/sparsebench/sparsebench/plugins/scheduler/board"
)

// benchCatalogue is ~35-layer CNN-like requests: 4 families × 3 variants.
func benchCatalogue() *catalogue.Catalogue {
	return workload.Synthetic{Families: 4, Variants: 3, Samples: 50, Layers: 35, Scale: 0.25, Seed: 7}.Build()
}

// BenchmarkRun replays whole request streams and reports the cost of one
// decision (Pick plus the engine's bookkeeping) at light load (70% of
// capacity, a handful of runnable tasks) and at overload (150%, thousands
// runnable by the end).
func BenchmarkRun(b *testing.B) {
	cat := benchCatalogue()
	for _, load := range []struct {
		name     string
		factor   float64
		requests int
	}{{"light", 0.7, 3000}, {"overload", 1.5, 10000}} {
		reqs, err := workload.Generate(cat, workload.Workload{Requests: load.requests, Rate: load.factor / cat.MeanIsolatedLatency(), SLOMult: 10, Seed: 1})
		if err != nil {
			b.Fatal(err)
		}
		for _, name := range policies.Names() {
			e, _ := policies.Lookup(name)
			b.Run(load.name+"/"+name, func(b *testing.B) {
				var decisions int
				for i := 0; i < b.N; i++ {
					o, err := Run(cat, reqs, e.New(policies.Defaults()), Options{})
					if err != nil {
						b.Fatal(err)
					}
					decisions = o.Decisions
				}
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(decisions), "ns/decision")
			})
		}
	}
}

// BenchmarkPick measures one decision with k runnable tasks in a fixed
// state, and reports its cost per runnable task.
func BenchmarkPick(b *testing.B) {
	cat := benchCatalogue()
	for _, k := range []int{1, 16, 256, 4096} {
		reqs, err := workload.Generate(cat, workload.Workload{Requests: k, Rate: 1e6, SLOMult: 10, Seed: 3})
		if err != nil {
			b.Fatal(err)
		}
		for _, name := range policies.Names() {
			e, _ := policies.Lookup(name)
			b.Run(fmt.Sprintf("%s/k=%d", name, k), func(b *testing.B) {
				board, s := pickState(b, cat, reqs, e)
				v := board.View()
				b.ReportAllocs()
				b.ResetTimer()
				for i := 0; i < b.N; i++ {
					if _, err := s.Pick(v); err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(k), "ns/task")
			})
		}
	}
}

// pickState admits every request, runs one layer of every other task so γ,
// idle times and estimates differ, and leaves the policy's own state warm.
func pickState(b *testing.B, cat *catalogue.Catalogue, reqs []workload.Request, e policies.Entry) (*board.Board, scheduler.Scheduler) {
	s := e.New(policies.Defaults())
	tables := Tables(cat, len(reqs))
	specs := make([]board.TaskSpec, len(reqs))
	for i, r := range reqs {
		sm := &cat.Models[r.Model].Samples[r.Sample]
		specs[i] = board.TaskSpec{Model: r.Model, Arrival: r.Arrival, Deadline: r.Deadline,
			Priority: float64(r.Priority), Latency: sm.Latency, Sparsity: sm.Sparsity}
	}
	board, err := board.New(tables, specs, s.Info().Oracle)
	if err != nil {
		b.Fatal(err)
	}
	if st, ok := s.(scheduler.Starter); ok {
		st.Start(tables)
	}
	now := reqs[len(reqs)-1].Arrival
	for i := range reqs {
		board.Admit(scheduler.TaskID(i))
	}
	board.SetNow(now)
	s.Pick(board.View())
	board.ClearChanges()
	for i := 0; i < len(reqs); i += 2 {
		now += specs[i].Latency[0]
		board.Complete(scheduler.TaskID(i), now)
	}
	board.SetNow(now)
	s.Pick(board.View())
	board.ClearChanges()
	return board, s
}
