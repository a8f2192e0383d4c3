// Package board is the engine's state behind a scheduler.View: the
// runnable tasks with every quantity a policy reads kept up to date in O(1)
// per event. The harness (harness.Run) and the plugin SDK's session replay
// (plugins/sdk) fill a Board; policies only ever see its View. Plugin
// authors never need this package.
package board

import (
	"fmt"

	"github.com/sparsebench/sparsebench/plugins/internal/viewstate"
	"github.com/sparsebench/sparsebench/plugins/scheduler"
)

// state is the data inside a View, as package scheduler instantiates it.
type state = viewstate.State[scheduler.TaskID, scheduler.Completion, scheduler.Tables]

// TaskSpec is everything the engine knows about one request. The real
// per-layer Latency and Sparsity of its sample stay inside the Board: a
// policy sees the executed prefix through the monitor and the rest only as
// an oracle.
type TaskSpec = viewstate.Spec

// Board owns the mutable state behind a scheduler.View. The harness (or a plugin
// server replaying a session) admits tasks and reports completed layers; the
// Board keeps every derived quantity up to date in O(1) per event, using
// suffix sums of the static tables so remaining estimates are exact rather
// than accumulated by subtraction.
type Board struct {
	v      *scheduler.View
	s      *state  // the data inside v
	slotOf []int32 // by TaskID: slot in v, or -1 when not runnable
	state  []taskState
	// rows[m][l] is what completing layers of model m reads at layer l,
	// side by side so one completion touches one or two cache lines; one
	// extra row at the end so a finished task reads 0.
	rows [][]layerRow
	// realSuf holds, per admitted task, the suffix sums of its sample's real
	// latencies; only built for oracle policies.
	realSuf [][]float64
	// noMonitor skips maintaining γ, for policies that do not declare the
	// Monitor capability (two divisions per layer saved).
	noMonitor bool
	// realCache shares suffix sums between requests of the same sample
	// (looked up by the sample's first latency; never iterated).
	realCache map[*float64][]float64
}

// layerRow holds, for one layer l of a model, the suffix sums
// Σ_{j≥l} of the family and variant estimates, the estimates of layer l
// itself, and its average sparsity.
type layerRow struct {
	sufFamily, sufVar float64
	family, variant   float64
	avgSparsity       float64
}

type taskState uint8

const (
	pending taskState = iota
	runnable
	finished
)

// New prepares the state of a run. oracle says whether the policy
// declared the Oracle capability; only then does the scheduler.View expose real
// latencies.
func New(t *scheduler.Tables, specs []TaskSpec, oracle bool) (*Board, error) {
	b := &Board{
		v:      new(scheduler.View),
		slotOf: make([]int32, len(specs)),
		state:  make([]taskState, len(specs)),
	}
	b.s = viewstate.Of(b.v).(*state)
	for i := range b.slotOf {
		b.slotOf[i] = -1
	}
	for m := range t.Models {
		mt := &t.Models[m]
		if len(mt.FamilyAvgLatency) != mt.Layers() || len(mt.AvgSparsity) != mt.Layers() {
			return nil, fmt.Errorf("model %s: static tables have %d, %d and %d layers", mt.Name,
				len(mt.AvgLatency), len(mt.FamilyAvgLatency), len(mt.AvgSparsity))
		}
		sufFam, sufVar := suffixSums(mt.FamilyAvgLatency), suffixSums(mt.AvgLatency)
		rows := make([]layerRow, mt.Layers()+1)
		for l := range rows {
			rows[l].sufFamily, rows[l].sufVar = sufFam[l], sufVar[l]
			if l < mt.Layers() {
				rows[l].family, rows[l].variant, rows[l].avgSparsity = mt.FamilyAvgLatency[l], mt.AvgLatency[l], mt.AvgSparsity[l]
			}
		}
		b.rows = append(b.rows, rows)
	}
	if err := checkTables(t); err != nil {
		return nil, err
	}
	for id, s := range specs {
		if err := checkTimes(scheduler.TaskID(id), &s); err != nil {
			return nil, err
		}
		if s.Model < 0 || s.Model >= len(t.Models) {
			return nil, fmt.Errorf("task %d: model %d out of range", id, s.Model)
		}
		n := t.Models[s.Model].Layers()
		if len(s.Latency) != n || len(s.Sparsity) != n {
			return nil, fmt.Errorf("task %d: sample has %d latencies and %d sparsities, model %s has %d layers",
				id, len(s.Latency), len(s.Sparsity), t.Models[s.Model].Name, n)
		}
	}
	b.s.Tables = t
	b.s.Specs = specs
	b.s.SlotOf = b.slotOf
	if oracle {
		b.s.Oracle = true
		b.realSuf = make([][]float64, len(specs))
	}
	return b, nil
}

