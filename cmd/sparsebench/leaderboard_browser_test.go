//go:build unix

package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"html"
	"image"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"
)

var screenshotDir = flag.String("screenshots", "", "keep TestLeaderboardInBrowser's screenshots and page in `DIR`")

// browserTimeout bounds every Chromium run.
const browserTimeout = 90 * time.Second

// chromiumBinary finds a headless-capable Chromium, or skips the test.
func chromiumBinary(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	t.Skip("no Chromium on PATH: the leaderboard page is not checked in a browser; " +
		"install Debian's chromium package (apt-get install -y chromium) to run this test")
	return ""
}

// consoleLine matches what Chromium logs with --enable-logging=stderr for
// a console message or an uncaught exception, in old and new spellings:
// `[…:INFO:CONSOLE(12)] "…", source: …` and `[…:INFO:CONSOLE:12] "…"`.
var consoleLine = regexp.MustCompile(`(?m)^\[[^\]]*:CONSOLE[(:][^\]]*\] .*$`)

// runChromium runs headless Chromium with a fresh profile on args, bounded
// by browserTimeout, and returns its stdout. It fails the test when the
// browser fails or when the page wrote anything to the console: the
// leaderboard page logs nothing, so every console line is an error.
func runChromium(t *testing.T, bin string, args ...string) []byte {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), browserTimeout)
	defer cancel()
	flags := []string{"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--user-data-dir=" + t.TempDir(), "--enable-logging=stderr", "--v=0"}
	cmd := exec.CommandContext(ctx, bin, append(flags, args...)...)
	// Chromium is a tree of processes: give it its own process group and
	// kill the whole group on timeout and after the run.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	cmd.WaitDelay = 5 * time.Second
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	if cmd.Process != nil {
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) // stragglers; ESRCH when none
	}
	what := "chromium " + strings.Join(args, " ")
	switch {
	case errors.Is(ctx.Err(), context.DeadlineExceeded):
		t.Fatalf("%s: no result within %v, killed\n%s", what, browserTimeout, tail(stderr.String()))
	case err != nil:
		t.Fatalf("%s: %v\n%s", what, err, tail(stderr.String()))
	}
	if lines := consoleLine.FindAllString(stderr.String(), -1); len(lines) > 0 {
		t.Errorf("%s: the page wrote to the console:\n%s", what, strings.Join(lines, "\n"))
	}
	return stdout.Bytes()
}

func tail(s string) string {
	if len(s) > 4000 {
		return "…" + s[len(s)-4000:]
	}
	return s
}

// checkScript is appended to a copy of index.html, after the page's own
// script. It reports what the browser laid out and rendered, then sorts
// the first table by ANTT both ways with real clicks, in a <pre
// id="browser-check"> element that --dump-dom returns as JSON.
const checkScript = `<script>
(function(){
  var r = {errors: window.__pageErrors};
  try {
    r.viewport = window.innerWidth;
    r.scrollWidth = document.documentElement.scrollWidth;
    var tables = document.querySelectorAll("table.sortable");
    r.tables = tables.length;
    r.rows = document.querySelectorAll("table.sortable tbody tr").length;
    r.figures = [].map.call(document.querySelectorAll("figure"), function(f){
      var s = f.querySelector("svg"), b = s ? s.getBoundingClientRect() : {width: 0, height: 0};
      return {id: f.id, width: b.width, height: b.height, texts: s ? s.querySelectorAll("text").length : 0};
    });
    var t = tables[0], heads = t.tHead.rows[0].cells, col = -1;
    for (var i = 0; i < heads.length; i++) {
      if (heads[i].textContent.trim() === "ANTT") col = i;
    }
    r.focusable = [].every.call(document.querySelectorAll("table.sortable th"), function(th){ return th.tabIndex === 0; });
    var values = function(){
      return [].map.call(t.tBodies[0].rows, function(row){ return parseFloat(row.cells[col].getAttribute("data-v")); });
    };
    r.before = values();
    heads[col].click();
    r.asc = values(); r.ascAria = heads[col].getAttribute("aria-sort");
    heads[col].click();
    r.desc = values(); r.descAria = heads[col].getAttribute("aria-sort");
  } catch (e) {
    r.exception = String(e);
  }
  var pre = document.createElement("pre");
  pre.id = "browser-check";
  pre.textContent = JSON.stringify(r);
  document.body.appendChild(pre);
})();
</script>
`

