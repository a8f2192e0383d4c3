package tfjs

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"
)

// SyntaxError reports where a JavaScript object literal (or a wrapped
// model file) is malformed. Offset is the 0-based byte offset; Line and
// Column are 1-based, Column counting bytes.
type SyntaxError struct {
	File         string
	Offset       int
	Line, Column int
	Msg          string
}

func (e *SyntaxError) Error() string {
	return fmt.Sprintf("%s:%d:%d (byte %d): %s", e.File, e.Line, e.Column, e.Offset, e.Msg)
}

func newSyntaxError(file string, src []byte, off int, format string, args ...any) *SyntaxError {
	if off > len(src) {
		off = len(src)
	}
	line, col := 1, 1
	for _, b := range src[:off] {
		if b == '\n' {
			line++
			col = 1
		} else {
			col++
		}
	}
	return &SyntaxError{File: file, Offset: off, Line: line, Column: col, Msg: fmt.Sprintf(format, args...)}
}

// jsToJSON converts the JavaScript value literal that starts at src[start]
// into JSON text. It accepts the subset that minifiers emit for data:
// objects with identifier or string keys, arrays, single- or double-quoted
// strings, decimal numbers (".5", "5.", "1e-7", a leading "-"), true,
// false, null, and the minified booleans "!0" (true) and "!1" (false).
// Anything else (functions, expressions, trailing commas, comments, hex
// numbers, undefined) is an error. It returns the JSON and the offset just
// past the literal.
func jsToJSON(file string, src []byte, start int) ([]byte, int, error) {
	c := &jsConv{file: file, src: src, pos: start}
	c.out.Grow(len(src) - start)
	if err := c.value(0); err != nil {
		return nil, 0, err
	}
	return c.out.Bytes(), c.pos, nil
}

type jsConv struct {
	file string
	src  []byte
	pos  int
	out  bytes.Buffer
}

const maxDepth = 512

func (c *jsConv) errf(off int, format string, args ...any) error {
	return newSyntaxError(c.file, c.src, off, format, args...)
}

func (c *jsConv) skipSpace() {
	for c.pos < len(c.src) {
		switch c.src[c.pos] {
		case ' ', '\t', '\n', '\r':
			c.pos++
		default:
			return
		}
	}
}

func (c *jsConv) value(depth int) error {
	if depth > maxDepth {
		return c.errf(c.pos, "nesting deeper than %d", maxDepth)
	}
	c.skipSpace()
	if c.pos >= len(c.src) {
		return c.errf(c.pos, "unexpected end of input, want a value")
	}
	switch b := c.src[c.pos]; {
	case b == '{':
		return c.object(depth)
	case b == '[':
		return c.array(depth)
	case b == '"' || b == '\'':
		s, err := c.str()
		if err != nil {
			return err
		}
		enc, _ := json.Marshal(s)
		c.out.Write(enc)
		return nil
	case b == '-' || b == '.' || (b >= '0' && b <= '9'):
		return c.number()
	case b == '!':
		if c.pos+1 < len(c.src) && (c.src[c.pos+1] == '0' || c.src[c.pos+1] == '1') &&
			!(c.pos+2 < len(c.src) && isIdentPart(c.src[c.pos+2])) {
			if c.src[c.pos+1] == '0' {
				c.out.WriteString("true")
			} else {
				c.out.WriteString("false")
			}
			c.pos += 2
			return nil
		}
		return c.errf(c.pos, "unsupported expression after '!' (only !0 and !1 are accepted)")
	case isIdentStart(b):
		at := c.pos
		id := c.ident()
		switch id {
		case "true", "false", "null":
			c.out.WriteString(id)
			return nil
		}
		return c.errf(at, "unexpected identifier %q, want a value", id)
	default:
		return c.errf(c.pos, "unexpected character %q, want a value", b)
	}
}

func (c *jsConv) object(depth int) error {
	c.pos++ // '{'
	c.out.WriteByte('{')
	c.skipSpace()
	if c.pos < len(c.src) && c.src[c.pos] == '}' {
		c.pos++
		c.out.WriteByte('}')
		return nil
	}
	for {
		c.skipSpace()
		if c.pos >= len(c.src) {
			return c.errf(c.pos, "unexpected end of input inside an object")
		}
		var key string
		switch b := c.src[c.pos]; {
		case b == '"' || b == '\'':
			s, err := c.str()
			if err != nil {
				return err
			}
			key = s
		case isIdentStart(b):
			key = c.ident()
		case b == '}':
			return c.errf(c.pos, "trailing comma in object")
		default:
			return c.errf(c.pos, "unexpected character %q, want an object key", b)
		}
		enc, _ := json.Marshal(key)
		c.out.Write(enc)
		c.skipSpace()
		if c.pos >= len(c.src) || c.src[c.pos] != ':' {
			return c.errf(c.pos, "want ':' after object key %q", key)
		}
		c.pos++
		c.out.WriteByte(':')
		if err := c.value(depth + 1); err != nil {
			return err
		}
		c.skipSpace()
		if c.pos >= len(c.src) {
			return c.errf(c.pos, "unexpected end of input inside an object")
		}
		switch c.src[c.pos] {
		case ',':
			c.pos++
			c.out.WriteByte(',')
		case '}':
			c.pos++
			c.out.WriteByte('}')
			return nil
		default:
			return c.errf(c.pos, "unexpected character %q, want ',' or '}'", c.src[c.pos])
		}
	}
}

