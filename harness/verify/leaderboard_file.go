package verify

import (
	"bytes"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/sparsebench/sparsebench/harness/leaderboard"
	"github.com/sparsebench/sparsebench/plugins/policies"
	"github.com/sparsebench/sparsebench/suite"
)

// A leaderboard.json: each scenario of its provenance is re-run as the
// `leaderboard` command that made it and its tables compared, table fields
// first, then the rows by scheduler.

// leaderboardFile is the part of leaderboard.json verify reads with types; the rest
// is compared as decoded JSON.
type leaderboardFile struct {
	Format     string                 `json:"format"`
	Provenance leaderboard.Provenance `json:"provenance"`
	Tables     []struct {
		Scenario string   `json:"scenario"`
		Point    string   `json:"point"`
		Sweep    string   `json:"sweep"`
		Requests int      `json:"requests"`
		Seeds    []uint64 `json:"seeds"`
		Rows     []struct {
			Scheduler string `json:"scheduler"`
		} `json:"rows"`
	} `json:"tables"`
}

func verifyLeaderboard(rep *Report, path string, data []byte, top map[string]any, opts Options) ([]string, error) {
	if opts.Trace != "" {
		return nil, inputErr(fmt.Errorf("--trace: %s is a leaderboard, not the output of `run --trace`", path))
	}
	var file leaderboardFile
	if err := strictDecode(path, data, &file); err != nil {
		return nil, err
	}
	genTables, ok := top["tables"].([]any)
	if !ok || len(genTables) != len(file.Tables) || len(file.Tables) == 0 {
		return nil, inputErr(fmt.Errorf("%s: no tables to verify", path))
	}
	prov := file.Provenance
	if len(prov.Scenarios) == 0 {
		return nil, inputErr(fmt.Errorf("%s: provenance.scenarios is empty: nothing says what to re-run", path))
	}
	for i, t := range file.Tables {
		if t.Scenario == "" || t.Point == "" {
			return nil, inputErr(fmt.Errorf("%s: tables[%d] names no scenario or point", path, i))
		}
		for j, r := range t.Rows {
			if r.Scheduler == "" {
				return nil, inputErr(fmt.Errorf("%s: tables[%d].rows[%d] names no scheduler", path, i, j))
			}
		}
	}
	b, err := loadBuiltinSuite()
	if err != nil {
		return nil, err
	}
	recorded := map[string]string{}
	for _, p := range prov.Plugins {
		recorded[p.Name] = p.SHA256
	}
	var allLabels []string
	for _, t := range file.Tables {
		for _, r := range t.Rows {
			if !slices.Contains(allLabels, r.Scheduler) {
				allLabels = append(allLabels, r.Scheduler)
			}
		}
	}
	if err := unusedPlugins(opts.opened, allLabels); err != nil {
		return nil, err
	}
	if prov.Confidence != leaderboard.Confidence {
		rep.addProvenance(Finding{Result: Fail, Scenario: "—", Point: "—", Seed: "—", Scheduler: "—", Field: "provenance.confidence",
			Want: strconv.FormatFloat(prov.Confidence, 'g', -1, 64), Got: strconv.FormatFloat(leaderboard.Confidence, 'g', -1, 64),
			Note: "sparsebench ranks at this confidence only"})
	}

	inProv := map[string]bool{}
	for _, s := range prov.Scenarios {
		inProv[s.ID] = true
	}
	for i, t := range file.Tables {
		if !inProv[t.Scenario] {
			for _, r := range genRows(genTables[i]) {
				rep.addRow(Finding{Result: Fail, Scenario: t.Scenario, Point: t.Point, Seed: joinSeeds(t.Seeds), Scheduler: rowScheduler(r),
					Field: "scenario", Want: show(t.Scenario), Got: absent, Note: "not listed in provenance.scenarios: nothing says how it was run"})
			}
		}
	}
	for _, src := range prov.Scenarios {
		verifyLeaderboardScenario(rep, b, src, &file, genTables, recorded, opts)
	}
	header := []string{fmt.Sprintf("leaderboard (%s): %d tables of %d scenario(s); published with %s",
		file.Format, len(file.Tables), len(prov.Scenarios), toolVersion(prov.Version, prov.Revision))}
	header = append(header, "verified with "+toolVersion(opts.Version, opts.Revision))
	return header, nil
}

func toolVersion(version, revision string) string {
	s := "sparsebench " + version
	if revision != "" {
		s += " (revision " + cut(revision, 13) + ")"
	}
	return s
}

func genRows(table any) []any {
	t, _ := table.(map[string]any)
	rows, _ := t["rows"].([]any)
	return rows
}

func rowScheduler(r any) string {
	m, _ := r.(map[string]any)
	s, _ := m["scheduler"].(string)
	return s
}

