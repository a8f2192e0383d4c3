package leaderboard

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"github.com/sparsebench/sparsebench/harness/stats"
	"github.com/sparsebench/sparsebench/suite"
)

// GapCell renders a gap to the oracle in percentage points with its sign:
// "+1.2% ± 0.3".
func GapCell(c *stats.Comparison) string {
	if c == nil {
		return "—"
	}
	return stats.FormatDiff(c.Diff, stats.Percent)
}

// RankCell is "1", or "—" for unranked rows.
func RankCell(r *Row) string {
	if r.Rank == 0 {
		return "—"
	}
	return strconv.Itoa(r.Rank)
}

// Cell renders metric m of a row.
func (r *Row) Cell(m Metric) string { return stats.Format(r.Cells[m], Metrics[m].Unit) }

// Heading names a table: "scenario@v1 — point".
func (t *Table) Heading() string {
	if t.Sweep != "" {
		return t.Scenario + " — sweep " + t.Sweep + ", " + t.Point
	}
	return t.Scenario + " — " + t.Point
}

// Caption describes a table's runs.
func (t *Table) Caption() string {
	seeds := "seeds"
	if len(t.Seeds) == 1 {
		seeds = "seed"
	}
	return fmt.Sprintf("%s, SLO ×%s, %d requests per run, %d %s (%s); scenario hash %s",
		suite.DescribeLoad(t.Rate, t.Utilisation), g(t.SLOMult), t.Requests, len(t.Seeds), seeds, seedList(t.Seeds), short(t.ScenarioHash))
}

// optional is g(x), or empty for 0 (a value that was not computed).
func optional(x float64) string {
	if x == 0 {
		return ""
	}
	return g(x)
}

func seedList(seeds []uint64) string {
	s := make([]string, len(seeds))
	for i, sd := range seeds {
		s[i] = strconv.FormatUint(sd, 10)
	}
	return strings.Join(s, ", ")
}

func short(h string) string {
	if len(h) > 12 {
		return h[:12]
	}
	return h
}

func g(x float64) string { return strconv.FormatFloat(x, 'g', -1, 64) }

// Method is the one-paragraph description of the statistics every output
// carries.
const Method = "Cells are the mean across seeds ± the half-width of its 95% Student t interval. " +
	"Schedulers are ranked by violation rate, then ANTT; a scheduler shares the rank of the one above " +
	"unless a paired t-test over the seeds (common random numbers: every scheduler replays the same traces) " +
	"finds the difference significant at 95%. Oracle schedulers know the real latencies: they are listed " +
	"apart as upper bounds, and each ranked row shows its violation-rate gap to the best oracle " +
	"(percentage points, paired per seed)."

// WriteMarkdown renders the operating-point tables as GitHub-flavoured
// Markdown, followed by the provenance.
func WriteMarkdown(w io.Writer, b *Standings) error {
	var sb strings.Builder
	sb.WriteString("# sparsebench leaderboard\n\n")
	sb.WriteString(Method + "\n")
	for _, t := range b.OperatingTables() {
		fmt.Fprintf(&sb, "\n## %s\n\n%s.\n\n", mdEscape(t.Heading()), mdEscape(t.Caption()))
		head := []string{"rank", "scheduler"}
		align := []string{"---:", ":---"}
		for m := range NumMetrics {
			head = append(head, Metrics[m].Title)
			align = append(align, "---:")
		}
		gapTitle := "gap to oracle"
		if t.Oracle != "" {
			gapTitle = "violations vs " + t.Oracle
		}
		head = append(head, gapTitle)
		align = append(align, "---:")
		mdRow(&sb, head)
		mdRow(&sb, align)
		for _, r := range t.Rows() {
			name := r.Scheduler
			if r.Oracle {
				name += " (oracle, upper bound)"
			}
			cells := []string{RankCell(&r), name}
			if r.Error != "" {
				for range NumMetrics {
					cells = append(cells, "")
				}
				cells = append(cells, "failed: "+r.Error)
			} else {
				for m := range NumMetrics {
					cells = append(cells, r.Cell(m))
				}
				if r.Oracle {
					cells = append(cells, "—")
				} else {
					cells = append(cells, GapCell(r.Gap))
				}
			}
			mdRow(&sb, cells)
		}
		if len(t.Warnings) > 0 {
			sb.WriteString("\nWarnings:\n\n")
			for _, w := range t.Warnings {
				fmt.Fprintf(&sb, "- %s\n", mdEscape(w))
			}
		}
	}
	sb.WriteString("\n## Provenance\n\n")
	for _, l := range ProvenanceLines(&b.Provenance) {
		fmt.Fprintf(&sb, "- %s\n", mdEscape(l))
	}
	_, err := io.WriteString(w, sb.String())
	return err
}

