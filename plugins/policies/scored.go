package policies

import (
	"math"

	"github.com/sparsebench/sparsebench/plugins/scheduler"
)

// The policies in this file score every runnable task at every decision,
// because their scores move with time (slack, idle time, tokens). Each is a
// single pass over the view's slots; slots are sorted by arrival and the
// comparisons are strict, so ties go to the earlier arrival, then the lower
// request id (REFERENCE §5).
//
// Dysta's and PREMA's divisions by per-task constants (iso_est, n) are done
// as multiplications by reciprocals the view keeps: the scores equal
// REFERENCE's formulas up to floating-point rounding (a relative 1e-16 or
// so) and long scans run faster. SDRM3 divides as written, because its
// fairness term idle/est(next layer) produces exact rational ties between
// tasks that a reciprocal would break in the last bit.

var (
	_ scheduler.Scheduler = (*planaria)(nil)
	_ scheduler.Scheduler = (*sdrm3)(nil)
	_ scheduler.Scheduler = (*dysta)(nil)
	_ scheduler.Scheduler = (*prema)(nil)
	_ scheduler.Starter   = (*prema)(nil)
)

// planaria picks the largest p / slack. Zero slack counts as +∞; negative
// slack is used as is, so late tasks score negative and wait.
type planaria struct{}

func (*planaria) Info() scheduler.Info {
	return scheduler.Info{Name: "planaria", Version: "1", Description: "max priority / slack", Estimate: scheduler.EstimateNone}
}

func (*planaria) Pick(v *scheduler.View) (scheduler.TaskID, error) {
	best, bestScore := 0, math.Inf(-1)
	for i, n := 0, v.Len(); i < n; i++ {
		slack := v.Slack(i)
		score := math.Inf(1)
		if slack != 0 {
			score = v.Priority(i) / slack
		}
		if score > bestScore {
			best, bestScore = i, score
		}
	}
	return v.ID(best), nil
}

// sdrm3 picks the largest u + α·f with u = min(1, E/slack) (1 at zero
// slack) and f = idle / estimate of the next layer. The sparse variant uses
// γE and γ·estimate on the variant's table.
type sdrm3 struct {
	alpha  float64
	sparse bool
}

func newSDRM3(p Params, sparse bool) *sdrm3 { return &sdrm3{alpha: p.Alpha, sparse: sparse} }

func (s *sdrm3) Info() scheduler.Info {
	if s.sparse {
		return scheduler.Info{Name: "sdrm3-sparse", Version: "1", Description: "SDRM3 on γ-scaled variant estimates",
			Estimate: scheduler.EstimateVariant, Monitor: true}
	}
	return scheduler.Info{Name: "sdrm3", Version: "1", Description: "SDRM3 on family estimates", Estimate: scheduler.EstimateFamily}
}

func (s *sdrm3) Pick(v *scheduler.View) (scheduler.TaskID, error) {
	now, alpha := v.Now(), s.alpha
	best, bestScore := 0, math.Inf(-1)
	n := v.Len()
	if s.sparse {
		for i := 0; i < n; i++ {
			g := v.Gamma(i)
			score := urgency(g*v.Remaining(i, scheduler.EstimateVariant), v.Deadline(i)-now) +
				alpha*((now-v.LastExec(i))/(g*v.NextLayer(i, scheduler.EstimateVariant)))
			if score > bestScore {
				best, bestScore = i, score
			}
		}
		return v.ID(best), nil
	}
	for i := 0; i < n; i++ {
		score := urgency(v.Remaining(i, scheduler.EstimateFamily), v.Deadline(i)-now) +
			alpha*((now-v.LastExec(i))/v.NextLayer(i, scheduler.EstimateFamily))
		if score > bestScore {
			best, bestScore = i, score
		}
	}
	return v.ID(best), nil
}

// urgency is SDRM3's u = min(1, E/slack), 1 at zero slack; negative slack
// is used as is. It divides only where min would not cap the ratio at 1.
func urgency(e, slack float64) float64 {
	if slack > e || slack < 0 {
		return e / slack
	}
	return 1
}

type dystaKind int

const (
	kindNaive  dystaKind = iota // family estimates, no monitor
	kindSparse                  // variant estimates × γ
	kindOracle                  // real latencies
)

// dysta picks the smallest E' + β·(max(0, slack − E') + idle/iso/n), where
// E' is the remaining estimate (dysta-naive: family; dysta: γ × variant;
// dysta-oracle: real) and iso the matching isolated estimate (for dysta the
// variant's, without γ, as REFERENCE §5 writes it).
type dysta struct {
	beta float64
	kind dystaKind
}

func newDysta(p Params, k dystaKind) *dysta { return &dysta{beta: p.Beta, kind: k} }

