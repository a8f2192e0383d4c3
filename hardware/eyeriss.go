package hardware

import (
	"fmt"
	"math"

	"github.com/sparsebench/sparsebench/plugins/accelerator"
)

// EyerissV2 is the Eyeriss-V2-like sparse CNN accelerator of SPEC §7:
// 8×2 clusters of 3×4 PEs (192 PEs) at 200 MHz, 8-bit data, a 16-entry
// activation scratchpad per PE and an activation global buffer of
// 3 × 32,000 bits, computing directly on compressed (CSC) activations and
// weights with a row-stationary dataflow.
//
// Latency is analytical: cycles = ⌊(4·V + A + Wc) / 192⌋ with V the valid
// MACs, A the activation-address checks and Wc the weight-address checks of
// the layer's row-stationary mapping (see Mapping), each taken at its
// expected value for independently placed zeros of the given densities.
type EyerissV2 struct {
	clockHz     float64
	clusterRows int // cluster array rows: parallel input-channel groups (C1)
	clusterCols int // cluster array columns: parallel filter groups (M1)
	peRows      int // PE rows in a cluster: parallel kernel columns (S1)
	peCols      int // PE columns in a cluster: parallel output-column tiles (F1)
	spadEntries int // activation scratchpad entries per PE
	glbBits     int // activation global buffer, all banks
	dataBits    int
	maxM0       int // filters a PE holds at once
}

// NewEyerissV2 returns the model with SPEC §7's configuration.
func NewEyerissV2() *EyerissV2 {
	return &EyerissV2{
		clockHz:     200e6,
		clusterRows: 8,
		clusterCols: 2,
		peRows:      3,
		peCols:      4,
		spadEntries: 16,
		glbBits:     3 * 32000,
		dataBits:    8,
		// Eyeriss-V2 sizes M0 from the weight scratchpad and the weight
		// sparsity; its paper's mappings (and the artifact) use 32.
		maxM0: 32,
	}
}

// Name implements Accelerator.
func (e *EyerissV2) Name() string { return "eyeriss-v2" }

// Version implements Accelerator.
func (e *EyerissV2) Version() string { return "1" }

// ClockHz implements Accelerator.
func (e *EyerissV2) ClockHz() float64 { return e.clockHz }

// SupportedKinds implements Accelerator.
func (e *EyerissV2) SupportedKinds() []accelerator.LayerKind {
	return []accelerator.LayerKind{accelerator.Conv, accelerator.FC}
}

// PEs is the number of processing elements the cycle count is divided by.
func (e *EyerissV2) PEs() int {
	return e.clusterRows * e.clusterCols * e.peRows * e.peCols
}

// Latencies implements Accelerator.
func (e *EyerissV2) Latencies(items []accelerator.Item, out []float64) error {
	if err := checkBatch(e, items, out); err != nil {
		return err
	}
	for i := range items {
		b, err := e.breakdown(i, &items[i])
		if err != nil {
			return err
		}
		out[i] = b.Latency
	}
	return nil
}

// Mapping is the row-stationary mapping of one layer, in the notation of
// the Eyeriss-V2 paper. The product of each dimension's three levels covers
// the (padded) layer:
//
//	input channels   C0 (per PE) · C1 (cluster rows)    · C2 (temporal)
//	output columns   F0 (per PE) · F1 (PE columns)      · F2 (temporal)
//	filters          M0 (per PE) · M1 (cluster columns) · M2 (temporal)
//	kernel columns                 S1 (PE rows)         · S2 (temporal)
//
// E is the number of output rows a PE produces (the whole height: rows are
// stationary).
type Mapping struct {
	C0, F0, M0     int
	C1, F1, S1, M1 int
	M2, F2, C2, S2 int
	E              int
}

