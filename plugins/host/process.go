package host

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"

	"github.com/hashicorp/go-hclog"
	"github.com/hashicorp/go-plugin"

	"github.com/sparsebench/sparsebench/plugins/internal/wire"
)

// process is one running plugin program.
type process struct {
	label  string // how errors name the plugin, e.g. `plugin "./llf"`
	client *plugin.Client
	rpc    plugin.ClientProtocol
	stderr *tail
	pid    atomic.Int64
	once   sync.Once
}

// launch starts path with args, checks its checksum when one is given,
// completes the handshake and dispenses the plugin of the given kind. On
// error nothing is left running.
func launch(kind, label, path string, args []string, cfg Config) (*process, any, error) {
	if err := cfg.Validate(); err != nil {
		return nil, nil, fmt.Errorf("%s: %w", label, err)
	}
	p := &process{label: label, stderr: &tail{fwd: cfg.Stderr}}
	cmd := exec.Command(path, args...)
	cmd.Dir = cfg.Dir
	cc := &plugin.ClientConfig{
		HandshakeConfig:  wire.Handshake,
		VersionedPlugins: wire.HostPlugins(),
		Cmd:              cmd,
		AllowedProtocols: []plugin.Protocol{plugin.ProtocolGRPC},
		StartTimeout:     cfg.StartTimeout,
		Stderr:           p.stderr,
		Logger:           hclog.New(&hclog.LoggerOptions{Level: hclog.Off, Output: discard{}}),
		GRPCDialOptions:  wire.DialOptions(),
	}
	if cfg.SHA256 != "" {
		sum, _ := hex.DecodeString(cfg.SHA256)
		cc.SecureConfig = &plugin.SecureConfig{Checksum: sum, Hash: sha256.New()}
	}
	p.client = plugin.NewClient(cc)
	if !track(p) {
		return nil, nil, fmt.Errorf("%s: not started: sparsebench is shutting down", label)
	}
	rpc, err := p.client.Client()
	if err != nil {
		p.kill(false)
		if errors.Is(err, plugin.ErrChecksumsDoNotMatch) {
			return nil, nil, fmt.Errorf("%s: refused to start: its SHA-256 is not %s (%v)", label, cfg.SHA256, err)
		}
		msg := err.Error()
		if strings.Contains(msg, "Failed to read any lines from plugin's stdout") {
			msg = "the plugin exited, or closed its standard output, before the handshake"
		}
		if i := strings.Index(msg, "\nThis usually means"); i >= 0 {
			msg = msg[:i] // go-plugin's generic advice, then file details
		}
		return nil, nil, fmt.Errorf("%s: at start, before the run: failed to start or to complete the go-plugin handshake: %s%s",
			label, strings.ReplaceAll(msg, "\n", "; "), p.stderr)
	}
	p.rpc = rpc
	if rc := p.client.ReattachConfig(); rc != nil {
		p.pid.Store(int64(rc.Pid))
	}
	raw, err := rpc.Dispense(kind)
	if err != nil {
		p.kill(true)
		return nil, nil, fmt.Errorf("%s: is not a %s plugin: %v", label, kind, err)
	}
	return p, raw, nil
}

// kill ends the process and waits until it has been reaped. hard skips the
// graceful shutdown request, for a plugin that misbehaved and may ignore
// it.
func (p *process) kill(hard bool) {
	p.once.Do(func() {
		if pid := int(p.pid.Load()); hard && pid > 0 {
			if proc, err := os.FindProcess(pid); err == nil {
				proc.Kill()
			}
		}
		p.client.Kill()
		untrack(p)
	})
}

// exited reports whether the process is gone.
func (p *process) exited() bool { return p.client.Exited() }

// The live processes, so that Cleanup can kill them whatever happens to
// their owners.
var live = struct {
	sync.Mutex
	procs    map[*process]struct{}
	shutdown bool
}{procs: map[*process]struct{}{}}

func track(p *process) bool {
	live.Lock()
	defer live.Unlock()
	if live.shutdown {
		return false
	}
	live.procs[p] = struct{}{}
	return true
}

func untrack(p *process) {
	live.Lock()
	delete(live.procs, p)
	live.Unlock()
}

// Cleanup kills every plugin process this package started that is still
// running, and refuses to start new ones. It is for the end of the
// program: a run in progress fails.
func Cleanup() {
	live.Lock()
	live.shutdown = true
	procs := make([]*process, 0, len(live.procs))
	for p := range live.procs {
		procs = append(procs, p)
	}
	live.Unlock()
	var wg sync.WaitGroup
	for _, p := range procs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			p.kill(true)
		}()
	}
	wg.Wait()
	plugin.CleanupClients() // any go-plugin managed client started elsewhere
}

// CleanupOnSignal makes SIGINT and SIGTERM kill every plugin process (see
// Cleanup) before the program exits with status 130 or 143. Plugins ignore
// SIGINT themselves (go-plugin's server does), so without this a Ctrl-C
// would leave them running. stop undoes it.
func CleanupOnSignal() (stop func()) {
	ch := make(chan os.Signal, 1)
	signal.Notify(ch, os.Interrupt, syscall.SIGTERM)
	done := make(chan struct{})
	go func() {
		select {
		case sig := <-ch:
			Cleanup()
			code := 130
			if sig == syscall.SIGTERM {
				code = 143
			}
			fmt.Fprintf(os.Stderr, "sparsebench: %v: plugins stopped\n", sig)
			os.Exit(code)
		case <-done:
		}
	}()
	var once sync.Once
	return func() {
		once.Do(func() {
			signal.Stop(ch)
			close(done)
		})
	}
}

type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }
