// Package trace reads and writes sparsebench-trace/1 files (TRACE.md in this
// folder): the exact input of a run — the catalogue with its samples and
// static tables, the request stream and the preemption cost — so that any
// run can be replayed with identical metrics. Parse reports every problem as
// an *Error naming the file, the JSON path and what was expected; large
// traces are decoded in parallel after a structural scan (split.go).
package trace

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"
	"strings"

	fastjson "github.com/goccy/go-json"
	"github.com/google/renameio/v2"

	"github.com/sparsebench/sparsebench/hardware/catalogue"
	"github.com/sparsebench/sparsebench/harness/textpos"
	"github.com/sparsebench/sparsebench/harness/workload"
	"github.com/sparsebench/sparsebench/plugins/scheduler"
)

// Format is the format tag of the trace files this version reads and
// writes. TRACE.md documents the format.
const Format = "sparsebench-trace/1"

// Trace is a complete, replayable run input: the catalogue of variants with
// their samples and static tables, and the request stream.
type Trace struct {
	Catalogue catalogue.Catalogue
	Requests  []workload.Request
	// PreemptionCost is the context-switch cost of the run, seconds; the
	// optional field preemption_cost_s, omitted when 0.
	PreemptionCost float64
}

// The wire types use pointers for required numbers so a missing field is
// told apart from a zero.
type traceFile struct {
	Format         *string        `json:"format"`
	PreemptionCost *float64       `json:"preemption_cost_s"`
	Models         []traceModel   `json:"models"`
	Requests       []traceRequest `json:"requests"`
}

type traceModel struct {
	Name             *string       `json:"name"`
	Family           *string       `json:"family"`
	Samples          []traceSample `json:"samples"`
	AvgLatency       []float64     `json:"avg_latency_s"`
	FamilyAvgLatency []float64     `json:"family_avg_latency_s"`
	AvgSparsity      []float64     `json:"avg_sparsity"`
	SLOBase          *float64      `json:"slo_base_s"`
}

type traceSample struct {
	Latency  []float64 `json:"latency_s"`
	Sparsity []float64 `json:"sparsity"`
}

type traceRequest struct {
	Arrival  *float64 `json:"arrival_s"`
	Model    *string  `json:"model"`
	Sample   *int     `json:"sample"`
	Priority *int     `json:"priority"`
	Deadline *float64 `json:"deadline_s"`
}

// Error is a problem in a trace file, located by its JSON path.
type Error struct {
	File string
	Path string // e.g. requests[17].arrival_s
	Msg  string
}

func (e *Error) Error() string {
	if e.Path == "" {
		return fmt.Sprintf("%s: %s", e.File, e.Msg)
	}
	return fmt.Sprintf("%s: %s: %s", e.File, e.Path, e.Msg)
}

// ReadFile reads and validates a trace file.
func ReadFile(path string) (*Trace, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return Parse(path, data)
}

