package scheduler

import (
	"slices"

	"github.com/sparsebench/sparsebench/plugins/internal/columns"
	"github.com/sparsebench/sparsebench/plugins/internal/viewstate"
)

func init() {
	viewstate.Of = func(view any) any { return &view.(*View).s }
	columns.Of = func(view any) *columns.Columns { return &view.(*View).s.Cols }
	columns.OracleOf = func(oracle any) (rem, iso []float64) {
		s := &oracle.(*OracleView).v.s
		return s.RemReal, s.IsoReal
	}
}

// View is the read-only state of a run at a decision point: the runnable
// (admitted, unfinished) tasks, in slots 0..Len()-1 ordered by TaskID and so
// by arrival, plus what changed since the previous decision.
//
// Per-task quantities are held in parallel arrays (one per quantity) so a
// policy that scores every task each decision walks contiguous memory; the
// accessors are small enough to be inlined. Everything a policy derives from
// the static tables (remaining sums E, iso_est, estimate of the next layer,
// γ) is maintained incrementally by the engine when a layer completes, so no
// accessor costs more than O(1).
//
// A View is only valid during the Pick call it is passed to.
type View struct {
	s      state
	oracle OracleView
}

// state is the View's data, kept by the engine's board.
type state = viewstate.State[TaskID, Completion, Tables]

// Completion reports that a task's layer finished on the accelerator, with
// what the hardware monitor measured.
type Completion struct {
	ID       TaskID
	Layer    int     // index of the layer that ran
	Sparsity float64 // measured input-activation sparsity of that layer
	Latency  float64 // measured latency of that layer, seconds
	Finished bool    // it was the task's last layer
	End      float64 // time the layer finished
}

// Now is the current simulated time in seconds.
func (v *View) Now() float64 { return v.s.Now }

// Len is the number of runnable tasks, n in SPEC §4.
func (v *View) Len() int { return len(v.s.ID) }

// ID is the task in slot i.
func (v *View) ID(i int) TaskID { return v.s.ID[i] }

// Model is the index in Tables.Models of the variant of the task in slot i.
func (v *View) Model(i int) int { return int(v.s.Model[i]) }

// Done is the number of layers the task in slot i has executed.
func (v *View) Done(i int) int { return int(v.s.Done[i]) }

// Layers is the total number of layers of the task in slot i.
func (v *View) Layers(i int) int { return int(v.s.Total[i]) }

// Arrival is the task's arrival time a.
func (v *View) Arrival(i int) float64 { return v.s.Arrival[i] }

// Deadline is the task's absolute deadline D.
func (v *View) Deadline(i int) float64 { return v.s.Cols.Deadline[i] }

// Priority is the task's priority p.
func (v *View) Priority(i int) float64 { return v.s.Cols.Priority[i] }

// LastExec is when the task's last layer finished (its arrival before the
// first layer ran).
func (v *View) LastExec(i int) float64 { return v.s.Cols.LastExec[i] }

// Idle is now − last_exec.
func (v *View) Idle(i int) float64 { return v.s.Now - v.s.Cols.LastExec[i] }

// Slack is D − now.
func (v *View) Slack(i int) float64 { return v.s.Cols.Deadline[i] - v.s.Now }

// Remaining is E: the static estimate of the task's remaining layers from
// the given table (EstimateFamily or EstimateVariant).
func (v *View) Remaining(i int, e Estimate) float64 {
	if e == EstimateVariant {
		return v.s.Cols.RemVar[i]
	}
	return v.s.Cols.RemFamily[i]
}

// Isolated is iso_est: the static estimate of all the task's layers.
func (v *View) Isolated(i int, e Estimate) float64 {
	if e == EstimateVariant {
		return v.s.Cols.IsoVar[i]
	}
	return v.s.Cols.IsoFam[i]
}

// NextLayer is the static estimate of the task's next layer.
func (v *View) NextLayer(i int, e Estimate) float64 {
	if e == EstimateVariant {
		return v.s.Cols.NextVar[i]
	}
	return v.s.Cols.NextFam[i]
}

// Gamma is γ, the mean over executed layers of (1 − sp_i)/(1 − avg_sp_i);
// 1 before any layer ran. It is maintained for policies that declare the
// Monitor capability; for the others it stays 1.
func (v *View) Gamma(i int) float64 { return v.s.Cols.Gamma[i] }

// Measured returns the sparsity and latency the hardware monitor measured
// for the task's executed layers, in layer order, as fresh copies.
func (v *View) Measured(i int) (sparsity, latency []float64) {
	s, d := &v.s.Specs[v.s.ID[i]], int(v.s.Done[i])
	return slices.Clone(s.Sparsity[:d]), slices.Clone(s.Latency[:d])
}

// Slot returns the slot of task id, or -1 when it is not runnable.
func (v *View) Slot(id TaskID) int {
	if id < 0 || int(id) >= len(v.s.SlotOf) {
		return -1
	}
	return int(v.s.SlotOf[id])
}

// Arrived lists the tasks admitted since the previous decision, in ID order.
func (v *View) Arrived() []TaskID { return v.s.Arrived }

// Completed lists the layers that finished since the previous decision, in
// the order they ran.
func (v *View) Completed() []Completion { return v.s.Completed }

// Tables are the run's static tables.
func (v *View) Tables() *Tables { return v.s.Tables }

// Oracle returns the real-latency view, or nil unless the policy declared
// the Oracle capability.
func (v *View) Oracle() *OracleView {
	if !v.s.Oracle {
		return nil
	}
	v.oracle.v = v
	return &v.oracle
}

// OracleView exposes real latencies of unexecuted layers. Only policies that
// declare Info.Oracle get one; their results are marked as oracle.
type OracleView struct{ v *View }

// Latencies are the real per-layer latencies of the sample of the task in
// slot i, executed and future, as a fresh copy.
func (o *OracleView) Latencies(i int) []float64 {
	return slices.Clone(o.v.s.Specs[o.v.s.ID[i]].Latency)
}

// Sparsities are the real per-layer activation sparsities of the sample of
// the task in slot i, executed and future, as a fresh copy.
func (o *OracleView) Sparsities(i int) []float64 {
	return slices.Clone(o.v.s.Specs[o.v.s.ID[i]].Sparsity)
}

// Remaining is the real latency of the remaining layers of the task in slot i.
func (o *OracleView) Remaining(i int) float64 { return o.v.s.RemReal[i] }

// Isolated is the real isolated latency of the task in slot i.
func (o *OracleView) Isolated(i int) float64 { return o.v.s.IsoReal[i] }