// Breakdown is the cycle formula of one layer, term by term.
type Breakdown struct {
	Mapping Mapping
	// ValidMACs is V: expected products with a non-zero weight and a
	// non-zero activation, at stride 1 with 'same' padding.
	ValidMACs float64
	// ActChecks is A: one cycle per activation column address checked.
	ActChecks float64
	// NonEmptyColumns is the expected number of activation columns with at
	// least one non-zero, over all channel groups.
	NonEmptyColumns float64
	// WeightChecks is Wc: two cycles per non-empty column per mapped
	// filter group and kernel-column slice.
	WeightChecks float64
	// Cycles is ⌊(4·V + A + Wc) / PEs⌋.
	Cycles float64
	// Latency is Cycles / clock, in seconds.
	Latency float64
}

// Breakdown computes the cycle formula of one item.
func (e *EyerissV2) Breakdown(it accelerator.Item) (Breakdown, error) {
	return e.breakdown(0, &it)
}

// convShape is a layer as the PE array sees it once the static pattern has
// been applied.
type convShape struct {
	cin      int     // input channels the mapping tiles
	cActive  int     // of those, channels that carry data (the first ones)
	cPerOut  int     // input channels one output channel reads (C/groups)
	mg       int     // output channels sharing each input channel (per group)
	mTotal   int     // output channels computed
	h, w     int     // input (= output, at stride 1 'same') height and width
	r, s     int     // kernel height and width
	wDensity float64 // density of the products' weight operand
}

func (e *EyerissV2) breakdown(i int, it *accelerator.Item) (Breakdown, error) {
	var b Breakdown
	l := &it.Layer
	if l.Kind != accelerator.Conv && l.Kind != accelerator.FC {
		if err := l.Validate(); err != nil {
			return b, fmt.Errorf("%s: item %d: %w", e.Name(), i, err)
		}
		return b, itemError(e, i, it, "%s layers are not supported (eyeriss-v2 runs conv and fc)", l.Kind)
	}
	if err := l.Validate(); err != nil {
		return b, fmt.Errorf("%s: item %d: %w", e.Name(), i, err)
	}
	if err := checkDensities(e, i, it); err != nil {
		return b, err
	}
	sh := e.shape(it)
	m, err := e.mapping(sh)
	if err != nil {
		return b, itemError(e, i, it, "%v", err)
	}
	b.Mapping = m

	// V. The artifact convolves the activation mask with the weight mask at
	// stride 1 with 'same' padding, so every output position of the input
	// resolution counts and padding contributes nothing. Per output channel
	// and input channel that is Σ_y rows(y) · Σ_x cols(x) in-bounds taps;
	// for independent zeros each tap is valid with probability d_act·d_w.
	rowsH := windows(sh.h, sh.r)
	colsW := windows(sh.w, sh.s)
	taps := float64(sumTaps(rowsH)) * float64(sumTaps(colsW))
	dense := float64(sh.mTotal) * float64(sh.cPerOut) * taps
	b.ValidMACs = float64(dense*sh.wDensity) * it.ActDensity

	// A. Each PE walks its activation scratchpad column by column: a column
	// is the R·C0 activations one output row needs at one input column, and
	// its address is checked whether or not the column holds a non-zero. A
	// PE's pass covers E rows × F0 columns; the passes repeat over every
	// spatial (F1, F2), channel (C1, C2), kernel-column (S1, S2) and filter
	// (M1, M2) slice of the mapping, padded tiles included.
	b.ActChecks = float64(m.M1 * m.F1 * m.C1 * m.S1 * m.M2 * m.F2 * m.C2 * m.S2 * m.E * m.F0)

	// Wc. Only a non-empty column costs more: one cycle to read it and one
	// to fetch the weight address it indexes, for every filter group
	// (M1·M2) and kernel-column slice (S1·S2) it is matched against. A
	// column at output row y spans the r_y in-bounds rows of its 'same'
	// window, so with c channels it is empty with probability
	// (1 − d_act)^(r_y·c). Channels come in groups of C0 (the last one
	// possibly partial); padded channel groups and padded columns are empty.
	q := 1 - it.ActDensity
	full, rem := sh.cActive/m.C0, sh.cActive%m.C0
	var perColumnOfRows float64 // Σ over output rows and channel groups
	for _, rw := range rowsH {
		g := float64(full) * float64(1-math.Pow(q, float64(rw.rows*m.C0)))
		if rem > 0 {
			g += float64(1 - math.Pow(q, float64(rw.rows*rem)))
		}
		perColumnOfRows += float64(rw.count) * g
	}
	b.NonEmptyColumns = float64(sh.w) * perColumnOfRows
	b.WeightChecks = float64(2*m.M1*m.S1*m.M2*m.S2) * b.NonEmptyColumns

	total := float64(4*b.ValidMACs) + b.ActChecks + b.WeightChecks
	b.Cycles = math.Floor(total / float64(e.PEs()))
	b.Latency = b.Cycles / e.clockHz
	return b, nil
}

