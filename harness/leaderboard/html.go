package leaderboard

import (
	"bytes"
	"html/template"
	"io"
	"regexp"
	"strconv"
)

// WriteHTML writes index.html: one self-contained page (inline CSS and
// JavaScript, inline SVG plots, no network access) with the operating-point
// tables — columns sortable by a click — the plots and the provenance. It
// reads on a phone: wide tables scroll sideways, plots scale to the width.
func WriteHTML(w io.Writer, b *Standings, figs []Figure) error {
	type cell struct {
		Text string
		Sort string // sort key: a number, or "" to sort by text
	}
	type row struct {
		Class string // "oracle" for upper bounds
		Cells []cell
	}
	type table struct {
		ID, Heading, Caption string
		Head                 []string
		Rows                 []row
		Warnings             []string
	}
	type fig struct {
		Name, Title string
		SVG         template.HTML
	}
	data := struct {
		Method     string
		Tables     []table
		Figures    []fig
		Provenance []string
	}{Method: Method, Provenance: ProvenanceLines(&b.Provenance)}
	for i, t := range b.OperatingTables() {
		tb := table{ID: "t" + strconv.Itoa(i), Heading: t.Heading(), Caption: t.Caption(), Warnings: t.Warnings,
			Head: []string{"rank", "scheduler"}}
		for m := range NumMetrics {
			tb.Head = append(tb.Head, Metrics[m].Title)
		}
		gap := "gap to oracle"
		if t.Oracle != "" {
			gap = "violations vs " + t.Oracle
		}
		tb.Head = append(tb.Head, gap)
		for _, r := range t.Rows() {
			rank := cell{Text: RankCell(&r), Sort: "1e9"}
			if r.Rank > 0 {
				rank.Sort = strconv.Itoa(r.Rank)
			}
			name, class := r.Scheduler, ""
			if r.Oracle {
				name += " (oracle, upper bound)"
				class = "oracle"
			}
			cells := []cell{rank, {Text: name}}
			for m := range NumMetrics {
				if r.Error != "" {
					cells = append(cells, cell{Sort: "1e300"})
					continue
				}
				cells = append(cells, cell{Text: r.Cell(m), Sort: sortNum(r.Cells[m].Center)})
			}
			switch {
			case r.Error != "":
				cells = append(cells, cell{Text: "failed: " + r.Error, Sort: "1e300"})
			case r.Gap != nil:
				cells = append(cells, cell{Text: GapCell(r.Gap), Sort: sortNum(r.Gap.Diff.Center)})
			default:
				cells = append(cells, cell{Text: "—", Sort: "-1e300"})
			}
			tb.Rows = append(tb.Rows, row{Class: class, Cells: cells})
		}
		data.Tables = append(data.Tables, tb)
	}
	for _, f := range figs {
		data.Figures = append(data.Figures, fig{Name: f.Name, Title: f.Title, SVG: template.HTML(inlineSVG(f.SVG))})
	}
	var buf bytes.Buffer
	if err := pageTmpl.Execute(&buf, data); err != nil {
		return err
	}
	_, err := w.Write(buf.Bytes())
	return err
}

func sortNum(x float64) string {
	if !finite(x) {
		return "1e300"
	}
	return g(x)
}

var (
	xmlDecl  = regexp.MustCompile(`^\s*<\?xml[^>]*\?>\s*`)
	svgOpen  = regexp.MustCompile(`<svg\b`)
	docType  = regexp.MustCompile(`<!DOCTYPE[^>]*>\s*`)
	svgScale = `<svg style="max-width:100%;height:auto" preserveAspectRatio="xMidYMid meet"`
)

// inlineSVG strips the XML prologue of an SVG file and lets it scale.
func inlineSVG(b []byte) string {
	b = xmlDecl.ReplaceAll(b, nil)
	b = docType.ReplaceAll(b, nil)
	return svgOpen.ReplaceAllLiteralString(string(b), svgScale)
}

