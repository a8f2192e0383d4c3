package verify

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/sparsebench/sparsebench/harness/textpos"
)

// A file is decoded twice: into types for what drives the re-run
// (provenance, row keys) and generically, numbers as written, for the
// comparison, which must see every field the file has — including ones
// this version does not know.

// decodeJSON decodes one JSON value, keeping numbers as written.
func decodeJSON(data []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		var se *json.SyntaxError
		if errors.As(err, &se) {
			line, col := textpos.AfterRead(data, se.Offset)
			return nil, fmt.Errorf("line %d, column %d: %v", line, col, err)
		}
		return nil, err
	}
	if dec.More() {
		return nil, errors.New("more than one JSON value")
	}
	return v, nil
}

// asJSON is v encoded and decoded again, to be compared with a decoded
// file.
func asJSON(v any) any {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err) // plain data
	}
	out, err := decodeJSON(b)
	if err != nil {
		panic(err)
	}
	return out
}

// strictDecode decodes data into v, naming the file in errors.
func strictDecode(path string, data []byte, v any) error {
	if err := json.Unmarshal(data, v); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			return inputErr(fmt.Errorf("%s: %s: %s where %s was expected", path, te.Field, te.Value, te.Type))
		}
		return inputErr(fmt.Errorf("%s: %v", path, err))
	}
	return nil
}
