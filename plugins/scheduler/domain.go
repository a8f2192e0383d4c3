package scheduler

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
