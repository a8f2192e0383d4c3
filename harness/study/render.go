package study

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/sparsebench/sparsebench/harness/stats"
	"github.com/sparsebench/sparsebench/suite"
)

// WriteTable prints one table per point: each pair's means and their
// paired difference with its interval and p-value. A difference whose
// interval excludes 0 is marked "*".
func WriteTable(w io.Writer, rep *Report) error {
	var buf bytes.Buffer
	fmt.Fprintf(&buf, "study %s: Δ = %s, paired over the same seeds; mean ± %g%% CI; * = the interval excludes 0\n",
		rep.Study, rep.Delta, 100*rep.Confidence)
	for _, p := range rep.Points {
		fmt.Fprintf(&buf, "\n%s %s (hash %.12s): %s, SLO ×%g, %d requests, %d seeds\n",
			p.Scenario, p.Point, p.ScenarioHash, suite.DescribeLoad(p.Rate, p.Utilisation), p.SLOMult, p.Requests, len(p.Seeds))
		tw := tabwriter.NewWriter(&buf, 0, 0, 2, ' ', tabwriter.AlignRight)
		head := "reference\tother\t"
		for m := range NumMetrics {
			c := Metrics[m].Column
			head += fmt.Sprintf("%s ref\t%s other\tΔ %s\tp\t", c, c, c)
		}
		fmt.Fprintln(tw, head)
		var warnings []string
		for _, r := range p.Rows {
			line := r.Reference + "\t" + r.Other + "\t"
			for m := range NumMetrics {
				c, u := r.Cells[m], Metrics[m].Unit
				mark := ""
				if c.Diff.Significant {
					mark = " *"
				}
				line += fmt.Sprintf("%s\t%s\t%s%s\t%s\t", stats.Format(c.Reference, u), stats.Format(c.Other, u),
					stats.FormatDiff(c.Diff.Diff, u), mark, stats.FormatP(c.Diff.P))
			}
			fmt.Fprintln(tw, line)
			for _, w := range r.Warnings {
				warnings = append(warnings, fmt.Sprintf("%s vs %s: %s", r.Other, r.Reference, w))
			}
		}
		tw.Flush()
		for _, w := range warnings {
			fmt.Fprintf(&buf, "warning: %s\n", w)
		}
	}
	_, err := w.Write(buf.Bytes())
	return err
}

// WriteJSON writes the report as one JSON document. Undefined numbers
// (NaN) are written as null.
func WriteJSON(w io.Writer, rep *Report) error {
	data, err := json.MarshalIndent(sanitise(rep), "", "  ")
	if err != nil {
		return err
	}
	_, err = w.Write(append(data, '\n'))
	return err
}

type jsonSummary struct {
	Mean *float64 `json:"mean"`
	Lo   *float64 `json:"lo"`
	Hi   *float64 `json:"hi"`
	N    int      `json:"n"`
}

type jsonCell struct {
	Reference   jsonSummary `json:"reference"`
	Other       jsonSummary `json:"other"`
	Diff        jsonSummary `json:"diff"`
	P           *float64    `json:"p"`
	Significant bool        `json:"significant"`
}

type jsonRow struct {
	Reference string              `json:"reference"`
	Other     string              `json:"other"`
	Metrics   map[string]jsonCell `json:"metrics"`
	Warnings  []string            `json:"warnings,omitempty"`
}

type jsonPoint struct {
	Point
	Rows []jsonRow `json:"rows"`
}

type jsonReport struct {
	Format     string      `json:"format"`
	Study      string      `json:"study"`
	Delta      string      `json:"delta"`
	Confidence float64     `json:"confidence"`
	Points     []jsonPoint `json:"points"`
}

// Format names the JSON document WriteJSON writes.
const Format = "sparsebench-study/1"

func num(x float64) *float64 {
	if x != x || x > 1e308 || x < -1e308 {
		return nil
	}
	return &x
}

func summary(s stats.Summary) jsonSummary {
	return jsonSummary{Mean: num(s.Center), Lo: num(s.Lo), Hi: num(s.Hi), N: s.N}
}

func sanitise(rep *Report) jsonReport {
	out := jsonReport{Format: Format, Study: rep.Study, Delta: rep.Delta, Confidence: rep.Confidence, Points: []jsonPoint{}}
	for _, p := range rep.Points {
		jp := jsonPoint{Point: p, Rows: []jsonRow{}}
		for _, r := range p.Rows {
			jr := jsonRow{Reference: r.Reference, Other: r.Other, Metrics: map[string]jsonCell{}, Warnings: r.Warnings}
			for m := range NumMetrics {
				c := r.Cells[m]
				jr.Metrics[Metrics[m].Key] = jsonCell{Reference: summary(c.Reference), Other: summary(c.Other),
					Diff: summary(c.Diff.Diff), P: num(c.Diff.P), Significant: c.Diff.Significant}
			}
			jp.Rows = append(jp.Rows, jr)
		}
		out.Points = append(out.Points, jp)
	}
	return out
}
