package tfjs

import (
	"fmt"
	"math"
	"runtime"
	"sync"

	"github.com/sparsebench/sparsebench/harness/parallel"
)

// LayerStat describes one compute layer (Conv2D, DepthwiseConv2D or
// Dense) and, when reported by Run, the zeros in its input.
//
// H, W, C are the shape of the input tensor the layer itself receives:
// for a convolution preceded by an explicit ZeroPadding2D layer that is
// the padded tensor (the explicit zeros are counted); the implicit
// padding of padding="same" is not part of it and is reported as PadTop
// and PadLeft (the bottom/right padding follows from H, W, R, S, the
// strides and OutH, OutW, as in TensorFlow). R x S is the kernel, M the
// output channels (DepthwiseConv2D: M = C * depth_multiplier and
// Groups = C; otherwise Groups = 1). Dense layers have H = W = R = S = 1
// and C = input features, M = units. Zeros counts the elements of the
// input tensor equal to zero (+0 or -0; NaN is not zero) and Total its
// element count H*W*C.
type LayerStat struct {
	Index            int // 0-based position among the compute layers, in execution order
	Name, Class      string
	Kind             string // "conv" (Conv2D, DepthwiseConv2D) or "fc" (Dense)
	C, M, H, W, R, S int
	StrideH, StrideW int
	Groups           int
	PadTop, PadLeft  int
	// ExplicitPad is the top, bottom, left and right padding of a
	// ZeroPadding2D layer feeding this one (zero otherwise): H and W
	// include it and Zeros counts its zeros, so the activation before
	// padding is (H − top − bottom) × (W − left − right) × C with
	// Zeros − (its padding's element count) zeros.
	ExplicitPad  [4]int
	OutH, OutW   int
	Zeros, Total int64
}

// InputShape is the model's input size (height, width, channels).
func (m *Model) InputShape() (h, w, c int) {
	s := m.nodes[0].out
	return s.H, s.W, s.C
}

// OutputSize is the number of values Run returns.
func (m *Model) OutputSize() int { return m.nodes[m.output].out.size() }

// LayerNames lists every layer in execution order.
func (m *Model) LayerNames() []string {
	out := make([]string, len(m.nodes))
	for i, n := range m.nodes {
		out[i] = n.name
	}
	return out
}

// LayerOutputShape is the output shape of the named layer.
func (m *Model) LayerOutputShape(name string) (h, w, c int, ok bool) {
	i, ok := m.byName[name]
	if !ok {
		return 0, 0, 0, false
	}
	s := m.nodes[i].out
	return s.H, s.W, s.C, true
}

// ComputeLayers returns the static description of every compute layer in
// execution order, with Zeros and Total zero.
func (m *Model) ComputeLayers() []LayerStat { return append([]LayerStat(nil), m.compute...) }

func (m *Model) staticStats() []LayerStat {
	var out []LayerStat
	for _, n := range m.nodes {
		if st, ok := m.stat(n); ok {
			st.Index = len(out)
			out = append(out, st)
		}
	}
	return out
}

func (m *Model) stat(n *node) (LayerStat, bool) {
	st := LayerStat{Name: n.name, Class: n.class, Groups: 1}
	switch n.class {
	case "Conv2D", "DepthwiseConv2D":
		st.Kind = "conv"
	case "Dense":
		st.Kind = "fc"
	default:
		return st, false
	}
	in := n.in[0]
	st.H, st.W, st.C = in.H, in.W, in.C
	st.M, st.R, st.S = n.m, n.r, n.s
	st.StrideH, st.StrideW = n.strideH, n.strideW
	st.PadTop, st.PadLeft = n.padTop, n.padLeft
	st.OutH, st.OutW = n.out.H, n.out.W
	if n.class == "DepthwiseConv2D" {
		st.Groups = in.C
	}
	if p := m.nodes[n.inputs[0]]; p.class == "ZeroPadding2D" {
		st.ExplicitPad = p.zpad
	}
	return st, true
}

// tensor is a batch-1 HWC float32 activation.
type tensor struct {
	s shape
	d []float32
}

