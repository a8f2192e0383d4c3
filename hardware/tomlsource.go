package hardware

import (
	"fmt"
	"regexp"
	"strings"
)

// sourceIndex maps the keys of a TOML file to the lines that define them.
// BurntSushi/toml reports lines for syntax and type errors, but a value the
// program rejects later (a zero kernel, an unknown key inside an array of
// tables) needs its own position, and the decoder keeps only one position
// per key name, not per array element.
//
// Paths look like "family", "sparsity.mean", "sparsity.domains[1].share",
// "layers[3]" and "layers[3].kernel". The scanner understands the subset of
// TOML the zoo and scenario files use: bare keys, [table] and [[array]]
// headers, and multi-line arrays with one inline table per line. Anything it
// does not recognise simply has no line.
type sourceIndex struct {
	file  string
	lines map[string]int
}

var inlineKey = regexp.MustCompile(`[{,]\s*([A-Za-z0-9_-]+)\s*=`)

func indexTOML(file string, data []byte) *sourceIndex {
	x := &sourceIndex{file: file, lines: map[string]int{}}
	set := func(path string, line int) {
		if _, ok := x.lines[path]; !ok {
			x.lines[path] = line
		}
	}
	table := ""
	arrays := map[string]int{} // [[name]] headers seen so far
	inArray, elem := "", 0     // open multi-line array of inline tables
	for n, raw := range strings.Split(string(data), "\n") {
		line := strings.TrimSpace(blankStrings(raw))
		if i := strings.IndexByte(line, '#'); i >= 0 {
			line = strings.TrimSpace(line[:i])
		}
		if line == "" {
			continue
		}
		lineNo := n + 1
		if inArray != "" {
			if strings.HasPrefix(line, "{") {
				p := fmt.Sprintf("%s[%d]", inArray, elem)
				elem++
				set(p, lineNo)
				for _, m := range inlineKey.FindAllStringSubmatch(line, -1) {
					set(p+"."+m[1], lineNo)
				}
			}
			if strings.Count(line, "]") > strings.Count(line, "[") {
				inArray = ""
			}
			continue
		}
		switch {
		case strings.HasPrefix(line, "[["):
			name := strings.TrimSpace(strings.Trim(line, "[] "))
			table = fmt.Sprintf("%s[%d]", name, arrays[name])
			arrays[name]++
			set(table, lineNo)
			set(name, lineNo)
			continue
		case strings.HasPrefix(line, "["):
			table = strings.TrimSpace(strings.Trim(line, "[] "))
			set(table, lineNo)
			continue
		}
		key, val, ok := strings.Cut(line, "=")
		if !ok {
			continue
		}
		p := strings.Trim(strings.TrimSpace(key), `"'`)
		if table != "" {
			p = table + "." + p
		}
		set(p, lineNo)
		val = strings.TrimSpace(val)
		if strings.HasPrefix(val, "[") && strings.Count(val, "[") > strings.Count(val, "]") {
			inArray, elem = p, 0
		}
	}
	return x
}

// blankStrings replaces the contents of quoted strings with spaces, so
// brackets, '#' and '=' inside them are not mistaken for syntax.
func blankStrings(s string) string {
	b := []byte(s)
	var quote byte
	for i := 0; i < len(b); i++ {
		c := b[i]
		switch {
		case quote == 0 && (c == '"' || c == '\''):
			quote = c
		case quote != 0 && c == '\\' && quote == '"' && i+1 < len(b):
			b[i], b[i+1] = ' ', ' '
			i++
		case quote != 0 && c == quote:
			quote = 0
		case quote != 0:
			b[i] = ' '
		}
	}
	return string(b)
}

// line is the line defining path, 0 when unknown.
func (x *sourceIndex) line(path string) int {
	if x == nil {
		return 0
	}
	return x.lines[path]
}

// at is "file:line" for path, falling back to the nearest enclosing path
// with a known line, then to the file name alone.
func (x *sourceIndex) at(path string) string {
	for p := path; p != ""; p = parentPath(p) {
		if n := x.line(p); n > 0 {
			return fmt.Sprintf("%s:%d", x.file, n)
		}
	}
	return x.file
}

// parentPath drops the last ".key" or "[i]" of a path.
func parentPath(p string) string {
	i := strings.LastIndexAny(p, ".[")
	if i < 0 {
		return ""
	}
	return p[:i]
}

// resolve turns a decoder key (which names array elements without their
// index) into an indexed path, choosing at each array the first element
// that defines the next key.
func (x *sourceIndex) resolve(parts []string) string {
	p := ""
	for i, part := range parts {
		next := part
		if p != "" {
			next = p + "." + part
		}
		if i+1 < len(parts) && x.line(next+"[0]") > 0 {
			chosen := next + "[0]"
			for j := 0; ; j++ {
				elem := fmt.Sprintf("%s[%d]", next, j)
				if x.line(elem) == 0 {
					break
				}
				if x.line(elem+"."+parts[i+1]) > 0 {
					chosen = elem
					break
				}
			}
			next = chosen
		}
		p = next
	}
	return p
}
