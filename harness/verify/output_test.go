package verify

import (
	"bytes"
	"errors"
	"strings"
	"testing"
)

func smallReport() *Report {
	return &Report{
		Path:   "r.json",
		Header: []string{"`run --format json` output: 2 rows"},
		Provenance: []Finding{
			{Result: Note, Scenario: "s@v1", Point: "—", Seed: "—", Scheduler: "—", Field: "trace", Note: "n"},
		},
		Rows: []Finding{
			{Result: Pass, Scenario: "s@v1", Point: "p", Seed: "1", Scheduler: "fcfs"},
			{Result: Fail, Scenario: "s@v1", Point: "p", Seed: "1", Scheduler: "edf", Field: "antt", Want: "1", Got: "2", Note: "x"},
		},
	}
}

func TestReportCounts(t *testing.T) {
	rep := smallReport()
	if failed, checks := rep.Counts(); failed != 1 || checks != 2 {
		t.Errorf("Counts = %d, %d; want 1 failed of 2 checks (a note is no check)", failed, checks)
	}
	if rep.Reproduced() {
		t.Error("Reproduced with a failure")
	}
	rep.Rows = rep.Rows[:1]
	if !rep.Reproduced() {
		t.Error("not Reproduced without a failure")
	}
	if f := rep.Findings(); len(f) != 2 || f[0].Result != Note || f[1].Result != Pass {
		t.Errorf("Findings = %+v, want the provenance first", f)
	}
}

// The text output, column for column: cells separated by two blanks, no
// trailing blanks, the verdict with the tolerances.
func TestReportWrite(t *testing.T) {
	var buf bytes.Buffer
	if err := smallReport().Write(&buf, false); err != nil {
		t.Fatal(err)
	}
	want := "Verifying r.json\n" +
		"  `run --format json` output: 2 rows\n" +
		"\n" +
		"RESULT  SCENARIO  POINT  SEED  SCHEDULER  FIELD  WANT (file)  GOT (re-run)  NOTE\n" +
		"NOTE    s@v1      —      —     —          trace                             n\n" +
		"PASS    s@v1      p      1     fcfs\n" +
		"FAIL    s@v1      p      1     edf        antt   1            2             x\n" +
		"\n" +
		"FAIL: 1 of 2 checks do not reproduce (floats within 1e-09 relative or 1e-12 absolute; counts, seeds, rates and SLO multipliers exactly).\n"
	if got := buf.String(); got != want {
		t.Errorf("Write:\n%s\nwant:\n%s", got, want)
	}

	buf.Reset()
	if err := smallReport().Write(&buf, true); err != nil {
		t.Fatal(err)
	}
	want = "Verifying r.json\n" +
		"  `run --format json` output: 2 rows\n" +
		"\n" +
		"RESULT  SCENARIO  POINT  SEED  SCHEDULER  FIELD  WANT (file)  GOT (re-run)  NOTE\n" +
		"FAIL    s@v1      p      1     edf        antt   1            2             x\n" +
		"\n" +
		"FAIL: 1 of 2 checks do not reproduce (floats within 1e-09 relative or 1e-12 absolute; counts, seeds, rates and SLO multipliers exactly).\n"
	if got := buf.String(); got != want {
		t.Errorf("Write, only failures:\n%s\nwant:\n%s", got, want)
	}

	// Only failures and none: no table at all.
	rep := smallReport()
	rep.Rows = rep.Rows[:1]
	buf.Reset()
	if err := rep.Write(&buf, true); err != nil {
		t.Fatal(err)
	}
	want = "Verifying r.json\n" +
		"  `run --format json` output: 2 rows\n" +
		"\n" +
		"PASS: all 1 checks reproduce (floats within 1e-09 relative or 1e-12 absolute; counts, seeds, rates and SLO multipliers exactly).\n"
	if got := buf.String(); got != want {
		t.Errorf("Write, only failures, none:\n%s\nwant:\n%s", got, want)
	}
}

// Files that cannot be verified are InputErrors naming the file.
func TestDocumentInputErrors(t *testing.T) {
	for _, tc := range []struct{ data, want string }{
		{"results: 1\n", "f.json: not JSON: line 1, column 1"},
		{"{} {}", "more than one JSON value"},
		{"[1, 2]", "f.json: want a leaderboard.json"},
		{`{"format": "sparsebench-leaderboard/2"}`, `format "sparsebench-leaderboard/2": this sparsebench verifies sparsebench-leaderboard/1`},
		{`{"results": [{"scheduler": "fcfs", "seed": "one"}]}`, "f.json: results.seed: string where uint64 was expected"},
		{`{"results": []}`, "f.json: no results to verify"},
	} {
		_, err := Document("f.json", []byte(tc.data), Options{})
		var bad *InputError
		if !errors.As(err, &bad) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Document(%q): %v, want an InputError saying %q", tc.data, err, tc.want)
		}
	}
}
