package tfjs

import (
	"errors"
	"math"
	"testing"
)

func TestJSToJSON(t *testing.T) {
	cases := []struct{ in, want string }{
		{`{a:1,b:[!0,!1,null],"c d":.5,e:-0,f:1e-7,g:5.,h:'x"y',i:"\u00e9\n",j:{}, k:[]}`,
			`{"a":1,"b":[true,false,null],"c d":0.5,"e":-0,"f":1e-7,"g":5,"h":"x\"y","i":"é\n","j":{},"k":[]}`},
		{`[ 1 , -.25 , 3E+2 , true , false ]`, `[1,-0.25,3e+2,true,false]`},
		{`"\ud83d\ude00"`, `"😀"`},
	}
	for _, c := range cases {
		got, end, err := jsToJSON("f.js", []byte(c.in), 0)
		if err != nil {
			t.Errorf("%s: %v", c.in, err)
			continue
		}
		if string(got) != c.want {
			t.Errorf("%s:\n got %s\nwant %s", c.in, got, c.want)
		}
		if end != len(c.in) {
			t.Errorf("%s: end %d, want %d", c.in, end, len(c.in))
		}
	}
}

func TestJSToJSONErrors(t *testing.T) {
	cases := []struct {
		in         string
		line, col  int
		off        int
		msgContain string
	}{
		{"{a:1,}", 1, 6, 5, "trailing comma"},
		{"{a:1,\n b:foo}", 2, 4, 9, `identifier "foo"`},
		{"[1,,2]", 1, 4, 3, "hole"},
		{"{a:0x10}", 1, 4, 3, "non-decimal"},
		{"{a:01}", 1, 4, 3, "leading zero"},
		{"{a:!2}", 1, 4, 3, "!0 and !1"},
		{"{a:\"abc}", 1, 4, 3, "unterminated"},
		{"{a 1}", 1, 4, 3, "want ':'"},
		{"{a:1", 1, 5, 4, "end of input"},
		{"{a:function(){}}", 1, 4, 3, "identifier"},
		{"{a:1 b:2}", 1, 6, 5, "want ',' or '}'"},
		{"{a:1.}", 0, 0, -1, ""}, // 1. is legal
		{"{a:-}", 1, 4, 3, "malformed"},
		{"{a:1e}", 1, 4, 3, "exponent"},
		{"{a:'\\q'}", 1, 5, 4, "unsupported escape"},
	}
	for _, c := range cases {
		_, _, err := jsToJSON("m.js", []byte(c.in), 0)
		if c.off < 0 {
			if err != nil {
				t.Errorf("%q: unexpected error %v", c.in, err)
			}
			continue
		}
		var se *SyntaxError
		if !errors.As(err, &se) {
			t.Errorf("%q: error %v, want a SyntaxError", c.in, err)
			continue
		}
		if se.Line != c.line || se.Column != c.col || se.Offset != c.off || se.File != "m.js" {
			t.Errorf("%q: at %s:%d:%d byte %d, want m.js:%d:%d byte %d (%v)", c.in, se.File, se.Line, se.Column, se.Offset, c.line, c.col, c.off, se)
		}
		if !contains(se.Msg, c.msgContain) {
			t.Errorf("%q: message %q lacks %q", c.in, se.Msg, c.msgContain)
		}
	}
}

func contains(s, sub string) bool {
	for i := 0; i+len(sub) <= len(s); i++ {
		if s[i:i+len(sub)] == sub {
			return true
		}
	}
	return false
}

func TestUnwrapExports(t *testing.T) {
	src := []byte(`!function(e){module.exports=e()}(function(){return{1:[function(e,a,n){a.exports={x:1}},{}]}});`)
	at, err := unwrapExports("m.js", src)
	if err != nil {
		t.Fatal(err)
	}
	js, end, err := jsToJSON("m.js", src, at)
	if err != nil || string(js) != `{"x":1}` {
		t.Fatalf("got %s, %v", js, err)
	}
	if err := checkLiteralEnd("m.js", src, end); err != nil {
		t.Fatal(err)
	}
	if _, err := unwrapExports("m.js", []byte(`a.exports={x:1};b.exports="q"`)); err == nil {
		t.Error("two data assignments accepted")
	}
	if _, err := unwrapExports("m.js", []byte(`module.exports=e()`)); err == nil {
		t.Error("no data assignment accepted")
	}
	if err := checkLiteralEnd("m.js", []byte(`{x:1}+2`), 5); err == nil {
		t.Error("trailing expression accepted")
	}
}

