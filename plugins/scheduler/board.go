package scheduler

import "fmt"

// TaskSpec is everything the harness knows about one request. The real
// per-layer Latency and Sparsity of its sample stay inside the Board: a
// policy sees the executed prefix through the monitor and the rest only as
// an oracle.
type TaskSpec struct {
	Model    int
	Arrival  float64
	Deadline float64 // absolute
	Priority float64
	Latency  []float64
	Sparsity []float64
}

// Board owns the mutable state behind a View. The harness (or a plugin
// server replaying a session) admits tasks and reports completed layers; the
// Board keeps every derived quantity up to date in O(1) per event, using
// suffix sums of the static tables so remaining estimates are exact rather
// than accumulated by subtraction.
type Board struct {
	v      View
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

// NewBoard prepares the state of a run. oracle says whether the policy
// declared the Oracle capability; only then does the View expose real
// latencies.
func NewBoard(t *Tables, specs []TaskSpec, oracle bool) (*Board, error) {
	b := &Board{
		slotOf: make([]int32, len(specs)),
		state:  make([]taskState, len(specs)),
	}
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
		if err := checkTimes(TaskID(id), &s); err != nil {
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
	b.v.tables = t
	b.v.specs = specs
	b.v.slotOf = b.slotOf
	if oracle {
		b.v.oracle = &OracleView{v: &b.v}
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

// WithoutMonitor stops the board maintaining γ: View.Gamma then stays 1.
// The harness calls it for policies that do not declare the Monitor
// capability, which by REFERENCE §4 do not use γ.
func (b *Board) WithoutMonitor() *Board {
	b.noMonitor = true
	return b
}

// View is the policy's read-only window on the board.
func (b *Board) View() *View { return &b.v }

// Len is the number of runnable tasks.
func (b *Board) Len() int { return len(b.v.id) }

// SetNow moves the clock. Callers never move it backwards (harness.Run
// only adds layer latencies and jumps forward to arrivals).
func (b *Board) SetNow(t float64) { b.v.now = t }

// Runnable reports whether id is admitted and unfinished.
func (b *Board) Runnable(id TaskID) bool {
	return id >= 0 && int(id) < len(b.state) && b.state[id] == runnable
}

// Status describes why a TaskID is not runnable, for error messages.
func (b *Board) Status(id TaskID) string {
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
func (b *Board) Admit(id TaskID) {
	s := &b.v.specs[id]
	v := &b.v
	b.state[id] = runnable
	b.slotOf[id] = int32(len(v.id))
	v.id = append(v.id, id)
	v.model = append(v.model, int32(s.Model))
	v.done = append(v.done, 0)
	v.total = append(v.total, int32(len(s.Latency)))
	v.arrival = append(v.arrival, s.Arrival)
	v.nextReal = append(v.nextReal, s.Latency[0])
	v.cols.Deadline = append(v.cols.Deadline, s.Deadline)
	v.cols.Priority = append(v.cols.Priority, s.Priority)
	v.cols.LastExec = append(v.cols.LastExec, s.Arrival)
	// From the rows copied at NewBoard, like every later layer: a policy
	// that wrote into the tables it was given cannot skew the board.
	first := &b.rows[s.Model][0]
	v.cols.RemFamily = append(v.cols.RemFamily, first.sufFamily)
	v.cols.RemVar = append(v.cols.RemVar, first.sufVar)
	v.cols.IsoFam = append(v.cols.IsoFam, first.sufFamily)
	v.cols.IsoVar = append(v.cols.IsoVar, first.sufVar)
	v.cols.NextFam = append(v.cols.NextFam, first.family)
	v.cols.NextVar = append(v.cols.NextVar, first.variant)
	v.cols.Gamma = append(v.cols.Gamma, 1)
	v.gammaSum = append(v.gammaSum, 0)
	if o := v.oracle; o != nil {
		suf, ok := b.realCache[&s.Latency[0]]
		if !ok {
			if b.realCache == nil {
				b.realCache = map[*float64][]float64{}
			}
			suf = suffixSums(s.Latency)
			b.realCache[&s.Latency[0]] = suf
		}
		b.realSuf[id] = suf
		o.remReal = append(o.remReal, suf[0])
		o.isoReal = append(o.isoReal, suf[0])
	}
	v.arrived = append(v.arrived, id)
}

// Complete records that the next layer of id finished at time end, updates
// every derived quantity of the task, and removes it when it has finished.
// It reports whether the task finished.
func (b *Board) Complete(id TaskID, end float64) bool {
	return b.complete(id, int(b.slotOf[id]), end)
}

// RunLayer runs the next layer of runnable task id from time start: it
// completes the layer at start + its real latency and returns that time
// and whether the task finished. It is Complete for a simulator, which
// would otherwise look the task up twice.
func (b *Board) RunLayer(id TaskID, start float64) (end float64, finished bool) {
	i := int(b.slotOf[id])
	end = start + b.v.nextReal[i]
	return end, b.complete(id, i, end)
}

func (b *Board) complete(id TaskID, i int, end float64) bool {
	v := &b.v
	s := &v.specs[id]
	l := int(v.done[i])
	sp := s.Sparsity[l]
	rows := b.rows[s.Model]
	d := l + 1
	v.done[i] = int32(d)
	row := &rows[d]
	v.cols.LastExec[i] = end
	v.cols.RemFamily[i] = row.sufFamily
	v.cols.RemVar[i] = row.sufVar
	if !b.noMonitor {
		v.gammaSum[i] += (1 - sp) / (1 - rows[l].avgSparsity)
		v.cols.Gamma[i] = v.gammaSum[i] / float64(d)
	}
	if o := v.oracle; o != nil {
		o.remReal[i] = b.realSuf[id][d]
	}
	fin := d == int(v.total[i])
	if !fin {
		v.cols.NextFam[i] = row.family
		v.cols.NextVar[i] = row.variant
		v.nextReal[i] = s.Latency[d]
	}
	// Fields are stored one by one into the slice: building the struct on
	// the stack and copying it made the copy's wide loads wait on the
	// narrow stores just made (a store-forwarding stall that cost a quarter
	// of the engine's time per decision).
	v.completed = append(v.completed, Completion{})
	c := &v.completed[len(v.completed)-1]
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
	v := &b.v
	b.slotOf[v.id[i]] = -1
	v.id = del(v.id, i)
	for _, id := range v.id[i:] {
		b.slotOf[id]--
	}
	v.model = del(v.model, i)
	v.done = del(v.done, i)
	v.total = del(v.total, i)
	v.arrival = del(v.arrival, i)
	v.nextReal = del(v.nextReal, i)
	v.cols.Deadline = del(v.cols.Deadline, i)
	v.cols.Priority = del(v.cols.Priority, i)
	v.cols.LastExec = del(v.cols.LastExec, i)
	v.cols.RemFamily = del(v.cols.RemFamily, i)
	v.cols.RemVar = del(v.cols.RemVar, i)
	v.cols.IsoFam = del(v.cols.IsoFam, i)
	v.cols.IsoVar = del(v.cols.IsoVar, i)
	v.cols.NextFam = del(v.cols.NextFam, i)
	v.cols.NextVar = del(v.cols.NextVar, i)
	v.cols.Gamma = del(v.cols.Gamma, i)
	v.gammaSum = del(v.gammaSum, i)
	if o := v.oracle; o != nil {
		o.remReal = del(o.remReal, i)
		o.isoReal = del(o.isoReal, i)
	}
}

func del[T any](s []T, i int) []T {
	copy(s[i:], s[i+1:])
	return s[:len(s)-1]
}

// Slot returns the slot of a runnable task.
func (b *Board) Slot(id TaskID) int { return int(b.slotOf[id]) }

// ClearChanges forgets the arrivals and completions reported to the policy;
// the harness calls it after each Pick.
func (b *Board) ClearChanges() {
	b.v.arrived = b.v.arrived[:0]
	b.v.completed = b.v.completed[:0]
}
