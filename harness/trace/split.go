package trace

import (
	"bytes"
	"encoding/json"

	fastjson "github.com/goccy/go-json"

	"github.com/sparsebench/sparsebench/harness/parallel"
)

// Decoding a trace is mostly parsing the floats of its models' samples,
// and it happens before any scheduler can start, so a replay of a few
// thousand requests spends a sizeable part of its wall time there. The
// models are independent, so they are decoded in parallel: a structural
// scan (strings, brackets and commas only) finds where each model and the
// request list begin and end, and goccy/go-json decodes the pieces on all
// CPUs. The scan accepts only plainly shaped documents; anything unusual
// (duplicate or differently cased keys, escapes or control bytes in keys,
// null models, malformed unknown members, very deep nesting) makes
// decodeTraceParallel report false, and the caller decodes the whole
// document in one piece as before. Either way the result is the same.

// decodeTraceParallel decodes data into f; it reports false, leaving f in
// an unspecified state, when it cannot.
func decodeTraceParallel(data []byte, f *traceFile) bool {
	s := splitTrace(data)
	if s == nil {
		return false
	}
	if s.format != nil {
		if fastjson.Unmarshal(s.format, &f.Format) != nil {
			return false
		}
	}
	if s.preemption != nil {
		if fastjson.Unmarshal(s.preemption, &f.PreemptionCost) != nil {
			return false
		}
	}
	if s.models != nil {
		f.Models = make([]traceModel, len(s.models))
	}
	failed := make([]bool, len(s.models)+1)
	// The requests go first: they are the largest single piece.
	parallel.ForEach(len(s.models)+1, 0, func(i int) {
		if i == 0 {
			if s.requests != nil {
				failed[0] = fastjson.Unmarshal(s.requests, &f.Requests) != nil
			}
			return
		}
		failed[i] = fastjson.Unmarshal(s.models[i-1], &f.Models[i-1]) != nil
	})
	for _, bad := range failed {
		if bad {
			return false
		}
	}
	return true
}

// traceSplit holds the raw values of the top-level members a trace reader
// uses; nil when absent. Each models element is one raw object.
type traceSplit struct {
	format, preemption, requests []byte
	models                       [][]byte
}

// splitTrace scans the top-level object of data. It returns nil unless
// the document is an object whose keys are plain, distinct strings and
// whose "models" member, when present, is an array.
func splitTrace(data []byte) *traceSplit {
	sc := scanner{data: data}
	if sc.skipSpace(); !sc.eat('{') {
		return nil
	}
	s := &traceSplit{}
	seen := map[string]bool{}
	if sc.skipSpace(); sc.eat('}') {
		if sc.skipSpace(); sc.pos != len(data) {
			return nil
		}
		return s
	}
	for {
		sc.skipSpace()
		key, ok := sc.plainString()
		if !ok {
			return nil
		}
		// encoding/json matches keys without regard to (Unicode) case and
		// lets the last of equal keys win; a document that relies on
		// either is left to the whole-document decoder.
		for _, c := range key {
			if c >= 0x80 || c < 0x20 {
				return nil
			}
		}
		folded := string(bytes.ToLower(key))
		if seen[folded] {
			return nil
		}
		seen[folded] = true
		if sc.skipSpace(); !sc.eat(':') {
			return nil
		}
		sc.skipSpace()
		start := sc.pos
		var dst *[]byte
		switch folded {
		case "models":
			if string(key) != folded {
				return nil
			}
			elems, ok := sc.arrayElements()
			if !ok {
				return nil
			}
			s.models = elems
		case "format":
			dst = &s.format
		case "preemption_cost_s":
			dst = &s.preemption
		case "requests":
			dst = &s.requests
		default:
			// The decoders ignore an unknown member but reject it when it
			// is malformed; so must this.
			if !sc.skipValue() || !json.Valid(sc.data[start:sc.pos]) {
				return nil
			}
		}
		if dst != nil {
			if string(key) != folded || !sc.skipValue() {
				return nil
			}
			*dst = data[start:sc.pos]
		}
		sc.skipSpace()
		if sc.eat(',') {
			continue
		}
		if !sc.eat('}') {
			return nil
		}
		if sc.skipSpace(); sc.pos != len(data) {
			return nil
		}
		return s
	}
}

