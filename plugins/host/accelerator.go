package host

import (
	"context"
	"fmt"
	"math"
	"slices"
	"sync"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/sparsebench/sparsebench/plugins/accelerator"
	"github.com/sparsebench/sparsebench/plugins/internal/wire"
	"github.com/sparsebench/sparsebench/plugins/pluginpb"
)

var _ accelerator.Accelerator = (*Accelerator)(nil)

// Accelerator is an accelerator plugin running in its own process, seen as
// a hardware.Accelerator. Each Latencies call is one round trip, bounded by
// the decision deadline; a fault kills the process and every later call
// returns it. Close kills the process.
type Accelerator struct {
	proc   *process
	cfg    Config
	client pluginpb.AcceleratorClient
	label  string
	name   string
	ver    string
	clock  float64
	kinds  []accelerator.LayerKind

	mu  sync.Mutex
	err error
}

// LaunchAccelerator starts the accelerator plugin path with args and asks
// it to describe itself. On error nothing is left running.
func LaunchAccelerator(path string, args []string, cfg Config) (*Accelerator, error) {
	return launchAccelerator(fmt.Sprintf("accelerator plugin %s", path), path, args, cfg)
}

// BuiltinAccelerator runs the registered accelerator name out of process,
// as `exe plugin serve accelerator NAME`, exe being a sparsebench binary.
func BuiltinAccelerator(name, exe string, cfg Config) (*Accelerator, error) {
	cfg.SHA256 = ""
	return launchAccelerator(fmt.Sprintf("built-in accelerator %s run out of process by %s", name, exe),
		exe, []string{"plugin", "serve", "accelerator", name}, cfg)
}

func launchAccelerator(label, path string, args []string, cfg Config) (*Accelerator, error) {
	cfg = cfg.withDefaults()
	proc, raw, err := launch(wire.AcceleratorKind, label, path, args, cfg)
	if err != nil {
		return nil, err
	}
	a := &Accelerator{proc: proc, cfg: cfg, label: label, client: raw.(pluginpb.AcceleratorClient)}
	ctx, cancel := context.WithTimeout(context.Background(), cfg.StartTimeout)
	defer cancel()
	m, err := a.client.Describe(ctx, &pluginpb.DescribeAcceleratorRequest{ProtocolVersion: wire.AcceleratorProtocolVersion})
	switch {
	case err != nil:
	case m.GetProtocolVersion() != wire.AcceleratorProtocolVersion:
		err = fmt.Errorf("plugin speaks accelerator protocol version %d, this sparsebench speaks %d", m.GetProtocolVersion(), wire.AcceleratorProtocolVersion)
	case m.GetName() == "":
		err = fmt.Errorf("plugin declared an empty name")
	case !(m.GetClockHz() > 0) || math.IsInf(m.GetClockHz(), 0):
		err = fmt.Errorf("plugin declared clock %v Hz", m.GetClockHz())
	}
	if err != nil {
		proc.kill(true)
		return nil, fmt.Errorf("%s: describe: %v%s", label, err, proc.stderr)
	}
	a.name, a.ver, a.clock = m.GetName(), m.GetVersion(), m.GetClockHz()
	for _, k := range m.GetSupportedKinds() {
		a.kinds = append(a.kinds, accelerator.LayerKind(k))
	}
	a.label = fmt.Sprintf("%s (%s %s)", label, a.name, a.ver)
	a.proc.label = a.label
	return a, nil
}

// Name implements hardware.Accelerator.
func (a *Accelerator) Name() string { return a.name }

// Version implements hardware.Accelerator.
func (a *Accelerator) Version() string { return a.ver }

// ClockHz implements hardware.Accelerator.
func (a *Accelerator) ClockHz() float64 { return a.clock }

// SupportedKinds implements hardware.Accelerator.
func (a *Accelerator) SupportedKinds() []accelerator.LayerKind { return slices.Clone(a.kinds) }

// PID is the plugin's process ID.
func (a *Accelerator) PID() int { return int(a.proc.pid.Load()) }

// Latencies implements hardware.Accelerator with one round trip. An item
// the model rejects is an ordinary error; a crash, a hang past the
// decision deadline, or an answer of the wrong length or with a latency
// that is not a finite positive number kills the plugin.
func (a *Accelerator) Latencies(items []accelerator.Item, out []float64) error {
	if len(out) != len(items) {
		return fmt.Errorf("%s: %d items but %d outputs", a.label, len(items), len(out))
	}
	a.mu.Lock()
	err := a.err
	a.mu.Unlock()
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), a.cfg.DecisionTimeout)
	defer cancel()
	r, err := a.client.Latencies(ctx, wire.EncodeItems(items))
	if err != nil {
		if s, ok := status.FromError(err); ok && s.Code() == codes.InvalidArgument { // the model refused an item
			return fmt.Errorf("%s: %s", a.label, s.Message())
		}
		if ctx.Err() != nil {
			return a.fail(fmt.Errorf("no answer to a batch of %d items within the deadline of %v", len(items), a.cfg.DecisionTimeout))
		}
		return a.fail(fmt.Errorf("the plugin process crashed, exited or broke the connection (%v)", err))
	}
	if len(r.GetLatency()) != len(items) {
		return a.fail(fmt.Errorf("answered %d latencies for %d items", len(r.GetLatency()), len(items)))
	}
	for i, l := range r.GetLatency() {
		if !(l > 0) || math.IsInf(l, 0) {
			return a.fail(fmt.Errorf("item %d (layer %s): latency %v, want a finite number > 0", i, items[i].Layer.Name, l))
		}
	}
	copy(out, r.GetLatency())
	return nil
}

func (a *Accelerator) fail(err error) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.err != nil {
		return a.err
	}
	a.proc.kill(true)
	a.err = fmt.Errorf("%s: %w%s", a.label, err, a.proc.stderr)
	return a.err
}

// Close kills the plugin process. It is idempotent.
func (a *Accelerator) Close() error {
	a.mu.Lock()
	hard := a.err != nil
	a.mu.Unlock()
	a.proc.kill(hard)
	return nil
}
