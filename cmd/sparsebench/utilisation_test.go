package main

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/sparsebench/sparsebench/suite"
)

// headerLoad is the load a run table's header prints for a point.
var headerLoad = regexp.MustCompile(`(?m)^(\S+) (\S+) \(hash [0-9a-f]+\): ([0-9.e+]+) requests/s \(utilisation ([0-9.]+)(, overload)?\), SLO`)

// Every operating point of every latest scenario prints the utilisation a
// direct computation from the catalogue gives — rate × the mean over
// variants (weighted by share) of the mean over samples of Σ layer
// latencies — and "overload" exactly when it is above 1 (SPEC §8.4). At
// least one built-in point must be an overload, or the marking is untested.
func TestPrintedUtilisationMatchesTheCatalogue(t *testing.T) {
	s, err := suite.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	overloads := 0
	for _, sc := range s.Latest() {
		cat, err := sc.Catalogue()
		if err != nil {
			t.Fatal(err)
		}
		var service float64
		for i, m := range cat.Models {
			var sum float64
			for _, smp := range m.Samples {
				for _, l := range smp.Latency {
					sum += l
				}
			}
			w := 1 / float64(len(cat.Models))
			if sc.Variants[i].Share != 0 {
				w = sc.Variants[i].Share
			}
			service += w * sum / float64(len(m.Samples))
		}
		out := scnOK(t, "run", "--scenario", sc.ID(), "--scheduler", "fcfs", "--requests", "20", "--seeds", "2")
		found := headerLoad.FindAllStringSubmatch(out, -1)
		if len(found) != len(sc.Points) {
			t.Fatalf("%s: %d headers with a load for %d points:\n%s", sc.ID(), len(found), len(sc.Points), out)
		}
		for i, f := range found {
			p := sc.Points[i]
			rate := p.Rate
			if p.Utilisation != 0 {
				rate = p.Utilisation / service
			}
			u := rate * service
			if f[2] != p.Name || f[4] != fmt.Sprintf("%.2f", u) {
				t.Errorf("%s %s: printed utilisation %s, direct computation %.4f (rate %g × service %.6f s)", sc.ID(), f[2], f[4], u, rate, service)
			}
			if p.Utilisation != 0 && !strings.HasPrefix(f[4], fmt.Sprintf("%.2f", p.Utilisation)) {
				t.Errorf("%s %s: declared utilisation %g printed as %s", sc.ID(), p.Name, p.Utilisation, f[4])
			}
			if over := f[5] != ""; over != (u > 1+1e-9) {
				t.Errorf("%s %s: utilisation %.4f marked overload = %v", sc.ID(), p.Name, u, over)
			}
			if f[5] != "" {
				overloads++
			}
		}
	}
	if overloads == 0 {
		t.Error("no built-in operating point is an overload; the marking is not exercised")
	}
}
