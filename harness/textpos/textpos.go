// Package textpos locates a byte of a text file as the 1-based line and
// column that error messages print. Columns count bytes, as Go's own tools
// do (go/token), so a tab or a multi-byte character counts as its bytes.
package textpos

import "bytes"

// At is the line and column of data[i]. An index past the end locates the
// end of the text; a negative one the start.
func At(data []byte, i int) (line, col int) {
	i = max(0, min(i, len(data)))
	before := data[:i]
	return bytes.Count(before, []byte{'\n'}) + 1, i - bytes.LastIndexByte(before, '\n')
}

// AfterRead locates the byte at which a decoder that reports "failed after
// reading n bytes" stopped — encoding/json's SyntaxError.Offset and
// UnmarshalTypeError.Offset — which is data[n-1].
func AfterRead(data []byte, n int64) (line, col int) {
	return At(data, int(n)-1)
}
