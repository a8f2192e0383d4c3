// Package wire holds what the host (plugins/host) and the plugin side
// (plugins/sdk) of sparsebench's out-of-process protocol share: the
// go-plugin handshake, the plugin kinds, the gRPC glue and the conversions
// between the scheduler API's types and their protobuf messages.
package wire

import (
	"context"

	"github.com/hashicorp/go-plugin"
	"google.golang.org/grpc"

	"github.com/sparsebench/sparsebench/plugins/pluginpb"
)

// Application protocol versions, negotiated in the go-plugin handshake
// through versioned plugin sets and echoed in the scheduler's Describe.
// Version 1 is one process and one Session stream per run; version 2 adds
// the Lockstep stream, on which one process serves many runs at once
// (SPEC §9). Accelerator plugins speak the same messages in both.
const (
	ProtocolSession  = 1
	ProtocolLockstep = 2
	// LatestProtocol is the highest version this sparsebench speaks.
	LatestProtocol = ProtocolLockstep
)

// AcceleratorProtocolVersion is what an accelerator plugin declares in its
// Describe answer; the accelerator messages did not change in version 2.
const AcceleratorProtocolVersion = 1

// Plugin kinds, the names under which go-plugin dispenses them.
const (
	SchedulerKind   = "scheduler"
	AcceleratorKind = "accelerator"
)

// Handshake is the go-plugin handshake. The magic cookie is not a security
// measure: it only keeps a plugin from being started by hand or by another
// host by mistake.
var Handshake = plugin.HandshakeConfig{
	ProtocolVersion:  ProtocolSession,
	MagicCookieKey:   "SPARSEBENCH_PLUGIN",
	MagicCookieValue: "c5f3a0d2-sparse-multi-dnn-scheduling",
}

// SchedulerPlugin is the go-plugin glue of the scheduler kind. The host
// uses it with a nil Impl.
type SchedulerPlugin struct {
	plugin.NetRPCUnsupportedPlugin
	Impl pluginpb.SchedulerServer
}

var _ plugin.GRPCPlugin = (*SchedulerPlugin)(nil)

// GRPCServer registers the plugin side's service.
func (p *SchedulerPlugin) GRPCServer(_ *plugin.GRPCBroker, s *grpc.Server) error {
	pluginpb.RegisterSchedulerServer(s, p.Impl)
	return nil
}

// GRPCClient returns a pluginpb.SchedulerClient.
func (p *SchedulerPlugin) GRPCClient(_ context.Context, _ *plugin.GRPCBroker, c *grpc.ClientConn) (interface{}, error) {
	return pluginpb.NewSchedulerClient(c), nil
}

// AcceleratorPlugin is the go-plugin glue of the accelerator kind.
type AcceleratorPlugin struct {
	plugin.NetRPCUnsupportedPlugin
	Impl pluginpb.AcceleratorServer
}

var _ plugin.GRPCPlugin = (*AcceleratorPlugin)(nil)

// GRPCServer registers the plugin side's service.
func (p *AcceleratorPlugin) GRPCServer(_ *plugin.GRPCBroker, s *grpc.Server) error {
	pluginpb.RegisterAcceleratorServer(s, p.Impl)
	return nil
}

// GRPCClient returns a pluginpb.AcceleratorClient.
func (p *AcceleratorPlugin) GRPCClient(_ context.Context, _ *plugin.GRPCBroker, c *grpc.ClientConn) (interface{}, error) {
	return pluginpb.NewAcceleratorClient(c), nil
}

// HostPlugins are the plugin sets the host offers, by protocol version; a
// plugin program serves one of the two kinds. The glue is the same in both
// versions: the negotiated version says which scheduler stream to open.
func HostPlugins() map[int]plugin.PluginSet {
	set := func() plugin.PluginSet {
		return plugin.PluginSet{
			SchedulerKind:   &SchedulerPlugin{},
			AcceleratorKind: &AcceleratorPlugin{},
		}
	}
	return map[int]plugin.PluginSet{ProtocolSession: set(), ProtocolLockstep: set()}
}

// ServedPlugins are the plugin sets a plugin program of one kind serves:
// both versions, so that it works with hosts of either.
func ServedPlugins(kind string, p plugin.Plugin) map[int]plugin.PluginSet {
	return map[int]plugin.PluginSet{ProtocolSession: {kind: p}, ProtocolLockstep: {kind: p}}
}

// Window sizes of the HTTP/2 transport. A scheduling session is a
// ping-pong of small messages, so flow control never binds; large static
// windows switch off gRPC's bandwidth estimator, whose pings would
// otherwise ride along with the decisions.
const (
	window     = 1 << 20
	connWindow = 1 << 22
)

// DialOptions are the host's gRPC client options.
func DialOptions() []grpc.DialOption {
	return []grpc.DialOption{
		grpc.WithInitialWindowSize(window),
		grpc.WithInitialConnWindowSize(connWindow),
	}
}

// ServerOptions are the plugin side's gRPC server options.
func ServerOptions() []grpc.ServerOption {
	return []grpc.ServerOption{
		grpc.InitialWindowSize(window),
		grpc.InitialConnWindowSize(connWindow),
	}
}
