package tfjs

import (
	"encoding/json"
	"fmt"
	"math"
)

// shape is a batch-1 channels-last activation shape. Rank-2 tensors (after
// Flatten or Dense) are H = W = 1.
type shape struct{ H, W, C int }

func (s shape) size() int { return s.H * s.W * s.C }

// Model is a loaded TensorFlow.js layers model ready for inference.
type Model struct {
	nodes   []*node // topological (execution) order; nodes[0] is the input
	byName  map[string]int
	output  int
	files   []File
	dir     string
	compute []LayerStat // static shapes of the compute layers
}

// node is one Keras layer applied once.
type node struct {
	name, class string
	inputs      []int // indices into Model.nodes
	out         shape
	in          []shape

	// Conv2D / DepthwiseConv2D / Dense
	r, s, strideH, strideW int
	padTop, padLeft        int
	m                      int // output channels / units
	depthMul               int
	kernel                 []float32 // Keras layout: [R][S][C][M], [R][S][C][mult], [in][units]
	packed                 []float64 // GEMM panels, see packPanels
	bias                   []float32
	act                    string

	// pooling
	poolMax bool

	// BatchNormalization
	gamma, beta, mean, variance []float32
	eps                         float64

	// ReLU
	maxValue float64 // +Inf when absent

	// ZeroPadding2D: top, bottom, left, right
	zpad [4]int
}

type kerasLayer struct {
	Name         string            `json:"name"`
	ClassName    string            `json:"class_name"`
	Config       json.RawMessage   `json:"config"`
	InboundNodes []json.RawMessage `json:"inbound_nodes"`
}

type kerasModelConfig struct {
	Name         string              `json:"name"`
	Layers       []kerasLayer        `json:"layers"`
	InputLayers  [][]json.RawMessage `json:"input_layers"`
	OutputLayers [][]json.RawMessage `json:"output_layers"`
}