func (d *dysta) Info() scheduler.Info {
	switch d.kind {
	case kindSparse:
		return scheduler.Info{Name: "dysta", Version: "1", Description: "Dysta with the hardware monitor",
			Estimate: scheduler.EstimateVariant, Monitor: true}
	case kindOracle:
		return scheduler.Info{Name: "dysta-oracle", Version: "1", Description: "Dysta with real latencies",
			Estimate: scheduler.EstimateReal, Oracle: true}
	}
	return scheduler.Info{Name: "dysta-naive", Version: "1", Description: "Dysta on family estimates",
		Estimate: scheduler.EstimateFamily}
}

func (d *dysta) Pick(v *scheduler.View) (scheduler.TaskID, error) {
	// Each kind gets its own loop so the hot loop has no switch.
	n := v.Len()
	invN := 1 / float64(n)
	now := v.Now()
	beta := d.beta
	best, bestScore := 0, math.Inf(1)
	switch d.kind {
	case kindNaive:
		for i := 0; i < n; i++ {
			e := v.Remaining(i, scheduler.EstimateFamily)
			score := e + beta*(max(0, v.Deadline(i)-now-e)+(now-v.LastExec(i))*v.InvIsolated(i, scheduler.EstimateFamily)*invN)
			if score < bestScore {
				best, bestScore = i, score
			}
		}
	case kindSparse:
		for i := 0; i < n; i++ {
			e := v.Gamma(i) * v.Remaining(i, scheduler.EstimateVariant)
			score := e + beta*(max(0, v.Deadline(i)-now-e)+(now-v.LastExec(i))*v.InvIsolated(i, scheduler.EstimateVariant)*invN)
			if score < bestScore {
				best, bestScore = i, score
			}
		}
	case kindOracle:
		o := v.Oracle()
		for i := 0; i < n; i++ {
			e := o.Remaining(i)
			score := e + beta*(max(0, v.Deadline(i)-now-e)+(now-v.LastExec(i))/o.Isolated(i)*invN)
			if score < bestScore {
				best, bestScore = i, score
			}
		}
	}
	return v.ID(best), nil
}

// prema implements PREMA's token scheme as REFERENCE §5 states it: a task
// seen for the first time gets token = p; at every later decision its token
// grows by p·idle/iso_est (sparse: p·idle/(γ·iso_est)), idle measured from
// its last execution. The threshold is the largest priority level not above
// the largest token among tasks that already held one; candidates hold a
// token ≥ threshold; the shortest (γ-scaled) remaining estimate among them
// runs.
type prema struct {
	levels []float64
	sparse bool
	token  []float64 // by TaskID
	seen   []bool    // by TaskID
}

func newPREMA(p Params, sparse bool) *prema {
	return &prema{levels: append([]float64(nil), p.Levels...), sparse: sparse}
}

func (p *prema) Info() scheduler.Info {
	if p.sparse {
		return scheduler.Info{Name: "prema-sparse", Version: "1", Description: "PREMA on γ-scaled variant estimates",
			Estimate: scheduler.EstimateVariant, Monitor: true}
	}
	return scheduler.Info{Name: "prema", Version: "1", Description: "PREMA on family estimates", Estimate: scheduler.EstimateFamily}
}

func (p *prema) Start(t *scheduler.Tables) error {
	p.token = make([]float64, t.Requests)
	p.seen = make([]bool, t.Requests)
	return nil
}

func (p *prema) Pick(v *scheduler.View) (scheduler.TaskID, error) {
	if p.token == nil { // used without Start: size by the largest id seen
		p.Start(&scheduler.Tables{})
	}
	est := scheduler.EstimateFamily
	if p.sparse {
		est = scheduler.EstimateVariant
	}
	n := v.Len()
	maxOld := 0.0
	for i := 0; i < n; i++ {
		id := v.ID(i)
		p.grow(id)
		prio := v.Priority(i)
		if !p.seen[id] {
			p.seen[id] = true
			p.token[id] = prio
			continue
		}
		rate := prio * v.Idle(i) * v.InvIsolated(i, est)
		if p.sparse {
			rate /= v.Gamma(i)
		}
		p.token[id] += rate
		if p.token[id] > maxOld {
			maxOld = p.token[id]
		}
	}
	threshold := p.levels[0]
	for _, l := range p.levels {
		if maxOld >= l {
			threshold = l
		}
	}
	best, bestE := -1, math.Inf(1)
	for i := 0; i < n; i++ {
		if p.token[v.ID(i)] < threshold {
			continue
		}
		e := v.Remaining(i, est)
		if p.sparse {
			e *= v.Gamma(i)
		}
		if best < 0 || e < bestE {
			best, bestE = i, e
		}
	}
	if best < 0 {
		// Only possible with custom levels below every priority in play;
		// fall back to every task rather than stall.
		for i := 0; i < n; i++ {
			e := v.Remaining(i, est)
			if p.sparse {
				e *= v.Gamma(i)
			}
			if best < 0 || e < bestE {
				best, bestE = i, e
			}
		}
	}
	return v.ID(best), nil
}

func (p *prema) grow(id scheduler.TaskID) {
	for int(id) >= len(p.token) {
		p.token = append(p.token, 0)
		p.seen = append(p.seen, false)
	}
}
