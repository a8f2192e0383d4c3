// Package scheduler is the API between the sparsebench harness and a
// scheduling policy: the Scheduler interface a policy implements, and the
// read-only View of the admitted tasks it decides from.
//
// The View enforces SPEC §4, the information boundary: a policy sees
// each task's static per-layer estimates, the measured sparsity and latency
// of the layers it already ran, and nothing of the real latency of layers
// not yet run — unless the policy declares the Oracle capability, in which
// case View.Oracle gives it the real remaining latencies and its results are
// marked as oracle.
//
// The same interface is served out of process by the plugin protocol; a
// policy written against it runs in either mode.
package scheduler

import "fmt"

// TaskID identifies a request in a run: its index in the request stream,
// which is ordered by arrival.
type TaskID int32

// Estimate says which static per-layer latency table a policy uses.
type Estimate int

const (
	// EstimateNone: the policy does not use latency estimates.
	EstimateNone Estimate = iota
	// EstimateFamily: avg_lat_family, the sparsity-unaware table.
	EstimateFamily
	// EstimateVariant: avg_lat_variant, the pattern-aware table.
	EstimateVariant
	// EstimateReal: real latencies of the task's own sample (oracle only).
	EstimateReal
)

func (e Estimate) String() string {
	switch e {
	case EstimateNone:
		return "none"
	case EstimateFamily:
		return "family"
	case EstimateVariant:
		return "variant"
	case EstimateReal:
		return "real"
	}
	return fmt.Sprintf("Estimate(%d)", int(e))
}

// Info describes a policy. Monitor and Oracle are capabilities: Monitor
// says the policy reads the hardware monitor (γ, measured sparsity); Oracle
// says it needs the real latencies of unexecuted layers, which makes it an
// upper bound that is never ranked with the others.
type Info struct {
	Name        string
	Version     string
	Description string
	Estimate    Estimate
	Monitor     bool
	Oracle      bool
}

// Scheduler is a policy for one run. The harness creates a fresh Scheduler
// for every run and calls Pick at every decision point, that is before each
// layer the accelerator runs, with at least one runnable task in the view.
// Pick returns the ID of the task whose next layer runs; returning a task
// that is not in the view is an error that fails the run.
type Scheduler interface {
	Info() Info
	Pick(v *View) (TaskID, error)
}

// Starter is an optional capability: a policy that needs the static tables
// of every model before the first decision implements it. The harness calls
// Start once, before the first Pick.
type Starter interface {
	Start(t *Tables) error
}

// Tables are the static data of a run: per model, the estimates a policy may
// know. They never include real per-sample latencies.
type Tables struct {
	Models   []ModelTable
	Requests int // number of requests in the run; TaskIDs are 0..Requests-1
}

// ModelTable is the static knowledge about one variant.
type ModelTable struct {
	Name             string
	Family           string
	AvgLatency       []float64 // avg_lat_variant per layer
	FamilyAvgLatency []float64 // avg_lat_family per layer
	AvgSparsity      []float64 // avg_sp per layer
	SLOBase          float64
}

// Layers is the model's layer count.
func (m *ModelTable) Layers() int { return len(m.AvgLatency) }

// Estimates returns the per-layer static table of the given kind.
func (m *ModelTable) Estimates(e Estimate) []float64 {
	if e == EstimateVariant {
		return m.AvgLatency
	}
	return m.FamilyAvgLatency
}