func buildModel(topo json.RawMessage, weights map[string]*weight) (*Model, error) {
	var wrapper struct {
		ModelConfig *struct {
			ClassName string          `json:"class_name"`
			Config    json.RawMessage `json:"config"`
		} `json:"model_config"`
		ClassName string          `json:"class_name"`
		Config    json.RawMessage `json:"config"`
	}
	if err := json.Unmarshal(topo, &wrapper); err != nil {
		return nil, fmt.Errorf("modelTopology: %w", err)
	}
	class, cfgRaw := wrapper.ClassName, wrapper.Config
	if wrapper.ModelConfig != nil {
		class, cfgRaw = wrapper.ModelConfig.ClassName, wrapper.ModelConfig.Config
	}
	if class != "Model" && class != "Functional" {
		return nil, fmt.Errorf("modelTopology: class %q is not supported (want a functional Model)", class)
	}
	var cfg kerasModelConfig
	if err := json.Unmarshal(cfgRaw, &cfg); err != nil {
		return nil, fmt.Errorf("model config: %w", err)
	}
	if len(cfg.InputLayers) != 1 || len(cfg.OutputLayers) != 1 {
		return nil, fmt.Errorf("model has %d inputs and %d outputs; exactly one of each is supported", len(cfg.InputLayers), len(cfg.OutputLayers))
	}
	inName, err := connName(cfg.InputLayers[0])
	if err != nil {
		return nil, fmt.Errorf("input_layers: %w", err)
	}
	outName, err := connName(cfg.OutputLayers[0])
	if err != nil {
		return nil, fmt.Errorf("output_layers: %w", err)
	}

	// Parse inbound connections.
	type pending struct {
		l      kerasLayer
		inputs []string
	}
	all := make([]pending, len(cfg.Layers))
	index := make(map[string]int, len(cfg.Layers))
	for i, l := range cfg.Layers {
		if _, dup := index[l.Name]; dup {
			return nil, fmt.Errorf("layer name %q appears twice", l.Name)
		}
		index[l.Name] = i
		all[i].l = l
		if len(l.InboundNodes) > 1 {
			return nil, fmt.Errorf("layer %q (%s) is applied %d times; shared layers are not supported", l.Name, l.ClassName, len(l.InboundNodes))
		}
		if len(l.InboundNodes) == 1 {
			var conns [][]json.RawMessage
			if err := json.Unmarshal(l.InboundNodes[0], &conns); err != nil {
				return nil, fmt.Errorf("layer %q: inbound_nodes: %w", l.Name, err)
			}
			for _, c := range conns {
				n, err := connName(c)
				if err != nil {
					return nil, fmt.Errorf("layer %q: inbound_nodes: %w", l.Name, err)
				}
				all[i].inputs = append(all[i].inputs, n)
			}
		}
	}
	for _, p := range all {
		for _, in := range p.inputs {
			if _, ok := index[in]; !ok {
				return nil, fmt.Errorf("layer %q: unknown inbound layer %q", p.l.Name, in)
			}
		}
	}
	if _, ok := index[inName]; !ok {
		return nil, fmt.Errorf("input layer %q not found", inName)
	}
	if _, ok := index[outName]; !ok {
		return nil, fmt.Errorf("output layer %q not found", outName)
	}

	// Execution order is the order of the layer list, which Keras writes
	// topologically (TensorFlow.js's model.layers keeps it); a layer that
	// consumes a later one is rejected rather than reordered.
	m := &Model{byName: make(map[string]int)}
	used := make(map[string]bool)
	for _, p := range all {
		for _, in := range p.inputs {
			if _, ok := m.byName[in]; !ok {
				return nil, fmt.Errorf("layer %q consumes %q, which the layer list defines later (not topologically ordered)", p.l.Name, in)
			}
		}
		n, err := makeNode(p.l, m, p.inputs, weights, used)
		if err != nil {
			return nil, err
		}
		m.byName[n.name] = len(m.nodes)
		m.nodes = append(m.nodes, n)
	}
	if len(m.nodes) == 0 {
		return nil, fmt.Errorf("model has no layers")
	}
	if m.nodes[0].class != "InputLayer" || m.nodes[0].name != inName {
		return nil, fmt.Errorf("the first layer is %q (%s), want the input layer %q", m.nodes[0].name, m.nodes[0].class, inName)
	}
	for _, n := range m.nodes[1:] {
		if n.class == "InputLayer" {
			return nil, fmt.Errorf("second InputLayer %q", n.name)
		}
	}
	var unused []string
	for _, g := range sortedKeys(weights) {
		if !used[g] {
			unused = append(unused, g)
		}
	}
	if len(unused) > 0 {
		return nil, fmt.Errorf("%d manifest weights belong to no layer, first %q", len(unused), unused[0])
	}
	m.output = m.byName[outName]
	m.compute = m.staticStats()
	return m, nil
}

// connName reads the layer name from a Keras connection
// ["name", node_index, tensor_index, {kwargs}].
func connName(c []json.RawMessage) (string, error) {
	if len(c) < 3 {
		return "", fmt.Errorf("connection %s has %d fields, want 3 or 4", c, len(c))
	}
	var name string
	var nodeIdx, tensorIdx int
	if err := json.Unmarshal(c[0], &name); err != nil {
		return "", fmt.Errorf("connection name: %w", err)
	}
	if err := json.Unmarshal(c[1], &nodeIdx); err != nil {
		return "", fmt.Errorf("connection node index: %w", err)
	}
	if err := json.Unmarshal(c[2], &tensorIdx); err != nil {
		return "", fmt.Errorf("connection tensor index: %w", err)
	}
	if nodeIdx != 0 || tensorIdx != 0 {
		return "", fmt.Errorf("connection to %q node %d tensor %d: only node 0 tensor 0 is supported", name, nodeIdx, tensorIdx)
	}
	return name, nil
}

