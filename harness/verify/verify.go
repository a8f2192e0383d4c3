// Package verify re-runs what a published result file claims and reports,
// finding by finding, whether it reproduces. The file is a leaderboard.json
// (`sparsebench leaderboard`, format sparsebench-leaderboard/1) or the JSON
// output of `sparsebench run` (harness/results).
//
// From the file's provenance it takes the scenario id and hash, the seeds,
// the request count, the points and the schedulers; built-in schedulers
// re-run in process, plugins from the executables given in Options. Every
// number is compared: counts, seeds, rates and SLO multipliers exactly,
// other floats within a relative RelTol (absolute AbsTol near zero). The
// Report lists the provenance findings first, then one finding per row of
// the file, and writes itself as the table `sparsebench verify` prints.
package verify

import (
	"fmt"
	"os"
	"strings"
)

// Options are what a verification needs besides the file.
type Options struct {
	// Plugins are the scheduler plugins (executables or bundle manifests)
	// the file's plugin rows re-run with; a row is labelled with the
	// identity its plugin declares, name@version (files written before
	// that used the file name, which still matches).
	Plugins []string
	// Trace is the trace file the output of `run --trace` replayed; such
	// output records no scenario, seed or hash and verifies only with it.
	Trace string
	// PreemptionCost, with Trace, is the cost the run used when it
	// overrode the trace's (0: the trace's).
	PreemptionCost float64
	// Workers bounds the simulations at once (≤ 0: one per CPU).
	Workers int
	// Version and Revision identify the verifying tool in the report's
	// header (the CLI reads them from its build information).
	Version, Revision string

	opened *pluginSet // Plugins, started by Document
}

// InputError says that a file, or the options given with it, cannot be
// verified at all: not JSON, not a result file, a field of the wrong type,
// a --plugin no row names. It is the caller's mistake, not a result that
// failed to reproduce (the CLI exits with status 2 for it).
type InputError struct{ Err error }

func (e *InputError) Error() string { return e.Err.Error() }
func (e *InputError) Unwrap() error { return e.Err }

func inputErr(err error) error { return &InputError{err} }

// File verifies the result file at path. An error means nothing was
// verified; a file that does not reproduce is a Report whose Reproduced is
// false.
func File(path string, opts Options) (*Report, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, inputErr(err)
	}
	return Document(path, data, opts)
}

// Document verifies the contents of a result file; path names it in the
// report and in errors.
func Document(path string, data []byte, opts Options) (*Report, error) {
	doc, err := decodeJSON(data)
	if err != nil {
		return nil, inputErr(fmt.Errorf("%s: not JSON: %w", path, err))
	}
	top, ok := doc.(map[string]any)
	if !ok {
		return nil, inputErr(fmt.Errorf("%s: %s", path, wrongShape))
	}
	rep := &Report{Path: path}
	if opts.opened, err = openPlugins(opts.Plugins); err != nil {
		return nil, err
	}
	defer opts.opened.close()
	switch format, _ := top["format"].(string); {
	case format == leaderboardFormat:
		rep.Header, err = verifyLeaderboard(rep, path, data, top, opts)
	case strings.HasPrefix(format, "sparsebench-leaderboard/"):
		err = inputErr(fmt.Errorf("%s: format %q: this sparsebench verifies %s", path, format, leaderboardFormat))
	case format == "sparsebench-trace/1":
		err = inputErr(fmt.Errorf("%s is a trace, not results: verify takes a leaderboard.json or the output of `run --format json`; "+
			"to verify the results of `run --trace %s`, give it as --trace %s", path, path, path))
	case format != "":
		err = inputErr(fmt.Errorf("%s: unknown format %q; %s", path, format, wrongShape))
	case top["results"] != nil:
		rep.Header, err = verifyRunOutput(rep, path, data, opts)
	default:
		err = inputErr(fmt.Errorf("%s: %s", path, wrongShape))
	}
	if err != nil {
		return nil, err
	}
	return rep, nil
}

// leaderboardFormat is the leaderboard.json format this package verifies.
const leaderboardFormat = "sparsebench-leaderboard/1"

const wrongShape = "want a leaderboard.json (\"format\": \"sparsebench-leaderboard/1\") or the output of `sparsebench run --format json` (an object with a \"results\" array)"