// errorTrap is inserted first in the copy's <head>: it records uncaught
// errors, including syntax errors of later scripts.
const errorTrap = `<script>window.__pageErrors=[];window.addEventListener("error",function(e){window.__pageErrors.push(e.message)});</script>`

// phoneFrame shows check.html in a phone-sized frame and copies its
// result out once it has loaded.
const phoneFrame = `<!DOCTYPE html>
<html><body style="margin:0">
<iframe id="phone" src="check.html" style="width:390px;height:844px;border:0"></iframe>
<script>
document.getElementById("phone").addEventListener("load", function(){
  var pre = document.createElement("pre");
  pre.id = "browser-check";
  try {
    pre.textContent = this.contentDocument.getElementById("browser-check").textContent;
  } catch (e) {
    pre.textContent = JSON.stringify({exception: "reading the frame: " + e});
  }
  document.body.appendChild(pre);
});
</script>
</body></html>
`

type browserCheck struct {
	Errors      []string
	Exception   string
	Viewport    float64
	ScrollWidth float64
	Tables      int
	Rows        int
	Figures     []struct {
		ID            string
		Width, Height float64
		Texts         int
	}
	Focusable         bool
	Before, Asc, Desc []float64
	AscAria, DescAria string
}

var checkOut = regexp.MustCompile(`(?s)<pre id="browser-check">(.*?)</pre>`)

