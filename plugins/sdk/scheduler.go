package sdk

import (
	"context"
	"errors"
	"fmt"
	"io"
	"runtime/debug"

	"github.com/sparsebench/sparsebench/plugins/internal/wire"
	"github.com/sparsebench/sparsebench/plugins/pluginpb"
	"github.com/sparsebench/sparsebench/plugins/scheduler"
	"github.com/sparsebench/sparsebench/plugins/scheduler/board"
)

// ServeScheduler serves the policies newPolicy makes — a fresh one per
// session, that is per simulated run — until the harness shuts the plugin
// down. It does not return when the plugin was started by the harness; run
// by hand, it prints that it is a plugin and exits with status 1.
func ServeScheduler(newPolicy func() scheduler.Scheduler) {
	serve(wire.SchedulerKind, &wire.SchedulerPlugin{Impl: NewSchedulerServer(newPolicy)})
}

// NewSchedulerServer is the gRPC service behind ServeScheduler, for hosts
// that run their own gRPC server (tests, or a plugin serving several
// kinds).
func NewSchedulerServer(newPolicy func() scheduler.Scheduler) pluginpb.SchedulerServer {
	return &schedulerServer{newPolicy: newPolicy}
}

type schedulerServer struct {
	pluginpb.UnimplementedSchedulerServer
	newPolicy func() scheduler.Scheduler
}

func (s *schedulerServer) Describe(_ context.Context, req *pluginpb.DescribeRequest) (*pluginpb.SchedulerInfo, error) {
	info, err := s.info()
	if err != nil {
		return nil, err
	}
	return wire.EncodeInfo(info), nil
}

func (s *schedulerServer) info() (info scheduler.Info, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("policy panicked in Info: %v", p)
		}
	}()
	return s.newPolicy().Info(), nil
}

// Session runs one simulated run. Every failure — a malformed message, a
// policy error or panic, a forced decision the policy disagrees with — is
// sent to the host as an Error message, which fails the run with it.
func (s *schedulerServer) Session(stream pluginpb.Scheduler_SessionServer) error {
	ss := &session{stream: stream}
	err := ss.run(s.newPolicy)
	if err == nil || errors.Is(err, errHostGone) {
		return nil
	}
	msg := &pluginpb.PluginMessage{Msg: &pluginpb.PluginMessage_Error{Error: &pluginpb.Error{Message: err.Error()}}}
	if serr := stream.Send(msg); serr != nil {
		return serr
	}
	return nil
}

var errHostGone = errors.New("host closed the session")

type session struct {
	stream pluginpb.Scheduler_SessionServer
	policy scheduler.Scheduler
	info   scheduler.Info
	board  *board.Board
	now    float64
}

func (ss *session) run(newPolicy func() scheduler.Scheduler) (err error) {
	in := new(pluginpb.HostMessage)
	if err := ss.stream.RecvMsg(in); err != nil {
		if err == io.EOF {
			return errHostGone
		}
		return err
	}
	start := in.GetStart()
	if start == nil {
		return fmt.Errorf("protocol: the session must begin with Start")
	}
	tables, err := wire.DecodeTables(start)
	if err != nil {
		return fmt.Errorf("protocol: %w", err)
	}
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("policy %s panicked: %v\n%s", ss.info.Name, p, debug.Stack())
		}
	}()
	ss.policy = newPolicy()
	ss.info = ss.policy.Info()
	if ss.board, err = board.NewSession(tables, ss.info.Oracle); err != nil {
		return fmt.Errorf("protocol: %w", err)
	}
	if st, ok := ss.policy.(scheduler.Starter); ok {
		if err := st.Start(tables); err != nil {
			return fmt.Errorf("policy %s: start: %w", ss.info.Name, err)
		}
	}
	out := &pluginpb.PluginMessage{Msg: &pluginpb.PluginMessage_Started{Started: &pluginpb.Started{}}}
	if err := ss.stream.Send(out); err != nil {
		return err
	}
	pick := &pluginpb.Pick{}
	out.Msg = &pluginpb.PluginMessage_Pick{Pick: pick}
	for {
		if err := ss.stream.RecvMsg(in); err != nil {
			if err == io.EOF {
				return nil
			}
			return err
		}
		if r := in.GetReplay(); r != nil {
			if err := ss.replay(r.GetForced()); err != nil {
				return err
			}
			continue
		}
		d := in.GetDecide()
		if d == nil || d.GetStep() == nil {
			return fmt.Errorf("protocol: expected Decide with a step")
		}
		if err := ss.replay(d.GetForced()); err != nil {
			return err
		}
		id, err := ss.decide(d.GetStep())
		if err != nil {
			return err
		}
		pick.Decision, pick.Id = d.GetStep().GetDecision(), int32(id)
		if err := ss.stream.Send(out); err != nil {
			return err
		}
	}
}

// replay passes forced decisions through the policy, which must agree with
// the host: it had a single runnable task to choose.
func (ss *session) replay(steps []*pluginpb.Step) error {
	for _, st := range steps {
		id, err := ss.decide(st)
		if err != nil {
			return err
		}
		if id != scheduler.TaskID(st.GetPick()) {
			return fmt.Errorf("forced decision %d (t=%gs): the host ran task %d, the only runnable one, but policy %s picked task %d",
				st.GetDecision(), st.GetNow(), st.GetPick(), ss.info.Name, id)
		}
	}
	return nil
}

// decide applies one step's events to the board in the engine's order and
// asks the policy.
func (ss *session) decide(st *pluginpb.Step) (scheduler.TaskID, error) {
	at := func(err error) error {
		return fmt.Errorf("decision %d (t=%gs): %w", st.GetDecision(), st.GetNow(), err)
	}
	if st.GetNow() < ss.now {
		return -1, at(fmt.Errorf("protocol: time went back from %gs", ss.now))
	}
	b := ss.board
	for _, c := range st.GetCompletions() {
		if _, err := b.CompleteMeasured(scheduler.TaskID(c.GetId()), int(c.GetLayer()), c.GetSparsity(), c.GetLatency(), c.GetEnd()); err != nil {
			return -1, at(fmt.Errorf("protocol: %w", err))
		}
	}
	for _, a := range st.GetArrivals() {
		spec := board.TaskSpec{
			Model: int(a.GetModel()), Arrival: a.GetArrival(), Deadline: a.GetDeadline(), Priority: a.GetPriority(),
		}
		if len(a.GetLatency()) > 0 || len(a.GetSparsity()) > 0 {
			spec.Latency = append([]float64(nil), a.GetLatency()...)
			spec.Sparsity = append([]float64(nil), a.GetSparsity()...)
		}
		if err := b.AdmitSpec(scheduler.TaskID(a.GetId()), spec); err != nil {
			return -1, at(fmt.Errorf("protocol: %w", err))
		}
	}
	if b.Len() == 0 {
		return -1, at(fmt.Errorf("protocol: decision with no runnable task"))
	}
	ss.now = st.GetNow()
	b.SetNow(ss.now)
	id, err := ss.policy.Pick(b.View())
	b.ClearChanges()
	if err != nil {
		return -1, at(fmt.Errorf("policy %s: %w", ss.info.Name, err))
	}
	return id, nil
}
