package suite

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/sparsebench/sparsebench/hardware"
	"github.com/sparsebench/sparsebench/hardware/catalogue"
	"github.com/sparsebench/sparsebench/harness/trace"

	"github.com/google/go-cmp/cmp"

	"github.com/sparsebench/sparsebench/harness"
	"github.com/sparsebench/sparsebench/plugins/accelerator"
	"github.com/sparsebench/sparsebench/plugins/policies"
	"github.com/sparsebench/sparsebench/plugins/scheduler"
)

func builtinSuite(t testing.TB) *Suite {
	t.Helper()
	s, err := Builtin()
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func resolve(t testing.TB, id string) *Scenario {
	t.Helper()
	sc, err := builtinSuite(t).Resolve(id)
	if err != nil {
		t.Fatal(err)
	}
	return sc
}

func traceOf(t testing.TB, sc *Scenario, p Run) *trace.Trace {
	t.Helper()
	tr, err := sc.Trace(p)
	if err != nil {
		t.Fatal(err)
	}
	return tr
}

func traceBytes(t testing.TB, tr *trace.Trace) []byte {
	t.Helper()
	var buf bytes.Buffer
	if _, err := tr.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// firstDiff describes where two byte slices first differ.
func firstDiff(a, b []byte) string {
	n := min(len(a), len(b))
	for i := 0; i < n; i++ {
		if a[i] != b[i] {
			lo, hi := max(0, i-40), min(n, i+40)
			return "at byte " + itoa(i) + ": " + string(a[lo:hi]) + " vs " + string(b[lo:hi])
		}
	}
	return "lengths " + itoa(len(a)) + " vs " + itoa(len(b))
}

// catBytes is a catalogue's exact encoding (floats in shortest round-trip
// form); comparing it is much faster than a reflective comparison.
func catBytes(t testing.TB, c *catalogue.Catalogue) []byte {
	t.Helper()
	b, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func itoa(i int) string { return strconv.Itoa(i) }

func mustNew(t testing.TB, j harness.Job) scheduler.Scheduler {
	t.Helper()
	s, err := j.New()
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestTraceByteIdentical: the same scenario, point and seed give the same
// trace bytes, also when the catalogue is generated again rather than
// taken from the cache.
func TestTraceByteIdentical(t *testing.T) {
	for _, sc := range builtinSuite(t).All() {
		t.Run(sc.ID(), func(t *testing.T) {
			p := Run{Requests: 300, Seed: 3}
			a := traceBytes(t, traceOf(t, sc, p))
			sc.catalogue = &catalogueOnce{}
			// A separately loaded copy of the scenario, a fresh catalogue.
			again := resolve(t, sc.ID())
			b := traceBytes(t, traceOf(t, again, p))
			if !bytes.Equal(a, b) {
				t.Fatalf("two traces of %s seed 3 differ %s", sc.ID(), firstDiff(a, b))
			}
			if c := traceBytes(t, traceOf(t, sc, p)); !bytes.Equal(a, c) {
				t.Fatalf("third trace differs %s", firstDiff(a, c))
			}
			if !bytes.HasPrefix(a, []byte(`{"format": "sparsebench-trace/1"`)) {
				t.Errorf("trace does not start with its format tag: %.60s", a)
			}
		})
	}
}

// TestTraceSeeds: run seeds change the request stream and nothing else;
// the catalogue depends on the data-set seed only.
func TestTraceSeeds(t *testing.T) {
	for _, sc := range builtinSuite(t).All() {
		t.Run(sc.ID(), func(t *testing.T) {
			base := traceOf(t, sc, Run{Requests: 400, Seed: 1})
			if len(base.Requests) != 400 {
				t.Fatalf("%d requests, want 400", len(base.Requests))
			}
			for _, p := range []Run{{Requests: 400, Seed: 2}, {Requests: 400, Seed: 99}, {Point: Point{Rate: 1.5, SLOMult: 150}, Requests: 50, Seed: 5}} {
				tr := traceOf(t, sc, p)
				if a, b := catBytes(t, &base.Catalogue), catBytes(t, &tr.Catalogue); !bytes.Equal(a, b) {
					t.Errorf("catalogue changed with the run point %+v: %s", p, firstDiff(a, b))
				}
				n := min(len(base.Requests), len(tr.Requests))
				var sameArrival, sameModel int
				for i := 0; i < n; i++ {
					if base.Requests[i].Arrival == tr.Requests[i].Arrival {
						sameArrival++
					}
					if base.Requests[i].Model == tr.Requests[i].Model && base.Requests[i].Sample == tr.Requests[i].Sample {
						sameModel++
					}
				}
				if sameArrival > n/10 || sameModel > n/2 {
					t.Errorf("seed %d vs seed 1: %d of %d arrivals and %d (model, sample) pairs equal; want different streams",
						p.Seed, sameArrival, n, sameModel)
				}
			}
			// The data-set seed, and only it, changes the catalogue.
			other := *sc
			other.Dataset.Seed++
			cat, err := buildCatalogue(&other, mustAccelerator(t, other.Accelerator.Name))
			if err != nil {
				t.Fatal(err)
			}
			if bytes.Equal(catBytes(t, cat), catBytes(t, &base.Catalogue)) {
				t.Errorf("data-set seed %d and %d give the same catalogue", sc.Dataset.Seed, other.Dataset.Seed)
			}
			fresh, err := buildCatalogue(sc, mustAccelerator(t, sc.Accelerator.Name))
			if err != nil {
				t.Fatal(err)
			}
			if a, b := catBytes(t, fresh), catBytes(t, &base.Catalogue); !bytes.Equal(a, b) {
				t.Errorf("a fresh catalogue differs from the cached one: %s", firstDiff(a, b))
			}
		})
	}
}

// TestTraceOperatingPoint: the trace follows the point: requests, mean
// rate and deadlines.
func TestTraceOperatingPoint(t *testing.T) {
	sc := resolve(t, "mobile-visual-perception")
	tr := traceOf(t, sc, Run{Seed: 4})
	if len(tr.Requests) != sc.Requests {
		t.Errorf("%d requests, want the scenario's %d", len(tr.Requests), sc.Requests)
	}
	for _, rate := range []float64{2, 6} {
		tr := traceOf(t, sc, Run{Point: Point{Rate: rate, SLOMult: 25}, Seed: 4})
		last := tr.Requests[len(tr.Requests)-1].Arrival
		if got := float64(len(tr.Requests)) / last; got < 0.9*rate || got > 1.1*rate {
			t.Errorf("rate %g: %d requests in %.1f s, %.2f/s", rate, len(tr.Requests), last, got)
		}
		for i, r := range tr.Requests {
			want := r.Arrival + 25*tr.Catalogue.Models[r.Model].SLOBase
			if r.Deadline != want {
				t.Fatalf("request %d: deadline %g, want arrival + 25 × SLO base = %g", i, r.Deadline, want)
			}
		}
	}
}

func jobs(t testing.TB, list string) []harness.Job {
	t.Helper()
	specs, err := policies.ParseList(list)
	if err != nil {
		t.Fatal(err)
	}
	out := make([]harness.Job, len(specs))
	for i, s := range specs {
		s := s
		out[i] = harness.Job{Label: s.Text, New: func() (scheduler.Scheduler, error) { return s.New(), nil }}
	}
	return out
}

// gridBytes renders a grid's cells, everything but wall time, as JSON.
func gridBytes(t *testing.T, cells []Cell) []byte {
	t.Helper()
	type row struct {
		Run       Run
		Scheduler string
		Metrics   harness.Metrics
		Finish    []float64
		Decisions int
		Err       string
	}
	rows := make([]row, len(cells))
	for i, c := range cells {
		rows[i] = row{Run: c.Run, Scheduler: c.Scheduler}
		if c.Err != nil {
			rows[i].Err = c.Err.Error()
			continue
		}
		rows[i].Metrics, rows[i].Finish, rows[i].Decisions = c.Outcome.Metrics, c.Outcome.Finish, c.Outcome.Decisions
	}
	b, err := json.Marshal(rows)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestRunGridDeterministic: the grid's output is the same byte for byte
// whatever the parallelism, and comes back ordered by point, seed, job.
func TestRunGridDeterministic(t *testing.T) {
	sc := resolve(t, "arvr-hand-tracking")
	points := sc.OperatingPoints()
	seeds := sc.SeedList(2)
	js := jobs(t, "fcfs,prema,dysta,edf")
	run := func(procs, workers int) []byte {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
		sc.catalogue = &catalogueOnce{}
		cells, err := sc.RunGrid(points, seeds, js, GridOptions{Requests: 250, Workers: workers})
		if err != nil {
			t.Fatal(err)
		}
		if len(cells) != len(points)*len(seeds)*len(js) {
			t.Fatalf("%d cells, want %d", len(cells), len(points)*len(seeds)*len(js))
		}
		for i, c := range cells {
			p, s, j := i/(len(seeds)*len(js)), i/len(js)%len(seeds), i%len(js)
			if c.Err != nil {
				t.Fatalf("cell %d: %v", i, c.Err)
			}
			if c.Run.Name != points[p].Name || c.Run.Seed != seeds[s] || c.Scheduler != js[j].Label ||
				c.Run.Requests != 250 || c.Run.Rate != points[p].Rate || c.Run.SLOMult != sc.SLOMult {
				t.Fatalf("cell %d is %+v %s; want point %s seed %d job %s", i, c.Run, c.Scheduler, points[p].Name, seeds[s], js[j].Label)
			}
		}
		return gridBytes(t, cells)
	}
	one := run(1, 1)
	four := run(4, 4)
	if !bytes.Equal(one, four) {
		t.Fatalf("GOMAXPROCS 1 and 4 give different grids %s", firstDiff(one, four))
	}
	if again := run(4, 0); !bytes.Equal(one, again) {
		t.Fatalf("a second parallel run differs %s", firstDiff(one, again))
	}
}

// TestRunGridSameTraceForEveryJob: every scheduler of a grid cell sees the
// trace Trace builds for that point and seed (common random numbers).
func TestRunGridSameTraceForEveryJob(t *testing.T) {
	sc := resolve(t, "mobile-visual-perception")
	pts := []Point{{Name: "x", Rate: 4, SLOMult: 10}}
	js := jobs(t, "fcfs,dysta,sjf")
	cells, err := sc.RunGrid(pts, []uint64{5}, js, GridOptions{Requests: 200, Workers: 2})
	if err != nil {
		t.Fatal(err)
	}
	tr := traceOf(t, sc, Run{Point: Point{Rate: 4, SLOMult: 10}, Requests: 200, Seed: 5})
	for i, c := range cells {
		if c.Err != nil {
			t.Fatal(c.Err)
		}
		direct, err := harness.Run(&tr.Catalogue, tr.Requests, mustNew(t, js[i]), sc.Options())
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(direct, c.Outcome); diff != "" {
			t.Errorf("%s: grid cell differs from a run on Trace's output:\n%.2000s", c.Scheduler, diff)
		}
	}
}

// TestReplayEqualsDirect: a trace written with WriteTo and read back with
// Parse gives exactly the metrics of the run on the trace in memory.
func TestReplayEqualsDirect(t *testing.T) {
	js := jobs(t, "fcfs,sjf-sparse,prema,sdrm3,dysta,dysta-oracle,edf")
	for _, sc := range builtinSuite(t).All() {
		t.Run(sc.ID(), func(t *testing.T) {
			direct := traceOf(t, sc, Run{Requests: 300, Seed: 2})
			data := traceBytes(t, direct)
			replayed, err := trace.Parse("replay.json", data)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(direct.Requests, replayed.Requests); diff != "" {
				t.Fatalf("requests changed through the file:\n%.2000s", diff)
			}
			if again := traceBytes(t, replayed); !bytes.Equal(data, again) {
				t.Errorf("re-writing the replayed trace changes it %s", firstDiff(data, again))
			}
			for _, j := range js {
				a, err := harness.Run(&direct.Catalogue, direct.Requests, mustNew(t, j), sc.Options())
				if err != nil {
					t.Fatal(err)
				}
				b, err := harness.Run(&replayed.Catalogue, replayed.Requests, mustNew(t, j), sc.Options())
				if err != nil {
					t.Fatal(err)
				}
				if diff := cmp.Diff(a, b); diff != "" {
					t.Errorf("%s: replay differs from the direct run (-direct +replay):\n%.2000s", j.Label, diff)
				}
				if a.Metrics.Requests != 300 {
					t.Errorf("%s: %d requests scored", j.Label, a.Metrics.Requests)
				}
			}
		})
	}
}

// TestTraceProcess: a scenario that replays a trace's arrival times loads
// the file relative to itself, covers its bytes by its hash, replays the
// arrivals (compressed when run at another rate) and refuses to run more
// requests than the trace has.
func TestTraceProcess(t *testing.T) {
	mvp := resolve(t, "mobile-visual-perception")
	rec := traceOf(t, mvp, Run{Requests: 80, Seed: 11})
	dir := t.TempDir()
	writeFile(t, dir, "recorded/rec.json", string(traceBytes(t, rec)))
	text := replaceAfter(t, builtinText(t, "mobile-visual-perception"), "[arrivals]", 0, `process = "poisson"`,
		"process = \"trace\"\ntrace = \"recorded/rec.json\"")
	text = replaceAfter(t, text, "", 0, "requests = 1000", "requests = 80")
	p := writeFile(t, dir, "mvp.toml", text)
	s, err := LoadFiles([]string{p})
	if err != nil {
		t.Fatal(err)
	}
	sc := s.All()[0]
	if len(sc.Arrivals.TraceSHA256) != 64 {
		t.Errorf("trace hash %q", sc.Arrivals.TraceSHA256)
	}
	tr := traceOf(t, sc, Run{Seed: 1})
	fast := traceOf(t, sc, Run{Point: Point{Rate: 2 * sc.Arrivals.Rate}, Seed: 1})
	for i := range rec.Requests {
		if tr.Requests[i].Arrival != rec.Requests[i].Arrival {
			t.Fatalf("request %d arrives at %g, the trace says %g", i, tr.Requests[i].Arrival, rec.Requests[i].Arrival)
		}
		if fast.Requests[i].Arrival != rec.Requests[i].Arrival/2 {
			t.Fatalf("at twice the rate request %d arrives at %g, want %g", i, fast.Requests[i].Arrival, rec.Requests[i].Arrival/2)
		}
	}
	if _, err := sc.Trace(Run{Seed: 1, Requests: 81}); err == nil || !strings.Contains(err.Error(), "80 arrivals") {
		t.Errorf("81 requests from an 80-arrival trace: %v", err)
	}
	// Another recording under the same name changes the scenario's hash.
	other := traceOf(t, mvp, Run{Requests: 80, Seed: 12})
	writeFile(t, dir, "recorded/rec.json", string(traceBytes(t, other)))
	s2, err := LoadFiles([]string{p})
	if err != nil {
		t.Fatal(err)
	}
	if s2.All()[0].Hash() == sc.Hash() {
		t.Error("changing the replayed trace left the scenario's hash unchanged")
	}
	// A file that is not a trace is a located problem.
	writeFile(t, dir, "recorded/rec.json", `{"format": "something-else"}`)
	ps := loadProblems(t, p)
	checkProblems(t, p, ps, want{"arrivals.trace", lineOf(t, text, "trace = "), ""})
}

func TestResolve(t *testing.T) {
	s := builtinSuite(t)
	for id, want := range map[string]string{
		"mobile-visual-perception":    "mobile-visual-perception@v2", // the latest
		"mobile-visual-perception@v2": "mobile-visual-perception@v2",
		"mobile-visual-perception@v1": "mobile-visual-perception@v1", // released versions stay loadable
	} {
		sc, err := s.Resolve(id)
		if err != nil || sc.ID() != want {
			t.Errorf("Resolve(%q) = %v, %v; want %s", id, sc.ID(), err, want)
		}
	}
	for id, msg := range map[string]string{
		"mobile-visual-perception@v9": "unknown scenario",
		"nope":                        "unknown scenario",
		"nope@v1":                     "unknown scenario",
		"mobile-visual-perception@1":  "want NAME or NAME@vN",
		"mobile-visual-perception@v0": "want NAME or NAME@vN",
		"mobile-visual-perception@v":  "want NAME or NAME@vN",
		"":                            "unknown scenario",
	} {
		sc, err := s.Resolve(id)
		if err == nil || !strings.Contains(err.Error(), msg) {
			t.Errorf("Resolve(%q) = %v, %v; want an error with %q", id, sc, err, msg)
			continue
		}
		if msg == "unknown scenario" && !strings.Contains(err.Error(), "mobile-visual-perception@v1") {
			t.Errorf("Resolve(%q): %v does not list the known ids", id, err)
		}
	}
	// With two versions, a bare name is the latest and old ones stay loadable.
	v1 := builtinText(t, "mobile-visual-perception")
	v2 := replaceAfter(t, v1, "", 0, "\nversion = 1", "\nversion = 2")
	v2 = replaceAfter(t, v2, "", 0, "requests = 1000", "requests = 900")
	fsys := fstest.MapFS{
		"mobile-visual-perception/v1.toml": {Data: []byte(v1)},
		"mobile-visual-perception/v2.toml": {Data: []byte(v2)},
	}
	two, err := LoadFS(fsys, "scenarios")
	if err != nil {
		t.Fatal(err)
	}
	for id, want := range map[string]int{"mobile-visual-perception": 2, "mobile-visual-perception@v2": 2, "mobile-visual-perception@v1": 1} {
		sc, err := two.Resolve(id)
		if err != nil || sc.Version != want {
			t.Errorf("Resolve(%q) = %v, %v; want version %d", id, sc, err, want)
		}
	}
	if got := len(two.Latest()); got != 1 {
		t.Errorf("Latest has %d scenarios, want 1", got)
	}
	// A file must live at NAME/vN.toml.
	fsys["mobile-visual-perception/v3.toml"] = &fstest.MapFile{Data: []byte(v2)}
	if _, err := LoadFS(fsys, "scenarios"); err == nil || !strings.Contains(err.Error(), "scenarios/mobile-visual-perception/v2.toml") {
		t.Errorf("v2 content in v3.toml: %v", err)
	}
}

func TestSeedList(t *testing.T) {
	sc := resolve(t, "mobile-visual-perception")
	for _, c := range []struct {
		n    int
		want []uint64
	}{
		{0, []uint64{1, 2, 3, 4, 5}},
		{-1, []uint64{1, 2, 3, 4, 5}},
		{2, []uint64{1, 2}},
		{5, []uint64{1, 2, 3, 4, 5}},
		{7, []uint64{1, 2, 3, 4, 5, 6, 7}},
	} {
		if diff := cmp.Diff(c.want, sc.SeedList(c.n)); diff != "" {
			t.Errorf("SeedList(%d) (-want +got):\n%s", c.n, diff)
		}
	}
	odd := &Scenario{Seeds: []uint64{10, 3}}
	if diff := cmp.Diff([]uint64{10, 3, 11, 12}, odd.SeedList(4)); diff != "" {
		t.Errorf("SeedList(4) of [10 3] (-want +got):\n%s", diff)
	}
	got := sc.SeedList(0)
	got[0] = 42
	if sc.Seeds[0] != 1 {
		t.Error("SeedList shares its slice with the scenario")
	}
}

func TestGrid(t *testing.T) {
	sc := resolve(t, "mobile-visual-perception@v1")
	slo, ok := sc.Sweep("slo")
	if !ok {
		t.Fatal("no slo sweep")
	}
	got := sc.Grid(slo)
	want := []Point{{Name: "slo: 3 requests/s, SLO ×10", Rate: 3, SLOMult: 10, Sweep: "slo"}, {Name: "slo: 3 requests/s, SLO ×25", Rate: 3, SLOMult: 25, Sweep: "slo"}, {Name: "slo: 3 requests/s, SLO ×50", Rate: 3, SLOMult: 50, Sweep: "slo"}, {Name: "slo: 3 requests/s, SLO ×75", Rate: 3, SLOMult: 75, Sweep: "slo"}, {Name: "slo: 3 requests/s, SLO ×100", Rate: 3, SLOMult: 100, Sweep: "slo"}, {Name: "slo: 3 requests/s, SLO ×150", Rate: 3, SLOMult: 150, Sweep: "slo"}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("slo sweep (-want +got):\n%s", diff)
	}
	if _, ok := sc.Sweep("nope"); ok {
		t.Error("found a sweep called nope")
	}
	service, err := sc.MeanServiceTime()
	if err != nil {
		t.Fatal(err)
	}
	got2, err := sc.Resolve(Run{Seed: 9})
	if err != nil {
		t.Fatal(err)
	}
	if got2 != (Run{Point: Point{Rate: 3, Utilisation: 3 * service, SLOMult: 10}, Requests: 1000, Seed: 9}) {
		t.Errorf("Resolve = %+v", got2)
	}
}

// TestLoadFSProblemsNameFiles: problems found while loading a folder name
// the file with its prefix.
func TestLoadFSProblemsNameFiles(t *testing.T) {
	dir := t.TempDir()
	bad := replaceAfter(t, builtinText(t, "arvr-hand-tracking"), "", 0, "requests = 1000", "requests = -3")
	writeFile(t, dir, "arvr-hand-tracking/v1.toml", bad)
	_, err := LoadFS(os.DirFS(dir), "scenarios")
	if err == nil {
		t.Fatal("LoadFS accepted requests = -3")
	}
	file := filepath.ToSlash(filepath.Join("scenarios", "arvr-hand-tracking", "v1.toml"))
	ps := err.(Problems)
	checkProblems(t, file, ps, want{"requests", lineOf(t, bad, "requests = -3"), "-3"})
}

func mustAccelerator(t *testing.T, name string) accelerator.Accelerator {
	t.Helper()
	acc, err := hardware.Lookup(name)
	if err != nil {
		t.Fatal(err)
	}
	return acc
}
