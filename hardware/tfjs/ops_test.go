package tfjs

import (
	"encoding/binary"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// tl is one layer of a synthetic test model.
type tl struct {
	name, class string
	cfg         map[string]any
	in          []string
	weights     []tw
}

// tw is one weight; quant stores it as uint8 with the given min/scale
// (the values must then be exactly min + q*scale).
type tw struct {
	suffix string
	shape  []int
	vals   []float32
	quant  *[2]float64
}

// writeModel writes model.json and one shard to a new directory.
func writeModel(t *testing.T, h, w, c int, layers []tl) string {
	t.Helper()
	dir := t.TempDir()
	var ls []map[string]any
	ls = append(ls, map[string]any{"name": "input", "class_name": "InputLayer",
		"config":        map[string]any{"batch_input_shape": []any{nil, h, w, c}, "dtype": "float32", "name": "input"},
		"inbound_nodes": []any{}})
	var specs []map[string]any
	var shard []byte
	last := "input"
	for _, l := range layers {
		in := l.in
		if in == nil {
			in = []string{last}
		}
		var conns []any
		for _, n := range in {
			conns = append(conns, []any{n, 0, 0, map[string]any{}})
		}
		cfg := map[string]any{"name": l.name}
		for k, v := range l.cfg {
			cfg[k] = v
		}
		ls = append(ls, map[string]any{"name": l.name, "class_name": l.class, "config": cfg, "inbound_nodes": []any{conns}})
		for _, wt := range l.weights {
			spec := map[string]any{"name": l.name + "/" + wt.suffix, "shape": wt.shape, "dtype": "float32"}
			if wt.quant != nil {
				spec["quantization"] = map[string]any{"min": wt.quant[0], "scale": wt.quant[1], "dtype": "uint8"}
				for _, v := range wt.vals {
					q := math.Round((float64(v) - wt.quant[0]) / wt.quant[1])
					shard = append(shard, byte(q))
				}
			} else {
				for _, v := range wt.vals {
					shard = binary.LittleEndian.AppendUint32(shard, math.Float32bits(v))
				}
			}
			specs = append(specs, spec)
		}
		last = l.name
	}
	mj := map[string]any{
		"format": "layers-model",
		"modelTopology": map[string]any{"keras_version": "2.2.4", "backend": "tensorflow",
			"model_config": map[string]any{"class_name": "Model", "config": map[string]any{
				"name": "t", "layers": ls,
				"input_layers":  []any{[]any{"input", 0, 0}},
				"output_layers": []any{[]any{last, 0, 0}}}}},
		"weightsManifest": []any{map[string]any{"paths": []string{"group1-shard1of1.bin"}, "weights": specs}},
	}
	b, err := json.Marshal(mj)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "model.json"), b, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "group1-shard1of1.bin"), shard, 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

func runModel(t *testing.T, h, w, c int, in []float32, layers []tl) ([]float32, []LayerStat) {
	t.Helper()
	m, err := Load(writeModel(t, h, w, c, layers))
	if err != nil {
		t.Fatal(err)
	}
	var st []LayerStat
	out, err := m.Run(in, func(s LayerStat) { st = append(st, s) })
	if err != nil {
		t.Fatal(err)
	}
	return out, st
}

func seq(n int, start float32) []float32 {
	v := make([]float32, n)
	for i := range v {
		v[i] = start + float32(i)
	}
	return v
}

func ones(n int) []float32 {
	v := make([]float32, n)
	for i := range v {
		v[i] = 1
	}
	return v
}

func conv(name string, r, s, c, m int, padding string, stride int, kernel []float32, extra ...tw) tl {
	return tl{name: name, class: "Conv2D", cfg: map[string]any{
		"filters": m, "kernel_size": []int{r, s}, "strides": []int{stride, stride}, "padding": padding,
		"data_format": "channels_last", "dilation_rate": []int{1, 1}, "activation": "linear", "use_bias": len(extra) > 0},
		weights: append([]tw{{suffix: "kernel", shape: []int{r, s, c, m}, vals: kernel}}, extra...)}
}