// Parse decodes and validates a trace; name labels error messages.
func Parse(name string, data []byte) (*Trace, error) {
	f, err := decodeTrace(name, data)
	if err != nil {
		return nil, err
	}
	fail := func(path, format string, args ...any) error {
		return &Error{File: name, Path: path, Msg: fmt.Sprintf(format, args...)}
	}
	if f.Format == nil {
		return nil, fail("format", "missing; want %q", Format)
	}
	if *f.Format != Format {
		return nil, fail("format", "unknown format %q; want %q", *f.Format, Format)
	}
	if len(f.Models) == 0 {
		return nil, fail("models", "missing or empty; want at least one model")
	}
	t := &Trace{}
	index := map[string]int{}
	familyLayers := map[string]int{}
	for i, m := range f.Models {
		p := elemPath{"models", i}
		if m.Name == nil || *m.Name == "" {
			return nil, fail(p.at(".name"), "missing; want the variant's name")
		}
		if j, dup := index[*m.Name]; dup {
			return nil, fail(p.at(".name"), "%q repeats models[%d].name", *m.Name, j)
		}
		index[*m.Name] = i
		if m.Family == nil || *m.Family == "" {
			return nil, fail(p.at(".family"), "missing; want the model family")
		}
		if len(m.Samples) == 0 {
			return nil, fail(p.at(".samples"), "missing or empty; want at least one sample")
		}
		n := len(m.Samples[0].Latency)
		if n == 0 {
			return nil, fail(p.at(".samples[0].latency_s"), "missing or empty; want one latency per layer")
		}
		if want, ok := familyLayers[*m.Family]; ok && want != n {
			return nil, fail(p.at(".samples[0].latency_s"), "%d layers, but family %q has %d in an earlier model", n, *m.Family, want)
		}
		familyLayers[*m.Family] = n
		model := catalogue.Model{Name: *m.Name, Family: *m.Family, Samples: make([]catalogue.Sample, len(m.Samples))}
		for k, s := range m.Samples {
			sp := elemPath{"samples", k}
			if err := checkVector(s.Latency, n, 0, scheduler.MaxLatency, true); err != nil {
				return nil, fail(p.at("."+sp.at(".latency_s"+err.at)), "%s", err.msg)
			}
			if err := checkVector(s.Sparsity, n, 0, 1, false); err != nil {
				return nil, fail(p.at("."+sp.at(".sparsity"+err.at)), "%s", err.msg)
			}
			if smp := (catalogue.Sample{Latency: s.Latency}); smp.IsolatedLatency() <= 0 {
				return nil, fail(p.at("."+sp.at(".latency_s")), "isolated latency is 0; want a positive total")
			}
			model.Samples[k] = catalogue.Sample{Latency: s.Latency, Sparsity: s.Sparsity}
		}
		for _, v := range []struct {
			key    string
			xs     []float64
			hi     float64
			closed bool
		}{
			{"avg_latency_s", m.AvgLatency, scheduler.MaxLatency, true},
			{"family_avg_latency_s", m.FamilyAvgLatency, scheduler.MaxLatency, true},
			{"avg_sparsity", m.AvgSparsity, 1, false},
		} {
			if err := checkVector(v.xs, n, 0, v.hi, v.closed); err != nil {
				return nil, fail(p.at("."+v.key+err.at), "%s", err.msg)
			}
		}
		// Static estimates divide scores (idle / iso_est, idle / estimate
		// of the next layer): a zero would make them infinite or NaN, and
		// the numeric domain (scheduler.MinEstimate) keeps them normal.
		for _, v := range []struct {
			key string
			xs  []float64
		}{{"avg_latency_s", m.AvgLatency}, {"family_avg_latency_s", m.FamilyAvgLatency}} {
			for l, x := range v.xs {
				if x < scheduler.MinEstimate {
					return nil, fail(p.at(fmt.Sprintf(".%s[%d]", v.key, l)), "%g; want an estimate of at least %g s (schedulers divide by it)", x, scheduler.MinEstimate)
				}
			}
		}
		if m.SLOBase == nil {
			return nil, fail(p.at(".slo_base_s"), "missing; want the family's mean isolated latency in seconds")
		}
		if !(*m.SLOBase > 0) || math.IsInf(*m.SLOBase, 0) {
			return nil, fail(p.at(".slo_base_s"), "%g; want a finite number > 0", *m.SLOBase)
		}
		model.AvgLatency, model.FamilyAvgLatency, model.AvgSparsity = m.AvgLatency, m.FamilyAvgLatency, m.AvgSparsity
		model.SLOBase = *m.SLOBase
		t.Catalogue.Models = append(t.Catalogue.Models, model)
	}
	if c := f.PreemptionCost; c != nil {
		if !(*c >= 0 && *c <= scheduler.MaxLatency) {
			return nil, fail("preemption_cost_s", "%g; want seconds in [0, %g]", *c, scheduler.MaxLatency)
		}
		t.PreemptionCost = *c
	}
	if len(f.Requests) == 0 {
		return nil, fail("requests", "missing or empty; want at least one request")
	}
	t.Requests = make([]workload.Request, len(f.Requests))
	prev := math.Inf(-1)
	for i, r := range f.Requests {
		p := elemPath{"requests", i}
		if r.Arrival == nil {
			return nil, fail(p.at(".arrival_s"), "missing; want the arrival time in seconds")
		}
		if !(*r.Arrival >= 0 && *r.Arrival <= scheduler.MaxTime) {
			return nil, fail(p.at(".arrival_s"), "%g; want a number in [0, %g]", *r.Arrival, scheduler.MaxTime)
		}
		if *r.Arrival < prev {
			return nil, fail(p.at(".arrival_s"), "%g is before requests[%d].arrival_s = %g; requests must be sorted by arrival", *r.Arrival, i-1, prev)
		}
		prev = *r.Arrival
		if r.Model == nil {
			return nil, fail(p.at(".model"), "missing; want the name of one of the models")
		}
		m, ok := index[*r.Model]
		if !ok {
			return nil, fail(p.at(".model"), "unknown model %q; want one of the names in models[]", *r.Model)
		}
		if r.Sample == nil {
			return nil, fail(p.at(".sample"), "missing; want a sample index")
		}
		if ns := len(t.Catalogue.Models[m].Samples); *r.Sample < 0 || *r.Sample >= ns {
			return nil, fail(p.at(".sample"), "%d is out of range; model %q has samples 0..%d", *r.Sample, *r.Model, ns-1)
		}
		if r.Priority == nil {
			return nil, fail(p.at(".priority"), "missing; want a positive integer")
		}
		if *r.Priority <= 0 {
			return nil, fail(p.at(".priority"), "%d; want a positive integer", *r.Priority)
		}
		if r.Deadline == nil {
			return nil, fail(p.at(".deadline_s"), "missing; want the absolute deadline in seconds")
		}
		if !(*r.Deadline >= *r.Arrival) {
			return nil, fail(p.at(".deadline_s"), "%g; want an absolute time ≥ arrival_s (%g)", *r.Deadline, *r.Arrival)
		}
		if *r.Deadline > scheduler.MaxTime {
			return nil, fail(p.at(".deadline_s"), "%g; want an absolute time ≤ %g s", *r.Deadline, scheduler.MaxTime)
		}
		t.Requests[i] = workload.Request{Arrival: *r.Arrival, Model: m, Sample: *r.Sample, Priority: *r.Priority, Deadline: *r.Deadline}
	}
	return t, nil
}

