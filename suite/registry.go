package suite

import (
	"bufio"
	"bytes"
	"fmt"
	"io/fs"
	"os"
	"path"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/sparsebench/sparsebench/scenarios"
)

// Suite is a set of scenarios, every released version of each.
type Suite struct {
	all []*Scenario // sorted by name, then version
}

// Builtin is the suite of the scenarios shipped in the scenarios folder.
// They are embedded in the binary, so they are parsed once per process and
// shared, with the catalogues they build: callers must not modify them.
func Builtin() (*Suite, error) {
	builtin.once.Do(func() { builtin.suite, builtin.err = LoadFS(scenarios.Files, "scenarios") })
	return builtin.suite, builtin.err
}

var builtin struct {
	once  sync.Once
	suite *Suite
	err   error
}

// LoadFS loads every NAME/vN.toml file of fsys; prefix is prepended to file
// names in messages.
func LoadFS(fsys fs.FS, prefix string) (*Suite, error) {
	paths, err := fs.Glob(fsys, "*/*.toml")
	if err != nil {
		return nil, err
	}
	sort.Strings(paths)
	var list []*Scenario
	var problems Problems
	for _, p := range paths {
		data, err := fs.ReadFile(fsys, p)
		if err != nil {
			return nil, err
		}
		sc, err := parseInto(path.Join(prefix, p), data, fsys, path.Dir(p))
		if err != nil {
			problems = append(problems, asProblems(err)...)
			continue
		}
		if want := fmt.Sprintf("%s/v%d.toml", sc.Name, sc.Version); p != want {
			problems = append(problems, Problem{File: path.Join(prefix, p), Msg: fmt.Sprintf("scenario %s must live in %s", sc.ID(), path.Join(prefix, want))})
			continue
		}
		list = append(list, sc)
	}
	if len(problems) > 0 {
		return nil, problems
	}
	return newSuite(list)
}

// LoadFiles parses scenario files from disk, reporting every problem of
// every file in one list (and duplicate ids across files).
func LoadFiles(paths []string) (*Suite, error) {
	var list []*Scenario
	var problems Problems
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			problems = append(problems, Problem{File: p, Msg: err.Error()})
			continue
		}
		sc, err := parseInto(p, data, os.DirFS(dirOf(p)), ".")
		if err != nil {
			problems = append(problems, asProblems(err)...)
			continue
		}
		list = append(list, sc)
	}
	if len(problems) > 0 {
		return nil, problems
	}
	return newSuite(list)
}

func dirOf(p string) string {
	if i := strings.LastIndexAny(p, `/\`); i >= 0 {
		return p[:i+1]
	}
	return "."
}

func asProblems(err error) Problems {
	if ps, ok := err.(Problems); ok {
		return ps
	}
	return Problems{{Msg: err.Error()}}
}

func newSuite(list []*Scenario) (*Suite, error) {
	sort.SliceStable(list, func(i, j int) bool {
		if list[i].Name != list[j].Name {
			return list[i].Name < list[j].Name
		}
		return list[i].Version < list[j].Version
	})
	var problems Problems
	for i := 1; i < len(list); i++ {
		if list[i].ID() == list[i-1].ID() {
			problems = append(problems, Problem{File: list[i].source,
				Msg: fmt.Sprintf("duplicate scenario id %s (also in %s)", list[i].ID(), list[i-1].source)})
		}
	}
	if len(problems) > 0 {
		return nil, problems
	}
	return &Suite{all: list}, nil
}

// All lists every scenario version, by name then version.
func (s *Suite) All() []*Scenario { return append([]*Scenario(nil), s.all...) }

// Latest lists the newest version of each scenario, by name.
func (s *Suite) Latest() []*Scenario {
	var out []*Scenario
	for i, sc := range s.all {
		if i+1 == len(s.all) || s.all[i+1].Name != sc.Name {
			out = append(out, sc)
		}
	}
	return out
}

// Resolve finds a scenario by "name" (its latest version) or "name@vN".
func (s *Suite) Resolve(id string) (*Scenario, error) {
	name, ver, hasVer := strings.Cut(id, "@")
	want := 0
	if hasVer {
		n, err := strconv.Atoi(strings.TrimPrefix(ver, "v"))
		if err != nil || !strings.HasPrefix(ver, "v") || n < 1 {
			return nil, fmt.Errorf("scenario id %q: want NAME or NAME@vN", id)
		}
		want = n
	}
	var found *Scenario
	for _, sc := range s.all {
		if sc.Name == name && (want == 0 || sc.Version == want) {
			found = sc
		}
	}
	if found == nil {
		var ids []string
		for _, sc := range s.all {
			ids = append(ids, sc.ID())
		}
		return nil, fmt.Errorf("unknown scenario %q (known: %s)", id, strings.Join(ids, ", "))
	}
	return found, nil
}

// ParseLock reads a lock file: "NAME@vN SHA256" per line, # comments.
func ParseLock(data []byte) (map[string]string, error) {
	out := map[string]string{}
	sc := bufio.NewScanner(bytes.NewReader(data))
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Fields(line)
		if len(f) != 2 || len(f[1]) != 64 {
			return nil, fmt.Errorf("%s:%d: want \"NAME@vN SHA256\"", scenarios.LockPath, n)
		}
		if _, dup := out[f[0]]; dup {
			return nil, fmt.Errorf("%s:%d: %s listed twice", scenarios.LockPath, n, f[0])
		}
		out[f[0]] = f[1]
	}
	return out, sc.Err()
}

// CheckLock compares the suite with the lock file: a released version whose
// hash changed, a released version that disappeared, and a version not yet
// released are each reported.
func (s *Suite) CheckLock(lock map[string]string) []error {
	var errs []error
	present := map[string]bool{}
	for _, sc := range s.all {
		id := sc.ID()
		present[id] = true
		want, ok := lock[id]
		switch {
		case !ok:
			errs = append(errs, fmt.Errorf("%s (%s) is not in %s: release it with `go test ./suite -run '^TestLock$' -update-lock`",
				id, sc.source, scenarios.LockPath))
		case want != sc.Hash():
			errs = append(errs, fmt.Errorf("%s (%s) changed after release: its hash is %s, the lock pins %s. "+
				"Released versions are immutable: restore the file and put the change in a new version, %s@v%d (version = %d in %s/v%d.toml)",
				id, sc.source, sc.Hash()[:12], want[:12], sc.Name, sc.Version+1, sc.Version+1, sc.Name, sc.Version+1))
		}
	}
	var ids []string
	for id := range lock {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		if !present[id] {
			errs = append(errs, fmt.Errorf("%s is pinned in %s but its file is gone: released versions must stay loadable", id, scenarios.LockPath))
		}
	}
	return errs
}

// LockFile renders the lock for the suite, keeping released hashes.
func (s *Suite) LockFile() []byte {
	var b bytes.Buffer
	b.WriteString("# Released scenario versions and the SHA-256 of their canonical encoding.\n")
	b.WriteString("# A released version never changes: edit by adding NAME/vN+1.toml.\n")
	for _, sc := range s.all {
		fmt.Fprintf(&b, "%s %s\n", sc.ID(), sc.Hash())
	}
	return b.Bytes()
}
