package board

import (
	"fmt"
	"math"

	"github.com/sparsebench/sparsebench/plugins/scheduler"
)

// This file is the Board the plugin side of the out-of-process protocol
// (plugins/sdk) fills. A plugin does not know a run's tasks in advance:
// it learns of each when it arrives, and — unless it is an oracle — of each
// layer's measured sparsity and latency only when the layer completes. A
// session board is filled as the host reports those events, and a policy
// reading its scheduler.View sees exactly what it would see in process.

// NewSession prepares an empty board for a run of t.Requests tasks
// whose specs are revealed one by one with AdmitSpec.
func NewSession(t *scheduler.Tables, oracle bool) (*Board, error) {
	if t.Requests < 0 {
		return nil, fmt.Errorf("tables: %d requests", t.Requests)
	}
	b, err := New(t, nil, oracle)
	if err != nil {
		return nil, err
	}
	n := t.Requests
	b.slotOf = make([]int32, n)
	for i := range b.slotOf {
		b.slotOf[i] = -1
	}
	b.state = make([]taskState, n)
	b.s.SlotOf = b.slotOf
	b.s.Specs = make([]TaskSpec, n)
	if oracle {
		b.realSuf = make([][]float64, n)
	}
	return b, nil
}

// AdmitSpec reveals task id and admits it. Tasks must be revealed in
// increasing ID order. On an oracle board s carries the sample's real
// per-layer Latency and Sparsity; on any other board they must be empty:
// their entries are filled by CompleteMeasured as layers complete, and the
// unexecuted ones hold NaN, which the scheduler.View never exposes.
func (b *Board) AdmitSpec(id scheduler.TaskID, s TaskSpec) error {
	if id < 0 || int(id) >= len(b.state) {
		return fmt.Errorf("task %d: out of range (the run has %d tasks)", id, len(b.state))
	}
	if b.state[id] != pending {
		return fmt.Errorf("task %d: admitted twice", id)
	}
	if n := len(b.s.ID); n > 0 && b.s.ID[n-1] > id {
		return fmt.Errorf("task %d: admitted after task %d", id, b.s.ID[n-1])
	}
	if s.Model < 0 || s.Model >= len(b.s.Tables.Models) {
		return fmt.Errorf("task %d: model %d out of range (%d models)", id, s.Model, len(b.s.Tables.Models))
	}
	if err := checkTimes(id, &s); err != nil {
		return err
	}
	n := b.s.Tables.Models[s.Model].Layers()
	if b.s.Oracle {
		if len(s.Latency) != n || len(s.Sparsity) != n {
			return fmt.Errorf("task %d: oracle sample has %d latencies and %d sparsities, model %s has %d layers",
				id, len(s.Latency), len(s.Sparsity), b.s.Tables.Models[s.Model].Name, n)
		}
	} else {
		if len(s.Latency) != 0 || len(s.Sparsity) != 0 {
			return fmt.Errorf("task %d: a non-oracle board must not hold real latencies", id)
		}
		s.Latency, s.Sparsity = make([]float64, n), make([]float64, n)
		for i := range s.Latency {
			s.Latency[i], s.Sparsity[i] = math.NaN(), math.NaN()
		}
	}
	b.s.Specs[id] = s
	b.Admit(id)
	return nil
}

// CompleteMeasured records that layer of the runnable task id finished at
// time end with the measured sparsity and latency, then does what Complete
// does. It reports whether the task finished.
func (b *Board) CompleteMeasured(id scheduler.TaskID, layer int, sparsity, latency, end float64) (bool, error) {
	if !b.Runnable(id) {
		return false, fmt.Errorf("completion of task %d, which is %s", id, b.Status(id))
	}
	if d := int(b.s.Done[b.Slot(id)]); layer != d {
		return false, fmt.Errorf("completion of layer %d of task %d, whose next layer is %d", layer, id, d)
	}
	if !(sparsity >= 0 && sparsity < 1) {
		return false, fmt.Errorf("completion of task %d layer %d: sparsity %v outside [0, 1)", id, layer, sparsity)
	}
	s := &b.s.Specs[id]
	s.Sparsity[layer], s.Latency[layer] = sparsity, latency
	return b.Complete(id, end), nil
}
