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
	v := req.GetProtocolVersion()
	if v != wire.ProtocolSession && v != wire.ProtocolLockstep {
		return nil, fmt.Errorf("host asked for scheduler protocol version %d; this plugin speaks %d and %d", v, wire.ProtocolSession, wire.ProtocolLockstep)
	}
	return wire.EncodeInfo(info, v), nil
}

func (s *schedulerServer) info() (info scheduler.Info, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("policy panicked in Info: %v", p)
		}
	}()
	return s.newPolicy().Info(), nil
}

// Session runs one simulated run (protocol version 1). Every failure — a
// malformed message, a policy error or panic, a forced decision the policy
// disagrees with — is sent to the host as an Error message, which fails the
// run with it.
func (s *schedulerServer) Session(stream pluginpb.Scheduler_SessionServer) error {
	err := s.serveSession(stream)
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

func (s *schedulerServer) serveSession(stream pluginpb.Scheduler_SessionServer) error {
	in := new(pluginpb.HostMessage)
	if err := stream.RecvMsg(in); err != nil {
		if err == io.EOF {
			return errHostGone
		}
		return err
	}
	start := in.GetStart()
	if start == nil {
		return fmt.Errorf("protocol: the session must begin with Start")
	}
	ss, err := startSession(start, s.newPolicy)
	if err != nil {
		return err
	}
	out := &pluginpb.PluginMessage{Msg: &pluginpb.PluginMessage_Started{Started: &pluginpb.Started{}}}
	if err := stream.Send(out); err != nil {
		return err
	}
	pick := &pluginpb.Pick{}
	out.Msg = &pluginpb.PluginMessage_Pick{Pick: pick}
	for {
		if err := stream.RecvMsg(in); err != nil {
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
		if d == nil {
			return fmt.Errorf("protocol: expected Decide or Replay, got %T", in.GetMsg())
		}
		id, err := ss.answer(d)
		if err != nil {
			return err
		}
		pick.Decision, pick.Id = d.GetStep().GetDecision(), int32(id)
		if err := stream.Send(out); err != nil {
			return err
		}
	}
}

// Lockstep serves many runs on one stream (protocol version 2): it answers
// every batch of the host with one batch of replies, one per Start or
// Decide, in order. A failing session gets an Error reply and is then
// ignored until its End; the others go on.
func (s *schedulerServer) Lockstep(stream pluginpb.Scheduler_LockstepServer) error {
	sessions := map[int32]*session{}
	failed := map[int32]error{} // sessions that failed and have not ended
	in := new(pluginpb.HostBatch)
	out := new(pluginpb.PluginBatch)
	for {
		if err := stream.RecvMsg(in); err != nil {
			if err == io.EOF {
				return nil
			}
			return err
		}
		out.Replies = out.Replies[:0]
		for _, m := range in.GetMessages() {
			id := m.GetSession()
			reply := func(r *pluginpb.SessionReply) {
				r.Session = id
				out.Replies = append(out.Replies, r)
			}
			fail := func(err error) {
				delete(sessions, id)
				failed[id] = err
				reply(errorReply(err))
			}
			switch msg := m.GetMsg().(type) {
			case *pluginpb.SessionMessage_Start:
				if _, dup := sessions[id]; dup || failed[id] != nil {
					fail(fmt.Errorf("protocol: session %d started twice", id))
					continue
				}
				ss, err := startSession(msg.Start, s.newPolicy)
				if err != nil {
					fail(err)
					continue
				}
				sessions[id] = ss
				reply(&pluginpb.SessionReply{Msg: &pluginpb.SessionReply_Started{Started: &pluginpb.Started{}}})
			case *pluginpb.SessionMessage_Decide:
				if err := failed[id]; err != nil {
					reply(errorReply(err))
					continue
				}
				ss := sessions[id]
				if ss == nil {
					fail(fmt.Errorf("protocol: Decide for session %d, which was never started", id))
					continue
				}
				pick, err := ss.answer(msg.Decide)
				if err != nil {
					fail(err)
					continue
				}
				reply(&pluginpb.SessionReply{Msg: &pluginpb.SessionReply_Pick{Pick: &pluginpb.Pick{
					Decision: msg.Decide.GetStep().GetDecision(), Id: int32(pick)}}})
			case *pluginpb.SessionMessage_Replay:
				if ss := sessions[id]; ss != nil {
					if err := ss.replay(msg.Replay.GetForced()); err != nil {
						delete(sessions, id)
						failed[id] = err // reported in the reply to the next Decide
					}
				}
			case *pluginpb.SessionMessage_End:
				delete(sessions, id)
				delete(failed, id)
			default:
				return fmt.Errorf("protocol: session %d: empty or unknown message %T", id, msg)
			}
		}
		if err := stream.Send(out); err != nil {
			return err
		}
	}
}

func errorReply(err error) *pluginpb.SessionReply {
	return &pluginpb.SessionReply{Msg: &pluginpb.SessionReply_Error{Error: &pluginpb.Error{Message: err.Error()}}}
}

// session is the plugin's side of one simulated run: the policy, and the
// board that rebuilds the view the policy would see in process.
type session struct {
	policy scheduler.Scheduler
	info   scheduler.Info
	board  *board.Board
	now    float64
}

// startSession makes a fresh policy for the run that start opens.
func startSession(start *pluginpb.Start, newPolicy func() scheduler.Scheduler) (ss *session, err error) {
	tables, err := wire.DecodeTables(start)
	if err != nil {
		return nil, fmt.Errorf("protocol: %w", err)
	}
	ss = &session{}
	defer ss.recoverPanic(&err)
	ss.policy = newPolicy()
	ss.info = ss.policy.Info()
	if ss.board, err = board.NewSession(tables, ss.info.Oracle); err != nil {
		return nil, fmt.Errorf("protocol: %w", err)
	}
	if st, ok := ss.policy.(scheduler.Starter); ok {
		if err := st.Start(tables); err != nil {
			return nil, fmt.Errorf("policy %s: start: %w", ss.info.Name, err)
		}
	}
	return ss, nil
}

// recoverPanic turns a panic of the policy into the session's error.
func (ss *session) recoverPanic(err *error) {
	if p := recover(); p != nil {
		*err = fmt.Errorf("policy %s panicked: %v\n%s", ss.info.Name, p, debug.Stack())
	}
}

// answer replays a Decide's forced steps and decides its step.
func (ss *session) answer(d *pluginpb.Decide) (id scheduler.TaskID, err error) {
	if d.GetStep() == nil {
		return -1, fmt.Errorf("protocol: Decide without a step")
	}
	defer ss.recoverPanic(&err)
	if err := ss.replaySteps(d.GetForced()); err != nil {
		return -1, err
	}
	return ss.decide(d.GetStep())
}

// replay passes forced decisions through the policy, which must agree with
// the host: it had a single runnable task to choose.
func (ss *session) replay(steps []*pluginpb.Step) (err error) {
	defer ss.recoverPanic(&err)
	return ss.replaySteps(steps)
}

func (ss *session) replaySteps(steps []*pluginpb.Step) error {
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
