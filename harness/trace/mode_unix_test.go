//go:build unix

package trace_test

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/sparsebench/sparsebench/harness/trace"
)

// A written trace is readable by a web server: mode 0644 less the umask,
// never the 0600 of a bare temporary file.
func TestWriteFileMode(t *testing.T) {
	defer syscall.Umask(syscall.Umask(0o022))
	path := filepath.Join(t.TempDir(), "t.json")
	tr := &trace.Trace{}
	if err := tr.WriteFile(path); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o644 {
		t.Errorf("mode %v, want 0644", fi.Mode().Perm())
	}
	if left, _ := filepath.Glob(filepath.Join(filepath.Dir(path), ".*")); len(left) != 0 {
		t.Errorf("temporary files left behind: %v", left)
	}
}