// boardScenario is one scenario of a leaderboard.json.
type boardScenario struct {
	rep       *Report
	src       leaderboard.ScenarioSource
	file      *leaderboardFile
	genTables []any // file.Tables decoded generically
	// tables index the scenario's tables in file.Tables.
	tables []int
}

// verifyLeaderboardScenario re-runs one scenario of a leaderboard as
// `leaderboard --scenario ID --seeds N --requests R --scheduler …` and
// compares its tables.
func verifyLeaderboardScenario(rep *Report, b *builtinSuite, src leaderboard.ScenarioSource, file *leaderboardFile, genTables []any,
	recorded map[string]string, opts Options) {
	s := &boardScenario{rep: rep, src: src, file: file, genTables: genTables}
	for i, t := range file.Tables {
		if t.Scenario == src.ID {
			s.tables = append(s.tables, i)
		}
	}
	sc, err := b.resolve(src.ID)
	if err != nil {
		rep.addProvenance(Finding{Result: Fail, Scenario: src.ID, Point: "—", Seed: "—", Scheduler: "—", Field: "scenario",
			Want: show(src.ID), Got: absent, Note: "not a built-in scenario: " + err.Error()})
		s.failAll("scenario", show(src.ID), absent, "not a built-in scenario")
		return
	}
	rep.addProvenance(b.hashCheck(sc, src.Hash))
	rep.addProvenance(seedsCheck(sc, src.Seeds, "—"))
	requests, ok := s.checkRequests(sc)
	if !ok {
		return
	}
	set := resolveSchedulers(rep, s.labels(opts.opened, recorded), opts.opened, recorded, src.ID)
	var rerun map[string]any
	if len(set.jobs) > 0 {
		if rerun, err = rerunBoard(sc, len(src.Seeds), requests, set, opts); err != nil {
			s.failAll("(re-run)", "", "", "the re-run failed: "+err.Error())
			return
		}
	}
	s.compareTables(b, sc, set, rerun)
}

// failAll fails every row of the scenario's tables for the same reason.
func (s *boardScenario) failAll(field, want, got, note string) {
	for _, i := range s.tables {
		t := s.file.Tables[i]
		for _, r := range t.Rows {
			s.rep.addRow(Finding{Result: Fail, Scenario: s.src.ID, Point: t.Point, Seed: joinSeeds(t.Seeds), Scheduler: r.Scheduler,
				Field: field, Want: want, Got: got, Note: note})
		}
	}
}

// checkRequests finds the request count to re-run with: the provenance's,
// which the operating points' tables repeat. When they disagree the
// tables' count is re-run (their numbers were computed with it) and the
// provenance fails. A count that is not positive fails every row.
func (s *boardScenario) checkRequests(sc *suite.Scenario) (requests int, ok bool) {
	src := s.src
	requests = src.Requests
	var counts []int
	for _, i := range s.tables {
		if t := s.file.Tables[i]; t.Sweep == "" {
			counts = append(counts, t.Requests)
		}
	}
	rc := Finding{Result: Pass, Scenario: src.ID, Point: "—", Seed: "—", Scheduler: "—", Field: "requests"}
	if m := mode(counts); len(counts) > 0 && m != src.Requests && occurrences(counts, m) > occurrences(counts, src.Requests) {
		requests = m
		rc.Result, rc.Want, rc.Got = Fail, strconv.Itoa(src.Requests), strconv.Itoa(requests)
		rc.Note = fmt.Sprintf("provenance.scenarios says %d requests per run, but the operating points' tables were computed with %d; re-run with %d",
			src.Requests, requests, requests)
	} else {
		rc.Note = requestsNote(sc, requests)
	}
	return requests, settleRequests(s.rep, rc, requests, s.failAll)
}

// labels are the schedulers of the scenario's tables in the order of
// `--scheduler all` (built-ins in registry order, then plugins): the order
// the leaderboard breaks exact ties in when it was made with the default
// list.
func (s *boardScenario) labels(plugins *pluginSet, recorded map[string]string) []string {
	var labels []string
	for _, i := range s.tables {
		for _, r := range s.file.Tables[i].Rows {
			if !slices.Contains(labels, r.Scheduler) {
				labels = append(labels, r.Scheduler)
			}
		}
	}
	names := policies.Names()
	regIndex := func(l string) int {
		if plugins.match(l) != nil {
			return len(names)
		}
		if _, ok := lookupPlugin(l, recorded); ok {
			return len(names)
		}
		base, _, _ := strings.Cut(l, ":")
		if i := slices.Index(names, base); i >= 0 {
			return i
		}
		return len(names)
	}
	sort.SliceStable(labels, func(i, j int) bool { return regIndex(labels[i]) < regIndex(labels[j]) })
	return labels
}

