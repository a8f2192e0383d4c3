package sdk

import (
	"context"
	"fmt"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/sparsebench/sparsebench/plugins/accelerator"
	"github.com/sparsebench/sparsebench/plugins/internal/wire"
	"github.com/sparsebench/sparsebench/plugins/pluginpb"
)

// ServeAccelerator serves an accelerator model until the harness shuts the
// plugin down. Latencies may be called from several goroutines at once, as
// in process.
func ServeAccelerator(a accelerator.Accelerator) {
	serve(wire.AcceleratorKind, &wire.AcceleratorPlugin{Impl: NewAcceleratorServer(a)})
}

// NewAcceleratorServer is the gRPC service behind ServeAccelerator.
func NewAcceleratorServer(a accelerator.Accelerator) pluginpb.AcceleratorServer {
	return &acceleratorServer{a: a}
}

type acceleratorServer struct {
	pluginpb.UnimplementedAcceleratorServer
	a accelerator.Accelerator
}

func (s *acceleratorServer) Describe(context.Context, *pluginpb.DescribeAcceleratorRequest) (*pluginpb.AcceleratorInfo, error) {
	return wire.EncodeAccelerator(s.a), nil
}

func (s *acceleratorServer) Latencies(_ context.Context, r *pluginpb.LatenciesRequest) (reply *pluginpb.LatenciesReply, err error) {
	defer func() {
		if p := recover(); p != nil {
			reply, err = nil, status.Errorf(codes.Internal, "%s panicked: %v", s.a.Name(), p)
		}
	}()
	items, err := wire.DecodeItems(r)
	if err != nil {
		return nil, status.Error(codes.InvalidArgument, err.Error())
	}
	out := make([]float64, len(items))
	if err := s.a.Latencies(items, out); err != nil {
		return nil, status.Error(codes.InvalidArgument, fmt.Sprint(err))
	}
	return &pluginpb.LatenciesReply{Latency: out}, nil
}
