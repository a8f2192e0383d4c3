package main

import (
	"github.com/sparsebench/sparsebench/plugins/scheduler"
)

// LLF is least-laxity-first: it runs the task with the least laxity, the
// time it could still wait and meet its deadline — its slack D − now minus
// its estimated remaining work. The estimate is the variant's per-layer
// average latency over the remaining layers, scaled by γ, the hardware
// monitor's correction from the sparsity measured on the layers the task
// already ran (SPEC §4). Ties go to the earlier arrival, since the
// view's slots are in arrival order and the comparison is strict.
type LLF struct{}

// Compile-time check that LLF is a scheduler.
var _ scheduler.Scheduler = (*LLF)(nil)

// Info declares the policy. Monitor says it reads γ; it is not an oracle,
// so it never sees the real latency of a layer before the layer runs.
func (*LLF) Info() scheduler.Info {
	return scheduler.Info{
		Name:        "llf",
		Version:     "1.0.0",
		Description: "least laxity first: min slack − γ-corrected remaining estimate",
		Estimate:    scheduler.EstimateVariant,
		Monitor:     true,
	}
}

// Pick scans the runnable tasks once.
func (*LLF) Pick(v *scheduler.View) (scheduler.TaskID, error) {
	best, bestLaxity := 0, 0.0
	for i := 0; i < v.Len(); i++ {
		remaining := v.Gamma(i) * v.Remaining(i, scheduler.EstimateVariant)
		laxity := v.Slack(i) - remaining
		if i == 0 || laxity < bestLaxity {
			best, bestLaxity = i, laxity
		}
	}
	return v.ID(best), nil
}
