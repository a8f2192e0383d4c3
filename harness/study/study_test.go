package study_test

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/sparsebench/sparsebench/harness/stats"
	"github.com/sparsebench/sparsebench/harness/study"
	"github.com/sparsebench/sparsebench/plugins/lineup"
	"github.com/sparsebench/sparsebench/plugins/policies"
	"github.com/sparsebench/sparsebench/suite"
)

func TestAblationPairs(t *testing.T) {
	want := []study.Pair{
		{"sjf-sparse", "sjf-sparse:monitor=off"},
		{"prema-sparse", "prema-sparse:monitor=off"},
		{"sdrm3-sparse", "sdrm3-sparse:monitor=off"},
		{"dysta", "dysta:monitor=off"},
	}
	if diff := cmp.Diff(want, study.Ablation().Pairs); diff != "" {
		t.Errorf("ablation pairs (-want +got):\n%s", diff)
	}
}

func TestVersusIncludesTheSparseBaselines(t *testing.T) {
	st, err := study.Versus("dysta")
	if err != nil {
		t.Fatal(err)
	}
	var others []string
	for _, p := range st.Pairs {
		if p.Reference != "dysta" {
			t.Errorf("pair %+v: reference is not dysta", p)
		}
		others = append(others, p.Other)
	}
	want := []string{"fcfs", "sjf", "sjf-sparse", "prema", "prema-sparse", "planaria", "sdrm3", "sdrm3-sparse", "dysta-naive", "edf"}
	if diff := cmp.Diff(want, others); diff != "" {
		t.Errorf("baselines (-want +got):\n%s", diff)
	}
	if _, err := study.Versus("dysta:monitor=maybe"); err == nil {
		t.Error("Versus accepted a bad spec")
	}
}

// The study's numbers are the paired statistics of the very runs the grid
// makes: recomputed here from suite.RunGrid and stats directly.
func TestRunMatchesTheGrid(t *testing.T) {
	s, err := suite.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	sc, err := s.Resolve("mobile-visual-perception@v1")
	if err != nil {
		t.Fatal(err)
	}
	st := study.Study{Name: "t", Delta: "other − ref", Pairs: []study.Pair{{"dysta", "dysta:monitor=off"}, {"dysta", "fcfs"}}}
	rep, err := study.Run(st, []*suite.Scenario{sc}, study.Options{Seeds: 4, Requests: 200})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Points) != len(sc.OperatingPoints()) {
		t.Fatalf("%d points, want %d", len(rep.Points), len(sc.OperatingPoints()))
	}
	specs, err := policies.ParseList("dysta,dysta:monitor=off,fcfs")
	if err != nil {
		t.Fatal(err)
	}
	seeds := sc.SeedList(4)
	cells, err := sc.RunGrid(sc.OperatingPoints(), seeds, lineup.Builtin(specs), suite.GridOptions{Requests: 200})
	if err != nil {
		t.Fatal(err)
	}
	for pi, p := range rep.Points {
		vr := map[string][]float64{}
		antt := map[string][]float64{}
		for _, c := range cells[pi*len(seeds)*3 : (pi+1)*len(seeds)*3] {
			vr[c.Scheduler] = append(vr[c.Scheduler], c.Outcome.Metrics.ViolationRate)
			antt[c.Scheduler] = append(antt[c.Scheduler], c.Outcome.Metrics.ANTT)
		}
		service, err := sc.MeanServiceTime()
		if err != nil {
			t.Fatal(err)
		}
		if p.Utilisation != p.Rate*service || p.Requests != 200 || len(p.Seeds) != 4 {
			t.Errorf("%s: utilisation %g (want %g), requests %d, seeds %v", p.Point, p.Utilisation, p.Rate*service, p.Requests, p.Seeds)
		}
		for ri, r := range p.Rows {
			for m, vals := range []map[string][]float64{vr, antt} {
				want, _ := stats.Paired(vals[st.Pairs[ri].Reference], vals[st.Pairs[ri].Other], study.Confidence)
				if diff := cmp.Diff(want, r.Cells[m].Diff); diff != "" {
					t.Errorf("%s %s vs %s metric %d (-want +got):\n%s", p.Point, r.Other, r.Reference, m, diff)
				}
			}
		}
	}
	// fcfs is far worse than dysta at these points: the difference is
	// there and significant, so the test could see a wrong sign.
	if c := rep.Points[1].Rows[1].Cells[study.ANTT].Diff; !(c.Diff.Center > 0 && c.Significant) {
		t.Errorf("fcfs − dysta ANTT at %s = %+v, want a significant positive difference", rep.Points[1].Point, c.Diff)
	}

	var table, js bytes.Buffer
	if err := study.WriteTable(&table, rep); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"study t: Δ = other − ref", "(utilisation 0.61)", "dysta:monitor=off", "fcfs"} {
		if !strings.Contains(table.String(), want) {
			t.Errorf("table lacks %q:\n%s", want, table.String())
		}
	}
	if err := study.WriteJSON(&js, rep); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Format string `json:"format"`
		Points []struct {
			Utilisation float64 `json:"utilisation"`
			Rows        []struct {
				Metrics map[string]struct {
					Diff struct{ Mean *float64 } `json:"diff"`
				} `json:"metrics"`
			} `json:"rows"`
		} `json:"points"`
	}
	if err := json.Unmarshal(js.Bytes(), &doc); err != nil {
		t.Fatalf("JSON does not decode: %v\n%s", err, js.String())
	}
	if doc.Format != study.Format || len(doc.Points) != 2 || doc.Points[0].Utilisation != rep.Points[0].Utilisation {
		t.Errorf("JSON document %+v", doc)
	}
	if m := doc.Points[1].Rows[1].Metrics["antt"].Diff.Mean; m == nil || *m != rep.Points[1].Rows[1].Cells[study.ANTT].Diff.Diff.Center {
		t.Errorf("JSON antt diff %v", m)
	}
}