// decodeTrace decodes a trace's JSON without validating it. goccy/go-json
// decodes the float arrays that make up most of a trace about three times
// faster than encoding/json, and the models are decoded in parallel
// (tracesplit.go); on failure the standard decoder runs again to produce
// its precise error (line, column, field).
func decodeTrace(name string, data []byte) (traceFile, error) {
	var f traceFile
	if decodeTraceParallel(data, &f) {
		return f, nil
	}
	f = traceFile{}
	if fastjson.Unmarshal(data, &f) == nil {
		return f, nil
	}
	f = traceFile{}
	if err := json.Unmarshal(data, &f); err != nil {
		var typ *json.UnmarshalTypeError
		if errors.As(err, &typ) {
			return f, &Error{File: name, Path: pathAt(data, typ.Offset), Msg: describeTypeError(typ)}
		}
		return f, &Error{File: name, Msg: describeJSONError(data, err)}
	}
	return f, nil
}

// describeTypeError says what was wrong with a value of the wrong JSON type
// or out of range for its Go type.
func describeTypeError(typ *json.UnmarshalTypeError) string {
	kind := typ.Type.Kind().String()
	if num, ok := strings.CutPrefix(typ.Value, "number "); ok {
		if kind == "int" {
			return fmt.Sprintf("%s; want an integer", num)
		}
		return fmt.Sprintf("%s is out of range; want a finite number", num)
	}
	return fmt.Sprintf("got a JSON %s, want %s", typ.Value, jsonKind(kind))
}

