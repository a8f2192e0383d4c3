package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// consoleExample is a `$ sparsebench …` line in a ```console block of a
// document, with the output the document shows for it.
type consoleExample struct {
	line int
	args []string
	want string
}

// consoleExamples extracts every ```console block that starts with
// "$ sparsebench".
func consoleExamples(t *testing.T, doc string) []consoleExample {
	data, err := os.ReadFile(doc)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(data), "\n")
	var out []consoleExample
	for i := 0; i < len(lines); i++ {
		if strings.TrimSpace(lines[i]) != "```console" || i+1 >= len(lines) || !strings.HasPrefix(lines[i+1], "$ sparsebench") {
			continue
		}
		ex := consoleExample{line: i + 2, args: strings.Fields(strings.TrimPrefix(lines[i+1], "$ sparsebench"))}
		var want strings.Builder
		for i += 2; i < len(lines) && strings.TrimSpace(lines[i]) != "```"; i++ {
			want.WriteString(lines[i] + "\n")
		}
		ex.want = want.String()
		out = append(out, ex)
	}
	return out
}

// TestREADMEExamples runs every console example of README.md from the
// repository root and compares its output with the README's.
func TestREADMEExamples(t *testing.T) {
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	examples := consoleExamples(t, filepath.Join(root, "README.md"))
	if len(examples) < 2 {
		t.Fatalf("README.md has %d console examples, want at least 2", len(examples))
	}
	t.Chdir(root)
	for _, ex := range examples {
		var stdout, stderr bytes.Buffer
		if err := run(ex.args, &stdout, &stderr); err != nil {
			t.Errorf("README.md:%d: sparsebench %s: %v\n%s", ex.line, strings.Join(ex.args, " "), err, stderr.String())
			continue
		}
		if diff := cmp.Diff(ex.want, stdout.String()); diff != "" {
			t.Errorf("README.md:%d: sparsebench %s: output differs from the README (-README +got):\n%s", ex.line, strings.Join(ex.args, " "), diff)
		}
	}
}
