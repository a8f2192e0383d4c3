package board

import (
	"fmt"
	"math"

	"github.com/sparsebench/sparsebench/plugins/scheduler"
)

// The numeric domain of a run is stated in package scheduler (MinEstimate,
// MaxLatency, MaxTime, MaxWeight); a board refuses tables and tasks outside it.

// checkTables checks the static tables against the domain.
func checkTables(t *scheduler.Tables) error {
	for m := range t.Models {
		mt := &t.Models[m]
		for l := 0; l < mt.Layers(); l++ {
			for _, e := range [...]struct {
				name string
				x    float64
			}{{"family_avg_latency_s", mt.FamilyAvgLatency[l]}, {"avg_latency_s", mt.AvgLatency[l]}} {
				if !(e.x >= scheduler.MinEstimate && e.x <= scheduler.MaxLatency) {
					return fmt.Errorf("model %s: %s[%d] = %g s; want an estimate in [%g, %g] s", mt.Name, e.name, l, e.x, scheduler.MinEstimate, scheduler.MaxLatency)
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
func checkTimes(id scheduler.TaskID, s *TaskSpec) error {
	if !(math.Abs(s.Arrival) <= scheduler.MaxTime && math.Abs(s.Deadline) <= scheduler.MaxTime) {
		return fmt.Errorf("task %d: arrival %g s, deadline %g s; want times within ±%g s", id, s.Arrival, s.Deadline, scheduler.MaxTime)
	}
	return nil
}