func withInputs(l tl, in ...string) tl {
	l.in = in
	return l
}

func wantVals(t *testing.T, what string, got []float32, want ...float32) {
	t.Helper()
	if !eq32(got, want) {
		t.Errorf("%s: got %v, want %v", what, got, want)
	}
}

func TestConvValid(t *testing.T) {
	// 3x3 input 1..9, kernel [[1,2],[3,4]]: out(0,0) = 1*1+2*2+4*3+5*4.
	out, st := runModel(t, 3, 3, 1, seq(9, 1), []tl{conv("c", 2, 2, 1, 1, "valid", 1, []float32{1, 2, 3, 4})})
	wantVals(t, "conv valid", out, 37, 47, 67, 77)
	want := LayerStat{Index: 0, Name: "c", Class: "Conv2D", Kind: "conv", C: 1, M: 1, H: 3, W: 3, R: 2, S: 2,
		StrideH: 1, StrideW: 1, Groups: 1, OutH: 2, OutW: 2, Zeros: 0, Total: 9}
	if len(st) != 1 || st[0] != want {
		t.Errorf("stat %+v, want %+v", st, want)
	}
}

func TestConvSame(t *testing.T) {
	// 3x3 ones kernel, 'same': each output is its in-bounds 3x3
	// neighbourhood sum. Nine positions exercise the 4-row kernel twice
	// and the 1-row remainder once.
	out, st := runModel(t, 3, 3, 1, seq(9, 1), []tl{conv("c", 3, 3, 1, 1, "same", 1, ones(9))})
	wantVals(t, "conv same", out, 12, 21, 16, 27, 45, 33, 24, 39, 28)
	if st[0].PadTop != 1 || st[0].PadLeft != 1 || st[0].OutH != 3 {
		t.Errorf("stat %+v: want PadTop = PadLeft = 1, OutH = 3", st[0])
	}
}

func TestConvSameStride2(t *testing.T) {
	// 4x4 input 1..16, 3x3 ones, stride 2, 'same': TF pads 0 on top/left
	// and 1 on bottom/right.
	out, st := runModel(t, 4, 4, 1, seq(16, 1), []tl{conv("c", 3, 3, 1, 1, "same", 2, ones(9))})
	wantVals(t, "conv same stride 2", out, 54, 45, 72, 54)
	if st[0].PadTop != 0 || st[0].PadLeft != 0 || st[0].OutH != 2 || st[0].StrideH != 2 {
		t.Errorf("stat %+v", st[0])
	}
}

func TestConv1x1BiasReluFiveFilters(t *testing.T) {
	// Pixels (1,2) and (3,4); kernel rows c0 [1 0 1 2 -1], c1 [0 1 1 0 1]
	// give (1 2 3 2 1) and (3 4 7 6 1); bias (0.5 0 0 0 -2); relu.
	k := []float32{1, 0, 1, 2, -1, 0, 1, 1, 0, 1}
	l := conv("c", 1, 1, 2, 5, "valid", 1, k, tw{suffix: "bias", shape: []int{5}, vals: []float32{0.5, 0, 0, 0, -2}})
	l.cfg["activation"] = "relu"
	out, _ := runModel(t, 1, 2, 2, []float32{1, 2, 3, 4}, []tl{l})
	wantVals(t, "1x1 conv", out, 1.5, 2, 3, 2, 0, 3.5, 4, 7, 6, 0)
}

