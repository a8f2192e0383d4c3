package host

import (
	"slices"
	"testing"
	"time"

	"github.com/sparsebench/sparsebench/harness"
	"github.com/sparsebench/sparsebench/harness/workload"
	"github.com/sparsebench/sparsebench/plugins/policies"
	"github.com/sparsebench/sparsebench/plugins/scheduler"
)

// timedPolicy measures, around a Scheduler's Pick, the wall time of the
// decisions that had a choice: for a host.Scheduler, the round trip.
type timedPolicy struct {
	*Scheduler
	rtt []time.Duration
}

func (t *timedPolicy) Pick(v *scheduler.View) (scheduler.TaskID, error) {
	if v.Len() == 1 {
		return t.Scheduler.Pick(v)
	}
	t0 := time.Now()
	id, err := t.Scheduler.Pick(v)
	t.rtt = append(t.rtt, time.Since(t0))
	return id, err
}

// BenchmarkDecisionRoundTrip replays a loaded trace (150% of capacity, so
// nearly every decision has a choice) with fcfs served out of process, and
// reports the p50 and p99 of one decision's round trip over a streamed
// session — message encoding, both gRPC hops and the plugin's replay.
func BenchmarkDecisionRoundTrip(b *testing.B) {
	cat := workload.Synthetic{Families: 3, Variants: 2, Samples: 20, Layers: 12, Scale: 0.2, Seed: 5}.Build()
	reqs, err := workload.Generate(cat, workload.Workload{Requests: 500, Rate: 1.5 / cat.MeanIsolatedLatency(), SLOMult: 10, Seed: 1})
	if err != nil {
		b.Fatal(err)
	}
	spec, _ := policies.ParseSpec("fcfs")
	job := builtinJob(spec, testExe(b), Config{})
	var all []time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		s, err := job.New()
		if err != nil {
			b.Fatal(err)
		}
		tp := &timedPolicy{Scheduler: s.(*Scheduler)}
		b.StartTimer()
		_, err = harness.Run(cat, reqs, tp, harness.Options{})
		b.StopTimer()
		tp.Close()
		if err != nil {
			b.Fatal(err)
		}
		all = append(all, tp.rtt...)
		b.StartTimer()
	}
	slices.Sort(all)
	b.ReportMetric(float64(all[len(all)/2].Nanoseconds()), "p50-ns/rtt")
	b.ReportMetric(float64(all[len(all)*99/100].Nanoseconds()), "p99-ns/rtt")
	b.ReportMetric(0, "ns/op")
}