func TestUnwrapShard(t *testing.T) {
	got, err := unwrapShard("s.js", []byte(`x(function(e,h,n){h.exports="AAEC/w=="},{})`))
	if err != nil || len(got) != 4 || got[0] != 0 || got[1] != 1 || got[2] != 2 || got[3] != 255 {
		t.Fatalf("got %v, %v", got, err)
	}
	_, err = unwrapShard("s.js", []byte(`h.exports="AA*A"`))
	var se *SyntaxError
	if !errors.As(err, &se) || se.Offset != 13 {
		t.Fatalf("bad base64: %v, want a SyntaxError at byte 13", err)
	}
}

func f64p(v float64) *float64 { return &v }

func TestDecodeWeight(t *testing.T) {
	// uint8 affine: q*scale + min in float64, then rounded to float32.
	s := weightSpec{Name: "w", Shape: []int{3}, Dtype: "float32",
		Quantization: &quantization{Min: f64p(-1), Scale: f64p(0.5), Dtype: "uint8"}}
	got, err := decodeWeight(s, []byte{0, 2, 255})
	if err != nil {
		t.Fatal(err)
	}
	if want := []float32{-1, 0, 126.5}; !eq32(got, want) {
		t.Errorf("uint8: %v, want %v", got, want)
	}
	// A value whose float64 result differs from float32 arithmetic:
	// 3*0.1 + 0.2 = 0.5000000000000001 in float64 -> float32(0.5).
	s.Quantization = &quantization{Min: f64p(0.2), Scale: f64p(0.1), Dtype: "uint16"}
	got, err = decodeWeight(s, []byte{3, 0, 0, 1, 1, 0})
	if err != nil {
		t.Fatal(err)
	}
	if want := []float32{0.5, float32(256*0.1 + 0.2), float32(0.1 + 0.2)}; !eq32(got, want) {
		t.Errorf("uint16: %v, want %v", got, want)
	}
	s.Quantization = &quantization{Dtype: "float16"}
	// 0x3c00 = 1, 0xc000 = -2, 0x0001 = 2^-24, 0x7c00 = +Inf
	s.Shape = []int{4}
	got, err = decodeWeight(s, []byte{0x00, 0x3c, 0x00, 0xc0, 0x01, 0x00, 0x00, 0x7c})
	if err != nil {
		t.Fatal(err)
	}
	if want := []float32{1, -2, float32(math.Ldexp(1, -24)), float32(math.Inf(1))}; !eq32(got, want) {
		t.Errorf("float16: %v, want %v", got, want)
	}
	s.Quantization = nil
	s.Shape = []int{1}
	got, _ = decodeWeight(s, []byte{0x00, 0x00, 0xc0, 0x3f})
	if !eq32(got, []float32{1.5}) {
		t.Errorf("float32: %v", got)
	}
	s.Quantization = &quantization{Dtype: "uint8"}
	if _, err := decodeWeight(s, []byte{1}); err == nil {
		t.Error("uint8 without min/scale accepted")
	}
}

func eq32(a, b []float32) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if math.Float32bits(a[i]) != math.Float32bits(b[i]) {
			return false
		}
	}
	return true
}

func TestDecodeManifestSizes(t *testing.T) {
	g := []manifestGroup{{Paths: []string{"s"}, Weights: []weightSpec{
		{Name: "a", Shape: []int{2}, Dtype: "float32", Quantization: &quantization{Min: f64p(0), Scale: f64p(1), Dtype: "uint8"}},
		{Name: "b", Shape: []int{1}, Dtype: "float32"},
	}}}
	if _, err := decodeManifest(g, [][]byte{make([]byte, 6)}); err != nil {
		t.Errorf("exact size: %v", err)
	}
	if _, err := decodeManifest(g, [][]byte{make([]byte, 5)}); err == nil {
		t.Error("short shard accepted")
	}
	if _, err := decodeManifest(g, [][]byte{make([]byte, 7)}); err == nil {
		t.Error("long shard accepted")
	}
}