// pathAt returns the JSON path (e.g. requests[17].arrival_s) of the value
// that ends at or after byte offset off, by walking the document's tokens.
func pathAt(data []byte, off int64) string {
	type frame struct {
		array bool
		index int
		key   string
	}
	var stack []frame
	render := func() string {
		var b strings.Builder
		for _, f := range stack {
			if f.array {
				fmt.Fprintf(&b, "[%d]", f.index)
			} else {
				if b.Len() > 0 {
					b.WriteByte('.')
				}
				b.WriteString(f.key)
			}
		}
		return b.String()
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	expectKey := false
	for {
		tok, err := dec.Token()
		if err != nil {
			return ""
		}
		if d, ok := tok.(json.Delim); ok && (d == '}' || d == ']') {
			stack = stack[:len(stack)-1]
			expectKey = len(stack) > 0 && !stack[len(stack)-1].array
			continue
		}
		if s, ok := tok.(string); ok && expectKey {
			stack[len(stack)-1].key = s
			expectKey = false
			continue
		}
		// A value: advance the enclosing array's index.
		if n := len(stack); n > 0 && stack[n-1].array {
			stack[n-1].index++
		}
		if dec.InputOffset() >= off {
			return render()
		}
		switch tok {
		case json.Delim('{'):
			stack = append(stack, frame{})
			expectKey = true
		case json.Delim('['):
			stack = append(stack, frame{array: true, index: -1})
		default:
			expectKey = len(stack) > 0 && !stack[len(stack)-1].array
		}
	}
}

// elemPath is the JSON path of an array element, built only when an error
// message needs it (a trace has thousands of elements).
type elemPath struct {
	array string
	index int
}

// at is the path of the element followed by suffix (".field", "[3]").
func (e elemPath) at(suffix string) string {
	return e.array + "[" + strconv.Itoa(e.index) + "]" + suffix
}

type vectorError struct{ at, msg string }

// checkVector checks a per-layer vector: n finite entries in [lo, hi]
// (closed) or [lo, hi) (open).
func checkVector(xs []float64, n int, lo, hi float64, closed bool) *vectorError {
	if len(xs) != n {
		return &vectorError{"", fmt.Sprintf("%d entries; want %d, one per layer", len(xs), n)}
	}
	for i, x := range xs {
		ok := x >= lo && (x < hi || closed && x <= hi) && !math.IsInf(x, 0)
		if !ok {
			rng := fmt.Sprintf("[%g, %g)", lo, hi)
			if closed {
				rng = fmt.Sprintf("a number in [%g, %g]", lo, hi)
			}
			return &vectorError{fmt.Sprintf("[%d]", i), fmt.Sprintf("%g; want %s", x, rng)}
		}
	}
	return nil
}

// describeJSONError turns a decoding error into a message with a line and
// column, and for type errors the JSON path.
func describeJSONError(data []byte, err error) string {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		line, col := textpos.AfterRead(data, syn.Offset)
		return fmt.Sprintf("line %d, column %d: not valid JSON: %v", line, col, syn)
	case errors.As(err, &typ):
		line, col := textpos.AfterRead(data, typ.Offset)
		return fmt.Sprintf("line %d, column %d: %s: got a JSON %s, want %s", line, col, typ.Field, typ.Value, jsonKind(typ.Type.Kind().String()))
	}
	var num *strconv.NumError
	if errors.As(err, &num) {
		return fmt.Sprintf("number %s is out of range (want a finite number)", num.Num)
	}
	return err.Error()
}

func jsonKind(goKind string) string {
	switch goKind {
	case "float64", "int":
		return "a number"
	case "slice":
		return "an array"
	case "struct":
		return "an object"
	}
	return "a " + goKind
}

// WriteTo writes the trace in the sparsebench-trace/1 format: one model and
// one request per line, so traces diff well.
func (t *Trace) WriteTo(w io.Writer) (int64, error) {
	var buf bytes.Buffer
	buf.WriteString("{\"format\": \"" + Format + "\",\n")
	if t.PreemptionCost != 0 {
		buf.WriteString("\"preemption_cost_s\": " + strconv.FormatFloat(t.PreemptionCost, 'g', -1, 64) + ",\n")
	}
	buf.WriteString("\"models\": [\n")
	for i := range t.Catalogue.Models {
		m := &t.Catalogue.Models[i]
		b, err := json.Marshal(m)
		if err != nil {
			return 0, err
		}
		buf.Write(b)
		if i < len(t.Catalogue.Models)-1 {
			buf.WriteByte(',')
		}
		buf.WriteByte('\n')
	}
	buf.WriteString("],\n\"requests\": [\n")
	for i, r := range t.Requests {
		b, err := json.Marshal(traceRequest{Arrival: &r.Arrival, Model: &t.Catalogue.Models[r.Model].Name,
			Sample: &r.Sample, Priority: &r.Priority, Deadline: &r.Deadline})
		if err != nil {
			return 0, err
		}
		buf.Write(b)
		if i < len(t.Requests)-1 {
			buf.WriteByte(',')
		}
		buf.WriteByte('\n')
	}
	buf.WriteString("]}\n")
	n, err := w.Write(buf.Bytes())
	return int64(n), err
}

// WriteFile writes the trace to path atomically (google/renameio): a
// temporary file in the same folder, synced and renamed over path, with
// mode 0644 less the umask, so a reader sees the old file or the new one
// and a failure leaves nothing half-written.
func (t *Trace) WriteFile(path string) error {
	f, err := renameio.NewPendingFile(path, renameio.WithPermissions(0o644))
	if err != nil {
		return err
	}
	defer f.Cleanup() // a no-op once replaced
	w := bufio.NewWriter(f)
	if _, err := t.WriteTo(w); err != nil {
		return err
	}
	if err := w.Flush(); err != nil {
		return err
	}
	return f.CloseAtomicallyReplace()
}
