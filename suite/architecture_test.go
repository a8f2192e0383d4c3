package suite

import (
	"bufio"
	"bytes"
	"fmt"
	"os/exec"
	"slices"
	"strings"
	"testing"
)

// The architecture of the module, read from its real import graph (`go list`):
// packages in the order the data flows, each importing only packages before
// it, plus the rules a reviewer checks by name. README.md ("Architecture")
// describes the same layers.

const module = "github.com/sparsebench/sparsebench"

// layers lists every package of the module, bottom first. A package may
// import only packages listed before it. A new package must be placed here.
var layers = []string{
	// Small foundations that know nothing of the benchmark.
	"harness/textpos",
	"harness/parallel",
	"scenarios",
	// The public plugin APIs, the protocol and the SDK: what a third-party
	// plugin links.
	"plugins/internal/columns",
	"plugins/internal/viewstate",
	"plugins/scheduler",
	"plugins/accelerator",
	"plugins/pluginpb",
	"plugins/internal/wire",
	"plugins/scheduler/board",
	"plugins/sdk",
	// Built-in policies and the host side of the plugin protocol.
	"plugins/policies",
	"plugins/bundle",
	"plugins/host",
	// Data: the measured data set and what measures it (networks, photos),
	// accelerator models make catalogues; requests are drawn from them.
	"hardware/tfjs",
	"hardware/photos",
	"hardware/sparsitydata",
	"hardware/measure",
	"hardware/catalogue",
	"hardware",
	"harness/workload",
	// The engine, the trace format, statistics.
	"harness",
	"harness/trace",
	"harness/stats",
	// Jobs join policies, plugin processes and the engine.
	"plugins/lineup",
	// Scenarios, then what is computed from runs of them.
	"suite",
	"harness/results",
	"harness/study",
	"harness/leaderboard",
	"harness/verify",
	"golden",
	"cmd/sparsebench",
}

// rule forbids packages matching from to import packages matching any of
// not; why is the message a violation prints. A pattern "p/..." matches p
// and every package below it.
type rule struct {
	from string
	not  []string
	why  string
	// except are packages matched by not that from may import all the
	// same: the foundations, which know nothing of the benchmark.
	except []string
}

// foundations are the packages at the bottom of the layers that any
// package may import.
var foundations = []string{"harness/textpos", "harness/parallel"}

var rules = []rule{
	{"hardware/...", []string{"harness/...", "suite/...", "plugins/policies/..."},
		"hardware makes catalogues; it must not depend on what consumes them", foundations},
	{"harness", []string{"plugins/policies/...", "plugins/lineup/..."},
		"the engine runs any Scheduler; it imports no built-in policy", nil},
	{"plugins/host/...", []string{"harness/...", "plugins/policies/...", "suite/...", "hardware/..."},
		"the plugin host speaks the protocol; it knows nothing of the simulator or the built-ins", nil},
}

// sdkForbidden may not appear anywhere in plugins/sdk's dependency closure:
// every third-party plugin links the SDK.
var sdkForbidden = []string{
	module + "/harness/...", module + "/hardware/...", module + "/suite/...",
	module + "/plugins/policies/...", module + "/plugins/host/...",
	"github.com/BurntSushi/toml/...", "github.com/goccy/go-json/...",
}

func matches(pattern, pkg string) bool {
	if base, ok := strings.CutSuffix(pattern, "/..."); ok {
		return pkg == base || strings.HasPrefix(pkg, base+"/")
	}
	return pkg == pattern
}

// graph maps each package of the module (relative to the module path) to
// the module packages it imports, non-test imports only.
type graph map[string][]string

func loadGraph(t *testing.T) graph {
	t.Helper()
	out, err := exec.Command("go", "list", "-f", `{{.ImportPath}}{{range .Imports}} {{.}}{{end}}`, module+"/...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	g := graph{}
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		pkg, ok := strings.CutPrefix(f[0], module+"/")
		if !ok {
			continue
		}
		g[pkg] = nil
		for _, imp := range f[1:] {
			if rel, ok := strings.CutPrefix(imp, module+"/"); ok {
				g[pkg] = append(g[pkg], rel)
			}
		}
	}
	return g
}

// violations checks g against the layers and rules.
func violations(g graph, layers []string, rules []rule) []string {
	var out []string
	pkgs := make([]string, 0, len(g))
	for p := range g {
		pkgs = append(pkgs, p)
	}
	slices.Sort(pkgs)
	for _, p := range pkgs {
		at := slices.Index(layers, p)
		if at < 0 {
			out = append(out, fmt.Sprintf("%s is in no layer: place it in `layers` (suite/architecture_test.go) and in README.md's architecture section", p))
			continue
		}
		for _, imp := range g[p] {
			if j := slices.Index(layers, imp); j >= at {
				out = append(out, fmt.Sprintf("%s imports %s, which comes after it in the flow: imports must point down the layers", p, imp))
			}
			for _, r := range rules {
				if !matches(r.from, p) {
					continue
				}
				for _, n := range r.not {
					if matches(n, imp) && !slices.ContainsFunc(r.except, func(e string) bool { return matches(e, imp) }) {
						out = append(out, fmt.Sprintf("%s imports %s: %s", p, imp, r.why))
					}
				}
			}
		}
	}
	return out
}

func TestArchitecture(t *testing.T) {
	for _, v := range violations(loadGraph(t), layers, rules) {
		t.Error(v)
	}
}

func TestPluginSDKLinksNoSimulator(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", module+"/plugins/sdk").Output()
	if err != nil {
		t.Fatalf("go list -deps: %v", err)
	}
	for _, dep := range strings.Fields(string(out)) {
		for _, f := range sdkForbidden {
			if matches(f, dep) {
				t.Errorf("plugins/sdk depends on %s: every plugin would link it; the SDK may depend only on the public APIs, the protocol and go-plugin/gRPC", dep)
			}
		}
	}
}

// The checker itself, on a made-up graph: each kind of violation is found,
// and a clean graph gives none.
func TestArchitectureCheckerFindsViolations(t *testing.T) {
	layers := []string{"harness/base", "a", "hardware", "harness", "b"}
	rules := []rule{{"hardware/...", []string{"harness/..."}, "no", []string{"harness/base"}}}
	clean := graph{"harness/base": nil, "a": nil, "hardware": {"a", "harness/base"}, "harness": {"a", "hardware"}, "b": {"harness"}}
	if v := violations(clean, layers, rules); len(v) != 0 {
		t.Errorf("clean graph: %q", v)
	}
	bad := graph{"a": {"b"}, "hardware": {"harness"}, "harness": nil, "b": nil, "new": nil}
	got := violations(bad, layers, rules)
	want := []string{
		"a imports b, which comes after it in the flow: imports must point down the layers",
		"hardware imports harness, which comes after it in the flow: imports must point down the layers",
		"hardware imports harness: no",
		"new is in no layer: place it in `layers` (suite/architecture_test.go) and in README.md's architecture section",
	}
	if !slices.Equal(got, want) {
		t.Errorf("violations:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if !matches("x/...", "x") || !matches("x/...", "x/y") || matches("x/...", "xy") || matches("x", "x/y") {
		t.Error("pattern matching is wrong")
	}
}