func TestDepthwise(t *testing.T) {
	// 2x2x2 input: channel 0 = 1,2,3,4, channel 1 = 10,20,30,40.
	in := []float32{1, 10, 2, 20, 3, 30, 4, 40}
	dw := func(mult int, k []float32) tl {
		return tl{name: "d", class: "DepthwiseConv2D", cfg: map[string]any{
			"kernel_size": []int{2, 2}, "strides": []int{1, 1}, "padding": "valid", "depth_multiplier": mult,
			"dilation_rate": []int{1, 1}, "activation": "linear", "use_bias": false},
			weights: []tw{{suffix: "depthwise_kernel", shape: []int{2, 2, 2, mult}, vals: k}}}
	}
	// kernel [r][s][c]: channel 0 all ones, channel 1 (1, 0, 0, -1).
	out, st := runModel(t, 2, 2, 2, in, []tl{dw(1, []float32{1, 1, 1, 0, 1, 0, 1, -1})})
	wantVals(t, "depthwise", out, 10, -30)
	if st[0].Groups != 2 || st[0].M != 2 || st[0].C != 2 {
		t.Errorf("stat %+v: want Groups 2, M 2", st[0])
	}
	// multiplier 2, kernel [r][s][c][q]: (c0,q0) ones, (c0,q1) (1,0,0,0),
	// (c1,q0) (1,0,0,-1), (c1,q1) (0,0,0,1); outputs ordered c*2+q.
	k := []float32{
		1, 1, 1, 0, // r0 s0: c0q0 c0q1 c1q0 c1q1
		1, 0, 0, 0, // r0 s1
		1, 0, 0, 0, // r1 s0
		1, 0, -1, 1, // r1 s1
	}
	out, st = runModel(t, 2, 2, 2, in, []tl{dw(2, k)})
	wantVals(t, "depthwise x2", out, 10, 1, -30, 40)
	if st[0].M != 4 || st[0].Groups != 2 {
		t.Errorf("stat %+v: want M 4, Groups 2", st[0])
	}
}

func TestBatchNorm(t *testing.T) {
	// epsilon 1 from the config: ch0 0.5 + (x-1)*2/sqrt(3+1), ch1
	// 0 + (x-0)*1/sqrt(0.25+1).
	bn := tl{name: "bn", class: "BatchNormalization", cfg: map[string]any{"axis": -1, "epsilon": 1.0, "center": true, "scale": true},
		weights: []tw{
			{suffix: "gamma", shape: []int{2}, vals: []float32{2, 1}},
			{suffix: "beta", shape: []int{2}, vals: []float32{0.5, 0}},
			{suffix: "moving_mean", shape: []int{2}, vals: []float32{1, 0}},
			{suffix: "moving_variance", shape: []int{2}, vals: []float32{3, 0.25}},
		}}
	out, _ := runModel(t, 1, 2, 2, []float32{1, 2, 3, -1}, []tl{bn})
	wantVals(t, "batchnorm", out, 0.5, float32(2/math.Sqrt(1.25)), 2.5, float32(-1/math.Sqrt(1.25)))
	// scale: false (InceptionV3's form) has no gamma.
	bn.cfg["scale"] = false
	bn.weights = bn.weights[1:]
	out, _ = runModel(t, 1, 2, 2, []float32{1, 2, 3, -1}, []tl{bn})
	wantVals(t, "batchnorm without gamma", out, 0.5, float32(2/math.Sqrt(1.25)), 1.5, float32(-1/math.Sqrt(1.25)))
}

