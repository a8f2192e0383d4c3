// Package harness runs streams of inference requests on one simulated
// accelerator, asks a scheduler which task runs its next layer, and scores
// the result: the simulation rules of SPEC §2 (Run, Prepare) and the
// metrics of §3 (Score), with a worker pool (ForEach, RunAll) whose results
// do not depend on the number of workers.
package harness

import (
	"fmt"
	"math"
	"slices"
	"sync"
	"time"

	"github.com/sparsebench/sparsebench/hardware/catalogue"
	"github.com/sparsebench/sparsebench/harness/parallel"
	"github.com/sparsebench/sparsebench/harness/workload"
	"github.com/sparsebench/sparsebench/plugins/scheduler"
	"github.com/sparsebench/sparsebench/plugins/scheduler/board"
)

// Options are the simulation settings that are not part of the workload.
type Options struct {
	// PreemptionCost is added, in seconds, whenever the picked task differs
	// from the task that ran the previous layer and that task is unfinished
	// (SPEC §2; 0 by default).
	PreemptionCost float64
	// TimeDecisions measures the wall time spent in Pick. It is off by
	// default because wall time is the one output that differs between
	// runs; it is reported, never scored.
	TimeDecisions bool
}

// Outcome is what one run produced.
type Outcome struct {
	Scheduler   scheduler.Info
	Finish      []float64 // per request
	Isolated    []float64 // per request: Σ real layer latencies
	Preemptions int
	Decisions   int
	DecideTime  time.Duration // wall time inside Pick, when measured
	Metrics     Metrics
}

// Run simulates the requests on one accelerator under the policy s, by the
// rules of SPEC §2: layer-granular preemption, work-conserving, every
// request with arrival ≤ now admitted before each decision. The requests
// must be sorted by arrival and refer to models and samples of the
// catalogue; Run checks both.
func Run(cat *catalogue.Catalogue, reqs []workload.Request, s scheduler.Scheduler, opt Options) (*Outcome, error) {
	p, err := Prepare(cat, reqs)
	if err != nil {
		return nil, err
	}
	return p.Run(s, opt)
}

// Prepared is a request stream checked against its catalogue, with what
// every run of it shares: the task specifications and each request's
// isolated latency. Runs only read it, so one Prepared serves any number
// of runs at once (RunAll, suite grids), which then skip that set-up.
type Prepared struct {
	cat   *catalogue.Catalogue
	reqs  []workload.Request
	specs []board.TaskSpec
	iso   []float64 // per request: Σ real layer latencies
}

// Prepare checks that the requests are sorted by arrival and refer to
// models and samples of the catalogue, and builds what their runs share.
func Prepare(cat *catalogue.Catalogue, reqs []workload.Request) (*Prepared, error) {
	for i, r := range reqs {
		switch {
		case r.Model < 0 || r.Model >= len(cat.Models):
			return nil, fmt.Errorf("request %d: model %d out of range", i, r.Model)
		case r.Sample < 0 || r.Sample >= len(cat.Models[r.Model].Samples):
			return nil, fmt.Errorf("request %d: sample %d out of range", i, r.Sample)
		case i > 0 && r.Arrival < reqs[i-1].Arrival:
			return nil, fmt.Errorf("request %d arrives at %gs, before request %d (%gs): requests must be sorted by arrival", i, r.Arrival, i-1, reqs[i-1].Arrival)
		}
	}
	p := &Prepared{cat: cat, reqs: reqs, specs: make([]board.TaskSpec, len(reqs)), iso: make([]float64, len(reqs))}
	for i, r := range reqs {
		sm := &cat.Models[r.Model].Samples[r.Sample]
		p.specs[i] = board.TaskSpec{
			Model: r.Model, Arrival: r.Arrival, Deadline: r.Deadline, Priority: float64(r.Priority),
			Latency: sm.Latency, Sparsity: sm.Sparsity,
		}
		p.iso[i] = sm.IsolatedLatency()
	}
	return p, nil
}

