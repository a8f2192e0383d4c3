package textpos

import (
	"encoding/json"
	"errors"
	"testing"
)

func TestAt(t *testing.T) {
	data := []byte("ab\ncd\n\nx")
	for _, c := range []struct{ i, line, col int }{
		{0, 1, 1}, {1, 1, 2}, {2, 1, 3}, // the newline ends line 1
		{3, 2, 1}, {4, 2, 2}, {6, 3, 1}, {7, 4, 1},
		{8, 4, 2}, {99, 4, 2}, {-5, 1, 1},
	} {
		if line, col := At(data, c.i); line != c.line || col != c.col {
			t.Errorf("At(%d) = %d:%d, want %d:%d", c.i, line, col, c.line, c.col)
		}
	}
}

// A JSON syntax error is located at the offending byte itself: in
// `{"models": x}` the x is line 1, column 12.
func TestAfterReadPinsTheOffendingByte(t *testing.T) {
	for _, c := range []struct {
		doc       string
		line, col int
	}{
		{`{"models": x}`, 1, 12},
		{"{\n  \"models\": [1,\n   2,,]}", 3, 6},
	} {
		var v any
		var se *json.SyntaxError
		if err := json.Unmarshal([]byte(c.doc), &v); !errors.As(err, &se) {
			t.Fatalf("%q: %v, want a syntax error", c.doc, err)
		}
		if line, col := AfterRead([]byte(c.doc), se.Offset); line != c.line || col != c.col {
			t.Errorf("%q: %d:%d, want %d:%d", c.doc, line, col, c.line, c.col)
		}
	}
}