// Run executes the model on one input image in HWC order (InputShape) and
// returns the output layer's values. If obs is not nil it is called once
// per compute layer, in execution order, before that layer runs, with the
// zero count of its input. The result is bit-identical for any GOMAXPROCS.
func (m *Model) Run(in []float32, obs func(LayerStat)) ([]float32, error) {
	out, _, err := m.run(in, obs, nil)
	return out, err
}

// RunCapture is Run that also returns a copy of the output of each named
// layer (HWC order), keyed by name.
func (m *Model) RunCapture(in []float32, names []string) (map[string][]float32, []float32, error) {
	return m.RunCaptureObserve(in, names, nil)
}

func (m *Model) run(in []float32, obs func(LayerStat), capture map[int]bool) ([]float32, map[int][]float32, error) {
	if want := m.nodes[0].out.size(); len(in) != want {
		h, w, c := m.InputShape()
		return nil, nil, fmt.Errorf("tfjs: input has %d values, want %d (%dx%dx%d HWC)", len(in), want, h, w, c)
	}
	// Reference counts free activations once their last consumer ran.
	uses := make([]int, len(m.nodes))
	for _, n := range m.nodes {
		for _, i := range n.inputs {
			uses[i]++
		}
	}
	vals := make([]*tensor, len(m.nodes))
	caps := make(map[int][]float32)
	workers := runtime.GOMAXPROCS(0)
	ci := 0
	for i, n := range m.nodes {
		var x []*tensor
		for _, j := range n.inputs {
			x = append(x, vals[j])
		}
		if obs != nil {
			if st, ok := m.stat(n); ok {
				st.Index = ci
				st.Total = int64(len(x[0].d))
				st.Zeros = countZeros(x[0].d)
				obs(st)
			}
		}
		if _, ok := m.stat(n); ok {
			ci++
		}
		var out *tensor
		if i == 0 {
			out = &tensor{s: n.out, d: append([]float32(nil), in...)}
		} else {
			out = n.exec(x, workers)
		}
		if out.s != n.out || len(out.d) != n.out.size() {
			return nil, nil, fmt.Errorf("tfjs: internal error: layer %q produced %v, want %v", n.name, out.s, n.out)
		}
		vals[i] = out
		if capture[i] {
			caps[i] = append([]float32(nil), out.d...)
		}
		for _, j := range n.inputs {
			uses[j]--
			if uses[j] == 0 && j != m.output {
				vals[j] = nil
			}
		}
	}
	return vals[m.output].d, caps, nil
}

func countZeros(d []float32) int64 {
	var z int64
	for _, v := range d {
		if v == 0 {
			z++
		}
	}
	return z
}

func (n *node) exec(x []*tensor, workers int) *tensor {
	switch n.class {
	case "Conv2D":
		return n.activate(n.addBias(conv2d(n, x[0], workers)))
	case "DepthwiseConv2D":
		return n.activate(n.addBias(depthwise(n, x[0], workers)))
	case "Dense":
		return n.activate(n.addBias(dense(n, x[0])))
	case "BatchNormalization":
		return batchNorm(n, x[0])
	case "ReLU":
		return reluLayer(x[0], n.maxValue)
	case "Activation":
		return n.activate(&tensor{s: x[0].s, d: append([]float32(nil), x[0].d...)})
	case "Dropout", "Flatten", "Reshape":
		return &tensor{s: n.out, d: x[0].d}
	case "ZeroPadding2D":
		return zeroPad(x[0], n.zpad)
	case "MaxPooling2D", "AveragePooling2D":
		return pool(n, x[0], workers)
	case "GlobalAveragePooling2D":
		return globalAvg(x[0])
	case "Add":
		return addN(x)
	case "Concatenate":
		return concat(x)
	}
	panic("tfjs: unhandled class " + n.class) // makeNode rejects unknown classes
}

// addBias adds the bias per channel as TensorFlow.js's fused kernels do
// (a float32 add after the convolution or matrix product).
func (n *node) addBias(t *tensor) *tensor {
	if n.bias == nil {
		return t
	}
	c := t.s.C
	for i := range t.d {
		t.d[i] += n.bias[i%c]
	}
	return t
}

