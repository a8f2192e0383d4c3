package policies

import (
	"github.com/sparsebench/sparsebench/plugins/scheduler"
)

// The policies in this file rank tasks by keys that change only when the
// task itself runs a layer, so they keep the runnable tasks in a heap and
// update it from the view's change lists: O(log k) per decision instead of
// a scan. fcfs needs no heap at all, since the view's slots are sorted by
// arrival.

var (
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
// the variant table for sjf-sparse. Both change only when the task runs.
type sjf struct {
	sparse bool
	heap   *minHeap
}

func newSJF(sparse bool) *sjf { return &sjf{sparse: sparse, heap: newMinHeap()} }

func (s *sjf) Info() scheduler.Info {
	if s.sparse {
		return scheduler.Info{Name: "sjf-sparse", Version: "1", Description: "min γE on variant estimates",
			Estimate: scheduler.EstimateVariant, Monitor: true}
	}
	return scheduler.Info{Name: "sjf", Version: "1", Description: "min E on family estimates",
		Estimate: scheduler.EstimateFamily}
}

func (s *sjf) key(v *scheduler.View, i int) float64 {
	if s.sparse {
		return v.Gamma(i) * v.Remaining(i, scheduler.EstimateVariant)
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