func TestReLUAndActivations(t *testing.T) {
	in := []float32{-1, float32(math.Copysign(0, -1)), 3, 7}
	out, _ := runModel(t, 1, 1, 4, in, []tl{{name: "r", class: "ReLU", cfg: map[string]any{"max_value": 6, "negative_slope": 0, "threshold": 0}}})
	wantVals(t, "relu6 layer", out, 0, 0, 3, 6)
	out, _ = runModel(t, 1, 1, 4, in, []tl{{name: "a", class: "Activation", cfg: map[string]any{"activation": "relu"}}})
	wantVals(t, "relu", out, 0, 0, 3, 7)
	out, _ = runModel(t, 1, 1, 4, in, []tl{{name: "a", class: "Activation", cfg: map[string]any{"activation": "relu6"}}})
	wantVals(t, "relu6", out, 0, 0, 3, 6)
	out, _ = runModel(t, 1, 1, 2, []float32{0, float32(math.Log(3))}, []tl{{name: "a", class: "Activation", cfg: map[string]any{"activation": "softmax"}}})
	if math.Abs(float64(out[0])-0.25) > 1e-7 || math.Abs(float64(out[1])-0.75) > 1e-7 {
		t.Errorf("softmax(0, ln 3) = %v, want (0.25, 0.75)", out)
	}
	out, _ = runModel(t, 1, 1, 1, []float32{0}, []tl{{name: "a", class: "Activation", cfg: map[string]any{"activation": "sigmoid"}}})
	wantVals(t, "sigmoid", out, 0.5)
	if _, err := Load(writeModel(t, 1, 1, 1, []tl{{name: "r", class: "ReLU", cfg: map[string]any{"negative_slope": 0.1}}})); err == nil {
		t.Error("ReLU negative_slope 0.1 accepted")
	}
}

func TestPools(t *testing.T) {
	out, _ := runModel(t, 4, 4, 1, seq(16, 1), []tl{{name: "p", class: "MaxPooling2D", cfg: map[string]any{"pool_size": []int{2, 2}, "strides": []int{2, 2}, "padding": "valid"}}})
	wantVals(t, "max pool", out, 6, 8, 14, 16)
	// 'same' average divides by the in-bounds count: corners /4, edges /6.
	out, _ = runModel(t, 3, 3, 1, seq(9, 1), []tl{{name: "p", class: "AveragePooling2D", cfg: map[string]any{"pool_size": []int{3, 3}, "strides": []int{1, 1}, "padding": "same"}}})
	wantVals(t, "avg pool same", out, 3, 3.5, 4, 4.5, 5, 5.5, 6, 6.5, 7)
	// 3x3 stride 2 valid max pool on 5x5 (InceptionV3's form).
	out, _ = runModel(t, 5, 5, 1, seq(25, 1), []tl{{name: "p", class: "MaxPooling2D", cfg: map[string]any{"pool_size": []int{3, 3}, "strides": []int{2, 2}, "padding": "valid"}}})
	wantVals(t, "max pool 3x3/2", out, 13, 15, 23, 25)
	out, _ = runModel(t, 2, 2, 2, []float32{1, 10, 2, 20, 3, 30, 4, 41}, []tl{{name: "g", class: "GlobalAveragePooling2D"}})
	wantVals(t, "global average", out, 2.5, 25.25)
}

func TestConcatAddDense(t *testing.T) {
	// Two 1x1 convs on a 1x1x2 input (1, 2): a = x0 + x1 = 3, b = 2*x1 = 4.
	layers := []tl{
		conv("a", 1, 1, 2, 1, "valid", 1, []float32{1, 1}),
		withInputs(conv("b", 1, 1, 2, 1, "valid", 1, []float32{0, 2}), "input"),
		{name: "cat", class: "Concatenate", cfg: map[string]any{"axis": -1}, in: []string{"a", "b", "input"}},
		{name: "add", class: "Add", in: []string{"cat", "cat"}},
		{name: "flat", class: "Flatten"},
		{name: "drop", class: "Dropout", cfg: map[string]any{"rate": 0.5}},
		{name: "fc", class: "Dense", cfg: map[string]any{"units": 2, "activation": "relu", "use_bias": true},
			weights: []tw{
				// cat = (3, 4, 1, 2), add = (6, 8, 2, 4); fc = (6+2, 8-4) + bias (1, -10)
				{suffix: "kernel", shape: []int{4, 2}, vals: []float32{1, 0, 0, 1, 1, 0, 0, -1}},
				{suffix: "bias", shape: []int{2}, vals: []float32{1, -10}, quant: &[2]float64{-10, 0.5}},
			}},
	}
	out, st := runModel(t, 1, 1, 2, []float32{1, 2}, layers)
	wantVals(t, "dense(relu)", out, 9, 0)
	if len(st) != 3 || st[2].Kind != "fc" || st[2].C != 4 || st[2].M != 2 || st[2].H != 1 || st[2].R != 1 || st[2].Total != 4 || st[2].Index != 2 {
		t.Errorf("dense stat %+v", st)
	}
}

