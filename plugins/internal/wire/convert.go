package wire

import (
	"fmt"

	"github.com/sparsebench/sparsebench/plugins/pluginpb"
	"github.com/sparsebench/sparsebench/plugins/scheduler"
)

// EncodeInfo converts a policy's Info for Describe, in the protocol
// version the host asked for.
func EncodeInfo(in scheduler.Info, protocol uint32) *pluginpb.SchedulerInfo {
	return &pluginpb.SchedulerInfo{
		ProtocolVersion: protocol,
		Name:            in.Name,
		Version:         in.Version,
		Description:     in.Description,
		Estimate:        pluginpb.Estimate(in.Estimate),
		Monitor:         in.Monitor,
		Oracle:          in.Oracle,
	}
}

// DecodeInfo converts a Describe answer, checking what the host relies on:
// the protocol version negotiated in the handshake, and a name and version
// that can label a row of results (SPEC §9.3).
func DecodeInfo(m *pluginpb.SchedulerInfo, negotiated int) (scheduler.Info, error) {
	if int(m.GetProtocolVersion()) != negotiated {
		return scheduler.Info{}, fmt.Errorf("plugin declared scheduler protocol version %d in Describe, but the handshake negotiated %d",
			m.GetProtocolVersion(), negotiated)
	}
	if err := checkIdentity("name", m.GetName(), false); err != nil {
		return scheduler.Info{}, err
	}
	if err := checkIdentity("version", m.GetVersion(), true); err != nil {
		return scheduler.Info{}, err
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

// MaxIdentity is the longest name or version a plugin may declare.
const MaxIdentity = 64

// checkIdentity accepts a declared name or version made of letters,
// digits and . _ + - (the characters of a module or package version), so
// that "name@version" labels a row unambiguously in every output format.
func checkIdentity(field, v string, emptyOK bool) error {
	if v == "" {
		if emptyOK {
			return nil
		}
		return fmt.Errorf("plugin declared an empty %s", field)
	}
	if len(v) > MaxIdentity {
		return fmt.Errorf("plugin declared a %s of %d bytes; at most %d are allowed", field, len(v), MaxIdentity)
	}
	for _, c := range v {
		ok := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '_' || c == '+' || c == '-'
		if !ok {
			return fmt.Errorf("plugin declared %s %q: want letters, digits and . _ + - only", field, v)
		}
	}
	return nil
}
