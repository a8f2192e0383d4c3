// Package sdk turns Go code written against sparsebench's public API into
// an out-of-process plugin: ServeScheduler serves a scheduler.Scheduler,
// ServeAccelerator a hardware.Accelerator. A plugin's main is one line:
//
//	func main() { sdk.ServeScheduler(func() scheduler.Scheduler { return &myPolicy{} }) }
//
// The harness starts the program, shakes hands with it over
// github.com/hashicorp/go-plugin and drives it over gRPC. The SDK rebuilds,
// from the messages of a session, the same scheduler.View the policy would
// see in process — including the decisions the harness answered itself
// because only one task was runnable, which it replays through the policy's
// Pick so stateful policies stay in step — so a policy behaves identically
// in and out of process.
//
// A plugin must not write to standard output before Serve (the handshake
// is read from it); logs go to standard error, which the harness shows.
//
// A session is a strict ping-pong (and so is a lockstep stream, whose
// sessions the SDK answers one after the other), so the SDK runs the plugin with
// GOMAXPROCS=1 unless the environment sets GOMAXPROCS: gRPC's hand-offs
// between its goroutines then stay on one OS thread instead of waking
// another, which about halves a decision's round trip on a small machine.
package sdk

import (
	"os"
	"runtime"

	"github.com/hashicorp/go-hclog"
	"github.com/hashicorp/go-plugin"
	"google.golang.org/grpc"

	"github.com/sparsebench/sparsebench/plugins/internal/wire"
)

// serve runs the go-plugin server for one plugin kind until the host shuts
// it down.
func serve(kind string, p plugin.Plugin) {
	if os.Getenv("GOMAXPROCS") == "" {
		runtime.GOMAXPROCS(1)
	}
	plugin.Serve(&plugin.ServeConfig{
		HandshakeConfig:  wire.Handshake,
		VersionedPlugins: wire.ServedPlugins(kind, p),
		GRPCServer: func(opts []grpc.ServerOption) *grpc.Server {
			return grpc.NewServer(append(opts, wire.ServerOptions()...)...)
		},
		Logger: hclog.New(&hclog.LoggerOptions{Name: "sparsebench-plugin", Level: hclog.Error, Output: os.Stderr}),
	})
}

// LaunchedByHost reports whether a sparsebench host started this process:
// the go-plugin handshake's magic cookie is in the environment. Run by
// hand, a plugin can say what it is instead of serving.
func LaunchedByHost() bool {
	return os.Getenv(wire.Handshake.MagicCookieKey) == wire.Handshake.MagicCookieValue
}
