package host

import (
	"fmt"
	"time"

	"github.com/sparsebench/sparsebench/plugins/internal/wire"
	"github.com/sparsebench/sparsebench/plugins/pluginpb"
	"github.com/sparsebench/sparsebench/plugins/scheduler"
)

var (
	_ scheduler.Scheduler = (*Scheduler)(nil)
	_ scheduler.Starter   = (*Scheduler)(nil)
)

// Scheduler is one run of a scheduler plugin, seen as a
// scheduler.Scheduler; Pool.NewRun makes one per run. The harness calls it
// at every decision; it answers forced decisions (one runnable task)
// itself and sends them along with the next real one, so the plugin
// replays every decision point while round trips are only paid where
// there is a choice. How the messages travel — a process and a Session
// stream of its own (protocol 1), or a session on the shared Lockstep
// stream of the pool's process (protocol 2) — is the link's business.
// Close must be called when the run ends (harness.RunJob does).
type Scheduler struct {
	link  link
	info  scheduler.Info
	proto int
	label string // the plugin, as errors name it
	owner *Pool  // closed with the run (LaunchScheduler)

	started bool
	closed  bool
	err     error // the first fault; every later call returns it

	requests    int
	maxAdmitted scheduler.TaskID
	decision    int64 // decision points so far, forced or not
	calls       int   // decisions sent to the plugin

	steps  []*pluginpb.Step // forced steps not yet sent, then the current one
	nsteps int
	decide *pluginpb.Decide
}

// link carries one run's messages to the plugin. Answers are a
// *pluginpb.Started, *pluginpb.Pick or *pluginpb.Error (nil for none); an
// error is a fault of the transport, the deadline or the budget, already
// phrased for a message.
type link interface {
	start(*pluginpb.Start) (any, error)
	decide(*pluginpb.Decide) (any, error)
	// replay sends forced steps that need no answer. The link may keep the
	// message until it is sent, so the caller must not reuse its steps.
	replay(*pluginpb.Replay) error
	// end closes the run on the plugin's side; fault says the run failed
	// (a protocol-1 process is then killed rather than asked to stop).
	end(fault bool)
	pid() int
	stderrTail() string
}

// maxPending is the number of forced decisions the host keeps before it
// sends them in a Replay, so that no message grows without bound.
const maxPending = 1024

func newScheduler(l link, info scheduler.Info, proto int, label string) *Scheduler {
	return &Scheduler{link: l, info: info, proto: proto, label: label, maxAdmitted: -1, decide: new(pluginpb.Decide)}
}

// Protocol is the protocol version negotiated with the plugin.
func (s *Scheduler) Protocol() int { return s.proto }

// Info is what the plugin declared in Describe.
func (s *Scheduler) Info() scheduler.Info { return s.info }

// PID is the process ID of the plugin serving the run.
func (s *Scheduler) PID() int { return s.link.pid() }

// Calls is the number of decisions sent to the plugin so far; forced
// decisions are not sent on their own.
func (s *Scheduler) Calls() int { return s.calls }

// Start opens the session and sends the static tables.
func (s *Scheduler) Start(t *scheduler.Tables) error {
	if s.err != nil {
		return s.err
	}
	if s.started || s.closed {
		return fmt.Errorf("%s: Start called twice: a host.Scheduler serves one run", s.label)
	}
	s.started = true
	s.requests = t.Requests
	ans, err := s.link.start(wire.EncodeTables(t))
	if err != nil {
		return s.fail(err)
	}
	switch m := ans.(type) {
	case *pluginpb.Started:
		return nil
	case *pluginpb.Error:
		return s.fail(fmt.Errorf("the plugin reported an error: %s", m.GetMessage()))
	}
	return s.fail(fmt.Errorf("protocol: answered Start with %T, want Started", ans))
}

// Pick reports the decision point to the plugin and returns its answer, or
// answers itself when only one task is runnable.
func (s *Scheduler) Pick(v *scheduler.View) (scheduler.TaskID, error) {
	if s.err != nil {
		return -1, s.err
	}
	if !s.started || s.closed {
		return -1, fmt.Errorf("%s: Pick outside a session (before Start or after Close)", s.label)
	}
	st := s.record(v)
	if v.Len() == 1 {
		id := v.ID(0)
		st.Pick = int32(id)
		if s.nsteps >= maxPending {
			if err := s.flush(); err != nil {
				return -1, err
			}
		}
		return id, nil
	}
	s.decide.Forced = s.steps[:s.nsteps-1]
	s.decide.Step = st
	s.calls++
	ans, err := s.link.decide(s.decide)
	s.nsteps = 0
	if err != nil {
		return -1, s.fail(err)
	}
	var p *pluginpb.Pick
	switch m := ans.(type) {
	case *pluginpb.Pick:
		p = m
	case *pluginpb.Error:
		return -1, s.fail(fmt.Errorf("the plugin reported an error: %s", m.GetMessage()))
	default:
		return -1, s.fail(fmt.Errorf("protocol: answered Decide with %T, want Pick", ans))
	}
	if p.GetDecision() != st.Decision {
		return -1, s.fail(fmt.Errorf("protocol: answered decision %d, asked decision %d", p.GetDecision(), st.Decision))
	}
	id := scheduler.TaskID(p.GetId())
	if v.Slot(id) < 0 {
		return -1, s.fail(fmt.Errorf("picked task %d, which %s; the runnable tasks were %s",
			id, s.status(id), runnable(v)))
	}
	return id, nil
}