// ProvenanceLines renders the provenance as lines of text.
func ProvenanceLines(p *Provenance) []string {
	rev := p.Revision
	if rev == "" {
		rev = "unknown"
	}
	lines := []string{fmt.Sprintf("%s version %s, revision %s; %g%% intervals", p.Tool, p.Version, rev, 100*p.Confidence)}
	for _, s := range p.Scenarios {
		l := fmt.Sprintf("scenario %s sha256 %s: seeds %s; %d requests per run", s.ID, s.Hash, seedList(s.Seeds), s.Requests)
		if s.SweepRequests != 0 {
			l += fmt.Sprintf(" (%d at sweep points)", s.SweepRequests)
		}
		lines = append(lines, l)
	}
	if len(p.Plugins) == 0 {
		lines = append(lines, "plugins: none (built-in schedulers only)")
	}
	for _, pl := range p.Plugins {
		lines = append(lines, fmt.Sprintf("plugin %s sha256 %s", pl.Name, pl.SHA256))
	}
	for _, n := range p.Notes {
		lines = append(lines, "note: "+n)
	}
	return lines
}

func mdRow(sb *strings.Builder, cells []string) {
	sb.WriteString("|")
	for _, c := range cells {
		sb.WriteString(" " + mdEscape(c) + " |")
	}
	sb.WriteString("\n")
}

var mdReplacer = strings.NewReplacer("|", `\|`, "\n", " ", "*", `\*`, "_", `\_`, "<", "&lt;")

func mdEscape(s string) string { return mdReplacer.Replace(s) }

// CSVHeader is the header of leaderboard.csv.
func CSVHeader() []string {
	h := []string{"scenario", "scenario_hash", "point", "sweep", "rate", "utilisation", "slo_mult", "requests", "seeds",
		"scheduler", "oracle", "rank"}
	for m := range NumMetrics {
		k := Metrics[m].Key
		h = append(h, k+"_mean", k+"_lo", k+"_hi", k)
	}
	return append(h, "p_vs_above", "gap_oracle", "gap_violation_rate", "gap_lo", "gap_hi", "gap_p", "gap",
		"warnings", "error")
}

// WriteCSV writes one line per scheduler and point (operating points and
// sweep points), after "#"-prefixed provenance lines (read with a comment
// character of '#', e.g. pandas.read_csv(comment="#")). Numbers are in
// shortest form, rates as fractions; an undefined number is empty.
func WriteCSV(w io.Writer, b *Standings) error {
	var sb strings.Builder
	for _, l := range ProvenanceLines(&b.Provenance) {
		sb.WriteString("# " + strings.ReplaceAll(l, "\n", " ") + "\n")
	}
	cw := csv.NewWriter(&sb)
	cw.Write(CSVHeader())
	for _, t := range b.Tables {
		for _, r := range t.Rows() {
			rec := []string{t.Scenario, t.ScenarioHash, t.Point, t.Sweep, g(t.Rate), optional(t.Utilisation), g(t.SLOMult),
				strconv.Itoa(t.Requests), strconv.Itoa(len(t.Seeds)), r.Scheduler, strconv.FormatBool(r.Oracle), ""}
			if r.Rank > 0 {
				rec[len(rec)-1] = strconv.Itoa(r.Rank)
			}
			for m := range NumMetrics {
				if r.Error != "" {
					rec = append(rec, "", "", "", "")
					continue
				}
				c := r.Cells[m]
				rec = append(rec, num(c.Center), num(c.Lo), num(c.Hi), r.Cell(m))
			}
			pAbove := ""
			if r.Above != nil {
				pAbove = num(r.Above.P)
			}
			rec = append(rec, pAbove)
			if r.Gap != nil {
				rec = append(rec, t.Oracle, num(r.Gap.Diff.Center), num(r.Gap.Diff.Lo), num(r.Gap.Diff.Hi),
					num(r.Gap.P), GapCell(r.Gap))
			} else {
				rec = append(rec, "", "", "", "", "", "")
			}
			rec = append(rec, strings.Join(r.Warnings, "; "), r.Error)
			cw.Write(rec)
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return err
	}
	_, err := io.WriteString(w, sb.String())
	return err
}

func num(x float64) string {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return ""
	}
	return g(x)
}

