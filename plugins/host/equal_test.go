package host

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/sparsebench/sparsebench/harness"
	"github.com/sparsebench/sparsebench/plugins/policies"
	"github.com/sparsebench/sparsebench/plugins/scheduler"
)

// Every built-in policy gives the same results out of process as in
// process, and no round trip is made for a forced decision.
func TestOutOfProcessEqualsInProcess(t *testing.T) {
	cat, reqs := testWorkload(t)
	specs, err := policies.ParseList("all,dysta:beta=0.05,prema:levels=1/2/4")
	if err != nil {
		t.Fatal(err)
	}
	exe := testExe(t)
	var jobs []harness.Job
	counters := make([]*countingPolicy, len(specs))
	remotes := make([]*Scheduler, len(specs))
	for i, s := range specs {
		s, i := s, i
		jobs = append(jobs, harness.Job{Label: s.Text, New: func() (scheduler.Scheduler, error) {
			counters[i] = &countingPolicy{Scheduler: s.New()}
			return counters[i], nil
		}})
	}
	for i, s := range specs {
		i, j := i, builtinJob(s, exe, Config{})
		jobs = append(jobs, harness.Job{Label: j.Label, New: func() (scheduler.Scheduler, error) {
			sch, err := j.New()
			if err == nil {
				remotes[i] = sch.(*Scheduler)
			}
			return sch, err
		}})
	}
	outs, errs := harness.RunAll(cat, reqs, jobs, harness.Options{}, 0)
	n := len(specs)
	for i, s := range specs {
		if errs[i] != nil || errs[n+i] != nil {
			t.Fatalf("%s: in process: %v; out of process: %v", s.Text, errs[i], errs[n+i])
		}
		in, out := outs[i], outs[n+i]
		if d := cmp.Diff(in.Metrics, out.Metrics); d != "" {
			t.Errorf("%s: metrics differ (-in process +out of process):\n%s", s.Text, d)
		}
		if d := cmp.Diff(in.Finish, out.Finish); d != "" {
			t.Errorf("%s: finish times differ:\n%s", s.Text, d)
		}
		if in.Decisions != out.Decisions || in.Scheduler != out.Scheduler {
			t.Errorf("%s: %d decisions by %+v in process, %d by %+v out of process",
				s.Text, in.Decisions, in.Scheduler, out.Decisions, out.Scheduler)
		}
		c, r := counters[i], remotes[i]
		if r.Calls() != c.unforced {
			t.Errorf("%s: %d calls to the plugin for %d unforced decisions (%d in all)", s.Text, r.Calls(), c.unforced, c.all)
		}
		if c.unforced == 0 || c.unforced == c.all {
			t.Errorf("%s: %d unforced decisions of %d: the trace should have both kinds", s.Text, c.unforced, c.all)
		}
		t.Logf("%-20s %5d decisions, %5d sent to the plugin, violations %.3f", s.Text, c.all, r.Calls(), out.Metrics.ViolationRate)
		waitGone(t, r.PID())
	}
}

// countingPolicy counts the decisions of an in-process policy, and those
// with a choice.
type countingPolicy struct {
	scheduler.Scheduler
	all, unforced int
}

func (c *countingPolicy) Start(t *scheduler.Tables) error {
	if st, ok := c.Scheduler.(scheduler.Starter); ok {
		return st.Start(t)
	}
	return nil
}

func (c *countingPolicy) Pick(v *scheduler.View) (scheduler.TaskID, error) {
	c.all++
	if v.Len() > 1 {
		c.unforced++
	}
	return c.Scheduler.Pick(v)
}
