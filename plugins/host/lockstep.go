package host

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/sparsebench/sparsebench/plugins/pluginpb"
)

// lockstep is one plugin process of protocol 2 and its Lockstep stream,
// serving many runs at once. The runs advance together: a run that needs
// an answer queues its message and waits; when every open run is waiting,
// the queue goes out as one HostBatch and the PluginBatch that answers it
// wakes them all. The round trips are then those of the longest run, not
// the sum over runs (SPEC §9.2). Each message carries only what its own
// run revealed, so the information boundary is that of protocol 1.
//
// A fault of the process — a crash, a broken stream, a batch not answered
// within the decision deadline, a malformed PluginBatch — kills it and
// fails every run it was serving; a fault of one run (an Error reply, an
// illegal pick, an exhausted budget) ends that run only.
type lockstep struct {
	proc *process
	cfg  Config

	cancel context.CancelFunc
	stream pluginpb.Scheduler_LockstepClient
	timer  *time.Timer
	fired  atomic.Bool
	kick   chan struct{} // wakes the loop; capacity 1
	done   chan struct{} // closed when the loop has ended

	mu      sync.Mutex
	next    int32                      // session number of the next run
	open    int                        // runs started and not ended
	queue   []*pluginpb.SessionMessage // the next batch
	waiters []*lockLink                // runs waiting on the next batch, in queue order
	dead    error                      // the fault that ended the process
	closing bool
	served  int // runs started on this process
	batches int // round trips so far
}

// lockResult is what a waiting run receives: its reply, or the fault.
type lockResult struct {
	reply *pluginpb.SessionReply
	err   error
}

func newLockstep(proc *process, client pluginpb.SchedulerClient, cfg Config) (*lockstep, error) {
	ctx, cancel := context.WithCancel(context.Background())
	l := &lockstep{proc: proc, cfg: cfg, cancel: cancel, kick: make(chan struct{}, 1), done: make(chan struct{})}
	l.timer = time.AfterFunc(time.Hour, func() { l.fired.Store(true); cancel() })
	l.timer.Stop()
	stream, err := client.Lockstep(ctx)
	if err != nil {
		cancel()
		return nil, fmt.Errorf("could not open the lockstep stream: %v", err)
	}
	l.stream = stream
	go l.loop()
	return l, nil
}

// failed reports whether the process has ended by a fault.
func (l *lockstep) failed() bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.dead != nil
}

// newLink opens a run on this process; its Start opens the session.
func (l *lockstep) newLink() *lockLink {
	l.mu.Lock()
	defer l.mu.Unlock()
	k := &lockLink{l: l, id: l.next, ch: make(chan lockResult, 1), budget: budget{limit: l.cfg.RunBudget}}
	l.next++
	return k
}

func (l *lockstep) wake() {
	select {
	case l.kick <- struct{}{}:
	default:
	}
}

// enqueue adds m to the next batch; with w, the run waits for its reply.
// opens and closes count the runs the batch must wait for.
func (l *lockstep) enqueue(m *pluginpb.SessionMessage, w *lockLink, opens, closes int) error {
	l.mu.Lock()
	if l.dead != nil {
		l.mu.Unlock()
		return l.dead
	}
	l.queue = append(l.queue, m)
	if w != nil {
		l.waiters = append(l.waiters, w)
	}
	l.open += opens - closes
	l.served += opens
	l.mu.Unlock()
	l.wake()
	return nil
}

// loop sends a batch whenever every open run is waiting on one, until the
// pool closes it or the process fails.
func (l *lockstep) loop() {
	defer close(l.done)
	in := new(pluginpb.PluginBatch)
	out := new(pluginpb.HostBatch)
	for range l.kick {
		for {
			l.mu.Lock()
			if l.dead != nil {
				l.mu.Unlock()
				return
			}
			if len(l.queue) == 0 || len(l.waiters) < l.open {
				closing := l.closing && l.open == 0 && len(l.queue) == 0
				l.mu.Unlock()
				if closing {
					l.shutdown()
					return
				}
				break
			}
			out.Messages, l.queue = l.queue, out.Messages[:0]
			ws := l.waiters
			l.waiters = nil
			l.batches++
			l.mu.Unlock()
			l.roundTrip(out, in, ws)
		}
	}
}