// TestLeaderboardInBrowser opens a small leaderboard's index.html in
// headless Chromium: it takes a desktop and a phone screenshot, fails on
// any console message, checks that the tables and every inline SVG plot
// are laid out, that nothing is wider than a phone's screen, and that
// clicking a column heading sorts the table.
func TestLeaderboardInBrowser(t *testing.T) {
	bin := chromiumBinary(t)
	dir := t.TempDir()
	var stdout, stderr bytes.Buffer
	args := []string{"leaderboard", "--scenario", "mobile-visual-perception", "--seeds", "2", "--requests", "60",
		"--scheduler", "fcfs,edf,sjf,prema,dysta,dysta-naive,dysta-oracle", "--out", dir}
	if err := run(args, &stdout, &stderr); err != nil {
		t.Fatalf("sparsebench %s: %v\n%s", strings.Join(args, " "), err, stderr.String())
	}
	page, err := os.ReadFile(filepath.Join(dir, "index.html"))
	if err != nil {
		t.Fatal(err)
	}
	wantTables := bytes.Count(page, []byte(`<table class="sortable">`))
	wantRows := bytes.Count(page, []byte("<tr")) - wantTables // minus the header rows
	wantFigs := bytes.Count(page, []byte("<figure "))
	if wantTables == 0 || wantFigs == 0 {
		t.Fatalf("index.html has %d tables and %d figures", wantTables, wantFigs)
	}
	url := "file://" + filepath.Join(dir, "index.html")

	// The page as published: screenshots, console, DOM after the scripts.
	for _, shot := range []struct {
		name string
		size image.Point
	}{{"desktop", image.Pt(1280, 2000)}, {"phone", image.Pt(390, 844)}} {
		size := shot.size
		file := filepath.Join(dir, "screenshot-"+shot.name+".png")
		runChromium(t, bin, "--screenshot="+file, fmt.Sprintf("--window-size=%d,%d", size.X, size.Y),
			"--hide-scrollbars", url)
		checkScreenshot(t, file, size)
	}
	dom := runChromium(t, bin, "--dump-dom", "--window-size=1280,2000", url)
	if n := bytes.Count(dom, []byte(`<table class="sortable">`)); n != wantTables {
		t.Errorf("rendered DOM has %d sortable tables, want %d", n, wantTables)
	}
	if n := bytes.Count(dom, []byte("<svg ")); n != wantFigs {
		t.Errorf("rendered DOM has %d inline SVG plots, want %d", n, wantFigs)
	}
	if ths, focus := bytes.Count(dom, []byte("<th ")), bytes.Count(dom, []byte(`tabindex="0"`)); ths == 0 || focus != ths {
		t.Errorf("the sort script did not run: %d of %d column headings made focusable", focus, ths)
	}

	// An instrumented copy next to it: layout, errors and sorting.
	copyPage := bytes.Replace(page, []byte("<head>"), []byte("<head>\n"+errorTrap), 1)
	copyPage = bytes.Replace(copyPage, []byte("</body>"), []byte(checkScript+"</body>"), 1)
	check := filepath.Join(dir, "check.html")
	if err := os.WriteFile(check, copyPage, 0o644); err != nil {
		t.Fatal(err)
	}
	// Headless Chromium lays pages out at least 500 px wide whatever
	// --window-size says, so the phone check loads the copy in a 390 px
	// iframe (which needs file access across file:// pages).
	phone := filepath.Join(dir, "phone.html")
	if err := os.WriteFile(phone, []byte(phoneFrame), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name string
		args []string
	}{
		{"desktop", []string{"--window-size=1280,900", "file://" + check}},
		{"phone", []string{"--window-size=1280,900", "--allow-file-access-from-files", "file://" + phone}},
	} {
		t.Run(c.name, func(t *testing.T) {
			out := runChromium(t, bin, append([]string{"--dump-dom"}, c.args...)...)
			m := checkOut.FindSubmatch(out)
			if m == nil {
				t.Fatalf("the check script left no result in the DOM:\n%s", tail(string(out)))
			}
			var res browserCheck
			if err := json.Unmarshal([]byte(html.UnescapeString(string(m[1]))), &res); err != nil {
				t.Fatalf("check result %q: %v", m[1], err)
			}
			if c.name == "phone" && res.Viewport != 390 {
				t.Errorf("phone check ran in a %g px viewport, want 390", res.Viewport)
			}
			verifyCheck(t, res, wantTables, wantRows, wantFigs)
		})
	}

	if *screenshotDir != "" {
		if err := os.MkdirAll(*screenshotDir, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.CopyFS(*screenshotDir, os.DirFS(dir)); err != nil {
			t.Fatal(err)
		}
		t.Logf("screenshots and page kept in %s", *screenshotDir)
	}
}

func verifyCheck(t *testing.T, c browserCheck, tables, rows, figs int) {
	t.Helper()
	if c.Exception != "" {
		t.Fatalf("check script: %s", c.Exception)
	}
	if len(c.Errors) > 0 {
		t.Errorf("uncaught errors on the page: %q", c.Errors)
	}
	if c.Tables != tables || c.Rows != rows {
		t.Errorf("laid out %d tables with %d rows, want %d with %d", c.Tables, c.Rows, tables, rows)
	}
	if len(c.Figures) != figs {
		t.Errorf("%d figures, want %d", len(c.Figures), figs)
	}
	for _, f := range c.Figures {
		// Plots scale down to the viewport but must stay legible-sized
		// and keep their text.
		if f.Width < 0.8*min(c.Viewport-40, 600) || f.Height < 100 || f.Texts < 5 {
			t.Errorf("figure %s rendered %gx%g px with %d text elements", f.ID, f.Width, f.Height, f.Texts)
		}
	}
	if c.ScrollWidth > c.Viewport {
		t.Errorf("page is %g px wide in a %g px window: it scrolls sideways", c.ScrollWidth, c.Viewport)
	}
	if !c.Focusable {
		t.Errorf("column headings are not keyboard-focusable: the sort script did not run")
	}
	if len(c.Before) < 2 {
		t.Fatalf("first table's ANTT column: %v", c.Before)
	}
	want := slices.Sorted(slices.Values(c.Before))
	if !slices.Equal(c.Asc, want) || c.AscAria != "ascending" {
		t.Errorf("after one click on ANTT: %v (aria-sort %q), want %v ascending", c.Asc, c.AscAria, want)
	}
	slices.Reverse(want)
	if !slices.Equal(c.Desc, want) || c.DescAria != "descending" {
		t.Errorf("after two clicks on ANTT: %v (aria-sort %q), want %v descending", c.Desc, c.DescAria, want)
	}
}

// checkScreenshot: a PNG of the window's size that is not blank.
func checkScreenshot(t *testing.T, file string, size image.Point) {
	t.Helper()
	f, err := os.Open(file)
	if err != nil {
		t.Fatalf("no screenshot: %v", err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	if got := img.Bounds().Size(); got != size {
		t.Errorf("%s is %v, want %v", file, got, size)
	}
	colors := map[[4]uint32]bool{}
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y += 3 {
		for x := b.Min.X; x < b.Max.X; x += 3 {
			r, g, bl, a := img.At(x, y).RGBA()
			colors[[4]uint32{r, g, bl, a}] = true
		}
	}
	if len(colors) < 16 {
		t.Errorf("%s looks blank: %d colours", file, len(colors))
	}
}
