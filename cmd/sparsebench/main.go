// Command sparsebench runs the sparse multi-DNN scheduling benchmark: it
// replays request streams on a simulated sparse accelerator under each
// scheduler and scores the results. `sparsebench help` lists the commands.
package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"runtime/debug"
)

// A command decodes its inputs once and then works on them, so collecting
// at Go's default pace (GOGC=100) took about a tenth of a short replay's
// wall time while winning back little memory: a 10,000-request replay
// peaks near 50 MB at 400, against 37 MB at 100, and `leaderboard --all`
// near 110 MB against 65 MB. A soft limit of 1 GiB makes the collector
// pace itself as usual on workloads large enough to approach it. GOGC and
// GOMEMLIMIT in the environment still decide.
func init() {
	if _, set := os.LookupEnv("GOGC"); !set {
		debug.SetGCPercent(400)
	}
	if _, set := os.LookupEnv("GOMEMLIMIT"); !set {
		debug.SetMemoryLimit(1 << 30)
	}
}

func main() {
	err := run(os.Args[1:], os.Stdout, os.Stderr)
	if err == nil {
		return
	}
	if !errors.Is(err, errHelp) {
		fmt.Fprintln(os.Stderr, "sparsebench:", err)
	}
	os.Exit(exitCode(err))
}

const topUsage = `sparsebench — the benchmark for scheduling sparse multi-DNN workloads

Usage:
  sparsebench                 run every built-in scheduler on the latest built-in scenarios
  sparsebench COMMAND [flags]

Commands:
  run          run schedulers on a scenario or a trace and print their metrics
  scenarios    list, show and validate the versioned benchmark scenarios
  trace        write the exact input of a scenario run as a sparsebench-trace/1 file
  schedulers   list the built-in scheduling policies
  plugin       serve built-in policies as plugins, or check a third-party plugin
  leaderboard  rank schedulers with confidence intervals; write Markdown, CSV, JSON, HTML and plots
  study        the monitor ablation, or one policy against every other built-in, paired over seeds
  hw           reference accelerator models and the model zoo
  verify       re-run a published leaderboard.json or run --format json output and check every number
  version      print the version, the source revision and the Go version
  help         show this help

Run 'sparsebench COMMAND --help' for a command's flags and an example.

Example:
  sparsebench run --scenario mobile-visual-perception --scheduler fcfs,dysta
`

// run is the whole command line: main only maps its error to an exit status,
// so tests drive the CLI through it.
func run(args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return runDefault(stdout, stderr)
	}
	switch args[0] {
	case "run":
		return runRun(args[1:], stdout, stderr)
	case "scenarios":
		return runScenariosCmd(args[1:], stdout, stderr)
	case "trace":
		return runTrace(args[1:], stdout, stderr)
	case "plugin":
		return runPlugin(args[1:], stdout, stderr)
	case "schedulers":
		return runSchedulers(args[1:], stdout, stderr)
	case "leaderboard":
		return runLeaderboard(args[1:], stdout, stderr)
	case "verify":
		return runVerify(args[1:], stdout, stderr)
	case "study":
		return runStudy(args[1:], stdout, stderr)
	case "hw":
		if err := runHW(args[1:], stdout, stderr); err != nil && !errors.Is(err, errHelp) && !isExit(err) {
			return usageErr(err)
		} else {
			return err
		}
	case "version":
		return runVersion(args[1:], stdout, stderr)
	case "--version", "-version":
		fmt.Fprint(stdout, versionText())
		return nil
	case "help", "-h", "-help", "--help":
		fmt.Fprint(stdout, topUsage)
		return nil
	}
	return usageErr(fmt.Errorf("unknown command %q%s; run 'sparsebench help' for the list", args[0], didYouMean(args[0], commands, "")))
}

// commands are the command names, for suggestions.
var commands = []string{"run", "scenarios", "trace", "schedulers", "plugin", "leaderboard", "study", "hw", "verify", "version", "help"}
