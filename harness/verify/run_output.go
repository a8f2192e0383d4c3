package verify

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/sparsebench/sparsebench/harness/results"
	"github.com/sparsebench/sparsebench/suite"
)

// The output of `run --format json` (results.Run): the command that made
// each scenario's rows is rebuilt from the rows, run again, and every row
// and mean compared.

func verifyRunOutput(rep *Report, path string, data []byte, opts Options) ([]string, error) {
	var file results.Run
	if err := strictDecode(path, data, &file); err != nil {
		return nil, err
	}
	var gen struct {
		Results []map[string]any `json:"results"`
		Means   []map[string]any `json:"means"`
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	if err := dec.Decode(&gen); err != nil {
		return nil, inputErr(fmt.Errorf("%s: %v", path, err))
	}
	if len(file.Results) == 0 {
		return nil, inputErr(fmt.Errorf("%s: no results to verify", path))
	}
	for i, r := range file.Results {
		if r.Scheduler == "" {
			return nil, inputErr(fmt.Errorf("%s: results[%d] names no scheduler", path, i))
		}
		if (r.Scenario == "") != (file.Results[0].Scenario == "") {
			return nil, inputErr(fmt.Errorf("%s: results[%d]: rows of scenario runs and of trace runs mixed in one file", path, i))
		}
		if strings.HasPrefix(r.Scenario, "lut-csv:") {
			return nil, inputErr(fmt.Errorf("%s: results[%d] comes from `run --lut-csv %s`: the CSV files are not identified by a hash, so verify cannot re-run it; "+
				"verify checks scenario runs and leaderboards", path, i, strings.TrimPrefix(r.Scenario, "lut-csv:")))
		}
	}
	if file.Results[0].Scenario == "" {
		if opts.Trace == "" {
			return nil, inputErr(fmt.Errorf("%s is the output of `run --trace`: its rows record no scenario, hash or seed to re-run from, "+
				"so it can only be verified against the trace it replayed: sparsebench verify --trace TRACE.json %s", path, path))
		}
		return verifyTraceRun(rep, file.Results, gen.Results, opts)
	}
	if opts.Trace != "" {
		return nil, inputErr(fmt.Errorf("--trace: %s holds scenario runs (%s), not the output of `run --trace`", path, file.Results[0].Scenario))
	}
	b, err := loadBuiltinSuite()
	if err != nil {
		return nil, err
	}
	var labels []string
	for _, r := range file.Results {
		if !slices.Contains(labels, r.Scheduler) {
			labels = append(labels, r.Scheduler)
		}
	}
	if err := unusedPlugins(opts.opened, labels); err != nil {
		return nil, err
	}
	var ids []string
	for _, r := range file.Results {
		if !slices.Contains(ids, r.Scenario) {
			ids = append(ids, r.Scenario)
		}
	}
	for _, id := range ids {
		verifyScenarioRows(rep, b, id, file, gen.Results, gen.Means, opts)
	}
	return []string{fmt.Sprintf("`run --format json` output: %d rows and %d means of %s",
		len(file.Results), len(file.Means), strings.Join(ids, ", "))}, nil
}

// scenarioRows are the rows and means of one scenario of a `run` output.
type scenarioRows struct {
	rep  *Report
	id   string
	file results.Run
	// rows and means index the scenario's rows in file.Results and
	// file.Means.
	rows, means []int
}

// verifyScenarioRows re-runs the rows of one scenario: the command that
// made them (`run --scenario ID [--seeds N] [--requests N] [--rate R
// --slo-mult M] --scheduler …`) is rebuilt from the rows, run again, and
// every row compared.
func verifyScenarioRows(rep *Report, b *builtinSuite, id string, file results.Run, genResults, genMeans []map[string]any, opts Options) {
	s := &scenarioRows{rep: rep, id: id, file: file}
	for i, r := range file.Results {
		if r.Scenario == id {
			s.rows = append(s.rows, i)
		}
	}
	for i, r := range file.Means {
		if r.Scenario == id {
			s.means = append(s.means, i)
		}
	}
	sc, err := b.resolve(id)
	if err != nil {
		s.failAll("scenario", show(id), absent, "not a built-in scenario: "+err.Error())
		return
	}
	s.checkHashes(b, sc)
	nSeeds, ok := s.checkSeeds(sc)
	if !ok {
		return
	}
	requests, ok := s.checkRequests(sc)
	if !ok {
		return
	}
	points := s.points(sc)
	recorded := s.recordedPluginSums()
	set := resolveSchedulers(rep, s.labels(), opts.opened, recorded, id)

	res := &results.Run{}
	if len(set.jobs) > 0 {
		res, err = results.RunScenarios([]*suite.Scenario{sc}, points, nSeeds, set.jobs, suite.GridOptions{Requests: requests, Workers: opts.Workers})
		if err != nil {
			s.failAll("(re-run)", "", "", "the re-run failed: "+err.Error())
			return
		}
		if recorded != nil { // the run recorded plugin checksums: so does the re-run
			for _, rows := range [][]results.Row{res.Results, res.Means} {
				for i := range rows {
					rows[i].PluginSHA256 = set.sums[rows[i].Scheduler]
				}
			}
		}
	}
	why := s.whyMissing(sc, set, points, nSeeds)
	matchRows(rep, id, s.rows, file.Results, genResults, res.Results, false, why)
	matchRows(rep, id, s.means, file.Means, genMeans, res.Means, true, why)
}

// failAll fails every row and mean of the scenario for the same reason.
func (s *scenarioRows) failAll(field, want, got, note string) {
	for _, i := range s.rows {
		r := s.file.Results[i]
		s.rep.addRow(Finding{Result: Fail, Scenario: s.id, Point: r.Point, Seed: seedOf(r), Scheduler: r.Scheduler,
			Field: field, Want: want, Got: got, Note: note})
	}
	for _, i := range s.means {
		r := s.file.Means[i]
		s.rep.addRow(Finding{Result: Fail, Scenario: s.id, Point: r.Point, Seed: "mean", Scheduler: r.Scheduler,
			Field: field, Want: want, Got: got, Note: note})
	}
}

// seedOf is a row's seed column.
func seedOf(r results.Row) string {
	if r.Seed == nil {
		return absent
	}
	return strconv.FormatUint(*r.Seed, 10)
}

// checkHashes checks each scenario hash the rows record.
func (s *scenarioRows) checkHashes(b *builtinSuite, sc *suite.Scenario) {
	var hashes []string
	for _, i := range s.rows {
		if h := s.file.Results[i].ScenarioHash; !slices.Contains(hashes, h) {
			hashes = append(hashes, h)
		}
	}
	for _, h := range hashes {
		s.rep.addProvenance(b.hashCheck(sc, h))
	}
}

// checkSeeds finds the seed count of the run — each (point, scheduler)
// has the seeds of `--seeds N`, N the most frequent count — and checks
// the seeds are that run's. It fails every row when no row has a seed.
func (s *scenarioRows) checkSeeds(sc *suite.Scenario) (nSeeds int, ok bool) {
	type ps struct{ point, sched string }
	groups := map[ps][]uint64{}
	var order []ps
	var allSeeds []uint64
	for _, i := range s.rows {
		r := s.file.Results[i]
		k := ps{r.Point, r.Scheduler}
		if _, ok := groups[k]; !ok {
			order = append(order, k)
		}
		if r.Seed != nil {
			groups[k] = append(groups[k], *r.Seed)
			if !slices.Contains(allSeeds, *r.Seed) {
				allSeeds = append(allSeeds, *r.Seed)
			}
		}
	}
	var counts []int
	for _, k := range order {
		counts = append(counts, len(groups[k]))
	}
	nSeeds = mode(counts)
	if nSeeds == 0 {
		s.failAll("seed", absent, "", "the rows record no seeds")
		return 0, false
	}
	fileSeeds := allSeeds // in the order of the rows: the run's seed order
	if len(fileSeeds) == nSeeds {
		s.rep.addProvenance(seedsCheck(sc, fileSeeds, "—"))
		return nSeeds, true
	}
	c := seedsCheck(sc, fileSeeds, "—")
	want := sc.SeedList(nSeeds)
	c.Result, c.Want, c.Got = Fail, joinSeeds(fileSeeds), joinSeeds(want)
	var foreign []string
	for _, seed := range fileSeeds {
		if !slices.Contains(want, seed) {
			foreign = append(foreign, strconv.FormatUint(seed, 10))
		}
	}
	c.Note = fmt.Sprintf("seed %s is not a seed of this run: a run of %d seeds (%s) uses seeds %s",
		strings.Join(foreign, ", "), nSeeds, seedsFlag(sc, nSeeds), joinSeeds(want))
	s.rep.addProvenance(c)
	return nSeeds, true
}

// checkRequests finds the request count of the run — one per run of
// `run`, the scenario's or --requests — and fails every row when it is
// not positive.
func (s *scenarioRows) checkRequests(sc *suite.Scenario) (requests int, ok bool) {
	var reqs []int
	for _, i := range s.rows {
		if m := s.file.Results[i].Metrics; m != nil {
			reqs = append(reqs, m.Requests)
		}
	}
	for _, i := range s.means {
		if m := s.file.Means[i].Metrics; m != nil {
			reqs = append(reqs, m.Requests)
		}
	}
	requests = sc.Requests
	if len(reqs) > 0 {
		requests = mode(reqs)
	}
	rc := Finding{Result: Pass, Scenario: s.id, Point: "—", Seed: "—", Scheduler: "—", Field: "requests", Note: requestsNote(sc, requests)}
	return requests, settleRequests(s.rep, rc, requests, s.failAll)
}

// points are the points the run used: the scenario's operating points, or
// one --rate/--slo-mult point named "custom".
func (s *scenarioRows) points(sc *suite.Scenario) []suite.Point {
	var points []suite.Point
	named, custom := false, []suite.Point{}
	for _, i := range s.rows {
		r := s.file.Results[i]
		if r.Point == "custom" {
			custom = append(custom, suite.Point{Name: "custom", Rate: r.Rate, SLOMult: r.SLOMult})
		} else {
			named = true
		}
	}
	if named {
		points = sc.OperatingPoints()
	}
	if len(custom) > 0 {
		points = append(points, mode(custom))
	}
	return points
}

// labels are the rows' schedulers in order of appearance.
func (s *scenarioRows) labels() []string {
	var labels []string
	for _, i := range s.rows {
		if l := s.file.Results[i].Scheduler; !slices.Contains(labels, l) {
			labels = append(labels, l)
		}
	}
	return labels
}

// recordedPluginSums maps each plugin row's scheduler to the SHA-256 of
// the executable it ran with (nil when no row records one).
func (s *scenarioRows) recordedPluginSums() map[string]string {
	var recorded map[string]string
	for _, i := range s.rows {
		if r := s.file.Results[i]; r.PluginSHA256 != "" {
			if recorded == nil {
				recorded = map[string]string{}
			}
			recorded[r.Scheduler] = r.PluginSHA256
		}
	}
	return recorded
}

// whyMissing says why a file row has no re-run counterpart: the field
// that differs, the file's value, the re-run's and a note.
type whyMissing func(r results.Row, mean bool) (field, want, got, note string)

func (s *scenarioRows) whyMissing(sc *suite.Scenario, set schedulerSet, points []suite.Point, nSeeds int) whyMissing {
	pointNames := func() string {
		var names []string
		for _, p := range sc.OperatingPoints() {
			names = append(names, p.Name)
		}
		return strings.Join(names, ", ")
	}
	return func(r results.Row, mean bool) (field, want, got, note string) {
		switch {
		case set.problem[r.Scheduler] != "":
			return "scheduler", show(r.Scheduler), absent, set.problem[r.Scheduler]
		case !slices.ContainsFunc(points, func(p suite.Point) bool { return p.Name == r.Point }):
			return "point", show(r.Point), absent, fmt.Sprintf("not an operating point of %s (%s) or custom", s.id, pointNames())
		case !mean && r.Seed != nil && !slices.Contains(sc.SeedList(nSeeds), *r.Seed):
			return "seed", seedOf(r), absent, fmt.Sprintf("not a seed of this run (%s)", joinSeeds(sc.SeedList(nSeeds)))
		}
		return "(row)", "a row", absent, "the re-run has no such row (a duplicate?)"
	}
}

// matchRows pairs the file's rows (idx into file and gen) with the re-run's
// and records a Finding for each; re-run rows the file lacks fail as
// missing.
func matchRows(rep *Report, id string, idx []int, file []results.Row, gen []map[string]any, rerun []results.Row,
	mean bool, why whyMissing) {
	key := func(r results.Row) string {
		if mean || r.Seed == nil {
			return r.Point + "\x00" + r.Scheduler
		}
		return fmt.Sprintf("%s\x00%d\x00%s", r.Point, *r.Seed, r.Scheduler)
	}
	seedCol := func(r results.Row) string {
		switch {
		case mean:
			return "mean"
		case r.Seed == nil:
			return absent
		}
		return strconv.FormatUint(*r.Seed, 10)
	}
	byKey := map[string]int{}
	for j, r := range rerun {
		byKey[key(r)] = j
	}
	fileKeys := map[string]bool{}
	for _, i := range idx {
		fileKeys[key(file[i])] = true
	}
	used := make([]bool, len(rerun))
	var pending []int // file rows without a re-run row of the same key
	for _, i := range idx {
		r := file[i]
		j, ok := byKey[key(r)]
		if !ok || used[j] {
			pending = append(pending, i)
			continue
		}
		used[j] = true
		rep.addRow(compareRow(Finding{Scenario: id, Point: r.Point, Seed: seedCol(r), Scheduler: r.Scheduler}, gen[i], asJSON(rerun[j])))
	}
	for _, i := range pending {
		r := file[i]
		c := Finding{Scenario: id, Point: r.Point, Seed: seedCol(r), Scheduler: r.Scheduler}
		// A row whose seed or point was changed pairs with the re-run row
		// of the same scheduler (and point or seed) that the file lacks, so
		// that the difference is named.
		field, _, _, whyNote := why(r, mean)
		paired := -1
		if field == "seed" || field == "point" {
			for j, e := range rerun {
				if !used[j] && e.Scheduler == r.Scheduler && !fileKeys[key(e)] &&
					(mean || e.Point == r.Point || (e.Seed != nil && r.Seed != nil && *e.Seed == *r.Seed)) {
					paired = j
					break
				}
			}
		}
		if paired >= 0 {
			used[paired] = true
			c = compareRow(c, gen[i], asJSON(rerun[paired]))
			e := rerun[paired]
			c.Note = joinNote(fmt.Sprintf("%s; compared with the re-run's %s, seed %s", whyNote, e.Point, seedCol(e)), c.Note)
			rep.addRow(c)
			continue
		}
		c.Result = Fail
		c.Field, c.Want, c.Got, c.Note = why(r, mean)
		rep.addRow(c)
	}
	for j, e := range rerun {
		if !used[j] {
			rep.addRow(Finding{Result: Fail, Scenario: id, Point: e.Point, Seed: seedCol(e), Scheduler: e.Scheduler,
				Field: "(row)", Want: absent, Got: "a row", Note: "missing from the file: the command that made it also makes this row"})
		}
	}
}