func TestDenseLong(t *testing.T) {
	// 100 inputs cross TF.js's 48-wide blocks: sum of k for k < 100.
	w := make([]float32, 100)
	for i := range w {
		w[i] = float32(i)
	}
	out, _ := runModel(t, 1, 1, 100, ones(100), []tl{{name: "fc", class: "Dense", cfg: map[string]any{"units": 1, "activation": "linear", "use_bias": false},
		weights: []tw{{suffix: "kernel", shape: []int{100, 1}, vals: w}}}})
	wantVals(t, "dense 100", out, 4950)
}

func TestZeroPaddingStat(t *testing.T) {
	// ZeroPadding2D ((0,1),(0,1)) on 2x2 then a 2x2 valid conv: the conv
	// receives a 3x3 tensor with 5 explicit zeros (plus one zero input).
	layers := []tl{
		{name: "pad", class: "ZeroPadding2D", cfg: map[string]any{"padding": [][]int{{0, 1}, {0, 1}}}},
		conv("c", 2, 2, 1, 1, "valid", 1, ones(4)),
	}
	out, st := runModel(t, 2, 2, 1, []float32{1, 2, 0, 4}, layers)
	wantVals(t, "pad+conv", out, 7, 6, 4, 4)
	if st[0].H != 3 || st[0].W != 3 || st[0].Zeros != 6 || st[0].Total != 9 {
		t.Errorf("stat %+v: want a 3x3 input with 6 zeros", st[0])
	}
	if st[0].ExplicitPad != [4]int{0, 1, 0, 1} {
		t.Errorf("explicit padding %v, want top 0, bottom 1, left 0, right 1", st[0].ExplicitPad)
	}
	if _, st := runModel(t, 2, 2, 1, []float32{1, 2, 0, 4}, layers[1:]); st[0].ExplicitPad != [4]int{} {
		t.Errorf("no padding layer, explicit padding %v", st[0].ExplicitPad)
	}
}