type layerConfig struct {
	BatchInputShape   []*int          `json:"batch_input_shape"`
	Filters           int             `json:"filters"`
	KernelSize        []int           `json:"kernel_size"`
	Strides           []int           `json:"strides"`
	Padding           json.RawMessage `json:"padding"`
	DataFormat        string          `json:"data_format"`
	DilationRate      []int           `json:"dilation_rate"`
	Activation        string          `json:"activation"`
	UseBias           *bool           `json:"use_bias"`
	DepthMultiplier   int             `json:"depth_multiplier"`
	Axis              json.RawMessage `json:"axis"`
	Epsilon           *float64        `json:"epsilon"`
	Center            *bool           `json:"center"`
	Scale             *bool           `json:"scale"`
	MaxValue          *float64        `json:"max_value"`
	NegativeSlope     *float64        `json:"negative_slope"`
	Threshold         *float64        `json:"threshold"`
	PoolSize          []int           `json:"pool_size"`
	Units             int             `json:"units"`
	Dtype             string          `json:"dtype"`
	TargetShape       []int           `json:"target_shape"`
	ActivityRegularer json.RawMessage `json:"activity_regularizer"`
}

func sortedKeys(m map[string]*weight) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	// insertion sort is fine for a few hundred names, but use a simple
	// deterministic sort.
	for i := 1; i < len(ks); i++ {
		for j := i; j > 0 && ks[j] < ks[j-1]; j-- {
			ks[j], ks[j-1] = ks[j-1], ks[j]
		}
	}
	return ks
}

func pair(v []int, def int, what string) (int, int, error) {
	switch len(v) {
	case 0:
		return def, def, nil
	case 1:
		return v[0], v[0], nil
	case 2:
		return v[0], v[1], nil
	}
	return 0, 0, fmt.Errorf("%s %v: want 1 or 2 values", what, v)
}

// convOut computes TF's output size and leading padding for one axis.
func convOut(in, k, stride int, same bool) (out, padBefore int) {
	if same {
		out = (in + stride - 1) / stride
		total := (out-1)*stride + k - in
		if total < 0 {
			total = 0
		}
		return out, total / 2
	}
	out = (in - k + stride) / stride // ceil((in-k+1)/stride)
	return out, 0
}