// record appends the step of this decision point: what changed since the
// previous one.
func (s *Scheduler) record(v *scheduler.View) *pluginpb.Step {
	if s.nsteps == len(s.steps) {
		s.steps = append(s.steps, new(pluginpb.Step))
	}
	st := s.steps[s.nsteps]
	s.nsteps++
	st.Decision, st.Now, st.Pick = s.decision, v.Now(), 0
	s.decision++
	st.Completions = st.Completions[:0]
	for _, c := range v.Completed() {
		var m *pluginpb.Completion
		st.Completions, m = grow(st.Completions)
		m.Id, m.Layer, m.Sparsity, m.Latency, m.Finished, m.End = int32(c.ID), int32(c.Layer), c.Sparsity, c.Latency, c.Finished, c.End
	}
	st.Arrivals = st.Arrivals[:0]
	o := v.Oracle()
	for _, id := range v.Arrived() {
		i := v.Slot(id)
		var a *pluginpb.Arrival
		st.Arrivals, a = grow(st.Arrivals)
		a.Id, a.Model, a.Arrival, a.Deadline, a.Priority = int32(id), int32(v.Model(i)), v.Arrival(i), v.Deadline(i), v.Priority(i)
		a.Latency, a.Sparsity = nil, nil
		if o != nil && s.info.Oracle {
			a.Latency, a.Sparsity = o.Latencies(i), o.Sparsities(i)
		}
		if id > s.maxAdmitted {
			s.maxAdmitted = id
		}
	}
	return st
}

// grow extends s by one element, reusing the message left in the backing
// array by an earlier step when there is one.
func grow[T any](s []*T) ([]*T, *T) {
	if len(s) < cap(s) {
		s = s[:len(s)+1]
		if m := s[len(s)-1]; m != nil {
			return s, m
		}
	} else {
		s = append(s, nil)
	}
	m := new(T)
	s[len(s)-1] = m
	return s, m
}

// flush sends the pending forced steps in a Replay, which needs no answer.
// The steps go with it (the link may send them later), so recording starts
// on fresh ones; this happens once per maxPending forced decisions.
func (s *Scheduler) flush() error {
	r := &pluginpb.Replay{Forced: s.steps[:s.nsteps]}
	s.steps, s.nsteps = nil, 0
	if err := s.link.replay(r); err != nil {
		return s.fail(err)
	}
	return nil
}

// fail records the first fault, ends the run on the plugin's side and
// returns the error that names the plugin, with its last words on
// standard error.
func (s *Scheduler) fail(err error) error {
	if s.err != nil {
		return s.err
	}
	s.link.end(true)
	s.err = fmt.Errorf("%s: %w%s", s.label, err, s.link.stderrTail())
	return s.err
}

// status says why a picked task is not runnable.
func (s *Scheduler) status(id scheduler.TaskID) string {
	switch {
	case id < 0 || int(id) >= s.requests:
		return fmt.Sprintf("does not exist (the run has tasks 0..%d)", s.requests-1)
	case id > s.maxAdmitted:
		return "has not arrived yet"
	}
	return "already finished"
}

// runnable lists the runnable tasks of v for an error message.
func runnable(v *scheduler.View) string {
	const most = 8
	out := ""
	for i := 0; i < v.Len() && i < most; i++ {
		if i > 0 {
			out += ", "
		}
		out += fmt.Sprint(v.ID(i))
	}
	if v.Len() > most {
		out += fmt.Sprintf(", … (%d in all)", v.Len())
	}
	return out
}

// Close ends the run on the plugin's side (and stops the plugin, for a
// run of LaunchScheduler). It is idempotent.
func (s *Scheduler) Close() error {
	if s.closed {
		return nil
	}
	s.closed = true
	if s.err == nil {
		s.link.end(false)
	}
	if s.owner != nil {
		s.owner.Close()
	}
	return nil
}

// budget tracks the time a plugin spends answering one run.
type budget struct {
	limit time.Duration
	spent time.Duration
}

func (b *budget) exhausted() bool { return b.spent >= b.limit }

func (b *budget) err() error {
	return fmt.Errorf("run budget exhausted: the plugin spent %v answering in this run (limit %v; see --run-budget)",
		b.spent.Round(time.Millisecond), b.limit)
}

func transportError(err error) error {
	return fmt.Errorf("the plugin process crashed, exited or broke the connection (%v)", err)
}