// Run simulates the prepared requests under the policy s (see Run).
func (p *Prepared) Run(s scheduler.Scheduler, opt Options) (out *Outcome, err error) {
	info := s.Info()
	reqs, specs := p.reqs, p.specs
	tables := Tables(p.cat, len(reqs))
	b, err := board.New(tables, specs, info.Oracle)
	if err != nil {
		return nil, err
	}
	if !info.Monitor {
		b.WithoutMonitor()
	}
	defer func() {
		if p := recover(); p != nil {
			out, err = nil, fmt.Errorf("scheduler %s panicked: %v", info.Name, p)
		}
	}()
	if st, ok := s.(scheduler.Starter); ok {
		if err := st.Start(tables); err != nil {
			return nil, fmt.Errorf("scheduler %s: start: %w", info.Name, err)
		}
	}

	iso := slices.Clone(p.iso)
	out = &Outcome{Scheduler: info, Finish: make([]float64, len(reqs)), Isolated: iso}
	view := b.View()
	now := 0.0
	if len(reqs) > 0 {
		now = reqs[0].Arrival
	}
	next, done := 0, 0
	prev := scheduler.TaskID(-1)
	for done < len(reqs) {
		for next < len(reqs) && reqs[next].Arrival <= now {
			b.Admit(scheduler.TaskID(next))
			next++
		}
		if b.Len() == 0 {
			// Idle accelerator: jump to the next arrival, never backwards
			// (deviation 1 of SPEC §6).
			now = math.Max(now, reqs[next].Arrival)
			continue
		}
		b.SetNow(now)
		var id scheduler.TaskID
		var perr error
		if opt.TimeDecisions {
			t0 := time.Now()
			id, perr = s.Pick(view)
			out.DecideTime += time.Since(t0)
		} else {
			id, perr = s.Pick(view)
		}
		if perr != nil {
			return nil, fmt.Errorf("scheduler %s at t=%gs (decision %d): %w", info.Name, now, out.Decisions, perr)
		}
		if !b.Runnable(id) {
			return nil, fmt.Errorf("scheduler %s at t=%gs (decision %d) picked task %d, which is %s",
				info.Name, now, out.Decisions, id, b.Status(id))
		}
		b.ClearChanges()
		out.Decisions++
		if prev >= 0 && id != prev && b.Runnable(prev) {
			out.Preemptions++
			now += opt.PreemptionCost
		}
		var fin bool
		if now, fin = b.RunLayer(id, now); fin {
			out.Finish[id] = now
			done++
		}
		prev = id
	}
	out.Metrics = Score(reqs, out.Finish, iso)
	out.Metrics.Preemptions = out.Preemptions
	return out, nil
}

// Tables extracts what a scheduler may know of a catalogue. The tables are
// copies: a policy that writes into them cannot change the catalogue other
// runs share.
func Tables(cat *catalogue.Catalogue, requests int) *scheduler.Tables {
	t := &scheduler.Tables{Requests: requests, Models: make([]scheduler.ModelTable, len(cat.Models))}
	for i := range cat.Models {
		m := &cat.Models[i]
		t.Models[i] = scheduler.ModelTable{
			Name: m.Name, Family: m.Family, AvgLatency: slices.Clone(m.AvgLatency),
			FamilyAvgLatency: slices.Clone(m.FamilyAvgLatency), AvgSparsity: slices.Clone(m.AvgSparsity), SLOBase: m.SLOBase,
		}
	}
	return t
}

// Job is one scheduler to run on a workload: a label for the results and a
// constructor, since every run needs a fresh policy.
type Job struct {
	Label string
	New   func() (scheduler.Scheduler, error)
	// Lockstep, when positive, is how many runs of the job may be in
	// flight at once outside the worker pool: their schedulers spend most
	// of their time waiting on a plugin process that answers the runs
	// together (host.Pool.Width), so the runs must advance together for
	// the batching to pay. 0 runs the job in the worker pool.
	Lockstep int
}

// RunAll runs every job on the same requests, in parallel on up to workers
// goroutines (≤ 0: one per CPU). Results and errors come back in job order,
// whatever the number of workers; a failing job does not stop the others.
func RunAll(cat *catalogue.Catalogue, reqs []workload.Request, jobs []Job, opt Options, workers int) ([]*Outcome, []error) {
	outs := make([]*Outcome, len(jobs))
	errs := make([]error, len(jobs))
	p, err := Prepare(cat, reqs)
	if err != nil {
		for i := range errs {
			errs[i] = err
		}
		return outs, errs
	}
	ForEachRun(len(jobs), jobs, func(i int) int { return i }, workers, func(i int) {
		outs[i], errs[i] = p.RunJob(jobs[i], opt)
	})
	return outs, errs
}

// ForEachRun calls run(0..n-1), run i being a run of jobs[jobOf(i)]: the
// runs of jobs without Lockstep on up to workers goroutines (≤ 0: one per
// CPU), and at the same time the runs of each lockstep job on up to its
// Lockstep goroutines of their own. Callers write results into slots
// indexed by i, so outcomes do not depend on the scheduling.
func ForEachRun(n int, jobs []Job, jobOf func(i int) int, workers int, run func(i int)) {
	var pooled []int
	lockstep := make([][]int, len(jobs))
	for i := 0; i < n; i++ {
		if j := jobOf(i); jobs[j].Lockstep > 0 {
			lockstep[j] = append(lockstep[j], i)
		} else {
			pooled = append(pooled, i)
		}
	}
	var wg sync.WaitGroup
	for j, idx := range lockstep {
		if len(idx) == 0 {
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			parallel.ForEach(len(idx), jobs[j].Lockstep, func(k int) { run(idx[k]) })
		}()
	}
	parallel.ForEach(len(pooled), workers, func(k int) { run(pooled[k]) })
	wg.Wait()
}

// RunJob builds the job's scheduler, runs it, and closes it afterwards when
// it can be closed (an out-of-process plugin, whose session must end).
func (p *Prepared) RunJob(job Job, opt Options) (*Outcome, error) {
	s, err := job.New()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", job.Label, err)
	}
	if c, ok := s.(interface{ Close() error }); ok {
		defer c.Close()
	}
	return p.Run(s, opt)
}
