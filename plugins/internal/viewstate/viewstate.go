// Package viewstate holds the state behind a scheduler.View, so that the
// package that owns it (plugins/scheduler/board, the engine's and the SDK's
// board) can keep it up to date while plugins/scheduler shows policies only
// read-only accessors. It is internal: no third-party code can reach it.
//
// State is generic in the scheduler package's own types (TaskID, Completion,
// Tables) only so that this package need not import the one that embeds it;
// both sides instantiate it with the same types.
package viewstate

import "github.com/sparsebench/sparsebench/plugins/internal/columns"

// Spec is everything the engine knows about one request. The real per-layer
// Latency and Sparsity of its sample stay behind the View: a policy sees the
// executed prefix through the monitor and the rest only as an oracle.
type Spec struct {
	Model    int
	Arrival  float64
	Deadline float64 // absolute
	Priority float64
	Latency  []float64
	Sparsity []float64
}

// State is a View's data: the runnable tasks in slots 0..len(ID)-1, ordered
// by ID and so by arrival, in parallel arrays (one per quantity), plus what
// changed since the previous decision.
type State[ID ~int32, C any, T any] struct {
	Now   float64
	ID    []ID
	Model []int32
	Done  []int32 // layers executed
	Total []int32 // layers in the model

	Arrival []float64
	// NextReal is the real latency of each slot's next layer, kept so
	// running a layer reads one hot array instead of chasing the task's
	// spec to its sample. It is simulator state: no policy sees it (an
	// oracle reads real latencies through the OracleView).
	NextReal []float64
	// Cols holds the per-slot quantities that scoring policies read, in the
	// layout package columns gives them direct access to.
	Cols     columns.Columns
	GammaSum []float64

	Arrived   []ID
	Completed []C

	Tables *T
	Specs  []Spec  // by ID
	SlotOf []int32 // by ID: slot, or -1 when not runnable

	// Oracle says the policy declared the Oracle capability; RemReal and
	// IsoReal are then the real remaining and isolated latency per slot.
	Oracle           bool
	RemReal, IsoReal []float64
}

// Of is set by package scheduler to return the state inside a *View.
var Of func(view any) any
