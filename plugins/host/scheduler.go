package host

import (
	"context"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/sparsebench/sparsebench/plugins/internal/wire"
	"github.com/sparsebench/sparsebench/plugins/pluginpb"
	"github.com/sparsebench/sparsebench/plugins/scheduler"
)

var (
	_ scheduler.Scheduler = (*Scheduler)(nil)
	_ scheduler.Starter   = (*Scheduler)(nil)
)

// Scheduler is a scheduler plugin running in its own process, seen as a
// scheduler.Scheduler: one process, one session, one run. The harness
// calls it at every decision; it answers forced decisions (one runnable
// task) itself and sends them along with the next real one, so the plugin
// replays every decision point while the round trips are only paid where
// there is a choice. Close must be called when the run ends (harness.RunAll
// does); it kills the process.
type Scheduler struct {
	proc     *process
	cfg      Config
	client   pluginpb.SchedulerClient
	info     scheduler.Info
	protocol int
	label    string // the plugin, as errors name it

	cancel context.CancelFunc
	stream pluginpb.Scheduler_SessionClient
	timer  *time.Timer
	fired  atomic.Bool
	closed bool
	err    error // the first fault; every later call returns it

	requests    int
	maxAdmitted scheduler.TaskID
	decision    int64 // decision points so far, forced or not
	calls       int   // decisions sent to the plugin
	spent       time.Duration

	steps  []*pluginpb.Step // forced steps not yet sent, then the current one
	nsteps int
	out    *pluginpb.HostMessage
	decide *pluginpb.Decide
	replay *pluginpb.Replay
	in     *pluginpb.PluginMessage
}

// maxPending is the number of forced decisions the host keeps before it
// sends them in a Replay, so that no message grows without bound.
const maxPending = 1024

// LaunchScheduler starts the scheduler plugin path with args and asks it to
// describe itself. On error nothing is left running.
func LaunchScheduler(path string, args []string, cfg Config) (*Scheduler, error) {
	return launchScheduler(fmt.Sprintf("plugin %s", path), path, args, cfg)
}

// BuiltinScheduler runs the built-in policy of spec (a policy name with
// optional parameters, as `sparsebench run --scheduler` takes it) out of
// process, as `exe plugin serve scheduler SPEC`, exe being a sparsebench
// binary. cfg.SHA256 is not used.
func BuiltinScheduler(spec, exe string, cfg Config) (*Scheduler, error) {
	cfg.SHA256 = ""
	label := fmt.Sprintf("built-in %s run out of process by %s", spec, exe)
	return launchScheduler(label, exe, []string{"plugin", "serve", "scheduler", spec}, cfg)
}

func launchScheduler(label, path string, args []string, cfg Config) (*Scheduler, error) {
	cfg = cfg.withDefaults()
	proc, raw, err := launch(wire.SchedulerKind, label, path, args, cfg)
	if err != nil {
		return nil, err
	}
	s := &Scheduler{proc: proc, cfg: cfg, label: label, maxAdmitted: -1,
		client: raw.(pluginpb.SchedulerClient), protocol: proc.client.NegotiatedVersion()}
	ctx, cancel := context.WithTimeout(context.Background(), cfg.StartTimeout)
	defer cancel()
	m, err := s.client.Describe(ctx, &pluginpb.DescribeRequest{ProtocolVersion: wire.ProtocolVersion})
	if err == nil {
		s.info, err = wire.DecodeInfo(m)
	}
	if err != nil {
		proc.kill(true)
		return nil, fmt.Errorf("%s: describe: %v%s", label, err, proc.stderr)
	}
	s.label = fmt.Sprintf("%s (%s %s)", label, s.info.Name, s.info.Version)
	s.proc.label = s.label
	return s, nil
}

// Info is what the plugin declared in Describe.
func (s *Scheduler) Info() scheduler.Info { return s.info }

// Protocol is the protocol version negotiated in the go-plugin handshake.
func (s *Scheduler) Protocol() int { return s.protocol }

// PID is the plugin's process ID.
func (s *Scheduler) PID() int { return int(s.proc.pid.Load()) }

// Calls is the number of decisions sent to the plugin so far; forced
// decisions are not sent on their own.
func (s *Scheduler) Calls() int { return s.calls }