// shape applies the static pattern. Unstructured and N:M block pruning thin
// the products uniformly (SPEC §7): the mapping is unchanged and the
// weight operand has density d_w. Filter pruning instead removes whole
// output channels, so the layer really is smaller: M shrinks to the kept
// filters, which are dense, and the mapping is chosen for the smaller M.
//
// In a depthwise layer every group has a single filter, so pruning filters
// removes whole groups, and the input channels only they read carry no
// work. Those channels stay in the mapping as empty columns (still
// address-checked, never matched against weights) rather than the layer
// being re-tiled: the mapping rules fit channel groups by division (see
// mapping), so 31 channels tile worse than 32 and a re-tiled pruned layer
// could be slower than the unpruned one, breaking "less density, never
// more latency".
//
// Pruning does not propagate to the next layer's input channels
// (the specification prunes each layer's M only).
func (e *EyerissV2) shape(it *accelerator.Item) convShape {
	l := &it.Layer
	if l.Kind == accelerator.FC {
		// An FC layer is a 1×1 convolution on a 1×1 map.
		sh := convShape{cin: l.C, cActive: l.C, cPerOut: l.C, mg: l.M, mTotal: l.M, h: 1, w: 1, r: 1, s: 1, wDensity: it.WeightDensity}
		if it.Pattern.Kind == accelerator.Filter {
			sh.mg = keep(it.WeightDensity, l.M)
			sh.mTotal, sh.wDensity = sh.mg, 1
		}
		return sh
	}
	g := l.Groups
	sh := convShape{
		cin: l.C, cActive: l.C, cPerOut: l.C / g, mg: l.M / g, mTotal: l.M,
		h: l.H, w: l.W, r: l.R, s: l.S, wDensity: it.WeightDensity,
	}
	if it.Pattern.Kind != accelerator.Filter {
		return sh
	}
	sh.wDensity = 1
	if sh.mg > 1 || g == 1 {
		sh.mg = keep(it.WeightDensity, sh.mg)
		sh.mTotal = sh.mg * g
		return sh
	}
	kept := keep(it.WeightDensity, g)
	sh.cActive = kept * sh.cPerOut
	sh.mTotal = kept
	return sh
}

// keep is the number of n channels a filter-pruned layer keeps at density
// d: rounded, and never zero (a layer with no filters would not exist).
func keep(d float64, n int) int {
	return max(1, int(math.Round(d*float64(n))))
}