// roundTrip sends one batch and hands each waiting run its reply.
func (l *lockstep) roundTrip(out *pluginpb.HostBatch, in *pluginpb.PluginBatch, ws []*lockLink) {
	t0 := time.Now()
	l.timer.Reset(l.cfg.DecisionTimeout)
	err := l.stream.Send(out)
	if err == nil {
		// Even a batch of only Replays and Ends is answered (with no
		// replies), which keeps the exchange a strict ping-pong.
		err = l.stream.RecvMsg(in)
	}
	intime := l.timer.Stop()
	elapsed := time.Since(t0)
	switch {
	case !intime || l.fired.Load():
		err = fmt.Errorf("no answer within the decision deadline of %v to a batch of %d decision(s): the plugin is hung or too slow (see --decision-timeout)",
			l.cfg.DecisionTimeout, len(ws))
	case err != nil:
		err = transportError(err)
	case len(in.GetReplies()) != len(ws):
		err = fmt.Errorf("protocol: answered a batch of %d Start/Decide messages with %d replies", len(ws), len(in.GetReplies()))
	default:
		for i, r := range in.GetReplies() {
			if r.GetSession() != ws[i].id {
				err = fmt.Errorf("protocol: reply %d of a batch is for session %d, want session %d (replies follow the batch's order)",
					i, r.GetSession(), ws[i].id)
				break
			}
		}
	}
	for i := range out.Messages {
		out.Messages[i] = nil // the runs own their messages
	}
	if err != nil {
		l.die(err, ws)
		return
	}
	share := elapsed
	if len(ws) > 1 {
		share = elapsed / time.Duration(len(ws))
	}
	for i, w := range ws {
		w.budget.spent += share
		w.ch <- lockResult{reply: in.GetReplies()[i]}
	}
	// The replies now belong to the runs; the next RecvMsg resets in,
	// which allocates new ones.
}

// die records the process's fault, kills it and fails every run waiting
// on it; runs that call later get the fault at once.
func (l *lockstep) die(err error, ws []*lockLink) {
	l.mu.Lock()
	n := l.open
	err = fmt.Errorf("%w (the process was serving %d run(s) at once; all of them fail)", err, n)
	l.dead = err
	ws = append(ws, l.waiters...)
	l.waiters, l.queue = nil, nil
	l.mu.Unlock()
	l.cancel()
	l.proc.kill(true)
	for _, w := range ws {
		w.ch <- lockResult{err: err}
	}
}

// close ends the stream once every run has ended and stops the process;
// it waits for the loop (bounded by the decision deadline of the last
// batch and of the shutdown).
func (l *lockstep) close() {
	l.mu.Lock()
	l.closing = true
	l.mu.Unlock()
	l.wake()
	<-l.done
	l.cancel()
	l.proc.kill(l.fired.Load())
}

// shutdown lets the plugin see the end of the stream, within the
// deadline.
func (l *lockstep) shutdown() {
	l.timer.Reset(l.cfg.DecisionTimeout)
	err := l.stream.CloseSend()
	in := new(pluginpb.PluginBatch)
	for err == nil {
		err = l.stream.RecvMsg(in)
	}
	l.timer.Stop()
}

var _ link = (*lockLink)(nil)

// lockLink is one run's session on a lockstep process.
type lockLink struct {
	l      *lockstep
	id     int32
	ch     chan lockResult
	budget budget // touched by the loop only while the run waits
	opened bool   // Start was queued
	ended  bool
}

func (k *lockLink) pid() int           { return int(k.l.proc.pid.Load()) }
func (k *lockLink) stderrTail() string { return k.l.proc.stderr.String() }

func (k *lockLink) start(m *pluginpb.Start) (any, error) {
	k.opened = true
	return k.ask(&pluginpb.SessionMessage{Session: k.id, Msg: &pluginpb.SessionMessage_Start{Start: m}}, 1)
}

func (k *lockLink) decide(d *pluginpb.Decide) (any, error) {
	if k.budget.exhausted() {
		return nil, k.budget.err()
	}
	ans, err := k.ask(&pluginpb.SessionMessage{Session: k.id, Msg: &pluginpb.SessionMessage_Decide{Decide: d}}, 0)
	if err == nil && k.budget.exhausted() {
		return nil, k.budget.err()
	}
	return ans, err
}

// ask queues m and waits for its reply.
func (k *lockLink) ask(m *pluginpb.SessionMessage, opens int) (any, error) {
	if err := k.l.enqueue(m, k, opens, 0); err != nil {
		return nil, err
	}
	r := <-k.ch
	if r.err != nil {
		k.ended = true // the process is gone
		return nil, r.err
	}
	switch m := r.reply.GetMsg().(type) {
	case *pluginpb.SessionReply_Started:
		return m.Started, nil
	case *pluginpb.SessionReply_Pick:
		return m.Pick, nil
	case *pluginpb.SessionReply_Error:
		return m.Error, nil
	}
	return nil, nil
}

func (k *lockLink) replay(r *pluginpb.Replay) error {
	return k.l.enqueue(&pluginpb.SessionMessage{Session: k.id, Msg: &pluginpb.SessionMessage_Replay{Replay: r}}, nil, 0, 0)
}

// end closes the session; the process goes on serving the other runs.
func (k *lockLink) end(bool) {
	if k.ended || !k.opened {
		return
	}
	k.ended = true
	k.l.enqueue(&pluginpb.SessionMessage{Session: k.id, Msg: &pluginpb.SessionMessage_End{End: &pluginpb.End{}}}, nil, 0, 1)
}
