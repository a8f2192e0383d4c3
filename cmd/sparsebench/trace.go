package main

import (
	"flag"
	"fmt"
	"io"

	"github.com/sparsebench/sparsebench/suite"
)

const traceUsage = `sparsebench trace --scenario ID --seed S [--rate R] [--slo-mult M] [--requests N] -o FILE`

const traceExample = `sparsebench trace --scenario mobile-visual-perception --seed 1 -o mvp-seed1.json
sparsebench run --trace mvp-seed1.json     # the same metrics as the scenario run with seed 1`

// runTrace writes the exact input of one scenario run, which `run --trace`
// replays with identical metrics.
func runTrace(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("trace", traceUsage, traceExample, stderr)
	id := fs.String("scenario", "", "built-in scenario `ID` (NAME or NAME@vN)")
	seed := fs.Uint64("seed", 0, "run seed `N`")
	rate := fs.Float64("rate", 0, "arrival `RATE` in requests/s (default: the scenario's)")
	mult := fs.Float64("slo-mult", 0, "SLO multiplier `MULT` (default: the scenario's)")
	requests := fs.Int("requests", 0, "number `N` of requests (default: the scenario's)")
	out := fs.String("o", "", "output `FILE` (- for stdout)")
	if err := parseFlags(fs, args, false); err != nil {
		return err
	}
	seedSet := false
	fs.Visit(func(f *flag.Flag) { seedSet = seedSet || f.Name == "seed" })
	switch {
	case *id == "":
		return usageErr(fmt.Errorf("trace: --scenario ID is required"))
	case !seedSet:
		return usageErr(fmt.Errorf("trace: --seed S is required"))
	case *out == "":
		return usageErr(fmt.Errorf("trace: -o FILE is required"))
	case *rate < 0 || *mult < 0 || *requests < 0:
		return usageErr(fmt.Errorf("trace: --rate, --slo-mult and --requests must be positive"))
	}
	s, err := suite.Builtin()
	if err != nil {
		return err
	}
	sc, err := s.Resolve(*id)
	if err != nil {
		return usageErr(fmt.Errorf("--scenario: %w", err))
	}
	tr, err := sc.Trace(suite.Run{Point: suite.Point{Rate: *rate, SLOMult: *mult}, Requests: *requests, Seed: *seed})
	if err != nil {
		return err
	}
	tr.PreemptionCost = sc.PreemptionCost
	if *out == "-" {
		_, err := tr.WriteTo(stdout)
		return err
	}
	return tr.WriteFile(*out)
}