func (c *jsConv) array(depth int) error {
	c.pos++ // '['
	c.out.WriteByte('[')
	c.skipSpace()
	if c.pos < len(c.src) && c.src[c.pos] == ']' {
		c.pos++
		c.out.WriteByte(']')
		return nil
	}
	for {
		c.skipSpace()
		if c.pos < len(c.src) && c.src[c.pos] == ']' {
			return c.errf(c.pos, "trailing comma in array")
		}
		if c.pos < len(c.src) && c.src[c.pos] == ',' {
			return c.errf(c.pos, "array hole (elided element)")
		}
		if err := c.value(depth + 1); err != nil {
			return err
		}
		c.skipSpace()
		if c.pos >= len(c.src) {
			return c.errf(c.pos, "unexpected end of input inside an array")
		}
		switch c.src[c.pos] {
		case ',':
			c.pos++
			c.out.WriteByte(',')
		case ']':
			c.pos++
			c.out.WriteByte(']')
			return nil
		default:
			return c.errf(c.pos, "unexpected character %q, want ',' or ']'", c.src[c.pos])
		}
	}
}

func isIdentStart(b byte) bool {
	return b == '_' || b == '$' || (b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z')
}

func isIdentPart(b byte) bool { return isIdentStart(b) || (b >= '0' && b <= '9') }

func (c *jsConv) ident() string {
	start := c.pos
	for c.pos < len(c.src) && isIdentPart(c.src[c.pos]) {
		c.pos++
	}
	return string(c.src[start:c.pos])
}

// number copies a decimal number, normalising it to JSON syntax.
func (c *jsConv) number() error {
	start := c.pos
	var b []byte
	if c.src[c.pos] == '-' {
		b = append(b, '-')
		c.pos++
	}
	intStart := c.pos
	for c.pos < len(c.src) && c.src[c.pos] >= '0' && c.src[c.pos] <= '9' {
		c.pos++
	}
	intPart := c.src[intStart:c.pos]
	if len(intPart) > 1 && intPart[0] == '0' {
		return c.errf(start, "number with a leading zero (octal-like) is not accepted")
	}
	if len(intPart) == 0 {
		b = append(b, '0')
	} else {
		b = append(b, intPart...)
	}
	if c.pos < len(c.src) && (c.src[c.pos] == 'x' || c.src[c.pos] == 'X' || c.src[c.pos] == 'b' || c.src[c.pos] == 'o') && len(intPart) == 1 {
		return c.errf(start, "non-decimal number is not accepted")
	}
	frac := false
	if c.pos < len(c.src) && c.src[c.pos] == '.' {
		c.pos++
		fs := c.pos
		for c.pos < len(c.src) && c.src[c.pos] >= '0' && c.src[c.pos] <= '9' {
			c.pos++
		}
		if c.pos > fs {
			frac = true
			b = append(b, '.')
			b = append(b, c.src[fs:c.pos]...)
		}
	}
	if len(intPart) == 0 && !frac {
		return c.errf(start, "malformed number")
	}
	if c.pos < len(c.src) && (c.src[c.pos] == 'e' || c.src[c.pos] == 'E') {
		c.pos++
		b = append(b, 'e')
		if c.pos < len(c.src) && (c.src[c.pos] == '+' || c.src[c.pos] == '-') {
			b = append(b, c.src[c.pos])
			c.pos++
		}
		es := c.pos
		for c.pos < len(c.src) && c.src[c.pos] >= '0' && c.src[c.pos] <= '9' {
			c.pos++
		}
		if c.pos == es {
			return c.errf(start, "malformed number exponent")
		}
		b = append(b, c.src[es:c.pos]...)
	}
	if c.pos < len(c.src) && isIdentPart(c.src[c.pos]) {
		return c.errf(c.pos, "unexpected character %q after number", c.src[c.pos])
	}
	c.out.Write(b)
	return nil
}

// str decodes a quoted JavaScript string at c.pos.
func (c *jsConv) str() (string, error) {
	s, end, err := jsString(c.file, c.src, c.pos)
	if err != nil {
		return "", err
	}
	c.pos = end
	return s, nil
}

// jsString decodes the single- or double-quoted string literal starting at
// src[start] and returns it with the offset just past the closing quote.
func jsString(file string, src []byte, start int) (string, int, error) {
	q := src[start]
	i := start + 1
	// Fast path: no escapes.
	j := i
	for j < len(src) && src[j] != q && src[j] != '\\' && src[j] != '\n' && src[j] != '\r' {
		j++
	}
	if j < len(src) && src[j] == q {
		if !utf8.Valid(src[i:j]) {
			return "", 0, newSyntaxError(file, src, start, "string is not valid UTF-8")
		}
		return string(src[i:j]), j + 1, nil
	}
	var out []byte
	for {
		if i >= len(src) {
			return "", 0, newSyntaxError(file, src, start, "unterminated string")
		}
		b := src[i]
		switch {
		case b == q:
			if !utf8.Valid(out) {
				return "", 0, newSyntaxError(file, src, start, "string is not valid UTF-8")
			}
			return string(out), i + 1, nil
		case b == '\n' || b == '\r':
			return "", 0, newSyntaxError(file, src, i, "newline inside a string")
		case b != '\\':
			out = append(out, b)
			i++
			continue
		}
		// escape
		if i+1 >= len(src) {
			return "", 0, newSyntaxError(file, src, i, "unterminated escape")
		}
		e := src[i+1]
		switch e {
		case '"', '\'', '\\', '/':
			out = append(out, e)
		case 'b':
			out = append(out, '\b')
		case 'f':
			out = append(out, '\f')
		case 'n':
			out = append(out, '\n')
		case 'r':
			out = append(out, '\r')
		case 't':
			out = append(out, '\t')
		case 'v':
			out = append(out, '\v')
		case '0':
			if i+2 < len(src) && src[i+2] >= '0' && src[i+2] <= '9' {
				return "", 0, newSyntaxError(file, src, i, "octal escape is not accepted")
			}
			out = append(out, 0)
		case 'u':
			r, n, err := hex4(src, i+2)
			if err != nil {
				return "", 0, newSyntaxError(file, src, i, "bad \\u escape")
			}
			i += n
			if utf16.IsSurrogate(r) {
				if i+2+6 <= len(src) && src[i+2] == '\\' && src[i+3] == 'u' {
					r2, _, err2 := hex4(src, i+4)
					if err2 == nil {
						if d := utf16.DecodeRune(r, r2); d != utf8.RuneError {
							out = utf8.AppendRune(out, d)
							i += 6
							break
						}
					}
				}
				return "", 0, newSyntaxError(file, src, i, "unpaired surrogate in \\u escape")
			}
			out = utf8.AppendRune(out, r)
		case 'x':
			if i+4 > len(src) {
				return "", 0, newSyntaxError(file, src, i, "bad \\x escape")
			}
			v, err := strconv.ParseUint(string(src[i+2:i+4]), 16, 8)
			if err != nil {
				return "", 0, newSyntaxError(file, src, i, "bad \\x escape")
			}
			out = utf8.AppendRune(out, rune(v))
			i += 2
		default:
			return "", 0, newSyntaxError(file, src, i, "unsupported escape \\%c", e)
		}
		i += 2
	}
}

// hex4 parses four hex digits at src[at:]; n is the count consumed (4).
func hex4(src []byte, at int) (rune, int, error) {
	if at+4 > len(src) {
		return 0, 0, fmt.Errorf("short")
	}
	v, err := strconv.ParseUint(string(src[at:at+4]), 16, 16)
	if err != nil {
		return 0, 0, err
	}
	return rune(v), 4, nil
}

// unwrapExports finds the single CommonJS assignment "X.exports=<literal>"
// whose right-hand side is an object literal or a string literal (the form
// nsfwjs's browserify bundles use) and returns the offset of the literal.
// Assignments to anything else (such as the wrapper's "module.exports=e()")
// are ignored; more than one data assignment is an error.
func unwrapExports(file string, src []byte) (int, error) {
	const pat = ".exports="
	found := -1
	for i := 0; ; {
		k := bytes.Index(src[i:], []byte(pat))
		if k < 0 {
			break
		}
		at := i + k + len(pat)
		if at < len(src) && (src[at] == '{' || src[at] == '"' || src[at] == '\'') {
			if found >= 0 {
				return 0, newSyntaxError(file, src, at, "second data assignment to .exports (first at byte %d)", found)
			}
			found = at
		}
		i = at
	}
	if found < 0 {
		return 0, newSyntaxError(file, src, 0, "no \".exports=\" assignment of an object or string literal")
	}
	return found, nil
}

// checkLiteralEnd requires that the literal ending at off is followed by
// the end of a statement or of the enclosing function body.
func checkLiteralEnd(file string, src []byte, off int) error {
	for off < len(src) && (src[off] == ' ' || src[off] == '\n' || src[off] == '\r' || src[off] == '\t') {
		off++
	}
	if off >= len(src) || src[off] == ';' || src[off] == '}' || src[off] == ',' {
		return nil
	}
	return newSyntaxError(file, src, off, "unexpected %q after the exported literal", src[off])
}
