package policies

import (
	"fmt"
	"math"
	"slices"

	"github.com/sparsebench/sparsebench/plugins/internal/columns"
	"github.com/sparsebench/sparsebench/plugins/scheduler"
)

// The policies in this file score every runnable task at every decision,
// because their scores move with time (slack, idle time, tokens). Each is a
// single pass over the view's slots; slots are sorted by arrival and the
// comparisons are strict, so ties go to the earlier arrival, then the lower
// request id (SPEC §5).
//
// Every score is computed with the specification's operations in the specification's order
// (idle/iso_est/n is two divisions; γ is a mean of quotients), never with
// precomputed reciprocals: those change last bits, which breaks exact ties
// and can move a PREMA token across a threshold.

var (
	_ scheduler.Scheduler = (*sdrm3)(nil)
	_ scheduler.Scheduler = (*dysta)(nil)
	_ scheduler.Scheduler = (*prema)(nil)
)

// sdrm3 picks the largest u + α·f with u = min(1, E/slack) (1 at zero
// slack) and f = idle / estimate of the next layer. The sparse variant uses
// γE and γ·estimate on the variant's table.
type sdrm3 struct {
	alpha           float64
	sparse, monitor bool
	// seed is the runner-up of the previous decision: scoring it first
	// usually sets a high bar at once, so fewer tasks get past the cheap
	// bound below (SDRM3 nearly round-robins, and the winner's idle time
	// drops to 0 when it runs).
	seed scheduler.TaskID
}

func newSDRM3(p Params, sparse bool) *sdrm3 {
	return &sdrm3{alpha: p.Alpha, sparse: sparse, monitor: sparse && p.Monitor, seed: -1}
}

func (s *sdrm3) Info() scheduler.Info {
	if s.sparse {
		return scheduler.Info{Name: "sdrm3-sparse", Version: "1", Description: describe("SDRM3 on γ-scaled variant estimates", s.monitor),
			Estimate: scheduler.EstimateVariant, Monitor: s.monitor}
	}
	return scheduler.Info{Name: "sdrm3", Version: "1", Description: "SDRM3 on family estimates", Estimate: scheduler.EstimateFamily}
}

func (s *sdrm3) Pick(v *scheduler.View) (scheduler.TaskID, error) {
	n := v.Len()
	c := columns.Of(v)
	rem, next, gamma := c.RemFamily[:n], c.NextFam[:n], []float64(nil)
	if s.sparse {
		rem, next = c.RemVar[:n], c.NextVar[:n]
	}
	if s.monitor {
		gamma = c.Gamma[:n]
	}
	seed := 0
	if s.seed >= 0 {
		seed = max(v.Slot(s.seed), 0)
	}
	best, second := sdrm3Scan(v.Now(), s.alpha, c.Deadline[:n], c.LastExec[:n], rem, next, gamma, seed)
	s.seed = -1
	if second >= 0 {
		s.seed = v.ID(second)
	}
	return v.ID(best), nil
}

// sdrm3Scan returns the slot of the largest score, the earliest slot among
// equal scores, and a runner-up (-1 if none was scored) to seed the next
// decision. gamma is nil for the non-sparse policy. Slot seed is scored
// first; the others follow in slot order, and comparisons on equal scores
// look at the slots, so the result does not depend on the seed.
//
// u ≤ 1 and rounding is monotone, so u + f ≤ 1 + f: a task whose 1 + f is
// below the best score so far cannot win, and its urgency's division is
// skipped. Before even dividing for f, a multiplication decides most
// tasks: when α·idle ≤ (best − 1)·(1 − 10⁻⁹)·next, f is below best − 1 by
// far more than any rounding, so the task cannot win either. The exact
// computation runs for every task that survives, so picks are those of the
// plain formula.
func sdrm3Scan(now, alpha float64, dl, last, rem, next, gamma []float64, seed int) (best, second int) {
	n := len(dl)
	dl, last, rem, next = dl[:n], last[:n], rem[:n], next[:n]
	g := 1.0
	if gamma != nil {
		gamma = gamma[:n]
		g = gamma[seed]
	}
	best, second = seed, -1
	bestScore := urgency(g*rem[seed], dl[seed]-now) + float64(alpha*((now-last[seed])/(g*next[seed])))
	secondScore := math.Inf(-1)
	skip := seed // scored already
	if bestScore != bestScore {
		// A NaN never wins a plain arg-max: scan as one, from slot 0.
		// (Inside the numeric domain no score is NaN.)
		best, bestScore, skip = 0, math.Inf(-1), -1
	}
	// bar is (bestScore − 1)·pruneMargin while bestScore is finite and
	// above pruneFloor; otherwise nothing is pruned before its division.
	bar := math.Inf(-1)
	if bestScore > pruneFloor && bestScore <= math.MaxFloat64 {
		bar = (bestScore - 1) * pruneMargin
	}
	for i := 0; i < n; i++ {
		if gamma != nil {
			g = gamma[i]
		}
		if alpha*(now-last[i]) <= bar*(g*next[i]) || i == skip {
			continue
		}
		f := float64(alpha * ((now - last[i]) / (g * next[i])))
		if f+1 < bestScore || f+1 == bestScore && i > best {
			continue
		}
		score := urgency(g*rem[i], dl[i]-now) + f
		if score > bestScore || score == bestScore && i < best {
			second, secondScore = best, bestScore
			best, bestScore = i, score
			if bestScore > pruneFloor && bestScore <= math.MaxFloat64 {
				bar = (bestScore - 1) * pruneMargin
			}
		} else if score > secondScore {
			second, secondScore = i, score
		}
	}
	return best, second
}

