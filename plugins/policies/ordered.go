package policies

import (
	"math"

	"github.com/sparsebench/sparsebench/plugins/scheduler"
)

// The policies in this file rank tasks by keys that change only when the
// task itself runs a layer, so they keep the runnable tasks in a heap and
// update it from the view's change lists: O(log k) per decision instead of
// a scan. fcfs needs no heap at all, since the view's slots are sorted by
// arrival.

var (
	_ scheduler.Scheduler = (*planaria)(nil)
	_ scheduler.Scheduler = (*fcfs)(nil)
	_ scheduler.Scheduler = (*sjf)(nil)
	_ scheduler.Scheduler = (*edf)(nil)
)

type fcfs struct{}

func (*fcfs) Info() scheduler.Info {
	return scheduler.Info{Name: "fcfs", Version: "1", Description: "earliest arrival", Estimate: scheduler.EstimateNone}
}

// Pick returns slot 0: slots are ordered by arrival, then request id.
func (*fcfs) Pick(v *scheduler.View) (scheduler.TaskID, error) { return v.ID(0), nil }

// sjf ranks by the remaining static estimate E (family table), or by γE on
// the variant table for sjf-sparse (E alone with the monitor off). Both
// change only when the task runs.
type sjf struct {
	sparse, monitor bool
	heap            *minHeap
}

func newSJF(sparse, monitor bool) *sjf {
	return &sjf{sparse: sparse, monitor: sparse && monitor, heap: newMinHeap()}
}

func (s *sjf) Info() scheduler.Info {
	if s.sparse {
		return scheduler.Info{Name: "sjf-sparse", Version: "1", Description: describe("min γE on variant estimates", s.monitor),
			Estimate: scheduler.EstimateVariant, Monitor: s.monitor}
	}
	return scheduler.Info{Name: "sjf", Version: "1", Description: "min E on family estimates",
		Estimate: scheduler.EstimateFamily}
}

func (s *sjf) key(v *scheduler.View, i int) float64 {
	if s.monitor {
		return v.Gamma(i) * v.Remaining(i, scheduler.EstimateVariant)
	}
	if s.sparse {
		return v.Remaining(i, scheduler.EstimateVariant)
	}
	return v.Remaining(i, scheduler.EstimateFamily)
}

func (s *sjf) Pick(v *scheduler.View) (scheduler.TaskID, error) {
	s.heap.sync(v, s.key)
	return s.heap.top(), nil
}

type edf struct{ heap *minHeap }

func (*edf) Info() scheduler.Info {
	return scheduler.Info{Name: "edf", Version: "1", Description: "earliest absolute deadline", Estimate: scheduler.EstimateNone}
}

func (e *edf) Pick(v *scheduler.View) (scheduler.TaskID, error) {
	e.heap.sync(v, func(v *scheduler.View, i int) float64 { return v.Deadline(i) })
	return e.heap.top(), nil
}

// planaria picks the largest p / slack (SPEC §5). Zero slack counts
// as +∞; negative slack is used as is, so late tasks score negative.
//
// Its score moves with time, yet it needs no scan: within one priority level
// the best task is always the one with the earliest deadline — among tasks
// not yet late (D ≥ now) if there are any, since their scores are ≥ 0 and
// p/(D − now) falls as D grows; otherwise among the late ones, whose
// negative scores are closest to zero for the most negative slack. Deadlines
// never change and now never decreases, so each level keeps two heaps by
// (deadline, id), "on time" and "late", and tasks only ever move from the
// first to the second. A decision costs O(levels + moved·log k + ties).
//
// Different deadlines can still round to the same score; the plain arg-max
// then takes the lowest id, so bestScore collects every entry that ties
// with the heap's top — they sit in the top's subtree, since a score never
// rises with the deadline.
type planaria struct {
	levels []*planariaLevel // ascending priority
	onTime []bool           // by TaskID: which heap holds it
	stack  []int            // scratch for minHeap.bestScore
}

type planariaLevel struct {
	p            float64
	onTime, late *minHeap
}

func (*planaria) Info() scheduler.Info {
	return scheduler.Info{Name: "planaria", Version: "1", Description: "max priority / slack", Estimate: scheduler.EstimateNone}
}

func (pl *planaria) level(p float64) *planariaLevel {
	for _, l := range pl.levels {
		if l.p == p {
			return l
		}
	}
	l := &planariaLevel{p: p, onTime: newMinHeap(), late: newMinHeap()}
	i := len(pl.levels)
	pl.levels = append(pl.levels, l)
	for ; i > 0 && pl.levels[i-1].p > p; i-- {
		pl.levels[i] = pl.levels[i-1]
	}
	pl.levels[i] = l
	return l
}

