package host

import (
	"context"
	"fmt"
	"sync"

	"github.com/sparsebench/sparsebench/plugins/internal/wire"
	"github.com/sparsebench/sparsebench/plugins/pluginpb"
	"github.com/sparsebench/sparsebench/plugins/scheduler"
)

// Pool is one scheduler plugin program shared by the runs of a command
// (SPEC §9.2). A plugin of protocol 2 runs in one process that serves
// every run, many at once, on its Lockstep stream; a plugin of protocol 1
// gets a process per run, as before. If the process fails, the runs it was
// serving fail with the fault and the next run starts a new one.
//
// OpenScheduler starts the first process and asks the plugin to describe
// itself, so that a command knows its name before any run; Close stops
// whatever is still running.
type Pool struct {
	path  string
	args  []string
	cfg   Config
	label string // the plugin, as errors name it
	info  scheduler.Info
	proto int

	mu     sync.Mutex
	lock   *lockstep // protocol 2: the process serving runs now
	spare  *started  // protocol 1: the process OpenScheduler started, for the first run
	procs  int       // processes started
	closed bool
	all    []*lockstep
}

// started is a plugin process that has described itself.
type started struct {
	proc   *process
	client pluginpb.SchedulerClient
	proto  int
	info   scheduler.Info
}

// MaxLockstep is the most runs one lockstep process serves at once (Width
// of a protocol-2 pool): enough to batch every run of a leaderboard
// scenario, few enough to bound the host's memory.
const MaxLockstep = 256

// OpenScheduler starts the scheduler plugin path with args and asks it to
// describe itself. On error nothing is left running.
func OpenScheduler(path string, args []string, cfg Config) (*Pool, error) {
	label := cfg.Label
	if label == "" {
		label = fmt.Sprintf("plugin %s", path)
	}
	return openPool(label, path, args, cfg)
}

// OpenBuiltin runs the built-in policy of spec (a policy name with
// optional parameters, as `sparsebench run --scheduler` takes it) out of
// process, as `exe plugin serve scheduler SPEC`, exe being a sparsebench
// binary. cfg.SHA256 is not used.
func OpenBuiltin(spec, exe string, cfg Config) (*Pool, error) {
	cfg.SHA256 = ""
	label := fmt.Sprintf("built-in %s run out of process by %s", spec, exe)
	return openPool(label, exe, []string{"plugin", "serve", "scheduler", spec}, cfg)
}

func openPool(label, path string, args []string, cfg Config) (*Pool, error) {
	p := &Pool{path: path, args: args, cfg: cfg.withDefaults(), label: label}
	st, err := p.launch()
	if err != nil {
		return nil, err
	}
	p.info, p.proto = st.info, st.proto
	p.label = fmt.Sprintf("%s (%s %s)", label, st.info.Name, st.info.Version)
	st.proc.label = p.label
	if p.proto >= wire.ProtocolLockstep {
		if p.lock, err = newLockstep(st.proc, st.client, p.cfg); err != nil {
			st.proc.kill(true)
			return nil, fmt.Errorf("%s: %v%s", p.label, err, st.proc.stderr)
		}
		p.all = append(p.all, p.lock)
	} else {
		p.spare = st
	}
	return p, nil
}

// launch starts a process and asks it to describe itself.
func (p *Pool) launch() (*started, error) {
	label := p.label
	proc, raw, err := launch(wire.SchedulerKind, label, p.path, p.args, p.cfg)
	if err != nil {
		return nil, err
	}
	p.procs++
	st := &started{proc: proc, client: raw.(pluginpb.SchedulerClient), proto: proc.client.NegotiatedVersion()}
	ctx, cancel := context.WithTimeout(context.Background(), p.cfg.StartTimeout)
	defer cancel()
	m, err := st.client.Describe(ctx, &pluginpb.DescribeRequest{ProtocolVersion: uint32(st.proto)})
	if err == nil {
		st.info, err = wire.DecodeInfo(m, st.proto)
	}
	if err == nil && p.info.Name != "" && (st.info != p.info || st.proto != p.proto) {
		err = fmt.Errorf("a new process of the plugin described itself as %+v (protocol %d), the first as %+v (protocol %d)",
			st.info, st.proto, p.info, p.proto)
	}
	if err != nil {
		proc.kill(true)
		return nil, fmt.Errorf("%s: describe: %v%s", label, err, proc.stderr)
	}
	return st, nil
}

// Info is what the plugin declared in Describe.
func (p *Pool) Info() scheduler.Info { return p.info }

// Protocol is the protocol version negotiated in the go-plugin handshake.
func (p *Pool) Protocol() int { return p.proto }

// Label names the plugin in messages: its path (or the built-in policy)
// and its declared name and version.
func (p *Pool) Label() string { return p.label }

// Width is how many runs may usefully go at once: MaxLockstep for a
// lockstep plugin, whose runs wait on one process that answers them
// together; 0 for a protocol-1 plugin, whose runs the worker pool bounds.
func (p *Pool) Width() int {
	if p.proto >= wire.ProtocolLockstep {
		return MaxLockstep
	}
	return 0
}

// Processes is the number of plugin processes started so far.
func (p *Pool) Processes() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.procs
}

// NewRun makes the scheduler of one run, starting a process when the
// plugin needs one: for every run (protocol 1) or after the serving
// process failed (protocol 2).
func (p *Pool) NewRun() (*Scheduler, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return nil, fmt.Errorf("%s: the pool is closed", p.label)
	}
	if p.proto >= wire.ProtocolLockstep {
		if p.lock.failed() {
			st, err := p.launch()
			if err != nil {
				return nil, err
			}
			st.proc.label = p.label
			if p.lock, err = newLockstep(st.proc, st.client, p.cfg); err != nil {
				st.proc.kill(true)
				return nil, fmt.Errorf("%s: %v%s", p.label, err, st.proc.stderr)
			}
			p.all = append(p.all, p.lock)
		}
		return newScheduler(p.lock.newLink(), p.info, p.proto, p.label), nil
	}
	st := p.spare
	p.spare = nil
	if st == nil {
		var err error
		if st, err = p.launch(); err != nil {
			return nil, err
		}
		st.proc.label = p.label
	}
	return newScheduler(newSessionLink(st.proc, st.client, p.cfg), p.info, p.proto, p.label), nil
}

// Close stops the plugin's processes, once their runs have ended. It is
// idempotent.
func (p *Pool) Close() error {
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		return nil
	}
	p.closed = true
	all, spare := p.all, p.spare
	p.all, p.spare = nil, nil
	p.mu.Unlock()
	for _, l := range all {
		l.close()
	}
	if spare != nil {
		spare.proc.kill(false)
	}
	return nil
}

// LaunchScheduler starts the scheduler plugin path for a single run: the
// run's Close also stops the plugin. Commands that run a plugin many times
// use OpenScheduler and share the Pool.
func LaunchScheduler(path string, args []string, cfg Config) (*Scheduler, error) {
	return single(OpenScheduler(path, args, cfg))
}

// BuiltinScheduler is LaunchScheduler for a built-in policy spec served by
// the sparsebench binary exe (see OpenBuiltin).
func BuiltinScheduler(spec, exe string, cfg Config) (*Scheduler, error) {
	return single(OpenBuiltin(spec, exe, cfg))
}

func single(p *Pool, err error) (*Scheduler, error) {
	if err != nil {
		return nil, err
	}
	s, err := p.NewRun()
	if err != nil {
		p.Close()
		return nil, err
	}
	s.owner = p
	return s, nil
}
