package scheduler

import (
	"fmt"
	"math"
)

// The numeric domain of a run. Every real workload lies far inside it
// (per-layer latencies are micro- to milliseconds, runs last minutes), and
// within it every intermediate value of every built-in policy's score is a
// normal, finite float64: no overflow, no subnormal, no NaN. The policies'
// division-free shortcuts are exact only under that condition, so boards,
// traces and policy parameters outside the domain are refused with a
// message rather than scored with last bits that nobody could vouch for.
// harness/README.md ("Numeric domain") gives the arithmetic.
const (
	// MinEstimate and MaxLatency bound a static per-layer latency
	// estimate, in seconds; MaxLatency also bounds a real layer latency.
	MinEstimate = 1e-12
	MaxLatency  = 1e6
	// MaxTime bounds an arrival time or absolute deadline, in seconds
	// (about 32 years).
	MaxTime = 1e9
	// MaxWeight bounds a policy's tunable weight (Dysta's β, SDRM3's α,
	// PREMA's levels).
	MaxWeight = 1e6
)

// checkTables checks the static tables against the domain.
func checkTables(t *Tables) error {
	for m := range t.Models {
		mt := &t.Models[m]
		for l := 0; l < mt.Layers(); l++ {
			for _, e := range [...]struct {
				name string
				x    float64
			}{{"family_avg_latency_s", mt.FamilyAvgLatency[l]}, {"avg_latency_s", mt.AvgLatency[l]}} {
				if !(e.x >= MinEstimate && e.x <= MaxLatency) {
					return fmt.Errorf("model %s: %s[%d] = %g s; want an estimate in [%g, %g] s", mt.Name, e.name, l, e.x, MinEstimate, MaxLatency)
				}
			}
			if sp := mt.AvgSparsity[l]; !(sp >= 0 && sp < 1) {
				return fmt.Errorf("model %s: avg_sparsity[%d] = %g; want a sparsity in [0, 1)", mt.Name, l, sp)
			}
		}
	}
	return nil
}

// checkTimes checks a task's arrival and deadline against the domain.
func checkTimes(id TaskID, s *TaskSpec) error {
	if !(math.Abs(s.Arrival) <= MaxTime && math.Abs(s.Deadline) <= MaxTime) {
		return fmt.Errorf("task %d: arrival %g s, deadline %g s; want times within ±%g s", id, s.Arrival, s.Deadline, MaxTime)
	}
	return nil
}
