package golden

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/sparsebench/sparsebench/scenarios"
	"github.com/sparsebench/sparsebench/suite"
)

var update = flag.Bool("update", false, "rewrite the golden files from the current code")

// Float tolerances. Metrics are deterministic, so on one machine they
// reproduce exactly; the tolerance only absorbs differences in the last
// bits between architectures (fused multiply-add, libm).
const (
	// metricRelTol is the relative tolerance on float metrics.
	metricRelTol = 1e-9
	// metricAbsTol is the absolute tolerance on float metrics near zero.
	metricAbsTol = 1e-12
)

func goldenPath(id string) string { return filepath.Join("testdata", id+".json") }

// TestGolden recomputes every released scenario version under every
// built-in policy and compares with testdata/ID.json.
func TestGolden(t *testing.T) {
	s, err := suite.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	lock, err := suite.ParseLock(scenarios.Lock)
	if err != nil {
		t.Fatal(err)
	}
	for _, sc := range s.All() {
		t.Run(sc.ID(), func(t *testing.T) {
			got, err := Compute(sc, BuiltinJobs(), 0)
			if err != nil {
				t.Fatal(err)
			}
			path := goldenPath(sc.ID())
			gotBytes, err := json.MarshalIndent(got, "", " ")
			if err != nil {
				t.Fatal(err)
			}
			gotBytes = append(gotBytes, '\n')
			if *update {
				if lock[sc.ID()] != sc.Hash() {
					t.Fatalf("refusing to update %s: %s's hash %s is not the one in %s; release the scenario first",
						path, sc.ID(), sc.Hash()[:12], scenarios.LockPath)
				}
				if err := os.WriteFile(path, gotBytes, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run `go test ./golden -update` after releasing the scenario)", err)
			}
			var want File
			if err := json.Unmarshal(data, &want); err != nil {
				t.Fatalf("%s: %v", path, err)
			}
			if diff := cmp.Diff(byKey(&want), byKey(got), cmpopts.EquateApprox(metricRelTol, metricAbsTol)); diff != "" {
				os.WriteFile(path+".got", gotBytes, 0o644)
				t.Errorf("%s differs from %s (-want +got); the new results are in %s.got:\n%s", sc.ID(), path, path, diff)
			}
		})
	}
}

// byKey indexes a golden file's rows by "point seed=N scheduler", so a diff
// names the run that moved.
func byKey(f *File) map[string]any {
	rows := map[string]Row{}
	for _, r := range f.Results {
		rows[fmt.Sprintf("%s seed=%d %s", r.Point, r.Seed, r.Scheduler)] = r
	}
	return map[string]any{"scenario": f.Scenario, "hash": f.Hash, "results": rows}
}