func (pl *planaria) Pick(v *scheduler.View) (scheduler.TaskID, error) {
	now := v.Now()
	for _, c := range v.Completed() {
		if !c.Finished || int(c.ID) >= len(pl.onTime) {
			continue
		}
		for _, l := range pl.levels {
			h := l.late
			if pl.onTime[c.ID] {
				h = l.onTime
			}
			if int(c.ID) < len(h.pos) && h.pos[c.ID] >= 0 {
				h.remove(c.ID)
				break
			}
		}
	}
	for _, id := range v.Arrived() {
		i := v.Slot(id)
		if i < 0 {
			continue // arrived and finished between two calls
		}
		for int(id) >= len(pl.onTime) {
			pl.onTime = append(pl.onTime, false)
		}
		l := pl.level(v.Priority(i))
		if d := v.Deadline(i); d >= now {
			l.onTime.push(id, d)
			pl.onTime[id] = true
		} else {
			l.late.push(id, d)
		}
	}
	best, bestScore := scheduler.TaskID(-1), math.Inf(-1)
	for _, l := range pl.levels {
		for len(l.onTime.items) > 0 && l.onTime.items[0].key < now {
			it := l.onTime.items[0]
			l.onTime.remove(it.id)
			l.late.push(it.id, it.key)
			pl.onTime[it.id] = false
		}
		h := l.late
		if len(l.onTime.items) > 0 {
			h = l.onTime
		}
		if len(h.items) == 0 {
			continue
		}
		var id scheduler.TaskID
		var score float64
		id, score, pl.stack = h.bestScore(l.p, now, pl.stack)
		if best < 0 || score > bestScore || (score == bestScore && id < best) {
			best, bestScore = id, score
		}
	}
	return best, nil
}

// minHeap is an indexed binary heap of runnable tasks ordered by (key, id),
// so equal keys go to the earlier request.
type minHeap struct {
	items []heapItem
	pos   []int32 // by TaskID: index in items, or -1
}

type heapItem struct {
	key float64
	id  scheduler.TaskID
}

func newMinHeap() *minHeap { return &minHeap{} }

func (h *minHeap) less(a, b int) bool {
	x, y := h.items[a], h.items[b]
	return x.key < y.key || (x.key == y.key && x.id < y.id)
}

func (h *minHeap) swap(a, b int) {
	h.items[a], h.items[b] = h.items[b], h.items[a]
	h.pos[h.items[a].id] = int32(a)
	h.pos[h.items[b].id] = int32(b)
}

func (h *minHeap) up(i int) {
	for i > 0 {
		p := (i - 1) / 2
		if !h.less(i, p) {
			return
		}
		h.swap(i, p)
		i = p
	}
}

func (h *minHeap) down(i int) {
	n := len(h.items)
	for {
		l := 2*i + 1
		if l >= n {
			return
		}
		m := l
		if r := l + 1; r < n && h.less(r, l) {
			m = r
		}
		if !h.less(m, i) {
			return
		}
		h.swap(i, m)
		i = m
	}
}

func (h *minHeap) ensure(id scheduler.TaskID) {
	for int(id) >= len(h.pos) {
		h.pos = append(h.pos, -1)
	}
}

func (h *minHeap) push(id scheduler.TaskID, key float64) {
	h.ensure(id)
	h.items = append(h.items, heapItem{key, id})
	h.pos[id] = int32(len(h.items) - 1)
	h.up(len(h.items) - 1)
}

func (h *minHeap) update(id scheduler.TaskID, key float64) {
	i := int(h.pos[id])
	h.items[i].key = key
	h.up(i)
	h.down(int(h.pos[id]))
}

func (h *minHeap) remove(id scheduler.TaskID) {
	i := int(h.pos[id])
	last := len(h.items) - 1
	if i != last {
		h.swap(i, last)
	}
	h.items = h.items[:last]
	h.pos[id] = -1
	if i < len(h.items) {
		h.down(i)
		h.up(i)
	}
}

// sync applies the view's changes since the previous decision: finished
// tasks leave, tasks that ran get their new key, newcomers enter.
func (h *minHeap) sync(v *scheduler.View, key func(*scheduler.View, int) float64) {
	for _, c := range v.Completed() {
		h.ensure(c.ID)
		if h.pos[c.ID] < 0 {
			continue // not tracked (it arrived and finished between two calls)
		}
		if c.Finished {
			h.remove(c.ID)
		} else if i := v.Slot(c.ID); i >= 0 {
			h.update(c.ID, key(v, i))
		}
	}
	for _, id := range v.Arrived() {
		if i := v.Slot(id); i >= 0 {
			h.ensure(id)
			if h.pos[id] < 0 {
				h.push(id, key(v, i))
			} else {
				h.update(id, key(v, i))
			}
		}
	}
}

func (h *minHeap) top() scheduler.TaskID { return h.items[0].id }

// bestScore returns the lowest id among the entries whose Planaria score
// p/(key − now) equals the top entry's (+∞ at zero slack). The score never
// increases with the key, so entries below a node that scores less cannot
// tie and the walk stops there; stack is scratch space.
func (h *minHeap) bestScore(p, now float64, stack []int) (scheduler.TaskID, float64, []int) {
	score := func(key float64) float64 {
		if slack := key - now; slack != 0 {
			return p / slack
		}
		return math.Inf(1)
	}
	top := score(h.items[0].key)
	best := h.items[0].id
	stack = append(stack[:0], 0)
	for len(stack) > 0 {
		i := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		it := h.items[i]
		if i > 0 && score(it.key) != top {
			continue
		}
		if it.id < best {
			best = it.id
		}
		if c := 2*i + 1; c < len(h.items) {
			stack = append(stack, c)
		}
		if c := 2*i + 2; c < len(h.items) {
			stack = append(stack, c)
		}
	}
	return best, top, stack
}
