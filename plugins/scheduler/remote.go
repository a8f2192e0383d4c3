package scheduler

import (
	"fmt"
	"math"
)

// This file is the Board API of the plugin side of the out-of-process
// protocol (plugins/sdk). A plugin does not know a run's tasks in advance:
// it learns of each when it arrives, and — unless it is an oracle — of each
// layer's measured sparsity and latency only when the layer completes. A
// session board is filled as the host reports those events, and a policy
// reading its View sees exactly what it would see in process.

// NewSessionBoard prepares an empty board for a run of t.Requests tasks
// whose specs are revealed one by one with AdmitSpec.
func NewSessionBoard(t *Tables, oracle bool) (*Board, error) {
	if t.Requests < 0 {
		return nil, fmt.Errorf("tables: %d requests", t.Requests)
	}
	b, err := NewBoard(t, nil, oracle)
	if err != nil {
		return nil, err
	}
	n := t.Requests
	b.slotOf = make([]int32, n)
	for i := range b.slotOf {
		b.slotOf[i] = -1
	}
	b.state = make([]taskState, n)
	b.v.slotOf = b.slotOf
	b.v.specs = make([]TaskSpec, n)
	if oracle {
		b.realSuf = make([][]float64, n)
	}
	return b, nil
}

// AdmitSpec reveals task id and admits it. Tasks must be revealed in
// increasing ID order. On an oracle board s carries the sample's real
// per-layer Latency and Sparsity; on any other board they must be empty:
// their entries are filled by CompleteMeasured as layers complete, and the
// unexecuted ones hold NaN, which the View never exposes.
func (b *Board) AdmitSpec(id TaskID, s TaskSpec) error {
	if id < 0 || int(id) >= len(b.state) {
		return fmt.Errorf("task %d: out of range (the run has %d tasks)", id, len(b.state))
	}
	if b.state[id] != pending {
		return fmt.Errorf("task %d: admitted twice", id)
	}
	if n := len(b.v.id); n > 0 && b.v.id[n-1] > id {
		return fmt.Errorf("task %d: admitted after task %d", id, b.v.id[n-1])
	}
	if s.Model < 0 || s.Model >= len(b.v.tables.Models) {
		return fmt.Errorf("task %d: model %d out of range (%d models)", id, s.Model, len(b.v.tables.Models))
	}
	if err := checkTimes(id, &s); err != nil {
		return err
	}
	n := b.v.tables.Models[s.Model].Layers()
	if b.v.oracle != nil {
		if len(s.Latency) != n || len(s.Sparsity) != n {
			return fmt.Errorf("task %d: oracle sample has %d latencies and %d sparsities, model %s has %d layers",
				id, len(s.Latency), len(s.Sparsity), b.v.tables.Models[s.Model].Name, n)
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
	b.v.specs[id] = s
	b.Admit(id)
	return nil
}

// CompleteMeasured records that layer of the runnable task id finished at
// time end with the measured sparsity and latency, then does what Complete
// does. It reports whether the task finished.
func (b *Board) CompleteMeasured(id TaskID, layer int, sparsity, latency, end float64) (bool, error) {
	if !b.Runnable(id) {
		return false, fmt.Errorf("completion of task %d, which is %s", id, b.Status(id))
	}
	if d := b.v.Done(b.Slot(id)); layer != d {
		return false, fmt.Errorf("completion of layer %d of task %d, whose next layer is %d", layer, id, d)
	}
	if !(sparsity >= 0 && sparsity < 1) {
		return false, fmt.Errorf("completion of task %d layer %d: sparsity %v outside [0, 1)", id, layer, sparsity)
	}
	s := &b.v.specs[id]
	s.Sparsity[layer], s.Latency[layer] = sparsity, latency
	return b.Complete(id, end), nil
}
