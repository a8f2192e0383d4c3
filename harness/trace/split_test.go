package trace

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	fastjson "github.com/goccy/go-json"
	"github.com/google/go-cmp/cmp"

	"github.com/sparsebench/sparsebench/harness/workload"
)

// splitTestTrace is a small real trace as WriteTo writes it.
func splitTestTrace(t *testing.T) []byte {
	t.Helper()
	cat := workload.Synthetic{Families: 2, Variants: 2, Samples: 3, Layers: 4, Scale: 0.25, Seed: 5}.Build()
	reqs, err := workload.Generate(cat, workload.Workload{Requests: 20, Rate: 1 / cat.MeanIsolatedLatency(), SLOMult: 10, Seed: 2})
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if _, err := (&Trace{Catalogue: *cat, Requests: reqs, PreemptionCost: 0.001}).WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// The parallel decoder gives exactly what decoding the whole document at
// once gives, whatever the layout of a document it accepts.
func TestDecodeTraceParallelMatchesWholeDocument(t *testing.T) {
	written := splitTestTrace(t)
	var indented bytes.Buffer
	if err := json.Indent(&indented, written, " \t", "\r\n  "); err != nil {
		t.Fatal(err)
	}
	var doc map[string]json.RawMessage
	if err := json.Unmarshal(written, &doc); err != nil {
		t.Fatal(err)
	}
	// Requests first, models last, and extra members whose strings hold
	// brackets, commas and escaped quotes that a careless scan would take
	// for structure.
	reordered := []byte(`{"requests":` + string(doc["requests"]) +
		`, "note": "a ]}\"[{, b", "extra": {"x": ["]", {"y": "\\"}], "z": -1.5e3}, "flag": true,` +
		`"format":` + string(doc["format"]) + `,"models":` + string(doc["models"]) + "}")
	for _, c := range []struct {
		name string
		data []byte
	}{
		{"as written", written},
		{"indented", indented.Bytes()},
		{"reordered with extra members", reordered},
		{"empty object", []byte(` { } `)},
		{"empty models, null requests and format", []byte(`{"models": [ ], "requests": null, "format": null}`)},
		{"null model", []byte(`{"models": [null, {"name": "m"}]}`)},
	} {
		t.Run(c.name, func(t *testing.T) {
			var want traceFile
			if err := fastjson.Unmarshal(c.data, &want); err != nil {
				t.Fatalf("whole-document decode: %v", err)
			}
			var got traceFile
			if !decodeTraceParallel(c.data, &got) {
				t.Fatal("the parallel decoder declined a plainly shaped document")
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("parallel decode differs from whole-document decode (-want +got):\n%s", diff)
			}
		})
	}
}

// Documents whose meaning depends on rules the scan does not follow (case
// folding, duplicate keys, escapes), or that are broken, are declined, so
// the whole-document decoders handle them (and report errors).
func TestDecodeTraceParallelDeclines(t *testing.T) {
	for _, c := range []struct{ name, data string }{
		{"differently cased key", `{"Models": []}`},
		{"differently cased format", `{"FORMAT": "x", "models": []}`},
		{"duplicate key", `{"models": [], "models": [{}]}`},
		{"duplicate key in another case", `{"requests": [], "Requests": []}`},
		{"escaped key", `{"mod\u0065ls": []}`},
		{"non-ASCII key", `{"modelſ": []}`},
		{"models not an array", `{"models": null}`},
		{"models an object", `{"models": {}}`},
		{"not an object", `[1, 2]`},
		{"trailing bytes", `{"models": []} x`},
		{"truncated", `{"models": [{"name": "a"`},
		{"unterminated string", `{"format": "abc`},
		{"missing colon", `{"models" []}`},
		{"bad number in a model", `{"models": [{"slo_base_s": 1.2.3}]}`},
		{"wrong type in requests", `{"models": [], "requests": [{"sample": "three"}]}`},
		// Found by review: a backslash as the last byte once read past
		// the end; unknown members, control bytes in keys, bytes after {}
		// and deep nesting must be left to the whole-document decoder,
		// which rejects them.
		{"truncated after a backslash", `{"format": "sparsebench-trace/1", "models": [{"name": "a\`},
		{"invalid unknown member", `{"comment": tru, "models": []}`},
		{"unbalanced unknown member", `{"comment": [}, "models": []}`},
		{"NUL in a key", "{\"\x00\": 1, \"models\": []}"},
		{"bytes after an empty object", `{} x`},
		{"nesting deeper than decoders allow", `{"x": ` + strings.Repeat("[", 2000) + strings.Repeat("]", 2000) + `, "models": []}`},
	} {
		t.Run(c.name, func(t *testing.T) {
			var f traceFile
			if decodeTraceParallel([]byte(c.data), &f) {
				t.Errorf("accepted %s", c.data)
			}
		})
	}
}

// A declined document still decodes, through the whole-document path, as
// encoding/json would (here: the last of duplicate keys wins).
func TestParseTraceDuplicateKeysStillDecode(t *testing.T) {
	data := splitTestTrace(t)
	dup := strings.Replace(string(data), `{"format":`, `{"preemption_cost_s": 7, "format":`, 1)
	tr, err := Parse("dup.json", []byte(dup))
	if err != nil {
		t.Fatal(err)
	}
	if tr.PreemptionCost != 0.001 {
		t.Errorf("preemption cost %g; want the last key's 0.001", tr.PreemptionCost)
	}
}