// activate applies n.act in place, with TensorFlow.js CPU semantics.
func (n *node) activate(t *tensor) *tensor {
	switch n.act {
	case "", "linear":
	case "relu":
		for i, v := range t.d {
			t.d[i] = relu(v)
		}
	case "relu6":
		for i, v := range t.d {
			t.d[i] = min32(6, relu(v))
		}
	case "sigmoid":
		for i, v := range t.d {
			t.d[i] = float32(1 / (1 + math.Exp(-float64(v))))
		}
	case "tanh":
		for i, v := range t.d {
			t.d[i] = float32(math.Tanh(float64(v)))
		}
	case "softmax":
		softmax(t.d, t.s.C)
	default:
		panic("tfjs: unhandled activation " + n.act)
	}
	return t
}

// relu is Math.max(0, x): NaN stays NaN, -0 becomes +0.
func relu(v float32) float32 {
	if v > 0 || v != v {
		return v
	}
	return 0
}

// min32 is tf.minimum: NaN propagates.
func min32(a, b float32) float32 {
	if b != b {
		return b
	}
	if b < a {
		return b
	}
	return a
}

// softmax over the last axis as tfjs-backend-cpu composes it: subtract
// the max, exp, sum, divide, each stage stored as float32.
func softmax(d []float32, c int) {
	for off := 0; off < len(d); off += c {
		row := d[off : off+c]
		mx := float32(math.Inf(-1))
		for _, v := range row {
			if v > mx || v != v {
				mx = v
			}
		}
		var sum float64
		for i, v := range row {
			e := float32(math.Exp(float64(v - mx)))
			row[i] = e
			sum += float64(e)
		}
		s := float32(sum)
		for i, v := range row {
			row[i] = v / s
		}
	}
}

func reluLayer(x *tensor, maxValue float64) *tensor {
	out := &tensor{s: x.s, d: make([]float32, len(x.d))}
	clip := !math.IsInf(maxValue, 1)
	mv := float32(maxValue)
	for i, v := range x.d {
		v = relu(v)
		if clip && v > mv {
			v = mv
		}
		out.d[i] = v
	}
	return out
}

// batchNorm computes, in float64 and rounded once to float32, exactly the
// tfjs-backend-cpu expression offset + (x - mean) * scale / sqrt(variance
// + epsilon), with scale 1 and offset 0 when the layer has none.
func batchNorm(n *node, x *tensor) *tensor {
	c := x.s.C
	den := make([]float64, c)
	scale := make([]float64, c)
	off := make([]float64, c)
	mean := make([]float64, c)
	for i := 0; i < c; i++ {
		den[i] = math.Sqrt(float64(n.variance[i]) + n.eps)
		scale[i] = 1
		if n.gamma != nil {
			scale[i] = float64(n.gamma[i])
		}
		if n.beta != nil {
			off[i] = float64(n.beta[i])
		}
		mean[i] = float64(n.mean[i])
	}
	out := &tensor{s: x.s, d: make([]float32, len(x.d))}
	for p := 0; p < len(x.d); p += c {
		xs := x.d[p : p+c]
		os := out.d[p : p+c]
		for i, v := range xs {
			t := float64(float64(v)-mean[i]) * scale[i]
			os[i] = float32(off[i] + t/den[i])
		}
	}
	return out
}