// JSON shapes. encoding/json cannot encode NaN, so undefined numbers are
// null.

type jsonBoard struct {
	Format     string      `json:"format"`
	Method     string      `json:"method"`
	Provenance Provenance  `json:"provenance"`
	Tables     []jsonTable `json:"tables"`
}

type jsonTable struct {
	Scenario     string    `json:"scenario"`
	ScenarioHash string    `json:"scenario_hash"`
	Point        string    `json:"point"`
	Sweep        string    `json:"sweep,omitempty"`
	Rate         float64   `json:"rate"`
	Utilisation  float64   `json:"utilisation,omitempty"`
	Overload     bool      `json:"overload,omitempty"`
	SLOMult      float64   `json:"slo_mult"`
	Requests     int       `json:"requests"`
	Seeds        []uint64  `json:"seeds"`
	Oracle       string    `json:"oracle,omitempty"`
	Rows         []jsonRow `json:"rows"`
	Warnings     []string  `json:"warnings,omitempty"`
}

type jsonRow struct {
	Rank      int                     `json:"rank,omitempty"`
	Scheduler string                  `json:"scheduler"`
	Oracle    bool                    `json:"oracle"`
	Metrics   map[string]*jsonSummary `json:"metrics,omitempty"`
	Above     *jsonComparison         `json:"vs_above,omitempty"`
	Gap       *jsonComparison         `json:"gap_to_oracle,omitempty"`
	Warnings  []string                `json:"warnings,omitempty"`
	Error     string                  `json:"error,omitempty"`
}

type jsonSummary struct {
	Mean *float64 `json:"mean"`
	Lo   *float64 `json:"lo"`
	Hi   *float64 `json:"hi"`
	N    int      `json:"n"`
	Cell string   `json:"cell"`
}

type jsonComparison struct {
	Metric      string   `json:"metric"`
	Diff        *float64 `json:"diff"`
	Lo          *float64 `json:"lo"`
	Hi          *float64 `json:"hi"`
	P           *float64 `json:"p"`
	Significant bool     `json:"significant"`
}

func ptr(x float64) *float64 {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return nil
	}
	return &x
}

func jsonCmp(c *stats.Comparison, m Metric) *jsonComparison {
	if c == nil {
		return nil
	}
	return &jsonComparison{Metric: Metrics[m].Key, Diff: ptr(c.Diff.Center), Lo: ptr(c.Diff.Lo), Hi: ptr(c.Diff.Hi),
		P: ptr(c.P), Significant: c.Significant}
}

// WriteJSON writes the whole board, sweeps included.
func WriteJSON(w io.Writer, b *Standings) error {
	jb := jsonBoard{Format: "sparsebench-leaderboard/1", Method: Method, Provenance: b.Provenance, Tables: []jsonTable{}}
	if jb.Provenance.Plugins == nil {
		jb.Provenance.Plugins = []Plugin{}
	}
	for _, t := range b.Tables {
		jt := jsonTable{Scenario: t.Scenario, ScenarioHash: t.ScenarioHash, Point: t.Point, Sweep: t.Sweep,
			Rate: t.Rate, Utilisation: t.Utilisation, Overload: suite.Overloaded(t.Utilisation), SLOMult: t.SLOMult,
			Requests: t.Requests, Seeds: t.Seeds, Oracle: t.Oracle,
			Warnings: t.Warnings, Rows: []jsonRow{}}
		for _, r := range t.Rows() {
			jr := jsonRow{Rank: r.Rank, Scheduler: r.Scheduler, Oracle: r.Oracle, Warnings: r.Warnings, Error: r.Error,
				Above: jsonCmp(r.Above, r.AboveMetric), Gap: jsonCmp(r.Gap, ViolationRate)}
			if r.Error == "" {
				jr.Metrics = map[string]*jsonSummary{}
				for m := range NumMetrics {
					c := r.Cells[m]
					jr.Metrics[Metrics[m].Key] = &jsonSummary{Mean: ptr(c.Center), Lo: ptr(c.Lo), Hi: ptr(c.Hi), N: c.N, Cell: r.Cell(m)}
				}
			}
			jt.Rows = append(jt.Rows, jr)
		}
		jb.Tables = append(jb.Tables, jt)
	}
	out, err := json.MarshalIndent(jb, "", "  ")
	if err != nil {
		return err
	}
	_, err = w.Write(append(out, '\n'))
	return err
}