func suffixSums(xs []float64) []float64 {
	// Each remaining sum is added up front to back, in layer order, as
	// Σ_{i∈R} reads — not as a running difference or a back-to-front
	// cumulative sum, whose last bits can differ and break exact ties. The
	// O(layers²) cost is paid once per model (per sample for oracles).
	s := make([]float64, len(xs)+1)
	for i := range xs {
		var sum float64
		for _, x := range xs[i:] {
			sum += x
		}
		s[i] = sum
	}
	return s
}

// WithoutMonitor stops the board maintaining γ: scheduler.View.Gamma then stays 1.
// The harness calls it for policies that do not declare the Monitor
// capability, which by SPEC §4 do not use γ.
func (b *Board) WithoutMonitor() *Board {
	b.noMonitor = true
	return b
}

// scheduler.View is the policy's read-only window on the board.
func (b *Board) View() *scheduler.View { return b.v }

// Len is the number of runnable tasks.
func (b *Board) Len() int { return len(b.s.ID) }

// SetNow moves the clock. Callers never move it backwards (harness.Run
// only adds layer latencies and jumps forward to arrivals).
func (b *Board) SetNow(t float64) { b.s.Now = t }

// Runnable reports whether id is admitted and unfinished.
func (b *Board) Runnable(id scheduler.TaskID) bool {
	return id >= 0 && int(id) < len(b.state) && b.state[id] == runnable
}

// Status describes why a scheduler.TaskID is not runnable, for error messages.
func (b *Board) Status(id scheduler.TaskID) string {
	if id < 0 || int(id) >= len(b.state) {
		return fmt.Sprintf("unknown (the run has tasks 0..%d)", len(b.state)-1)
	}
	switch b.state[id] {
	case pending:
		return "not yet arrived"
	case finished:
		return "already finished"
	}
	return "runnable"
}

// Admit makes a task runnable. Tasks must be admitted in increasing ID
// order, which keeps slots sorted by arrival.
func (b *Board) Admit(id scheduler.TaskID) {
	s := &b.s.Specs[id]
	v := b.s
	b.state[id] = runnable
	b.slotOf[id] = int32(len(v.ID))
	v.ID = append(v.ID, id)
	v.Model = append(v.Model, int32(s.Model))
	v.Done = append(v.Done, 0)
	v.Total = append(v.Total, int32(len(s.Latency)))
	v.Arrival = append(v.Arrival, s.Arrival)
	v.NextReal = append(v.NextReal, s.Latency[0])
	v.Cols.Deadline = append(v.Cols.Deadline, s.Deadline)
	v.Cols.Priority = append(v.Cols.Priority, s.Priority)
	v.Cols.LastExec = append(v.Cols.LastExec, s.Arrival)
	// From the rows copied by New, like every later layer: a policy
	// that wrote into the tables it was given cannot skew the board.
	first := &b.rows[s.Model][0]
	v.Cols.RemFamily = append(v.Cols.RemFamily, first.sufFamily)
	v.Cols.RemVar = append(v.Cols.RemVar, first.sufVar)
	v.Cols.IsoFam = append(v.Cols.IsoFam, first.sufFamily)
	v.Cols.IsoVar = append(v.Cols.IsoVar, first.sufVar)
	v.Cols.NextFam = append(v.Cols.NextFam, first.family)
	v.Cols.NextVar = append(v.Cols.NextVar, first.variant)
	v.Cols.Gamma = append(v.Cols.Gamma, 1)
	v.GammaSum = append(v.GammaSum, 0)
	if v.Oracle {
		suf, ok := b.realCache[&s.Latency[0]]
		if !ok {
			if b.realCache == nil {
				b.realCache = map[*float64][]float64{}
			}
			suf = suffixSums(s.Latency)
			b.realCache[&s.Latency[0]] = suf
		}
		b.realSuf[id] = suf
		v.RemReal = append(v.RemReal, suf[0])
		v.IsoReal = append(v.IsoReal, suf[0])
	}
	v.Arrived = append(v.Arrived, id)
}