// mapping chooses the row-stationary mapping the way the artifact's
// simulator does, which follows the Eyeriss-V2 paper's rules:
//
//   - A PE's scratchpad holds R·C0 activations per column, so C0 is the
//     largest power of two with R·C0 ≤ 16 (capped at C). A first layer with
//     C ≤ 3 keeps all its channels in one PE even when R·C0 exceeds 16, as
//     the artifact does: there is no smaller useful split of an RGB input.
//   - The global buffer holds, per PE, F0 columns of the E×R×C0 window, so
//     F0 is the largest power of two with E·R·C0·F0·8 bits ≤ 3 × 32,000
//     (capped at W). A layer whose single column does not fit cannot run.
//   - M0 = 32 filters per PE (Eyeriss-V2's common case), capped at M.
//   - The cluster array spreads 8 channel groups (C1) by 2 filter groups
//     (M1) and each cluster 3 kernel columns (S1) by 4 column tiles (F1);
//     a dimension too small for the array uses what divides it.
//   - The temporal factors C2, F2, M2, S2 cover the rest, rounding up.
func (e *EyerissV2) mapping(sh convShape) (Mapping, error) {
	var m Mapping
	if sh.cin <= 3 {
		m.C0 = sh.cin
	} else {
		per := e.spadEntries / sh.r
		if per == 0 {
			return m, fmt.Errorf("kernel height %d exceeds the %d-entry activation scratchpad", sh.r, e.spadEntries)
		}
		m.C0 = min(pow2floor(per), sh.cin)
	}
	m.E = sh.h
	colBits := m.E * sh.r * m.C0 * e.dataBits
	f0 := e.glbBits / colBits
	if f0 == 0 {
		return m, fmt.Errorf("one activation column of %d rows × %d kernel rows × %d channels (%d bits) does not fit the %d-bit activation global buffer",
			m.E, sh.r, m.C0, colBits, e.glbBits)
	}
	m.F0 = min(pow2floor(f0), sh.w)
	m.M0 = min(e.maxM0, sh.mg)

	m.C1 = fitOrDivide(e.clusterRows, m.C0, sh.cin)
	m.F1 = fitOrDivide(e.peCols, m.F0, sh.w)
	m.S1 = min(e.peRows, sh.s)
	m.M1 = fitOrDivide(e.clusterCols, m.M0, sh.mg)

	m.M2 = ceilDiv(sh.mg, m.M0*m.M1)
	m.F2 = ceilDiv(sh.w, m.F0*m.F1)
	m.C2 = ceilDiv(sh.cin, m.C0*m.C1)
	m.S2 = ceilDiv(sh.s, m.S1)
	return m, nil
}

// fitOrDivide is the spatial factor of one array dimension: all of the
// array's units if they fit (units·inner ≤ size), else as many whole inner
// tiles as the dimension holds.
func fitOrDivide(units, inner, size int) int {
	if units*inner <= size {
		return units
	}
	return size / inner
}

func ceilDiv(a, b int) int { return (a + b - 1) / b }

// pow2floor is the largest power of two ≤ n, for n ≥ 1.
func pow2floor(n int) int {
	p := 1
	for p*2 <= n {
		p *= 2
	}
	return p
}

// window is a run of output positions whose 'same'-padded kernel window
// covers the same number of in-bounds input positions.
type window struct {
	rows  int // in-bounds input positions the window covers
	count int // output positions with that coverage
}

// windows lists, for a 'same'-padded stride-1 kernel of size k over n input
// positions, how many output positions see each in-bounds coverage. PyTorch
// pads (k−1)/2 before and the rest after. Interior positions see all k; the
// edges are enumerated, so the cost is O(k) except on maps smaller than the
// kernel.
func windows(n, k int) []window {
	before := (k - 1) / 2
	after := k - 1 - before
	cover := func(y int) int { return min(n, y-before+k) - max(0, y-before) }
	var out []window
	add := func(rows int) {
		for j := range out {
			if out[j].rows == rows {
				out[j].count++
				return
			}
		}
		out = append(out, window{rows: rows, count: 1})
	}
	if n <= before+after {
		for y := 0; y < n; y++ {
			add(cover(y))
		}
		return out
	}
	for y := 0; y < before; y++ {
		add(cover(y))
	}
	for y := n - after; y < n; y++ {
		add(cover(y))
	}
	out = append(out, window{rows: k, count: n - before - after})
	return out
}

// sumTaps is Σ over output positions of the in-bounds kernel taps.
func sumTaps(ws []window) int {
	t := 0
	for _, w := range ws {
		t += w.rows * w.count
	}
	return t
}
