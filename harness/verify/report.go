package verify

// Result is the verdict of one finding.
type Result int

const (
	// Pass: the file's value is the re-run's.
	Pass Result = iota + 1
	// Fail: the file's value is not the re-run's, or it cannot be re-run.
	Fail
	// Note: something worth saying that is not checked (a trace's identity,
	// a plugin checksum `run` output does not record).
	Note
)

// String is the verdict as the table prints it.
func (r Result) String() string {
	switch r {
	case Pass:
		return "PASS"
	case Fail:
		return "FAIL"
	case Note:
		return "NOTE"
	}
	return ""
}

// Finding is one line of the report: a provenance check (of the scenario
// hash, the seeds, the request count, a plugin checksum) or a row of the
// file (a scheduler at a point and seed, a mean, a leaderboard row or
// table). For a failure, Field, Want and Got name the first difference;
// Want is the file's value and Got the re-run's. "—" stands for a column
// that does not apply.
type Finding struct {
	Result                           Result
	Scenario, Point, Seed, Scheduler string
	Field, Want, Got                 string
	Note                             string
}

// Report is what a verification found: the provenance checks first, then
// the rows of the file, in the order of the file.
type Report struct {
	// Path names the file verified.
	Path string
	// Header describes the file and the tools that made and verify it.
	Header     []string
	Provenance []Finding
	Rows       []Finding
}

func (rep *Report) addProvenance(f Finding) { rep.Provenance = append(rep.Provenance, f) }
func (rep *Report) addRow(f Finding)        { rep.Rows = append(rep.Rows, f) }

// Findings are the provenance findings followed by the rows.
func (rep *Report) Findings() []Finding {
	return append(append([]Finding(nil), rep.Provenance...), rep.Rows...)
}

// Counts are the number of failed findings and of checks (every finding
// that is not a Note).
func (rep *Report) Counts() (failed, checks int) {
	for _, f := range rep.Findings() {
		if f.Result != Note {
			checks++
		}
		if f.Result == Fail {
			failed++
		}
	}
	return failed, checks
}

// Reproduced says whether everything the file claims reproduces: no
// finding failed.
func (rep *Report) Reproduced() bool {
	failed, _ := rep.Counts()
	return failed == 0
}