// Complete records that the next layer of id finished at time end, updates
// every derived quantity of the task, and removes it when it has finished.
// It reports whether the task finished.
func (b *Board) Complete(id scheduler.TaskID, end float64) bool {
	return b.complete(id, int(b.slotOf[id]), end)
}

// RunLayer runs the next layer of runnable task id from time start: it
// completes the layer at start + its real latency and returns that time
// and whether the task finished. It is Complete for a simulator, which
// would otherwise look the task up twice.
func (b *Board) RunLayer(id scheduler.TaskID, start float64) (end float64, finished bool) {
	i := int(b.slotOf[id])
	end = start + b.s.NextReal[i]
	return end, b.complete(id, i, end)
}

func (b *Board) complete(id scheduler.TaskID, i int, end float64) bool {
	v := b.s
	s := &v.Specs[id]
	l := int(v.Done[i])
	sp := s.Sparsity[l]
	rows := b.rows[s.Model]
	d := l + 1
	v.Done[i] = int32(d)
	row := &rows[d]
	v.Cols.LastExec[i] = end
	v.Cols.RemFamily[i] = row.sufFamily
	v.Cols.RemVar[i] = row.sufVar
	if !b.noMonitor {
		v.GammaSum[i] += (1 - sp) / (1 - rows[l].avgSparsity)
		v.Cols.Gamma[i] = v.GammaSum[i] / float64(d)
	}
	if v.Oracle {
		v.RemReal[i] = b.realSuf[id][d]
	}
	fin := d == int(v.Total[i])
	if !fin {
		v.Cols.NextFam[i] = row.family
		v.Cols.NextVar[i] = row.variant
		v.NextReal[i] = s.Latency[d]
	}
	// Fields are stored one by one into the slice: building the struct on
	// the stack and copying it made the copy's wide loads wait on the
	// narrow stores just made (a store-forwarding stall that cost a quarter
	// of the engine's time per decision).
	v.Completed = append(v.Completed, scheduler.Completion{})
	c := &v.Completed[len(v.Completed)-1]
	c.ID, c.Layer, c.Sparsity, c.Latency, c.Finished, c.End = id, l, sp, s.Latency[l], fin, end
	if fin {
		b.remove(i)
		b.state[id] = finished
		if b.realSuf != nil {
			b.realSuf[id] = nil
		}
	}
	return fin
}

// remove deletes slot i keeping the others in ID order, so that scanning
// policies break ties towards the earlier arrival by strict comparison.
func (b *Board) remove(i int) {
	v := b.s
	b.slotOf[v.ID[i]] = -1
	v.ID = del(v.ID, i)
	for _, id := range v.ID[i:] {
		b.slotOf[id]--
	}
	v.Model = del(v.Model, i)
	v.Done = del(v.Done, i)
	v.Total = del(v.Total, i)
	v.Arrival = del(v.Arrival, i)
	v.NextReal = del(v.NextReal, i)
	v.Cols.Deadline = del(v.Cols.Deadline, i)
	v.Cols.Priority = del(v.Cols.Priority, i)
	v.Cols.LastExec = del(v.Cols.LastExec, i)
	v.Cols.RemFamily = del(v.Cols.RemFamily, i)
	v.Cols.RemVar = del(v.Cols.RemVar, i)
	v.Cols.IsoFam = del(v.Cols.IsoFam, i)
	v.Cols.IsoVar = del(v.Cols.IsoVar, i)
	v.Cols.NextFam = del(v.Cols.NextFam, i)
	v.Cols.NextVar = del(v.Cols.NextVar, i)
	v.Cols.Gamma = del(v.Cols.Gamma, i)
	v.GammaSum = del(v.GammaSum, i)
	if v.Oracle {
		v.RemReal = del(v.RemReal, i)
		v.IsoReal = del(v.IsoReal, i)
	}
}

func del[T any](s []T, i int) []T {
	copy(s[i:], s[i+1:])
	return s[:len(s)-1]
}

// Slot returns the slot of a runnable task.
func (b *Board) Slot(id scheduler.TaskID) int { return int(b.slotOf[id]) }

// ClearChanges forgets the arrivals and completions reported to the policy;
// the harness calls it after each Pick.
func (b *Board) ClearChanges() {
	b.s.Arrived = b.s.Arrived[:0]
	b.s.Completed = b.s.Completed[:0]
}
