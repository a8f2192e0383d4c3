package wire

import (
	"fmt"

	"github.com/sparsebench/sparsebench/plugins/accelerator"
	"github.com/sparsebench/sparsebench/plugins/pluginpb"
)

// EncodeItems converts a batch of latency questions.
func EncodeItems(items []accelerator.Item) *pluginpb.LatenciesRequest {
	r := &pluginpb.LatenciesRequest{Items: make([]*pluginpb.Item, len(items))}
	for i := range items {
		it := &items[i]
		l := &it.Layer
		r.Items[i] = &pluginpb.Item{
			Layer: &pluginpb.Layer{
				Name: l.Name, Kind: string(l.Kind),
				C: int32(l.C), M: int32(l.M), H: int32(l.H), W: int32(l.W), R: int32(l.R), S: int32(l.S),
				Stride: int32(l.Stride), Pad: int32(l.Pad), Groups: int32(l.Groups),
				SeqLen: int32(l.SeqLen), Width: int32(l.Width), Heads: int32(l.Heads), Source: l.Source,
			},
			Pattern:       it.Pattern.String(),
			WeightDensity: it.WeightDensity,
			ActDensity:    it.ActDensity,
			LoadBalance:   it.LoadBalance,
		}
	}
	return r
}

// DecodeItems converts a batch back, checking the patterns.
func DecodeItems(r *pluginpb.LatenciesRequest) ([]accelerator.Item, error) {
	items := make([]accelerator.Item, len(r.GetItems()))
	for i, m := range r.GetItems() {
		p, err := accelerator.ParsePattern(m.GetPattern())
		if err != nil {
			return nil, fmt.Errorf("item %d: %w", i, err)
		}
		l := m.GetLayer()
		items[i] = accelerator.Item{
			Layer: accelerator.Layer{
				Name: l.GetName(), Kind: accelerator.LayerKind(l.GetKind()),
				C: int(l.GetC()), M: int(l.GetM()), H: int(l.GetH()), W: int(l.GetW()), R: int(l.GetR()), S: int(l.GetS()),
				Stride: int(l.GetStride()), Pad: int(l.GetPad()), Groups: int(l.GetGroups()),
				SeqLen: int(l.GetSeqLen()), Width: int(l.GetWidth()), Heads: int(l.GetHeads()), Source: l.GetSource(),
			},
			Pattern:       p,
			WeightDensity: m.GetWeightDensity(),
			ActDensity:    m.GetActDensity(),
			LoadBalance:   m.GetLoadBalance(),
		}
	}
	return items, nil
}

// EncodeAccelerator describes an accelerator.
func EncodeAccelerator(a accelerator.Accelerator) *pluginpb.AcceleratorInfo {
	m := &pluginpb.AcceleratorInfo{ProtocolVersion: AcceleratorProtocolVersion, Name: a.Name(), Version: a.Version(), ClockHz: a.ClockHz()}
	for _, k := range a.SupportedKinds() {
		m.SupportedKinds = append(m.SupportedKinds, string(k))
	}
	return m
}