// conv2d is a convolution by im2col over tiles of output positions. Each
// tile is owned by one worker, and every output element's sum runs over
// the kernel taps in (row, column, channel) order as in tfjs-backend-cpu.
func conv2d(n *node, x *tensor, workers int) *tensor {
	in := x.s
	oh, ow := n.out.H, n.out.W
	k := n.r * n.s * in.C
	np := (n.m + 3) / 4
	ldc := np * 4
	P := oh * ow
	const tileRows = 32
	const kBlock = 256
	ntiles := (P + tileRows - 1) / tileRows
	out := &tensor{s: n.out, d: make([]float32, P*n.m)}
	var pool sync.Pool
	parallel.ForEach(ntiles, workers, func(t int) {
		bufs, _ := pool.Get().(*convBufs)
		if bufs == nil {
			bufs = &convBufs{}
		}
		defer pool.Put(bufs)
		p0 := t * tileRows
		rows := min(tileRows, P-p0)
		a := grow64(&bufs.a, rows*k)
		ct := grow32(&bufs.c, rows*ldc)
		clear(ct)
		for i := 0; i < rows; i++ {
			p := p0 + i
			y, xw := p/ow, p%ow
			row := a[i*k : (i+1)*k]
			j := 0
			for r := 0; r < n.r; r++ {
				ih := y*n.strideH - n.padTop + r
				for s := 0; s < n.s; s++ {
					iw := xw*n.strideW - n.padLeft + s
					dst := row[j : j+in.C]
					j += in.C
					if ih < 0 || ih >= in.H || iw < 0 || iw >= in.W {
						clear(dst)
						continue
					}
					src := x.d[(ih*in.W+iw)*in.C : (ih*in.W+iw+1)*in.C]
					for c, v := range src {
						dst[c] = float64(v)
					}
				}
			}
		}
		gemmTile(a, rows, k, n.packed, np, ct, kBlock)
		for i := 0; i < rows; i++ {
			copy(out.d[(p0+i)*n.m:(p0+i+1)*n.m], ct[i*ldc:i*ldc+n.m])
		}
	})
	return out
}

type convBufs struct {
	a []float64
	c []float32
}

func grow64(b *[]float64, n int) []float64 {
	if cap(*b) < n {
		*b = make([]float64, n)
	}
	return (*b)[:n]
}

func grow32(b *[]float32, n int) []float32 {
	if cap(*b) < n {
		*b = make([]float32, n)
	}
	return (*b)[:n]
}

// depthwise mirrors tfjs-backend-cpu's DepthwiseConv2dNative: output
// channel c*mult+q sums x[.., c] * w[r][s][c][q] over in-bounds taps in
// (row, column) order, rounding to float32 after every tap.
func depthwise(n *node, x *tensor, workers int) *tensor {
	in := x.s
	oh, ow := n.out.H, n.out.W
	mult := n.depthMul
	out := &tensor{s: n.out, d: make([]float32, oh*ow*n.m)}
	parallel.ForEach(oh, workers, func(y int) {
		for xw := 0; xw < ow; xw++ {
			acc := out.d[(y*ow+xw)*n.m : (y*ow+xw+1)*n.m]
			for r := 0; r < n.r; r++ {
				ih := y*n.strideH - n.padTop + r
				if ih < 0 || ih >= in.H {
					continue
				}
				for s := 0; s < n.s; s++ {
					iw := xw*n.strideW - n.padLeft + s
					if iw < 0 || iw >= in.W {
						continue
					}
					src := x.d[(ih*in.W+iw)*in.C : (ih*in.W+iw+1)*in.C]
					w := n.kernel[(r*n.s+s)*in.C*mult : (r*n.s+s+1)*in.C*mult]
					if mult == 1 {
						w = w[:len(src)]
						acc := acc[:len(src)]
						for c, v := range src {
							acc[c] = float32(float64(acc[c]) + float64(v)*float64(w[c]))
						}
						continue
					}
					for c, v := range src {
						for q := 0; q < mult; q++ {
							o := c*mult + q
							acc[o] = float32(float64(acc[o]) + float64(v)*float64(w[o]))
						}
					}
				}
			}
		}
	})
	return out
}

// dense mirrors tfjs-backend-cpu's batchMatMul: the shared dimension is
// summed in float64 over blocks of 48, and each block's sum is added to
// the float32 result.
func dense(n *node, x *tensor) *tensor {
	const block = 48
	kin := x.s.C
	out := &tensor{s: n.out, d: make([]float32, n.m)}
	for j := 0; j < n.m; j++ {
		var res float32
		for k0 := 0; k0 < kin; k0 += block {
			var sum float64
			for k := k0; k < min(k0+block, kin); k++ {
				sum += float64(x.d[k]) * float64(n.kernel[k*n.m+j])
			}
			res = float32(float64(res) + sum)
		}
		out.d[j] = res
	}
	return out
}