func TestLoadErrors(t *testing.T) {
	// Unknown class names the layer and class.
	_, err := Load(writeModel(t, 1, 1, 1, []tl{{name: "x", class: "LSTM"}}))
	if err == nil || !strings.Contains(err.Error(), `layer "x" (LSTM): layer class "LSTM" is not supported`) {
		t.Errorf("unknown class: %v", err)
	}
	// A kernel of the wrong shape.
	l := conv("c", 1, 1, 1, 1, "valid", 1, []float32{1})
	l.weights[0].shape = []int{1, 1, 2, 1}
	l.weights[0].vals = []float32{1, 1}
	if _, err := Load(writeModel(t, 1, 1, 1, []tl{l})); err == nil || !strings.Contains(err.Error(), "has shape [1 1 2 1], want [1 1 1 1]") {
		t.Errorf("bad kernel shape: %v", err)
	}
	// A weight no layer uses.
	l = conv("c", 1, 1, 1, 1, "valid", 1, []float32{1}, tw{suffix: "bias", shape: []int{1}, vals: []float32{1}})
	l.cfg["use_bias"] = false
	if _, err := Load(writeModel(t, 1, 1, 1, []tl{l})); err == nil || !strings.Contains(err.Error(), `belong to no layer, first "c/bias"`) {
		t.Errorf("unused weight: %v", err)
	}
	// Shard shorter than the manifest says.
	dir := writeModel(t, 1, 1, 1, []tl{conv("c", 1, 1, 1, 1, "valid", 1, []float32{1})})
	if err := os.WriteFile(filepath.Join(dir, "group1-shard1of1.bin"), []byte{0, 0}, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(dir); err == nil || !strings.Contains(err.Error(), "needs bytes [0,4)") {
		t.Errorf("short shard: %v", err)
	}
	if _, err := Load(t.TempDir()); err == nil || !strings.Contains(err.Error(), "neither model.json nor model.min.js") {
		t.Errorf("empty dir: %v", err)
	}
}

func TestWrappedForm(t *testing.T) {
	// The nsfwjs form: model.min.js exporting an object literal, shards
	// exporting base64 strings under the manifest path + ".min.js".
	dir := t.TempDir()
	model := `!function(e){module.exports=e()}(function(){return{1:[function(e,a,n){a.exports={modelTopology:{model_config:{class_name:"Model",config:{name:"m",layers:[` +
		`{name:"input_1",class_name:"InputLayer",config:{batch_input_shape:[null,1,1,2],dtype:"float32",sparse:!1},inbound_nodes:[]},` +
		`{name:"fc",class_name:"Dense",config:{units:1,activation:"linear",use_bias:!1},inbound_nodes:[[["input_1",0,0,{}]]]}` +
		`],input_layers:[["input_1",0,0]],output_layers:[["fc",0,0]]}}},weightsManifest:[{paths:["group1-shard1of1"],weights:[{name:"fc/kernel",shape:[2,1],dtype:"float32",quantization:{min:-.5,scale:.25,dtype:"uint8"}}]}]}},{}]},{},[1])(1)});`
	// q = (2, 6): -0.5 + 0.5 = 0, -0.5 + 1.5 = 1.
	shard := `!function(e){module.exports=e()}(function(){return{1:[function(e,h,n){h.exports="AgY="},{}]}});`
	if err := os.WriteFile(filepath.Join(dir, "model.min.js"), []byte(model), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "group1-shard1of1.min.js"), []byte(shard), 0o644); err != nil {
		t.Fatal(err)
	}
	m, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	out, err := m.Run([]float32{5, 7}, nil)
	if err != nil {
		t.Fatal(err)
	}
	wantVals(t, "wrapped dense", out, 7)
	f := m.Files()
	if len(f) != 2 || f[0].Name != "model.min.js" || f[1].Name != "group1-shard1of1.min.js" || f[1].Bytes != int64(len(shard)) || len(f[0].SHA256) != 64 {
		t.Errorf("files %+v", f)
	}
	// A malformed model.min.js names the file and position.
	bad := strings.Replace(model, "sparse:!1", "sparse:!2", 1)
	if err := os.WriteFile(filepath.Join(dir, "model.min.js"), []byte(bad), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err = Load(dir)
	if err == nil || !strings.Contains(err.Error(), "model.min.js:1:") {
		t.Errorf("malformed model.min.js: %v", err)
	}
}

func TestDeterminismGOMAXPROCS(t *testing.T) {
	m := loadModel(t, "mobilenet_v2")
	h, w, c := m.InputShape()
	in := makeInput(referenceInputs["checker"], h, w, c)
	names := []string{"block_6_expand_relu", "out_relu"}
	run := func(p int) (map[string][]float32, []float32) {
		old := runtime.GOMAXPROCS(p)
		defer runtime.GOMAXPROCS(old)
		caps, out, err := m.RunCapture(in, names)
		if err != nil {
			t.Fatal(err)
		}
		return caps, out
	}
	c1, o1 := run(1)
	c2, o2 := run(3)
	if !eq32(o1, o2) {
		t.Errorf("outputs differ: %v vs %v", o1, o2)
	}
	for _, n := range names {
		if float32SHA256(c1[n]) != float32SHA256(c2[n]) {
			t.Errorf("%s differs between GOMAXPROCS 1 and 3", n)
		}
	}
}
