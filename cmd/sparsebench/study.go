package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/sparsebench/sparsebench/harness/study"
	"github.com/sparsebench/sparsebench/suite"
)

const studyUsage = `sparsebench study ablation|compare [flags]`

const studyExample = `sparsebench study ablation --scenario mobile-visual-perception
sparsebench study compare --policy dysta --seeds 20 --format json`

// runStudy is `study`: the monitor ablation or the comparison of one
// policy with every other built-in, paired over seeds (SPEC §8.5).
func runStudy(args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || strings.HasPrefix(args[0], "-") {
		fs := newFlagSet("study", studyUsage, studyExample, stderr)
		if err := parseFlags(fs, args, false); err != nil {
			return err
		}
		fs.Usage()
		return usageErr(fmt.Errorf("study: want ablation or compare"))
	}
	kind := args[0]
	fs := newFlagSet("study "+kind, studyUsage, studyExample, stderr)
	scenario := fs.String("scenario", "", "run on the scenario `ID` only (NAME for its latest version, or NAME@vN); default every latest scenario")
	policy := fs.String("policy", "dysta", "compare: the `SPEC` compared with every other built-in")
	seeds := fs.Int("seeds", study.DefaultSeeds, "seeds per point (`N`; the scenario's own, continued)")
	requests := fs.Int("requests", 0, "requests per run (`N`; 0: the scenario's)")
	workers := fs.Int("j", 0, "run up to `N` runs in parallel (0: one per CPU)")
	format := fs.String("format", "table", "output `FORMAT`: table or json")
	if err := parseFlags(fs, args[1:], false); err != nil {
		return err
	}
	var st study.Study
	switch kind {
	case "ablation":
		st = study.Ablation()
	case "compare":
		var err error
		if st, err = study.Versus(*policy); err != nil {
			return usageErr(fmt.Errorf("--policy: %w", err))
		}
	default:
		return usageErr(fmt.Errorf("study: unknown study %q; want ablation or compare", kind))
	}
	if *seeds < 2 || *requests < 0 {
		return usageErr(fmt.Errorf("study: --seeds must be ≥ 2 (a paired interval needs two) and --requests ≥ 0"))
	}
	if *format != "table" && *format != "json" {
		return usageErr(fmt.Errorf("--format: %q; want table or json", *format))
	}
	s, err := suite.Builtin()
	if err != nil {
		return err
	}
	scs := s.Latest()
	if *scenario != "" {
		sc, err := s.Resolve(*scenario)
		if err != nil {
			return usageErr(fmt.Errorf("--scenario: %w", err))
		}
		scs = []*suite.Scenario{sc}
	}
	rep, err := study.Run(st, scs, study.Options{Seeds: *seeds, Requests: *requests, Workers: *workers})
	if err != nil {
		return err
	}
	if *format == "json" {
		return study.WriteJSON(stdout, rep)
	}
	return study.WriteTable(stdout, rep)
}