// The float64 conversions in these scores are not redundant: they forbid
// the compiler to fuse a multiply and an add into one FMA instruction
// (which Go allows on some architectures), so scores round the same way on
// every machine and the bounds below stay below the scores they bound.

// pruneMargin and pruneFloor make SDRM3's division-free pre-check safe: a
// relative margin of 10⁻⁹ dwarfs the few ulps of rounding in f and in
// f + 1 as long as the best score exceeds 1 by a thousandth.
const (
	pruneMargin = 1 - 1e-9
	pruneFloor  = 1.001
)

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
// variant's, without γ, as SPEC §5 writes it).
type dysta struct {
	beta    float64
	kind    dystaKind
	monitor bool             // kindSparse only: γ from the monitor, else 1
	last    scheduler.TaskID // the previous pick, scored first; -1 at the start
}

func newDysta(p Params, k dystaKind) *dysta {
	return &dysta{beta: p.Beta, kind: k, monitor: k == kindSparse && p.Monitor, last: -1}
}

func (d *dysta) Info() scheduler.Info {
	switch d.kind {
	case kindSparse:
		return scheduler.Info{Name: "dysta", Version: "1", Description: describe("Dysta with the hardware monitor", d.monitor),
			Estimate: scheduler.EstimateVariant, Monitor: d.monitor}
	case kindOracle:
		return scheduler.Info{Name: "dysta-oracle", Version: "1", Description: "Dysta with real latencies",
			Estimate: scheduler.EstimateReal, Oracle: true}
	}
	return scheduler.Info{Name: "dysta-naive", Version: "1", Description: "Dysta on family estimates",
		Estimate: scheduler.EstimateFamily}
}

func (d *dysta) Pick(v *scheduler.View) (scheduler.TaskID, error) {
	c := columns.Of(v)
	n := v.Len()
	var rem, iso, gamma []float64
	switch d.kind {
	case kindNaive:
		rem, iso = c.RemFamily[:n], c.IsoFam[:n]
	case kindSparse:
		rem, iso = c.RemVar[:n], c.IsoVar[:n]
		if d.monitor {
			gamma = c.Gamma[:n]
		}
	case kindOracle:
		rem, iso = columns.OracleOf(v.Oracle())
	}
	seed := 0
	if d.last >= 0 {
		seed = max(v.Slot(d.last), 0)
	}
	best := dystaScan(v.Now(), d.beta, c.Deadline[:n], c.LastExec[:n], rem[:n], iso[:n], gamma, seed)
	d.last = v.ID(best)
	return d.last, nil
}

// dystaScan returns the slot of the smallest score, the earliest slot among
// equal scores. gamma is nil where E' is not γ-scaled. Slot seed is scored
// first: Dysta mostly keeps running the task it picked last, whose score
// then sets a low bar at once. Comparisons on equal scores look at the
// slots, so the result does not depend on the seed.
//
// The idle term is ≥ 0 and rounding is monotone, so the computed score is
// never below the computed e + β·max(0, slack − e): a task whose bound
// already exceeds the best score cannot win, and its two divisions are
// skipped without changing any pick.
func dystaScan(now, beta float64, dl, last, rem, iso, gamma []float64, seed int) int {
	n := len(dl)
	dl, last, rem, iso = dl[:n], last[:n], rem[:n], iso[:n]
	fn := float64(n)
	e := rem[seed]
	if gamma != nil {
		e = gamma[seed] * e
	}
	best, bestScore := seed, e+float64(beta*(posPart(dl[seed]-now-e)+(now-last[seed])/iso[seed]/fn))
	if bestScore != bestScore {
		// A NaN never wins a plain arg-min: scan as one, from slot 0.
		// (Inside the numeric domain no score is NaN.)
		best, bestScore = 0, math.Inf(1)
	}
	if gamma != nil {
		gamma = gamma[:n]
		for i := 0; i < n; i++ {
			e := gamma[i] * rem[i]
			p := posPart(dl[i] - now - e)
			if bound := e + float64(beta*p); bound > bestScore || bound == bestScore && i >= best {
				continue // includes the seed itself
			}
			score := e + float64(beta*(p+(now-last[i])/iso[i]/fn))
			if score < bestScore || score == bestScore && i < best {
				best, bestScore = i, score
			}
		}
		return best
	}
	for i := 0; i < n; i++ {
		e := rem[i]
		p := posPart(dl[i] - now - e)
		if bound := e + float64(beta*p); bound > bestScore || bound == bestScore && i >= best {
			continue
		}
		score := e + float64(beta*(p+(now-last[i])/iso[i]/fn))
		if score < bestScore || score == bestScore && i < best {
			best, bestScore = i, score
		}
	}
	return best
}

