//go:build ignore

// gen_manifest regenerates manifest.csv, packages.csv and apt-packages.txt
// from selection.tsv and the Debian packages installed on this machine.
//
//	cd hardware/photos && go run gen_manifest.go
//
// It needs every package named in selection.tsv's "photo" rows installed
// (see apt-packages.txt) and dpkg-query and apt-cache on PATH.
package main

import (
	"bufio"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"fmt"
	"image"
	_ "image/jpeg"
	_ "image/png"
	"io"
	"log"
	"os"
	"os/exec"
	"sort"
	"strconv"
	"strings"
)

// licences as stated in /usr/share/doc/PKG/copyright for the files kept.
var licences = map[string]string{
	"digikam-data":                "GPL-2+",
	"gimp-help-en":                "GFDL-NIV-1.2+",
	"lomiri-wallpapers-16.04":     "CC-BY-4.0 / CC-BY-SA-4.0 / CC0-1.0 (per file)",
	"lomiri-wallpapers-20.04":     "CC-BY-SA-3.0",
	"lxqt-themes":                 "LGPL-2.1+",
	"mate-backgrounds":            "GPL-2+",
	"opencv-doc":                  "Apache-2.0 AND BSD-3-Clause",
	"plasma-workspace-wallpapers": "GPL-2+",
	"scribus-template":            "GPL-2+",
}

// helpers are installed alongside, pinned, though they ship no photo:
// gimp-help-en depends on the virtual package www-browser, and without a
// browser on the machine apt would pick whichever provider it likes (possibly
// Firefox); w3m satisfies it for about 1 MB.
var helpers = []string{"w3m"}

func main() {
	f, err := os.Open("selection.tsv")
	if err != nil {
		log.Fatal(err)
	}
	defer f.Close()
	type row struct {
		id, pkg, ver, path, sum, note string
		w, h                          int
	}
	var rows []row
	vers := map[string]string{}
	count := map[string]int{}
	sc := bufio.NewScanner(f)
	header := true
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "#") || line == "" {
			continue
		}
		if header {
			header = false
			continue
		}
		c := strings.Split(line, "\t")
		if len(c) != 5 {
			log.Fatalf("bad line %q", line)
		}
		if c[2] != "photo" {
			continue
		}
		pkg, path := c[0], c[1]
		owner := strings.TrimSpace(run("dpkg-query", "-S", path))
		if !strings.HasPrefix(owner, pkg+":") && !strings.Contains(owner, " "+pkg+":") && !strings.Contains(owner, " "+pkg+",") {
			log.Fatalf("%s is owned by %q, not %s", path, owner, pkg)
		}
		if _, ok := vers[pkg]; !ok {
			vers[pkg] = strings.TrimSpace(run("dpkg-query", "-W", "-f=${Version}", pkg))
		}
		data, err := os.ReadFile(path)
		if err != nil {
			log.Fatal(err)
		}
		s := sha256.Sum256(data)
		cfg, _, err := image.DecodeConfig(strings.NewReader(string(data)))
		if err != nil {
			log.Fatalf("%s: %v", path, err)
		}
		rows = append(rows, row{c[3], pkg, vers[pkg], path, hex.EncodeToString(s[:]), c[4], cfg.Width, cfg.Height})
		count[pkg]++
	}
	if err := sc.Err(); err != nil {
		log.Fatal(err)
	}
	sort.Slice(rows, func(i, j int) bool { return rows[i].id < rows[j].id })

	out, err := os.Create("manifest.csv")
	if err != nil {
		log.Fatal(err)
	}
	w := csv.NewWriter(out)
	w.Write([]string{"id", "package", "version", "path", "sha256", "width", "height", "note"})
	for _, r := range rows {
		w.Write([]string{r.id, r.pkg, r.ver, r.path, r.sum, strconv.Itoa(r.w), strconv.Itoa(r.h), r.note})
	}
	w.Flush()
	check(w.Error(), out.Close())

	var pkgs []string
	for p := range vers {
		pkgs = append(pkgs, p)
	}
	sort.Strings(pkgs)
	out, err = os.Create("packages.csv")
	if err != nil {
		log.Fatal(err)
	}
	w = csv.NewWriter(out)
	w.Write([]string{"package", "version", "deb_bytes", "installed_kib", "photos", "licence"})
	var apt strings.Builder
	apt.WriteString("# Debian packages that ship the photographs of hardware/photos, pinned to the\n# versions whose files manifest.csv hashes. Install with:\n#   apt-get install -y --no-install-recommends $(grep -v '^#' hardware/photos/apt-packages.txt)\n")
	for _, p := range pkgs {
		show := run("apt-cache", "show", p+"="+vers[p])
		size, inst := field(show, "Size"), field(show, "Installed-Size")
		lic, ok := licences[p]
		if !ok {
			log.Fatalf("no licence recorded for %s", p)
		}
		w.Write([]string{p, vers[p], size, inst, strconv.Itoa(count[p]), lic})
		fmt.Fprintf(&apt, "%s=%s\n", p, vers[p])
	}
	w.Flush()
	check(w.Error(), out.Close())
	apt.WriteString("# Helper, no photos: satisfies gimp-help-en's Depends: www-browser cheaply.\n")
	for _, p := range helpers {
		fmt.Fprintf(&apt, "%s=%s\n", p, field(run("apt-cache", "show", "--no-all-versions", p), "Version"))
	}
	check(os.WriteFile("apt-packages.txt", []byte(apt.String()), 0o644))
	fmt.Printf("%d photos from %d packages\n", len(rows), len(pkgs))
}

func field(show, name string) string {
	for _, l := range strings.Split(show, "\n") {
		if v, ok := strings.CutPrefix(l, name+": "); ok {
			return strings.TrimSpace(v)
		}
	}
	log.Fatalf("no %s field in apt-cache output", name)
	return ""
}

func run(name string, args ...string) string {
	cmd := exec.Command(name, args...)
	cmd.Stderr = os.Stderr
	b, err := cmd.Output()
	if err != nil {
		log.Fatalf("%s %v: %v", name, args, err)
	}
	return string(b)
}

func check(errs ...error) {
	for _, err := range errs {
		if err != nil && err != io.EOF {
			log.Fatal(err)
		}
	}
}