// Start opens the session and sends the static tables.
func (s *Scheduler) Start(t *scheduler.Tables) error {
	if s.err != nil {
		return s.err
	}
	if s.stream != nil || s.closed {
		return fmt.Errorf("%s: Start called twice: a host.Scheduler serves one run", s.label)
	}
	ctx, cancel := context.WithCancel(context.Background())
	s.cancel = cancel
	s.timer = time.AfterFunc(time.Hour, func() { s.fired.Store(true); cancel() })
	s.timer.Stop()
	stream, err := s.client.Session(ctx)
	if err != nil {
		return s.fail(fmt.Errorf("could not open a session: %v", err))
	}
	s.stream = stream
	s.requests = t.Requests
	s.in = new(pluginpb.PluginMessage)
	s.decide = new(pluginpb.Decide)
	s.replay = new(pluginpb.Replay)
	s.out = &pluginpb.HostMessage{Msg: &pluginpb.HostMessage_Start{Start: wire.EncodeTables(t)}}
	if err := s.exchange("start"); err != nil {
		return err
	}
	if s.in.GetStarted() == nil {
		return s.fail(fmt.Errorf("protocol: answered Start with %T, want Started", s.in.GetMsg()))
	}
	return nil
}

// Pick reports the decision point to the plugin and returns its answer, or
// answers itself when only one task is runnable.
func (s *Scheduler) Pick(v *scheduler.View) (scheduler.TaskID, error) {
	if s.err != nil {
		return -1, s.err
	}
	if s.stream == nil || s.closed {
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
	s.out.Msg = &pluginpb.HostMessage_Decide{Decide: s.decide}
	s.calls++
	err := s.exchange("decision")
	s.nsteps = 0
	if err != nil {
		return -1, err
	}
	p := s.in.GetPick()
	switch {
	case s.in.GetError() != nil:
		return -1, s.fail(fmt.Errorf("the plugin reported an error: %s", s.in.GetError().GetMessage()))
	case p == nil:
		return -1, s.fail(fmt.Errorf("protocol: answered Decide with %T, want Pick", s.in.GetMsg()))
	case p.GetDecision() != st.Decision:
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
func (s *Scheduler) flush() error {
	s.replay.Forced = s.steps[:s.nsteps]
	s.out.Msg = &pluginpb.HostMessage_Replay{Replay: s.replay}
	err := s.stream.Send(s.out)
	s.nsteps = 0
	if err != nil {
		return s.fail(s.transportError(err))
	}
	return nil
}

// exchange sends s.out and reads the answer into s.in within the decision
// deadline and what is left of the run budget.
func (s *Scheduler) exchange(what string) error {
	limit, byBudget := s.cfg.DecisionTimeout, false
	if left := s.cfg.RunBudget - s.spent; left < limit {
		limit, byBudget = left, true
	}
	if limit <= 0 {
		return s.fail(s.budgetError())
	}
	t0 := time.Now()
	s.timer.Reset(limit)
	err := s.stream.Send(s.out)
	if err == nil {
		err = s.stream.RecvMsg(s.in)
	}
	intime := s.timer.Stop()
	s.spent += time.Since(t0)
	switch {
	case !intime || s.fired.Load():
		if byBudget {
			return s.fail(s.budgetError())
		}
		return s.fail(fmt.Errorf("no answer to the %s within the decision deadline of %v: the plugin is hung or too slow (see --decision-timeout)",
			what, s.cfg.DecisionTimeout))
	case err != nil:
		return s.fail(s.transportError(err))
	}
	if e := s.in.GetError(); e != nil && what == "start" {
		return s.fail(fmt.Errorf("the plugin reported an error: %s", e.GetMessage()))
	}
	return nil
}

func (s *Scheduler) budgetError() error {
	return fmt.Errorf("run budget exhausted: the plugin spent %v answering in this run (limit %v; see --run-budget)",
		s.spent.Round(time.Millisecond), s.cfg.RunBudget)
}

func (s *Scheduler) transportError(err error) error {
	return fmt.Errorf("the plugin process crashed, exited or broke the connection (%v)", err)
}

// fail records the first fault, kills the process and returns the error
// that names the plugin; the process is reaped first so that its last
// words on standard error are in the message.
func (s *Scheduler) fail(err error) error {
	if s.err != nil {
		return s.err
	}
	if s.cancel != nil {
		s.cancel()
	}
	s.proc.kill(true)
	s.err = fmt.Errorf("%s: %w%s", s.label, err, s.proc.stderr)
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

// Close ends the session and kills the process. After a clean run the
// plugin is asked to finish and shut down; after a fault it is killed
// outright. Close is idempotent.
func (s *Scheduler) Close() error {
	if s.closed {
		return nil
	}
	s.closed = true
	if s.stream != nil && s.err == nil {
		// Let the plugin see the end of the session, within the deadline.
		s.timer.Reset(s.cfg.DecisionTimeout)
		err := s.stream.CloseSend()
		for err == nil {
			err = s.stream.RecvMsg(s.in)
		}
		s.timer.Stop()
	}
	if s.cancel != nil {
		s.cancel()
	}
	s.proc.kill(s.err != nil || s.fired.Load())
	return nil
}
