// Package host runs sparsebench plugins out of process: it starts a plugin
// program, shakes hands with it over github.com/hashicorp/go-plugin, and
// wraps it in the Go interface the harness already uses — a
// scheduler.Scheduler for a scheduler plugin (one process and one session
// per run), a hardware.Accelerator for an accelerator plugin.
//
// A plugin is untrusted code. Whatever it does — exit at start, fail the
// handshake, print garbage, crash or hang mid-run, answer with a task that
// cannot run, return an error, or not be the binary whose checksum was
// given — the host turns it into an error that names the plugin and the
// point of the run, fails only that plugin's run, and kills the process:
// every process started here is killed by Close, by Cleanup, or on SIGINT
// or SIGTERM once CleanupOnSignal has been called.
package host

import (
	"bytes"
	"encoding/hex"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"
)

// Config are the limits and options of plugin runs. The zero value gives
// the defaults.
type Config struct {
	// DecisionTimeout bounds the wait for one answer (default 1 s).
	DecisionTimeout time.Duration
	// RunBudget bounds the total time a scheduler plugin spends answering
	// during one run (default 60 s).
	RunBudget time.Duration
	// StartTimeout bounds starting the process, the handshake and the
	// plugin's self-description (default 10 s).
	StartTimeout time.Duration
	// SHA256 is the hex SHA-256 the plugin executable must have, checked by
	// go-plugin's SecureConfig before it is started; empty skips the check.
	SHA256 string
	// Label is how messages name the plugin (default "plugin PATH").
	Label string
	// Dir is the working folder of the plugin's processes ("" for the
	// host's): a bundle's folder, whose command names its files relative
	// to it.
	Dir string
	// Stderr receives the plugin's standard error, line by line; nil
	// discards it. The last lines are also quoted in error messages.
	Stderr io.Writer
}

// Defaults of Config.
const (
	DefaultDecisionTimeout = time.Second
	DefaultRunBudget       = 60 * time.Second
	DefaultStartTimeout    = 10 * time.Second
)

func (c Config) withDefaults() Config {
	if c.DecisionTimeout <= 0 {
		c.DecisionTimeout = DefaultDecisionTimeout
	}
	if c.RunBudget <= 0 {
		c.RunBudget = DefaultRunBudget
	}
	if c.StartTimeout <= 0 {
		c.StartTimeout = DefaultStartTimeout
	}
	return c
}

// Validate checks the configuration: the checksum must be 64 hex digits.
func (c Config) Validate() error {
	if c.SHA256 == "" {
		return nil
	}
	b, err := hex.DecodeString(c.SHA256)
	if err != nil || len(b) != 32 {
		return fmt.Errorf("plugin SHA-256 %q: want 64 hex digits", c.SHA256)
	}
	return nil
}

// tail keeps the last lines a plugin wrote to standard error, for error
// messages, and forwards everything to an optional writer.
type tail struct {
	mu    sync.Mutex
	lines []string
	cur   bytes.Buffer
	fwd   io.Writer
}

const (
	tailLines   = 24
	tailLineMax = 300
)

func (t *tail) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.fwd != nil {
		t.fwd.Write(p) // a failing log writer must not fail the plugin
	}
	for _, c := range p {
		if c == '\n' {
			t.lines = append(t.lines, t.cur.String())
			if len(t.lines) > tailLines {
				t.lines = t.lines[1:]
			}
			t.cur.Reset()
			continue
		}
		if t.cur.Len() < tailLineMax {
			t.cur.WriteByte(c)
		}
	}
	return len(p), nil
}

// String is the kept tail, indented for an error message, or "".
func (t *tail) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	lines := append([]string(nil), t.lines...)
	if t.cur.Len() > 0 {
		lines = append(lines, t.cur.String())
	}
	if len(lines) == 0 {
		return ""
	}
	return "; its standard error ended with:\n\t| " + strings.Join(lines, "\n\t| ")
}
