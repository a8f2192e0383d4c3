package harness_test

import (
	"errors"
	"fmt"
	"math"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/sparsebench/sparsebench/hardware/catalogue"
	"github.com/sparsebench/sparsebench/harness"
	"github.com/sparsebench/sparsebench/harness/workload"
	"github.com/sparsebench/sparsebench/plugins/policies"
	"github.com/sparsebench/sparsebench/plugins/scheduler"
)

// timeTol is the tolerance on simulated times that are sums of the same
// latencies taken in a different order (a few ulps of a time of seconds).
const timeTol = 1e-9

// ---------------------------------------------------------------- hand-computed

// handCatalogue is one model of two layers with two samples:
// sample 0: latencies [1, 2] (isolated 3), sample 1: [0.5, 0.5] (isolated 1).
func handCatalogue(t *testing.T) *catalogue.Catalogue {
	t.Helper()
	cat := &catalogue.Catalogue{Models: []catalogue.Model{{
		Name: "m", Family: "f",
		Samples: []catalogue.Sample{
			{Latency: []float64{1, 2}, Sparsity: []float64{0, 0}},
			{Latency: []float64{0.5, 0.5}, Sparsity: []float64{0, 0}},
		},
	}}}
	if err := cat.Derive(); err != nil {
		t.Fatal(err)
	}
	return cat
}

func mustPolicy(t *testing.T, spec string) scheduler.Scheduler {
	t.Helper()
	s, err := policies.ParseSpec(spec)
	if err != nil {
		t.Fatal(err)
	}
	return s.New()
}

func TestRunHandComputed(t *testing.T) {
	cat := handCatalogue(t)
	reqs := []workload.Request{
		{Arrival: 0, Model: 0, Sample: 0, Priority: 1, Deadline: 5},   // r0: iso 3
		{Arrival: 0.5, Model: 0, Sample: 1, Priority: 1, Deadline: 2}, // r1: iso 1
		{Arrival: 10, Model: 0, Sample: 0, Priority: 1, Deadline: 12}, // r2: iso 3
	}
	cases := []struct {
		policy      string
		cost        float64
		finish      []float64
		preemptions int
		violations  int
	}{
		// fcfs: t=0 r0 L0 → 1; r0 L1 → 3 (done); r1 → 3.5 → 4 (done);
		// idle until 10; r2 → 11 → 13.
		// violations: r0 3 ≤ 5, r1 4 > 2, r2 13 > 12 → 2
		{"fcfs", 0, []float64{3, 4, 13}, 0, 2},
		// edf: t=0 only r0 → 1; t=1 r1 (D 2 < 5) preempts r0 → 1.5 → 2 (done);
		// r0 → 4 (done); r2 at 10 → 13.
		// violations: r1 2 ≤ 2 (not late), r2 13 > 12 → 1
		{"edf", 0, []float64{4, 2, 13}, 1, 1},
		// edf with a 0.25 s context switch, paid once at t=1 (switch from the
		// unfinished r0 to r1): r1 1.25 → 1.75 → 2.25; r0 (r1 finished: no
		// cost) 2.25 → 4.25; r2 (r0 finished: no cost) 10 → 13.
		// violations: r1 2.25 > 2, r2 → 2
		{"edf", 0.25, []float64{4.25, 2.25, 13}, 1, 2},
	}
	for _, c := range cases {
		t.Run(fmt.Sprintf("%s/cost=%g", c.policy, c.cost), func(t *testing.T) {
			out, err := harness.Run(cat, reqs, mustPolicy(t, c.policy), harness.Options{PreemptionCost: c.cost})
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(c.finish, out.Finish); diff != "" {
				t.Errorf("finish (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff([]float64{3, 1, 3}, out.Isolated); diff != "" {
				t.Errorf("isolated (-want +got):\n%s", diff)
			}
			if out.Preemptions != c.preemptions || out.Metrics.Preemptions != c.preemptions {
				t.Errorf("preemptions %d (metrics %d), want %d", out.Preemptions, out.Metrics.Preemptions, c.preemptions)
			}
			if out.Decisions != 6 {
				t.Errorf("decisions %d, want 6 (one per layer)", out.Decisions)
			}
			if out.Metrics.Violations != c.violations {
				t.Errorf("violations %d, want %d", out.Metrics.Violations, c.violations)
			}
			if out.Metrics.Makespan != 13 {
				t.Errorf("makespan %g, want 13", out.Metrics.Makespan)
			}
			if out.Scheduler.Name != c.policy {
				t.Errorf("outcome names scheduler %q", out.Scheduler.Name)
			}
		})
	}
}

// SPEC §6 deviation 1: when the queue empties during a layer, the next
// request starts when the layer ends, not at its own (earlier) arrival.
func TestRunNoTimeTravelWhenQueueEmpties(t *testing.T) {
	cat := handCatalogue(t)
	reqs := []workload.Request{
		{Arrival: 0, Model: 0, Sample: 0, Priority: 1, Deadline: 100}, // layers 0→1, 1→3
		{Arrival: 2, Model: 0, Sample: 1, Priority: 1, Deadline: 100}, // arrives during r0's last layer
	}
	out, err := harness.Run(cat, reqs, mustPolicy(t, "fcfs"), harness.Options{})
	if err != nil {
		t.Fatal(err)
	}
	// r1 starts at 3, not at 2: 3 → 3.5 → 4 (the artifact would say 3)
	if diff := cmp.Diff([]float64{3, 4}, out.Finish); diff != "" {
		t.Errorf("finish (-want +got):\n%s", diff)
	}
}

// Admission (deviation 2): every request with arrival ≤ now is admitted before
// a decision, including one arriving exactly at now, and several at once
// after an idle period.
func TestRunAdmitsAllArrivedIncludingEqualTimes(t *testing.T) {
	cat := handCatalogue(t)
	reqs := []workload.Request{
		{Arrival: 0, Model: 0, Sample: 1, Priority: 1, Deadline: 100},  // 0 → 0.5 → 1
		{Arrival: 1, Model: 0, Sample: 0, Priority: 1, Deadline: 100},  // arrives exactly at 1
		{Arrival: 1, Model: 0, Sample: 1, Priority: 1, Deadline: 100},  // also at 1
		{Arrival: 20, Model: 0, Sample: 0, Priority: 1, Deadline: 100}, // after an idle period
		{Arrival: 20, Model: 0, Sample: 1, Priority: 1, Deadline: 100},
	}
	var seen [][]scheduler.TaskID
	rec := &funcPolicy{name: "rec", pick: func(v *scheduler.View) (scheduler.TaskID, error) {
		var ids []scheduler.TaskID
		for i := 0; i < v.Len(); i++ {
			ids = append(ids, v.ID(i))
		}
		seen = append(seen, ids)
		return v.ID(v.Len() - 1), nil // last arrived first
	}}
	if _, err := harness.Run(cat, reqs, rec, harness.Options{}); err != nil {
		t.Fatal(err)
	}
	// t=0 {0} → r0 L0 → 0.5; t=0.5 {0} → 1 (done); t=1 {1,2} → r2 → 1.5 → 2 (done);
	// r1 2 → 3 → 5 (done); idle to 20: {3,4} → r4 …
	want := [][]scheduler.TaskID{{0}, {0}, {1, 2}, {1, 2}, {1}, {1}, {3, 4}, {3, 4}, {3}, {3}}
	if diff := cmp.Diff(want, seen); diff != "" {
		t.Errorf("runnable tasks at each decision (-want +got):\n%s", diff)
	}
}

func TestRunEmpty(t *testing.T) {
	out, err := harness.Run(handCatalogue(t), nil, mustPolicy(t, "fcfs"), harness.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if out.Decisions != 0 || len(out.Finish) != 0 || out.Metrics.Requests != 0 {
		t.Errorf("empty run: %+v", out)
	}
}

// ---------------------------------------------------------------- misbehaving policies

type funcPolicy struct {
	name string
	pick func(v *scheduler.View) (scheduler.TaskID, error)
}

func (f *funcPolicy) Info() scheduler.Info                             { return scheduler.Info{Name: f.name, Version: "test"} }
func (f *funcPolicy) Pick(v *scheduler.View) (scheduler.TaskID, error) { return f.pick(v) }

func TestRunRejectsBadPolicies(t *testing.T) {
	cat := handCatalogue(t)
	reqs := []workload.Request{
		{Arrival: 0.5, Model: 0, Sample: 1, Priority: 1, Deadline: 100}, // r0: 0.5 → 1 → 1.5
		{Arrival: 0.5, Model: 0, Sample: 1, Priority: 1, Deadline: 100}, // r1
		{Arrival: 7, Model: 0, Sample: 1, Priority: 1, Deadline: 100},   // r2
	}
	boom := errors.New("boom")
	decisions := 0
	cases := []struct {
		name string
		pick func(v *scheduler.View) (scheduler.TaskID, error)
		want []string // substrings of the error
	}{
		{"unknown", func(*scheduler.View) (scheduler.TaskID, error) { return 1000, nil },
			[]string{"scheduler unknown ", "t=0.5s", "task 1000", "unknown", "0..2"}},
		{"negative", func(*scheduler.View) (scheduler.TaskID, error) { return -1, nil },
			[]string{"scheduler negative ", "t=0.5s", "task -1", "unknown"}},
		{"future", func(*scheduler.View) (scheduler.TaskID, error) { return 2, nil },
			[]string{"scheduler future ", "t=0.5s", "task 2", "not yet arrived"}},
		// always r0: fine for its two layers, then r0 is finished at t=1.5
		{"finished", func(*scheduler.View) (scheduler.TaskID, error) { return 0, nil },
			[]string{"scheduler finished ", "t=1.5s", "decision 2", "task 0", "already finished"}},
		{"error", func(v *scheduler.View) (scheduler.TaskID, error) {
			if v.Now() >= 1 {
				return 0, boom
			}
			return v.ID(0), nil
		}, []string{"scheduler error ", "t=1s", "boom"}},
		{"panic", func(v *scheduler.View) (scheduler.TaskID, error) {
			decisions++
			if decisions == 3 {
				var m map[string]int
				m["x"]++ // nil map write
			}
			return v.ID(0), nil
		}, []string{"scheduler panic ", "panic", "nil map"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			out, err := harness.Run(cat, reqs, &funcPolicy{name: c.name, pick: c.pick}, harness.Options{})
			if err == nil {
				t.Fatalf("Run succeeded, want an error containing %q", c.want)
			}
			if out != nil {
				t.Errorf("a failed run returned an outcome: %+v", out)
			}
			for _, w := range c.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
		})
	}
	// The policy's error is wrapped, not flattened.
	_, err := harness.Run(cat, reqs, &funcPolicy{name: "e", pick: func(*scheduler.View) (scheduler.TaskID, error) { return 0, boom }}, harness.Options{})
	if !errors.Is(err, boom) {
		t.Errorf("errors.Is(%v, boom) = false", err)
	}
}

// ---------------------------------------------------------------- properties

// checker wraps a policy and verifies, at every decision, the simulation
// rules of SPEC §2 against its own independent bookkeeping of the run:
// which layer each task is at, when the previous layer ended, what was
// admitted.
type checker struct {
	t     *testing.T
	inner scheduler.Scheduler
	cat   *catalogue.Catalogue
	reqs  []workload.Request
	cost  float64

	done      []int     // layers run per request
	finish    []float64 // expected finish per request
	finished  int
	admitted  int // requests with arrival ≤ now at the previous decision
	prev      scheduler.TaskID
	prevLayer int
	end       float64 // end of the previous layer
	lastNow   float64
	picks     int
	busy      float64 // Σ layer latencies run
	idle      float64 // Σ idle gaps
	preempt   int
	errs      int
}

func newChecker(t *testing.T, inner scheduler.Scheduler, cat *catalogue.Catalogue, reqs []workload.Request, cost float64) *checker {
	return &checker{t: t, inner: inner, cat: cat, reqs: reqs, cost: cost,
		done: make([]int, len(reqs)), finish: make([]float64, len(reqs)), prev: -1, lastNow: math.Inf(-1)}
}

func (c *checker) Info() scheduler.Info { return c.inner.Info() }

func (c *checker) Start(t *scheduler.Tables) error {
	if st, ok := c.inner.(scheduler.Starter); ok {
		return st.Start(t)
	}
	return nil
}

func (c *checker) fail(format string, args ...any) {
	c.errs++
	if c.errs <= 5 {
		c.t.Helper()
		c.t.Errorf("%s decision %d: %s", c.inner.Info().Name, c.picks, fmt.Sprintf(format, args...))
	}
}

func (c *checker) layers(id scheduler.TaskID) []float64 {
	r := c.reqs[id]
	return c.cat.Models[r.Model].Samples[r.Sample].Latency
}

// arrivedBy is the number of requests with arrival ≤ t.
func (c *checker) arrivedBy(t float64) int {
	return sort.Search(len(c.reqs), func(i int) bool { return c.reqs[i].Arrival > t })
}

func (c *checker) Pick(v *scheduler.View) (scheduler.TaskID, error) {
	now := v.Now()
	// No time travel.
	if now < c.lastNow {
		c.fail("now %g < previous decision's %g", now, c.lastNow)
	}
	// The previous layer is reported exactly once, with the right values.
	comp := v.Completed()
	if c.picks == 0 {
		if len(comp) != 0 {
			c.fail("completions %v before any layer ran", comp)
		}
		if now != c.reqs[0].Arrival {
			c.fail("first decision at %g, want the first arrival %g", now, c.reqs[0].Arrival)
		}
	} else {
		r := c.reqs[c.prev]
		want := scheduler.Completion{ID: c.prev, Layer: c.prevLayer,
			Sparsity: c.cat.Models[r.Model].Samples[r.Sample].Sparsity[c.prevLayer],
			Latency:  c.layers(c.prev)[c.prevLayer],
			Finished: c.done[c.prev] == len(c.layers(c.prev)), End: c.end}
		if len(comp) != 1 || comp[0] != want {
			c.fail("completions since the previous decision (-want +got):\n%s", cmp.Diff([]scheduler.Completion{want}, comp))
		}
		// Work conservation: if anything unfinished had arrived by the end
		// of the previous layer, the decision is at that end; otherwise the
		// accelerator idles until the next arrival, and not longer.
		k := c.arrivedBy(c.end)
		switch {
		case k > c.finished:
			if now != c.end {
				c.fail("decision at %g, but the previous layer ended at %g with work waiting", now, c.end)
			}
		case k < len(c.reqs):
			if now != c.reqs[k].Arrival {
				c.fail("idle decision at %g, want the next arrival %g", now, c.reqs[k].Arrival)
			}
			c.idle += now - c.end
		default:
			c.fail("a decision at %g after every request finished", now)
		}
	}
	// Admission: every request with arrival ≤ now is runnable unless
	// finished; none with arrival > now is.
	k := c.arrivedBy(now)
	if v.Len() != k-c.finished {
		c.fail("%d runnable tasks, want %d (arrived %d, finished %d)", v.Len(), k-c.finished, k, c.finished)
	}
	for i := 0; i < v.Len(); i++ {
		id := v.ID(i)
		if int(id) >= k || c.done[id] == len(c.layers(id)) {
			c.fail("task %d in the view: arrival %g, now %g, layers run %d", id, c.reqs[id].Arrival, now, c.done[id])
		}
		if i > 0 && v.ID(i-1) >= id {
			c.fail("slots out of id order: %d then %d", v.ID(i-1), id)
		}
		if v.Done(i) != c.done[id] || v.Slot(id) != i {
			c.fail("task %d: view says %d layers done in slot %d, want %d in slot %d", id, v.Done(i), v.Slot(id), c.done[id], i)
		}
	}
	if k < len(c.reqs) && v.Slot(scheduler.TaskID(k)) != -1 {
		c.fail("task %d (arrival %g > now %g) has slot %d", k, c.reqs[k].Arrival, now, v.Slot(scheduler.TaskID(k)))
	}
	arrived := v.Arrived()
	ok := len(arrived) == k-c.admitted
	for j := 0; ok && j < len(arrived); j++ {
		ok = arrived[j] == scheduler.TaskID(c.admitted+j)
	}
	if !ok {
		c.fail("Arrived() = %v, want tasks %d..%d", arrived, c.admitted, k-1)
	}
	c.admitted = k
	// Information boundary.
	if (v.Oracle() != nil) != c.inner.Info().Oracle {
		c.fail("Oracle() = %v for a policy with Oracle = %v", v.Oracle(), c.inner.Info().Oracle)
	}

	id, err := c.inner.Pick(v)
	if err != nil || v.Slot(id) < 0 {
		return id, err // the engine must reject it; tested elsewhere
	}
	// The engine's rules for the layer that now runs.
	start := now
	if c.prev >= 0 && id != c.prev && c.done[c.prev] < len(c.layers(c.prev)) {
		c.preempt++
		start += c.cost
	}
	layer := c.done[id]
	lat := c.layers(id)[layer]
	c.end = start + lat
	c.busy += lat
	c.done[id]++
	if c.done[id] == len(c.layers(id)) {
		c.finished++
		c.finish[id] = c.end
	}
	c.prev, c.prevLayer, c.lastNow = id, layer, now
	c.picks++
	return id, nil
}

// after checks the outcome of the run against the checker's bookkeeping.
func (c *checker) after(out *harness.Outcome) {
	t := c.t
	t.Helper()
	name := c.inner.Info().Name
	totalLayers, sumIso := 0, 0.0
	for id := range c.reqs {
		n := len(c.layers(scheduler.TaskID(id)))
		totalLayers += n
		// Each layer ran exactly once (the view's Completed lists, checked
		// at every decision, agree with this count).
		if c.done[id] != n {
			t.Errorf("%s: request %d ran %d of %d layers", name, id, c.done[id], n)
		}
		iso := out.Isolated[id]
		sumIso += iso
		// Every request finishes, at least its isolated latency after arrival.
		if out.Finish[id] < c.reqs[id].Arrival+iso-timeTol {
			t.Errorf("%s: request %d finishes at %g < arrival %g + isolated %g", name, id, out.Finish[id], c.reqs[id].Arrival, iso)
		}
	}
	if out.Decisions != totalLayers || c.picks != totalLayers {
		t.Errorf("%s: %d decisions (%d picks seen), want one per layer: %d", name, out.Decisions, c.picks, totalLayers)
	}
	if diff := cmp.Diff(c.finish, out.Finish); diff != "" {
		t.Errorf("%s: finish times (-checker +engine):\n%s", name, diff)
	}
	if out.Preemptions != c.preempt {
		t.Errorf("%s: %d preemptions, the checker counted %d", name, out.Preemptions, c.preempt)
	}
	// Busy time is the sum of isolated latencies; busy + switches + idle
	// gaps is the makespan.
	approx := cmpopts.EquateApprox(0, timeTol)
	if !cmp.Equal(sumIso, c.busy, approx) {
		t.Errorf("%s: busy %g, Σ isolated latencies %g", name, c.busy, sumIso)
	}
	last := 0.0
	for _, f := range out.Finish {
		last = math.Max(last, f)
	}
	span := last - c.reqs[0].Arrival
	if !cmp.Equal(out.Metrics.Makespan, span, approx) {
		t.Errorf("%s: makespan %g, last finish − first arrival %g", name, out.Metrics.Makespan, span)
	}
	if got := c.busy + float64(c.preempt)*c.cost + c.idle; !cmp.Equal(span, got, approx) {
		t.Errorf("%s: busy %g + %d×%g switches + idle %g = %g, makespan %g", name, c.busy, c.preempt, c.cost, c.idle, got, span)
	}
}

func syntheticCatalogue(seed uint64) *catalogue.Catalogue {
	return workload.Synthetic{Families: 3, Variants: 2, Samples: 5, Layers: 6, Scale: 0.05, Seed: seed}.Build()
}

func TestRunProperties(t *testing.T) {
	loads := []float64{0.5, 0.8, 1, 1.2, 1.5}
	for seed := uint64(1); seed <= 15; seed++ {
		cat := syntheticCatalogue(seed)
		for _, load := range loads {
			reqs, err := workload.Generate(cat, workload.Workload{
				Requests: 50, Rate: load / cat.MeanIsolatedLatency(), SLOMult: 5, Seed: seed * 7, Burstiness: float64(seed % 3),
			})
			if err != nil {
				t.Fatal(err)
			}
			for _, cost := range []float64{0, 0.002} {
				for _, e := range policies.All() {
					ck := newChecker(t, e.New(policies.Defaults()), cat, reqs, cost)
					out, err := harness.Run(cat, reqs, ck, harness.Options{PreemptionCost: cost})
					if err != nil {
						t.Fatalf("seed %d load %g %s: %v", seed, load, e.Name, err)
					}
					ck.after(out)
					if t.Failed() {
						t.Fatalf("seed %d, load %g, cost %g, policy %s failed", seed, load, cost, e.Name)
					}
				}
			}
		}
	}
}

// Repeated runs of the same input give identical outcomes, also through
// RunAll on several goroutines.
func TestRunDeterministic(t *testing.T) {
	cat := syntheticCatalogue(3)
	reqs, err := workload.Generate(cat, workload.Workload{Requests: 120, Rate: 1.2 / cat.MeanIsolatedLatency(), SLOMult: 5, Seed: 11})
	if err != nil {
		t.Fatal(err)
	}
	var jobs []harness.Job
	var first []*harness.Outcome
	for _, e := range policies.All() {
		e := e
		jobs = append(jobs, harness.Job{Label: e.Name, New: func() (scheduler.Scheduler, error) { return e.New(policies.Defaults()), nil }})
		a, err := harness.Run(cat, reqs, e.New(policies.Defaults()), harness.Options{PreemptionCost: 0.001})
		if err != nil {
			t.Fatal(err)
		}
		b, err := harness.Run(cat, reqs, e.New(policies.Defaults()), harness.Options{PreemptionCost: 0.001})
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(a, b); diff != "" {
			t.Errorf("%s: second run differs (-first +second):\n%s", e.Name, diff)
		}
		first = append(first, a)
	}
	outs, errs := harness.RunAll(cat, reqs, jobs, harness.Options{PreemptionCost: 0.001}, 4)
	for i := range jobs {
		if errs[i] != nil {
			t.Fatalf("%s: %v", jobs[i].Label, errs[i])
		}
		if diff := cmp.Diff(first[i], outs[i]); diff != "" {
			t.Errorf("%s: RunAll result differs from Run (-Run +RunAll):\n%s", jobs[i].Label, diff)
		}
	}
	// Different policies do differ on this overloaded stream (the test can see a difference).
	if cmp.Equal(first[0].Finish, first[len(first)-1].Finish) {
		t.Errorf("fcfs and edf finish identically; the stream is too easy to tell anything")
	}
}

// With every request arriving at t=0 the accelerator never idles, so the
// makespan is Σ isolated latencies + cost × preemptions exactly.
func TestRunPreemptionCostAccounting(t *testing.T) {
	cat := syntheticCatalogue(5)
	reqs, err := workload.Generate(cat, workload.Workload{Requests: 40, Rate: 1, SLOMult: 3, Seed: 2})
	if err != nil {
		t.Fatal(err)
	}
	for i := range reqs {
		reqs[i].Deadline -= reqs[i].Arrival
		reqs[i].Arrival = 0
	}
	const cost = 0.003
	total := 0
	for _, e := range policies.All() {
		base, err := harness.Run(cat, reqs, e.New(policies.Defaults()), harness.Options{})
		if err != nil {
			t.Fatal(err)
		}
		out, err := harness.Run(cat, reqs, e.New(policies.Defaults()), harness.Options{PreemptionCost: cost})
		if err != nil {
			t.Fatal(err)
		}
		sumIso := 0.0
		for _, x := range out.Isolated {
			sumIso += x
		}
		approx := cmpopts.EquateApprox(0, timeTol)
		if !cmp.Equal(base.Metrics.Makespan, sumIso, approx) {
			t.Errorf("%s: makespan without cost %g, want Σ isolated %g", e.Name, base.Metrics.Makespan, sumIso)
		}
		if want := sumIso + cost*float64(out.Preemptions); !cmp.Equal(out.Metrics.Makespan, want, approx) {
			t.Errorf("%s: makespan %g with %d preemptions, want %g + %g×%d = %g",
				e.Name, out.Metrics.Makespan, out.Preemptions, sumIso, cost, out.Preemptions, want)
		}
		total += out.Preemptions
	}
	if total == 0 {
		t.Errorf("no policy preempted anything; the test shows nothing")
	}
}

// The wall time spent deciding is measured only when asked, and never
// changes the simulated outcome.
func TestRunTimeDecisions(t *testing.T) {
	cat := syntheticCatalogue(1)
	reqs, err := workload.Generate(cat, workload.Workload{Requests: 30, Rate: 1 / cat.MeanIsolatedLatency(), SLOMult: 5, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	a, err := harness.Run(cat, reqs, mustPolicy(t, "dysta"), harness.Options{})
	if err != nil {
		t.Fatal(err)
	}
	b, err := harness.Run(cat, reqs, mustPolicy(t, "dysta"), harness.Options{TimeDecisions: true})
	if err != nil {
		t.Fatal(err)
	}
	if a.DecideTime != 0 {
		t.Errorf("DecideTime %v without TimeDecisions", a.DecideTime)
	}
	if b.DecideTime <= 0 {
		t.Errorf("DecideTime %v with TimeDecisions", b.DecideTime)
	}
	if diff := cmp.Diff(a, b, cmpopts.IgnoreFields(harness.Outcome{}, "DecideTime")); diff != "" {
		t.Errorf("timing changed the outcome (-untimed +timed):\n%s", diff)
	}
}

// monitor=off (SPEC §5.4) is the policy run as if every measured sparsity
// equalled the variant's average: on a catalogue whose samples measure
// exactly avg_sp (same latencies, so the same schedule is possible), the
// monitor-using policy must finish every request at the same instant as
// its monitor=off form on the real catalogue. And on the real catalogue
// the monitor must change something, or the test could not fail.
func TestMonitorOffIsGammaOne(t *testing.T) {
	changed := map[string]bool{}
	for seed := uint64(1); seed <= 6; seed++ {
		cat := syntheticCatalogue(seed)
		flat := &catalogue.Catalogue{Models: make([]catalogue.Model, len(cat.Models))}
		for i, m := range cat.Models {
			fm := m
			fm.Samples = make([]catalogue.Sample, len(m.Samples))
			for k, s := range m.Samples {
				fm.Samples[k] = catalogue.Sample{Latency: s.Latency, Sparsity: m.AvgSparsity}
			}
			flat.Models[i] = fm
		}
		reqs, err := workload.Generate(cat, workload.Workload{Requests: 80, Rate: 1.1 / cat.MeanIsolatedLatency(), SLOMult: 4, Seed: seed})
		if err != nil {
			t.Fatal(err)
		}
		for _, name := range []string{"sjf-sparse", "prema-sparse", "sdrm3-sparse", "dysta"} {
			on, err := harness.Run(cat, reqs, mustPolicy(t, name), harness.Options{})
			if err != nil {
				t.Fatal(err)
			}
			off, err := harness.Run(cat, reqs, mustPolicy(t, name+":monitor=off"), harness.Options{})
			if err != nil {
				t.Fatal(err)
			}
			onFlat, err := harness.Run(flat, reqs, mustPolicy(t, name), harness.Options{})
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(onFlat.Finish, off.Finish); diff != "" {
				t.Errorf("seed %d %s: monitor=off differs from the monitor on average sparsities (-flat +off):\n%s", seed, name, diff)
			}
			if off.Scheduler.Monitor {
				t.Errorf("%s:monitor=off declares the monitor", name)
			}
			if !cmp.Equal(on.Finish, off.Finish) {
				changed[name] = true
			}
		}
	}
	for _, name := range []string{"sjf-sparse", "prema-sparse", "sdrm3-sparse", "dysta"} {
		if !changed[name] {
			t.Errorf("%s: the monitor changed no schedule in 6 seeds; the test cannot tell on from off", name)
		}
	}
}
