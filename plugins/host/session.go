package host

import (
	"context"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/sparsebench/sparsebench/plugins/pluginpb"
)

var _ link = (*sessionLink)(nil)

// sessionLink is protocol 1: a process of its own for the run, and one
// Session stream, one round trip per decision with a choice.
type sessionLink struct {
	proc   *process
	cfg    Config
	client pluginpb.SchedulerClient

	cancel context.CancelFunc
	stream pluginpb.Scheduler_SessionClient
	timer  *time.Timer
	fired  atomic.Bool
	ended  bool
	budget budget

	out *pluginpb.HostMessage
	in  *pluginpb.PluginMessage
}

func newSessionLink(proc *process, client pluginpb.SchedulerClient, cfg Config) *sessionLink {
	return &sessionLink{proc: proc, cfg: cfg, client: client, budget: budget{limit: cfg.RunBudget},
		out: new(pluginpb.HostMessage), in: new(pluginpb.PluginMessage)}
}

func (k *sessionLink) pid() int           { return int(k.proc.pid.Load()) }
func (k *sessionLink) stderrTail() string { return k.proc.stderr.String() }

func (k *sessionLink) start(m *pluginpb.Start) (any, error) {
	ctx, cancel := context.WithCancel(context.Background())
	k.cancel = cancel
	k.timer = time.AfterFunc(time.Hour, func() { k.fired.Store(true); cancel() })
	k.timer.Stop()
	stream, err := k.client.Session(ctx)
	if err != nil {
		return nil, fmt.Errorf("could not open a session: %v", err)
	}
	k.stream = stream
	k.out.Msg = &pluginpb.HostMessage_Start{Start: m}
	return k.exchange("start")
}

func (k *sessionLink) decide(d *pluginpb.Decide) (any, error) {
	k.out.Msg = &pluginpb.HostMessage_Decide{Decide: d}
	return k.exchange("decision")
}

func (k *sessionLink) replay(r *pluginpb.Replay) error {
	k.out.Msg = &pluginpb.HostMessage_Replay{Replay: r}
	if err := k.stream.Send(k.out); err != nil {
		return transportError(err)
	}
	return nil
}

// exchange sends k.out and reads the answer within the decision deadline
// and what is left of the run budget.
func (k *sessionLink) exchange(what string) (any, error) {
	limit, byBudget := k.cfg.DecisionTimeout, false
	if left := k.budget.limit - k.budget.spent; left < limit {
		limit, byBudget = left, true
	}
	if limit <= 0 {
		return nil, k.budget.err()
	}
	t0 := time.Now()
	k.timer.Reset(limit)
	err := k.stream.Send(k.out)
	if err == nil {
		err = k.stream.RecvMsg(k.in)
	}
	intime := k.timer.Stop()
	k.budget.spent += time.Since(t0)
	switch {
	case !intime || k.fired.Load():
		if byBudget {
			return nil, k.budget.err()
		}
		return nil, fmt.Errorf("no answer to the %s within the decision deadline of %v: the plugin is hung or too slow (see --decision-timeout)",
			what, k.cfg.DecisionTimeout)
	case err != nil:
		return nil, transportError(err)
	}
	switch m := k.in.GetMsg().(type) {
	case *pluginpb.PluginMessage_Started:
		return m.Started, nil
	case *pluginpb.PluginMessage_Pick:
		return m.Pick, nil
	case *pluginpb.PluginMessage_Error:
		return m.Error, nil
	}
	return nil, nil
}

// end lets the plugin see the end of the session, within the deadline,
// and kills the process; after a fault it is killed outright.
func (k *sessionLink) end(fault bool) {
	if k.ended {
		return
	}
	k.ended = true
	if k.stream != nil && !fault {
		k.timer.Reset(k.cfg.DecisionTimeout)
		err := k.stream.CloseSend()
		for err == nil {
			err = k.stream.RecvMsg(k.in)
		}
		k.timer.Stop()
	}
	if k.cancel != nil {
		k.cancel()
	}
	k.proc.kill(fault || k.fired.Load())
}
