package wire

import (
	"fmt"

	"github.com/sparsebench/sparsebench/plugins/pluginpb"
	"github.com/sparsebench/sparsebench/plugins/scheduler"
)

// EncodeInfo converts a policy's Info for Describe.
func EncodeInfo(in scheduler.Info) *pluginpb.SchedulerInfo {
	return &pluginpb.SchedulerInfo{
		ProtocolVersion: ProtocolVersion,
		Name:            in.Name,
		Version:         in.Version,
		Description:     in.Description,
		Estimate:        pluginpb.Estimate(in.Estimate),
		Monitor:         in.Monitor,
		Oracle:          in.Oracle,
	}
}

// DecodeInfo converts a Describe answer, checking what the host relies on.
func DecodeInfo(m *pluginpb.SchedulerInfo) (scheduler.Info, error) {
	if m.GetProtocolVersion() != ProtocolVersion {
		return scheduler.Info{}, fmt.Errorf("plugin speaks scheduler protocol version %d, this sparsebench speaks %d",
			m.GetProtocolVersion(), ProtocolVersion)
	}
	if m.GetName() == "" {
		return scheduler.Info{}, fmt.Errorf("plugin declared an empty name")
	}
	e := scheduler.Estimate(m.GetEstimate())
	if e < scheduler.EstimateNone || e > scheduler.EstimateReal {
		return scheduler.Info{}, fmt.Errorf("plugin declared unknown estimate %d", m.GetEstimate())
	}
	return scheduler.Info{
		Name:        m.GetName(),
		Version:     m.GetVersion(),
		Description: m.GetDescription(),
		Estimate:    e,
		Monitor:     m.GetMonitor(),
		Oracle:      m.GetOracle(),
	}, nil
}

// EncodeTables converts the static tables for Start.
func EncodeTables(t *scheduler.Tables) *pluginpb.Start {
	s := &pluginpb.Start{Requests: int32(t.Requests), Models: make([]*pluginpb.ModelTable, len(t.Models))}
	for i := range t.Models {
		m := &t.Models[i]
		s.Models[i] = &pluginpb.ModelTable{
			Name:             m.Name,
			Family:           m.Family,
			AvgLatency:       m.AvgLatency,
			FamilyAvgLatency: m.FamilyAvgLatency,
			AvgSparsity:      m.AvgSparsity,
			SloBase:          m.SLOBase,
		}
	}
	return s
}

// DecodeTables converts Start back into tables, checking their shapes.
func DecodeTables(s *pluginpb.Start) (*scheduler.Tables, error) {
	if s.GetRequests() < 0 {
		return nil, fmt.Errorf("start: %d requests", s.GetRequests())
	}
	t := &scheduler.Tables{Requests: int(s.GetRequests()), Models: make([]scheduler.ModelTable, len(s.GetModels()))}
	for i, m := range s.GetModels() {
		n := len(m.GetAvgLatency())
		if n == 0 || len(m.GetFamilyAvgLatency()) != n || len(m.GetAvgSparsity()) != n {
			return nil, fmt.Errorf("start: model %d (%s) has %d, %d and %d per-layer values", i, m.GetName(),
				n, len(m.GetFamilyAvgLatency()), len(m.GetAvgSparsity()))
		}
		t.Models[i] = scheduler.ModelTable{
			Name:             m.GetName(),
			Family:           m.GetFamily(),
			AvgLatency:       m.GetAvgLatency(),
			FamilyAvgLatency: m.GetFamilyAvgLatency(),
			AvgSparsity:      m.GetAvgSparsity(),
			SLOBase:          m.GetSloBase(),
		}
	}
	return t, nil
}
