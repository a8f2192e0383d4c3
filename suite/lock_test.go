package suite

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sparsebench/sparsebench/scenarios"
)

var updateLock = flag.Bool("update-lock", false, "add unreleased scenario versions to scenarios/scenarios.lock (never changes a released hash)")

// TestLock fails when a released scenario changed without a new version,
// when a released version disappeared, or when a version is not released.
func TestLock(t *testing.T) {
	s, err := Builtin()
	if err != nil {
		t.Fatal(err)
	}
	lock, err := ParseLock(scenarios.Lock)
	if err != nil {
		t.Fatal(err)
	}
	errs := s.CheckLock(lock)
	if *updateLock {
		var changed []string
		for _, e := range errs {
			if !strings.Contains(e.Error(), "is not in") {
				changed = append(changed, e.Error())
			}
		}
		if len(changed) > 0 {
			t.Fatalf("refusing to update the lock: released versions are immutable:\n%s", strings.Join(changed, "\n"))
		}
		path := filepath.Join("..", scenarios.LockPath)
		if err := os.WriteFile(path, s.LockFile(), 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("wrote %s", path)
		return
	}
	for _, e := range errs {
		t.Error(e)
	}
}

// TestLockDetectsEdit edits a released scenario in a temporary copy of the
// scenarios folder and checks that the lock check fails with a message that
// says to add a new version.
func TestLockDetectsEdit(t *testing.T) {
	dir := t.TempDir()
	src, err := Builtin()
	if err != nil {
		t.Fatal(err)
	}
	sc := src.All()[0]
	rel := filepath.Join(sc.Name, "v1.toml")
	data, err := scenarios.Files.ReadFile(sc.Name + "/v1.toml")
	if err != nil {
		t.Fatal(err)
	}
	edited := strings.Replace(string(data), "requests = 1000", "requests = 999", 1)
	if edited == string(data) {
		t.Fatal("test setup: the scenario has no 'requests = 1000' line to edit")
	}
	os.MkdirAll(filepath.Join(dir, sc.Name), 0o755)
	if err := os.WriteFile(filepath.Join(dir, rel), []byte(edited), 0o644); err != nil {
		t.Fatal(err)
	}
	s, err := LoadFS(os.DirFS(dir), "scenarios")
	if err != nil {
		t.Fatal(err)
	}
	lock, err := ParseLock(scenarios.Lock)
	if err != nil {
		t.Fatal(err)
	}
	errs := s.CheckLock(lock)
	var found bool
	for _, e := range errs {
		msg := e.Error()
		if strings.Contains(msg, sc.ID()+" ") && strings.Contains(msg, "changed after release") && strings.Contains(msg, sc.Name+"@v2") {
			found = true
		}
	}
	if !found {
		t.Fatalf("editing %s did not produce a 'changed after release … add %s@v2' error; got %v", rel, sc.Name, errs)
	}
	// Comments and layout are not content: the unedited file with an extra
	// comment still matches its lock entry.
	os.WriteFile(filepath.Join(dir, rel), append([]byte("# a comment\n"), data...), 0o644)
	s, err = LoadFS(os.DirFS(dir), "scenarios")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range s.CheckLock(lock) {
		if strings.Contains(e.Error(), sc.ID()+" ") {
			t.Errorf("a comment changed the hash: %v", e)
		}
	}
}
