package golden

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/sparsebench/sparsebench/harness"
	"github.com/sparsebench/sparsebench/plugins/host"
	"github.com/sparsebench/sparsebench/plugins/lineup"
	"github.com/sparsebench/sparsebench/plugins/policies"
	"github.com/sparsebench/sparsebench/suite"
)

// sparsebenchExe is a sparsebench binary built once by TestMain; it serves
// the built-in policies out of process (`sparsebench plugin serve scheduler
// SPEC`). errBuild says why there is none.
var (
	sparsebenchExe string
	errBuild       error
)

// TestMain builds cmd/sparsebench into a temporary folder for
// TestGoldenOutOfProcess (skipped with -short, which skips that test).
func TestMain(m *testing.M) {
	flag.Parse()
	dir := ""
	if !testing.Short() {
		dir, sparsebenchExe, errBuild = buildSparsebench()
	}
	code := m.Run()
	if dir != "" {
		os.RemoveAll(dir)
	}
	os.Exit(code)
}

// errNoGo is errBuild when there is no go command to build with.
var errNoGo = errors.New("no go command on PATH")

func buildSparsebench() (dir, exe string, err error) {
	goTool, err := exec.LookPath("go")
	if err != nil {
		return "", "", errNoGo
	}
	dir, err = os.MkdirTemp("", "sparsebench-golden-")
	if err != nil {
		return "", "", err
	}
	exe = filepath.Join(dir, "sparsebench")
	cmd := exec.Command(goTool, "build", "-o", exe, "github.com/sparsebench/sparsebench/cmd/sparsebench")
	if out, err := cmd.CombinedOutput(); err != nil {
		return dir, "", fmt.Errorf("go build ./cmd/sparsebench: %v\n%s", err, out)
	}
	return dir, exe, nil
}

// processScenarios are the scenarios the golden results are also checked
// on through the plugin protocol: one CNN scenario and one attention
// scenario, with the accelerator model that makes each what it is.
var processScenarios = []struct{ id, accelerator string }{
	{"mobile-visual-perception@v1", "eyeriss-v2"},  // CNNs
	{"datacenter-personal-assistant@v1", "sanger"}, // attention
}

// processSeeds is how many of each scenario's seeds the out-of-process run
// covers, at every operating point and for every built-in policy. One: a
// decision sent to a plugin costs ~20 µs against ~30 ns in process, so all
// five seeds of both scenarios would take ~2 minutes on the 2-core CI
// machine; one seed keeps the whole `go test ./golden` under a minute
// (≈ 25 s measured). The in-process TestGolden covers every seed.
const processSeeds = 1

// TestGoldenOutOfProcess runs every built-in policy out of process — each
// run a `sparsebench plugin serve scheduler NAME` process driven through
// plugins/host, as `run --isolation process` does — and compares with the
// same golden files and tolerances as TestGolden: the plugin protocol
// (deltas, forced-step replays, picks) must change no result.
func TestGoldenOutOfProcess(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: the out-of-process golden run starts a plugin process per run")
	}
	if errors.Is(errBuild, errNoGo) {
		t.Skip("cannot build the sparsebench binary: ", errBuild)
	}
	if errBuild != nil {
		t.Fatal(errBuild)
	}
	s, err := suite.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	var specs []policies.Spec
	for _, name := range policies.Names() {
		spec, err := policies.ParseSpec(name)
		if err != nil {
			t.Fatal(err)
		}
		specs = append(specs, spec)
	}
	var procs lineup.Plugins
	defer procs.Close()
	jobs, err := procs.Isolated(specs, sparsebenchExe, host.Config{})
	if err != nil {
		t.Fatal(err)
	}
	for _, ps := range processScenarios {
		t.Run(ps.id, func(t *testing.T) {
			sc, err := s.Resolve(ps.id)
			if err != nil {
				t.Fatal(err)
			}
			if sc.Accelerator.Name != ps.accelerator {
				t.Fatalf("%s now runs on %s, not %s: pick another scenario of that kind for the out-of-process run",
					ps.id, sc.Accelerator.Name, ps.accelerator)
			}
			seeds := sc.SeedList(processSeeds)
			got, err := computeWith(sc, seeds, jobs)
			if err != nil {
				t.Fatal(err)
			}
			path := goldenPath(sc.ID())
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run `go test ./golden -update` after releasing the scenario)", err)
			}
			var all File
			if err := json.Unmarshal(data, &all); err != nil {
				t.Fatalf("%s: %v", path, err)
			}
			want := onlySeeds(&all, seeds)
			if n := len(sc.OperatingPoints()) * len(seeds) * len(jobs); len(want.Results) != n {
				t.Fatalf("%s has %d rows for seeds %v, want %d (points × seeds × policies): update the golden files",
					path, len(want.Results), seeds, n)
			}
			if diff := cmp.Diff(byKey(want), byKey(got), cmpopts.EquateApprox(metricRelTol, metricAbsTol)); diff != "" {
				gotBytes, _ := json.MarshalIndent(got, "", " ")
				out := path + ".process.got"
				os.WriteFile(out, append(gotBytes, '\n'), 0o644)
				t.Errorf("%s out of process differs from %s (-want +got); the results are in %s:\n%s", sc.ID(), path, out, diff)
			}
		})
	}
}

// computeWith is Compute on the given seeds only. A failed run (a plugin
// that did not start, say) is an error naming it.
func computeWith(sc *suite.Scenario, seeds []uint64, jobs []harness.Job) (*File, error) {
	cells, err := sc.RunGrid(sc.OperatingPoints(), seeds, jobs, suite.GridOptions{})
	if err != nil {
		return nil, err
	}
	f := &File{Scenario: sc.ID(), Hash: sc.Hash()}
	var errs []error
	for _, c := range cells {
		if c.Err != nil {
			errs = append(errs, c.Err)
			continue
		}
		f.Results = append(f.Results, Row{
			Point: c.Run.Name, Rate: c.Run.Rate, SLOMult: c.Run.SLOMult, Seed: c.Run.Seed,
			Scheduler: c.Scheduler, Oracle: c.Outcome.Scheduler.Oracle, Decisions: c.Outcome.Decisions,
			Metrics: c.Outcome.Metrics,
		})
	}
	return f, errors.Join(errs...)
}

// onlySeeds keeps the rows of the given seeds.
func onlySeeds(f *File, seeds []uint64) *File {
	keep := map[uint64]bool{}
	for _, s := range seeds {
		keep[s] = true
	}
	out := &File{Scenario: f.Scenario, Hash: f.Hash}
	for _, r := range f.Results {
		if keep[r.Seed] {
			out.Results = append(out.Results, r)
		}
	}
	return out
}