// scanner walks JSON structure without decoding values. It checks only
// what it needs to find where values end; the decoder that later reads
// each piece checks the rest.
type scanner struct {
	data []byte
	pos  int
}

func (sc *scanner) skipSpace() {
	for sc.pos < len(sc.data) {
		switch sc.data[sc.pos] {
		case ' ', '\t', '\n', '\r':
			sc.pos++
		default:
			return
		}
	}
}

func (sc *scanner) eat(c byte) bool {
	if sc.pos < len(sc.data) && sc.data[sc.pos] == c {
		sc.pos++
		return true
	}
	return false
}

// plainString reads a string without escapes and returns its contents.
func (sc *scanner) plainString() ([]byte, bool) {
	if !sc.eat('"') {
		return nil, false
	}
	end := bytes.IndexByte(sc.data[sc.pos:], '"')
	if end < 0 {
		return nil, false
	}
	s := sc.data[sc.pos : sc.pos+end]
	if bytes.IndexByte(s, '\\') >= 0 {
		return nil, false
	}
	sc.pos += end + 1
	return s, true
}

// skipString moves past a string that starts at pos, escapes included.
func (sc *scanner) skipString() bool {
	sc.pos++ // opening quote
	for {
		i := bytes.IndexAny(sc.data[sc.pos:], `"\`)
		if i < 0 {
			return false
		}
		sc.pos += i
		if sc.data[sc.pos] == '"' {
			sc.pos++
			return true
		}
		sc.pos += 2 // a backslash and the character it escapes
		if sc.pos >= len(sc.data) {
			return false
		}
	}
}

// skipValue moves past one value: a string, an object or array (by
// matching brackets outside strings), or a literal or number (up to the
// next delimiter).
func (sc *scanner) skipValue() bool {
	if sc.pos >= len(sc.data) {
		return false
	}
	switch sc.data[sc.pos] {
	case '"':
		return sc.skipString()
	case '{', '[':
		depth := 0
		for {
			i := nextStructural(sc.data, sc.pos)
			if i < 0 {
				return false
			}
			sc.pos = i
			switch sc.data[i] {
			case '"':
				if !sc.skipString() {
					return false
				}
				continue
			case '{', '[':
				if depth++; depth > 1000 {
					return false
				}
			case '}', ']':
				depth--
				if depth == 0 {
					sc.pos++
					return true
				}
			}
			sc.pos++
		}
	}
	start := sc.pos
	for sc.pos < len(sc.data) {
		switch sc.data[sc.pos] {
		case ',', '}', ']', ' ', '\t', '\n', '\r':
			return sc.pos > start
		}
		sc.pos++
	}
	return sc.pos > start
}

// nextStructural returns the index of the first quote or bracket at or
// after pos, or -1. Between the models' brackets lie long float arrays, so
// past its first few bytes it searches a window at a time with bytes.IndexByte (which
// uses vector instructions) for each of the five bytes, narrowing the
// window to the nearest find; the window bounds the work a search for a
// byte that appears only much later can cost.
func nextStructural(data []byte, pos int) int {
	// Requests and keys put brackets and quotes a few bytes apart, where
	// a plain loop beats five searches.
	for end := min(pos+48, len(data)); pos < end; pos++ {
		switch data[pos] {
		case ']', '"', '[', '}', '{':
			return pos
		}
	}
	const window = 4096
	for pos < len(data) {
		w := data[pos:min(pos+window, len(data))]
		end := len(w)
		for _, c := range [...]byte{']', '"', '[', '}', '{'} {
			if i := bytes.IndexByte(w[:end], c); i >= 0 {
				end = i
			}
		}
		if end < len(w) {
			return pos + end
		}
		pos += len(w)
	}
	return -1
}

// arrayElements reads an array and returns each element's raw bytes.
func (sc *scanner) arrayElements() ([][]byte, bool) {
	if !sc.eat('[') {
		return nil, false
	}
	elems := [][]byte{}
	if sc.skipSpace(); sc.eat(']') {
		return elems, true
	}
	for {
		sc.skipSpace()
		start := sc.pos
		if !sc.skipValue() {
			return nil, false
		}
		elems = append(elems, sc.data[start:sc.pos])
		sc.skipSpace()
		if sc.eat(',') {
			continue
		}
		return elems, sc.eat(']')
	}
}