// rerunBoard computes the scenario's leaderboard again and returns its
// leaderboard.json decoded as the file is.
func rerunBoard(sc *suite.Scenario, seeds, requests int, set schedulerSet, opts Options) (map[string]any, error) {
	lb, err := leaderboard.Compute([]*suite.Scenario{sc}, set.jobs,
		leaderboard.ComputeOptions{Seeds: seeds, Requests: requests, Workers: opts.Workers, Version: opts.Version, Revision: opts.Revision})
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if err := leaderboard.WriteJSON(&buf, lb.Standings); err != nil {
		return nil, err
	}
	doc, err := decodeJSON(buf.Bytes())
	if err != nil {
		panic(err) // written just above
	}
	return doc.(map[string]any), nil
}

// compareTables pairs the file's tables of the scenario with the re-run's
// (nil when nothing could be re-run) by point; re-run tables the file
// lacks fail as missing.
func (s *boardScenario) compareTables(b *builtinSuite, sc *suite.Scenario, set schedulerSet, rerun map[string]any) {
	src := s.src
	rerunTables, _ := rerun["tables"].([]any)
	byPoint := map[string]map[string]any{}
	var pointOrder []string
	for _, t := range rerunTables {
		m := t.(map[string]any)
		p, _ := m["point"].(string)
		byPoint[p] = m
		pointOrder = append(pointOrder, p)
	}
	seen := map[string]bool{}
	for _, i := range s.tables {
		t := s.file.Tables[i]
		ft := s.genTables[i].(map[string]any)
		seedCol := joinSeeds(t.Seeds)
		et, ok := byPoint[t.Point]
		if !ok || seen[t.Point] {
			note := fmt.Sprintf("not an operating point or sweep point of %s", src.ID)
			if seen[t.Point] {
				note = "a second table of this point"
			}
			if len(set.jobs) == 0 {
				note = "nothing of this scenario could be re-run"
			}
			for _, r := range t.Rows {
				s.rep.addRow(Finding{Result: Fail, Scenario: src.ID, Point: t.Point, Seed: seedCol, Scheduler: r.Scheduler,
					Field: "point", Want: show(t.Point), Got: absent, Note: note})
			}
			continue
		}
		seen[t.Point] = true
		s.compareTable(b, sc, set, t.Point, seedCol, ft, et)
	}
	for _, p := range pointOrder {
		if !seen[p] {
			s.rep.addRow(Finding{Result: Fail, Scenario: src.ID, Point: p, Seed: joinSeeds(src.Seeds), Scheduler: "(table)",
				Field: "(table)", Want: absent, Got: "a table", Note: "missing from the file: the leaderboard ranks every operating and sweep point"})
		}
	}
}

// compareTable compares the file's table ft of a point with the re-run's
// et: the table's own fields (a finding only when they differ), then its
// rows by scheduler.
func (s *boardScenario) compareTable(b *builtinSuite, sc *suite.Scenario, set schedulerSet, point, seedCol string, ft, et map[string]any) {
	id := s.src.ID
	fh, eh := withoutRows(ft), withoutRows(et)
	if c := compareRow(Finding{Scenario: id, Point: point, Seed: seedCol, Scheduler: "(table)"}, fh, eh); c.Result == Fail {
		if c.Field == "scenario_hash" {
			h, _ := ft["scenario_hash"].(string)
			c.Note = joinNote(b.hashCheck(sc, h).Note, c.Note)
		}
		s.rep.addRow(c)
	}
	erows := map[string]any{}
	for _, r := range genRows(et) {
		erows[rowScheduler(r)] = r
	}
	rowSeen := map[string]bool{}
	for _, r := range genRows(ft) {
		name := rowScheduler(r)
		c := Finding{Scenario: id, Point: point, Seed: seedCol, Scheduler: name}
		e, ok := erows[name]
		switch {
		case set.problem[name] != "":
			c.Result, c.Field, c.Want, c.Got, c.Note = Fail, "scheduler", show(name), absent, set.problem[name]
		case !ok || rowSeen[name]:
			c.Result, c.Field, c.Want, c.Got, c.Note = Fail, "(row)", "a row", absent, "the re-run has no such row (a duplicate?)"
		default:
			c = compareRow(c, r, e)
		}
		rowSeen[name] = true
		s.rep.addRow(c)
	}
	for _, r := range genRows(et) {
		if name := rowScheduler(r); !rowSeen[name] {
			s.rep.addRow(Finding{Result: Fail, Scenario: id, Point: point, Seed: seedCol, Scheduler: name,
				Field: "(row)", Want: absent, Got: "a row", Note: "missing from the file"})
		}
	}
}

func withoutRows(t map[string]any) map[string]any {
	out := make(map[string]any, len(t))
	for k, x := range t {
		if k != "rows" {
			out[k] = x
		}
	}
	return out
}