var pageTmpl = template.Must(template.New("index").Parse(`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>sparsebench leaderboard</title>
<style>
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0 auto;max-width:1100px;padding:0 12px 40px;line-height:1.4;color:#222}
h1{font-size:1.6em}h2{font-size:1.2em;margin-top:2em}
.scroll{overflow-x:auto;-webkit-overflow-scrolling:touch}
table{border-collapse:collapse;font-size:.9em;white-space:nowrap}
th,td{padding:4px 8px;border-bottom:1px solid #ddd;text-align:right}
th:nth-child(2),td:nth-child(2){text-align:left}
th{cursor:pointer;user-select:none;background:#f4f4f4;position:sticky;top:0}
th[aria-sort=ascending]::after{content:" ▲"}th[aria-sort=descending]::after{content:" ▼"}
tr.oracle td{color:#555;font-style:italic}
.warn{color:#8a5a00;font-size:.85em}
.figs{display:grid;grid-template-columns:repeat(auto-fill,minmax(min(100%,480px),1fr));gap:1.5em 24px}
figure{margin:0;min-width:0}figure svg{display:block;width:100%}figcaption{font-size:.9em;color:#444}
@media (max-width:600px){table{font-size:.8em}th,td{padding:3px 5px}td:nth-child(2){white-space:normal;min-width:8em}}
.files{font-size:.85em}
.prov li{overflow-wrap:anywhere}
</style>
</head>
<body>
<h1>sparsebench leaderboard</h1>
<p>{{.Method}} Click a column heading to sort.</p>
{{range .Tables}}
<h2 id="{{.ID}}">{{.Heading}}</h2>
<p>{{.Caption}}.</p>
<div class="scroll"><table class="sortable">
<thead><tr>{{range .Head}}<th scope="col">{{.}}</th>{{end}}</tr></thead>
<tbody>{{range .Rows}}<tr{{with .Class}} class="{{.}}"{{end}}>{{range .Cells}}<td{{if .Sort}} data-v="{{.Sort}}"{{end}}>{{.Text}}</td>{{end}}</tr>
{{end}}</tbody>
</table></div>
{{if .Warnings}}<ul class="warn">{{range .Warnings}}<li>{{.}}</li>{{end}}</ul>{{end}}
{{end}}
<h2>Plots</h2>
<div class="figs">
{{range .Figures}}
<figure id="{{.Name}}">{{.SVG}}
<figcaption>{{.Title}} — <span class="files"><a href="plots/{{.Name}}.svg">SVG</a>, <a href="plots/{{.Name}}.png">PNG</a></span></figcaption>
</figure>
{{end}}
</div>
<h2>Provenance</h2>
<ul class="prov">{{range .Provenance}}<li>{{.}}</li>{{end}}</ul>
<script>
(function(){
  // Sortable tables: click a heading (or focus it and press Enter or
  // Space) to sort by that column; again to reverse. Cells with data-v
  // sort by that number, others by their text.
  document.querySelectorAll("table.sortable").forEach(function(table){
    var heads = table.querySelectorAll("th");
    heads.forEach(function(th, col){
      th.tabIndex = 0;
      function sort(){
        var asc = th.getAttribute("aria-sort") !== "ascending";
        heads.forEach(function(h){ h.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", asc ? "ascending" : "descending");
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function(a, b){
          var x = a.cells[col], y = b.cells[col], c;
          if (x.hasAttribute("data-v") && y.hasAttribute("data-v")) {
            c = parseFloat(x.getAttribute("data-v")) - parseFloat(y.getAttribute("data-v"));
          } else {
            c = x.textContent.localeCompare(y.textContent);
          }
          return asc ? c : -c;
        });
        rows.forEach(function(r){ body.appendChild(r); });
      }
      th.addEventListener("click", sort);
      th.addEventListener("keydown", function(e){
        if (e.key === "Enter" || e.key === " ") { e.preventDefault(); sort(); }
      });
    });
  });
})();
</script>
</body>
</html>
`))