// prema implements PREMA's token scheme as SPEC §5 states it: a task
// seen for the first time gets token = p; at every later decision its token
// grows by p·idle/iso_est (sparse: p·idle/(γ·iso_est)), idle measured from
// its last execution. The threshold is the largest priority level not above
// the largest token among tasks that already held one; candidates hold a
// token ≥ threshold; the shortest (γ-scaled) remaining estimate among them
// runs.
//
// Tokens are kept in slot order, mirroring the view (slots are sorted by
// id; a task leaves when it finishes), so the per-decision update walks
// contiguous memory.
type prema struct {
	levels          []float64
	sparse, monitor bool
	ids             []scheduler.TaskID // the tasks of the previous decision, in slot order
	token           []float64          // parallel to ids
}

func newPREMA(p Params, sparse bool) *prema {
	return &prema{levels: append([]float64(nil), p.Levels...), sparse: sparse, monitor: sparse && p.Monitor}
}

func (p *prema) Info() scheduler.Info {
	if p.sparse {
		return scheduler.Info{Name: "prema-sparse", Version: "1", Description: describe("PREMA on γ-scaled variant estimates", p.monitor),
			Estimate: scheduler.EstimateVariant, Monitor: p.monitor}
	}
	return scheduler.Info{Name: "prema", Version: "1", Description: "PREMA on family estimates", Estimate: scheduler.EstimateFamily}
}

// tokenOf returns a task's token and whether it holds one.
func (p *prema) tokenOf(id scheduler.TaskID) (float64, bool) {
	i, ok := slices.BinarySearch(p.ids, id)
	if !ok {
		return 0, false
	}
	return p.token[i], true
}

// sync drops finished tasks and appends newcomers, so that ids matches the
// view's slots; it returns the number of tasks that held a token before.
func (p *prema) sync(v *scheduler.View) (old int) {
	for _, c := range v.Completed() {
		if !c.Finished {
			continue
		}
		i, ok := slices.BinarySearch(p.ids, c.ID)
		if ok {
			p.ids = slices.Delete(p.ids, i, i+1)
			p.token = slices.Delete(p.token, i, i+1)
		}
	}
	old = len(p.ids)
	for i := old; i < v.Len(); i++ {
		p.ids = append(p.ids, v.ID(i))
		p.token = append(p.token, v.Priority(i)) // a newcomer's token is its priority
	}
	return old
}

func (p *prema) Pick(v *scheduler.View) (scheduler.TaskID, error) {
	old := p.sync(v)
	c := columns.Of(v)
	n := v.Len()
	if len(p.ids) != n || (n > 0 && p.ids[n-1] != v.ID(n-1)) {
		return 0, fmt.Errorf("prema: lost track of the runnable tasks (%d tracked, %d in view)", len(p.ids), n)
	}
	now := v.Now()
	prio, last, gamma := c.Priority[:n], c.LastExec[:n], c.Gamma[:n]
	rem, iso := c.RemFamily[:n], c.IsoFam[:n]
	if p.sparse {
		rem, iso = c.RemVar[:n], c.IsoVar[:n]
	}
	token := p.token[:n]
	maxOld := 0.0
	if p.monitor {
		for i := 0; i < old; i++ {
			t := token[i] + prio[i]*(now-last[i])/(gamma[i]*iso[i])
			token[i] = t
			if t > maxOld {
				maxOld = t
			}
		}
	} else {
		for i := 0; i < old; i++ {
			t := token[i] + prio[i]*(now-last[i])/iso[i]
			token[i] = t
			if t > maxOld {
				maxOld = t
			}
		}
	}
	threshold := p.levels[0]
	for _, l := range p.levels {
		if maxOld >= l {
			threshold = l
		}
	}
	// Non-candidates get an infinite estimate rather than a skip, which
	// keeps the loop free of hard-to-predict branches.
	inf := math.Inf(1)
	best, bestE := -1, inf
	for i := 0; i < n; i++ {
		e := rem[i]
		if p.monitor {
			e *= gamma[i]
		}
		if token[i] < threshold {
			e = inf
		}
		if e < bestE {
			best, bestE = i, e
		}
	}
	if best < 0 {
		// No task reached the threshold: only possible with custom levels
		// whose smallest exceeds every token (SPEC §5.3). Fall back to
		// every runnable task rather than stall.
		for i := 0; i < n; i++ {
			e := rem[i]
			if p.monitor {
				e *= gamma[i]
			}
			if best < 0 || e < bestE {
				best, bestE = i, e
			}
		}
	}
	return v.ID(best), nil
}

// describe is a monitor-using policy's description, marked when the
// monitor is switched off.
func describe(what string, monitor bool) string {
	if monitor {
		return what
	}
	return what + ", monitor off (γ = 1)"
}

// posPart is max(0, x) for the finite x of a score. The builtin max also
// orders NaNs and signed zeros, which costs a few branches in loops that run
// over thousands of tasks per decision.
func posPart(x float64) float64 {
	if x < 0 {
		return 0
	}
	return x
}