func makeNode(l kerasLayer, m *Model, inputs []string, weights map[string]*weight, used map[string]bool) (*node, error) {
	n := &node{name: l.Name, class: l.ClassName, maxValue: math.Inf(1)}
	fail := func(format string, args ...any) error {
		return fmt.Errorf("layer %q (%s): %s", l.Name, l.ClassName, fmt.Sprintf(format, args...))
	}
	var cfg layerConfig
	if len(l.Config) > 0 {
		if err := json.Unmarshal(l.Config, &cfg); err != nil {
			return nil, fail("config: %v", err)
		}
	}
	if cfg.DataFormat != "" && cfg.DataFormat != "channels_last" {
		return nil, fail("data_format %q is not supported (only channels_last)", cfg.DataFormat)
	}
	for _, in := range inputs {
		i := m.byName[in]
		n.inputs = append(n.inputs, i)
		n.in = append(n.in, m.nodes[i].out)
	}
	wantInputs := func(k int) error {
		if k >= 0 && len(n.inputs) != k {
			return fail("has %d inputs, want %d", len(n.inputs), k)
		}
		if k < 0 && len(n.inputs) < 2 {
			return fail("has %d inputs, want at least 2", len(n.inputs))
		}
		return nil
	}
	getW := func(suffix string, want ...int) ([]float32, error) {
		key := l.Name + "/" + suffix
		w, ok := weights[key]
		if !ok {
			return nil, fail("weight %q is missing from the manifest", key)
		}
		if len(w.shape) != len(want) {
			return nil, fail("weight %q has shape %v, want %v", key, w.shape, want)
		}
		for i := range want {
			if w.shape[i] != want[i] {
				return nil, fail("weight %q has shape %v, want %v", key, w.shape, want)
			}
		}
		used[key] = true
		return w.data, nil
	}
	same := false
	parsePadding := func() error {
		var p string
		if err := json.Unmarshal(cfg.Padding, &p); err != nil {
			return fail("padding %s: %v", cfg.Padding, err)
		}
		switch p {
		case "same":
			same = true
		case "valid":
		default:
			return fail("padding %q is not supported", p)
		}
		return nil
	}
	checkDilation := func() error {
		for _, d := range cfg.DilationRate {
			if d != 1 {
				return fail("dilation_rate %v is not supported (only 1)", cfg.DilationRate)
			}
		}
		return nil
	}
	useBias := cfg.UseBias == nil || *cfg.UseBias
	act := cfg.Activation
	if act == "" {
		act = "linear"
	}
	checkAct := func() error {
		switch act {
		case "linear", "relu", "relu6", "softmax", "sigmoid", "tanh":
			return nil
		}
		return fail("activation %q is not supported", act)
	}
	checkAxis := func() error {
		if len(cfg.Axis) == 0 {
			return nil
		}
		var a int
		if err := json.Unmarshal(cfg.Axis, &a); err != nil {
			return fail("axis %s: only a single axis is supported", cfg.Axis)
		}
		if a != -1 && a != 3 {
			return fail("axis %d is not supported (only the channel axis, -1 or 3)", a)
		}
		return nil
	}

	switch l.ClassName {
	case "InputLayer":
		if err := wantInputs(0); err != nil {
			return nil, err
		}
		b := cfg.BatchInputShape
		if len(b) != 4 || b[1] == nil || b[2] == nil || b[3] == nil {
			return nil, fail("batch_input_shape must be [null, H, W, C] with known H, W, C")
		}
		if cfg.Dtype != "" && cfg.Dtype != "float32" {
			return nil, fail("dtype %q is not supported", cfg.Dtype)
		}
		n.out = shape{*b[1], *b[2], *b[3]}
		if n.out.H <= 0 || n.out.W <= 0 || n.out.C <= 0 {
			return nil, fail("non-positive input shape %v", n.out)
		}
		return n, nil

	case "Conv2D", "DepthwiseConv2D":
		if err := wantInputs(1); err != nil {
			return nil, err
		}
		if err := parsePadding(); err != nil {
			return nil, err
		}
		if err := checkDilation(); err != nil {
			return nil, err
		}
		if err := checkAct(); err != nil {
			return nil, err
		}
		var err error
		if n.r, n.s, err = pair(cfg.KernelSize, 0, "kernel_size"); err != nil {
			return nil, fail("%v", err)
		}
		if n.strideH, n.strideW, err = pair(cfg.Strides, 1, "strides"); err != nil {
			return nil, fail("%v", err)
		}
		if n.r <= 0 || n.s <= 0 || n.strideH <= 0 || n.strideW <= 0 {
			return nil, fail("kernel %dx%d stride %dx%d: must be positive", n.r, n.s, n.strideH, n.strideW)
		}
		in := n.in[0]
		if in.H < 1 || (!same && (in.H < n.r || in.W < n.s)) {
			return nil, fail("input %dx%d is smaller than the kernel %dx%d", in.H, in.W, n.r, n.s)
		}
		var oh, ow int
		oh, n.padTop = convOut(in.H, n.r, n.strideH, same)
		ow, n.padLeft = convOut(in.W, n.s, n.strideW, same)
		n.act = act
		if l.ClassName == "Conv2D" {
			if cfg.Filters <= 0 {
				return nil, fail("filters %d", cfg.Filters)
			}
			n.m = cfg.Filters
			if n.kernel, err = getW("kernel", n.r, n.s, in.C, n.m); err != nil {
				return nil, err
			}
			n.packed = packPanels(n.kernel, n.r*n.s*in.C, n.m)
		} else {
			n.depthMul = cfg.DepthMultiplier
			if n.depthMul == 0 {
				n.depthMul = 1
			}
			n.m = in.C * n.depthMul
			if n.kernel, err = getW("depthwise_kernel", n.r, n.s, in.C, n.depthMul); err != nil {
				return nil, err
			}
		}
		if useBias {
			if n.bias, err = getW("bias", n.m); err != nil {
				return nil, err
			}
		}
		n.out = shape{oh, ow, n.m}
		return n, nil

	case "Dense":
		if err := wantInputs(1); err != nil {
			return nil, err
		}
		if err := checkAct(); err != nil {
			return nil, err
		}
		in := n.in[0]
		if in.H != 1 || in.W != 1 {
			return nil, fail("input shape %v is not rank 2 (add a Flatten)", in)
		}
		if cfg.Units <= 0 {
			return nil, fail("units %d", cfg.Units)
		}
		n.m, n.r, n.s, n.strideH, n.strideW = cfg.Units, 1, 1, 1, 1
		var err error
		if n.kernel, err = getW("kernel", in.C, n.m); err != nil {
			return nil, err
		}
		if useBias {
			if n.bias, err = getW("bias", n.m); err != nil {
				return nil, err
			}
		}
		n.act = act
		n.out = shape{1, 1, n.m}
		return n, nil

	case "BatchNormalization":
		if err := wantInputs(1); err != nil {
			return nil, err
		}
		if err := checkAxis(); err != nil {
			return nil, err
		}
		c := n.in[0].C
		n.eps = 1e-3
		if cfg.Epsilon != nil {
			n.eps = *cfg.Epsilon
		}
		var err error
		if cfg.Scale == nil || *cfg.Scale {
			if n.gamma, err = getW("gamma", c); err != nil {
				return nil, err
			}
		}
		if cfg.Center == nil || *cfg.Center {
			if n.beta, err = getW("beta", c); err != nil {
				return nil, err
			}
		}
		if n.mean, err = getW("moving_mean", c); err != nil {
			return nil, err
		}
		if n.variance, err = getW("moving_variance", c); err != nil {
			return nil, err
		}
		n.out = n.in[0]
		return n, nil

	case "ReLU":
		if err := wantInputs(1); err != nil {
			return nil, err
		}
		if cfg.NegativeSlope != nil && *cfg.NegativeSlope != 0 {
			return nil, fail("negative_slope %v is not supported (TensorFlow.js ignores it)", *cfg.NegativeSlope)
		}
		if cfg.Threshold != nil && *cfg.Threshold != 0 {
			return nil, fail("threshold %v is not supported (TensorFlow.js ignores it)", *cfg.Threshold)
		}
		if cfg.MaxValue != nil {
			n.maxValue = *cfg.MaxValue
		}
		n.out = n.in[0]
		return n, nil

	case "Activation":
		if err := wantInputs(1); err != nil {
			return nil, err
		}
		if err := checkAct(); err != nil {
			return nil, err
		}
		n.act = act
		n.out = n.in[0]
		return n, nil

	case "Dropout":
		if err := wantInputs(1); err != nil {
			return nil, err
		}
		n.out = n.in[0]
		return n, nil

	case "Flatten":
		if err := wantInputs(1); err != nil {
			return nil, err
		}
		n.out = shape{1, 1, n.in[0].size()}
		return n, nil

	case "Reshape":
		if err := wantInputs(1); err != nil {
			return nil, err
		}
		t := cfg.TargetShape
		var out shape
		switch len(t) {
		case 1:
			out = shape{1, 1, t[0]}
		case 3:
			out = shape{t[0], t[1], t[2]}
		default:
			return nil, fail("target_shape %v: only rank 1 or 3 is supported", t)
		}
		if out.size() != n.in[0].size() || out.H <= 0 || out.W <= 0 || out.C <= 0 {
			return nil, fail("target_shape %v does not match input %v", t, n.in[0])
		}
		n.out = out
		return n, nil

	case "ZeroPadding2D":
		if err := wantInputs(1); err != nil {
			return nil, err
		}
		p, err := parseZeroPad(cfg.Padding)
		if err != nil {
			return nil, fail("%v", err)
		}
		n.zpad = p
		in := n.in[0]
		n.out = shape{in.H + p[0] + p[1], in.W + p[2] + p[3], in.C}
		return n, nil

	case "MaxPooling2D", "AveragePooling2D":
		if err := wantInputs(1); err != nil {
			return nil, err
		}
		if err := parsePadding(); err != nil {
			return nil, err
		}
		var err error
		if n.r, n.s, err = pair(cfg.PoolSize, 2, "pool_size"); err != nil {
			return nil, fail("%v", err)
		}
		if len(cfg.Strides) == 0 {
			n.strideH, n.strideW = n.r, n.s
		} else if n.strideH, n.strideW, err = pair(cfg.Strides, 0, "strides"); err != nil {
			return nil, fail("%v", err)
		}
		if n.r <= 0 || n.s <= 0 || n.strideH <= 0 || n.strideW <= 0 {
			return nil, fail("pool %dx%d stride %dx%d: must be positive", n.r, n.s, n.strideH, n.strideW)
		}
		in := n.in[0]
		if !same && (in.H < n.r || in.W < n.s) {
			return nil, fail("input %dx%d is smaller than the pool %dx%d", in.H, in.W, n.r, n.s)
		}
		var oh, ow int
		oh, n.padTop = convOut(in.H, n.r, n.strideH, same)
		ow, n.padLeft = convOut(in.W, n.s, n.strideW, same)
		n.poolMax = l.ClassName == "MaxPooling2D"
		n.out = shape{oh, ow, in.C}
		return n, nil

	case "GlobalAveragePooling2D":
		if err := wantInputs(1); err != nil {
			return nil, err
		}
		n.out = shape{1, 1, n.in[0].C}
		return n, nil

	case "Add":
		if err := wantInputs(-1); err != nil {
			return nil, err
		}
		for _, s := range n.in[1:] {
			if s != n.in[0] {
				return nil, fail("input shapes %v and %v differ", n.in[0], s)
			}
		}
		n.out = n.in[0]
		return n, nil

	case "Concatenate":
		if err := wantInputs(-1); err != nil {
			return nil, err
		}
		if err := checkAxis(); err != nil {
			return nil, err
		}
		out := n.in[0]
		for _, s := range n.in[1:] {
			if s.H != out.H || s.W != out.W {
				return nil, fail("input shapes %v and %v differ outside the channel axis", n.in[0], s)
			}
			out.C += s.C
		}
		n.out = out
		return n, nil
	}
	return nil, fail("layer class %q is not supported", l.ClassName)
}

// parseZeroPad reads Keras ZeroPadding2D padding: an int, [h, w] or
// [[top, bottom], [left, right]].
func parseZeroPad(raw json.RawMessage) ([4]int, error) {
	var p [4]int
	var one int
	if err := json.Unmarshal(raw, &one); err == nil {
		return [4]int{one, one, one, one}, nil
	}
	var two []int
	if err := json.Unmarshal(raw, &two); err == nil && len(two) == 2 {
		return [4]int{two[0], two[0], two[1], two[1]}, nil
	}
	var four [][]int
	if err := json.Unmarshal(raw, &four); err == nil && len(four) == 2 && len(four[0]) == 2 && len(four[1]) == 2 {
		p = [4]int{four[0][0], four[0][1], four[1][0], four[1][1]}
		for _, v := range p {
			if v < 0 {
				return p, fmt.Errorf("negative padding %s", raw)
			}
		}
		return p, nil
	}
	return p, fmt.Errorf("padding %s: want an int, [h, w] or [[top, bottom], [left, right]]", raw)
}