func zeroPad(x *tensor, p [4]int) *tensor {
	s := shape{x.s.H + p[0] + p[1], x.s.W + p[2] + p[3], x.s.C}
	out := &tensor{s: s, d: make([]float32, s.size())}
	rowLen := x.s.W * x.s.C
	for y := 0; y < x.s.H; y++ {
		dst := ((y+p[0])*s.W + p[2]) * s.C
		copy(out.d[dst:dst+rowLen], x.d[y*rowLen:(y+1)*rowLen])
	}
	return out
}

// pool mirrors tfjs-backend-cpu's pool: the window is clipped to the
// input; max keeps the first strictly greater value (NaN wins), average
// sums the in-bounds values in float64 (row-major) and divides by their
// count.
func pool(n *node, x *tensor, workers int) *tensor {
	in := x.s
	oh, ow := n.out.H, n.out.W
	c := in.C
	out := &tensor{s: n.out, d: make([]float32, oh*ow*c)}
	parallel.ForEach(oh, workers, func(y int) {
		r0 := y*n.strideH - n.padTop
		rMin, rMax := max(0, r0), min(in.H, r0+n.r)
		for xw := 0; xw < ow; xw++ {
			c0 := xw*n.strideW - n.padLeft
			cMin, cMax := max(0, c0), min(in.W, c0+n.s)
			dst := out.d[(y*ow+xw)*c : (y*ow+xw+1)*c]
			for ch := 0; ch < c; ch++ {
				if n.poolMax {
					mx := float32(math.Inf(-1))
				maxLoop:
					for ih := rMin; ih < rMax; ih++ {
						for iw := cMin; iw < cMax; iw++ {
							v := x.d[(ih*in.W+iw)*c+ch]
							if v > mx || v != v {
								mx = v
								if v != v {
									break maxLoop
								}
							}
						}
					}
					dst[ch] = mx
					continue
				}
				var sum float64
				cnt := 0
				for ih := rMin; ih < rMax; ih++ {
					for iw := cMin; iw < cMax; iw++ {
						sum += float64(x.d[(ih*in.W+iw)*c+ch])
						cnt++
					}
				}
				dst[ch] = float32(sum / float64(cnt))
			}
		}
	})
	return out
}

// globalAvg is tf.mean over height and width: a float64 sum stored as
// float32, then divided by the count.
func globalAvg(x *tensor) *tensor {
	c := x.s.C
	out := &tensor{s: shape{1, 1, c}, d: make([]float32, c)}
	cnt := float32(x.s.H * x.s.W)
	for ch := 0; ch < c; ch++ {
		var sum float64
		for p := 0; p < x.s.H*x.s.W; p++ {
			sum += float64(x.d[p*c+ch])
		}
		out.d[ch] = float32(sum) / cnt
	}
	return out
}

func addN(x []*tensor) *tensor {
	out := &tensor{s: x[0].s, d: append([]float32(nil), x[0].d...)}
	for _, t := range x[1:] {
		for i, v := range t.d {
			out.d[i] += v
		}
	}
	return out
}

func concat(x []*tensor) *tensor {
	s := x[0].s
	s.C = 0
	for _, t := range x {
		s.C += t.s.C
	}
	out := &tensor{s: s, d: make([]float32, s.size())}
	for p := 0; p < s.H*s.W; p++ {
		o := p * s.C
		for _, t := range x {
			o += copy(out.d[o:], t.d[p*t.s.C:(p+1)*t.s.C])
		}
	}
	return out
}

// runCaptureObs is RunCapture with an observer (see Run).
func (m *Model) RunCaptureObserve(in []float32, names []string, obs func(LayerStat)) (map[string][]float32, []float32, error) {
	want := make(map[int]bool, len(names))
	for _, nm := range names {
		i, ok := m.byName[nm]
		if !ok {
			return nil, nil, fmt.Errorf("tfjs: no layer named %q", nm)
		}
		want[i] = true
	}
	out, caps, err := m.run(in, obs, want)
	if err != nil {
		return nil, nil, err
	}
	res := make(map[string][]float32, len(names))
	for _, nm := range names {
		res[nm] = caps[m.byName[nm]]
	}
	return res, out, nil
}
