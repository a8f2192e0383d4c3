package verify

import (
	"fmt"
	"path/filepath"
	"slices"

	"github.com/sparsebench/sparsebench/harness"
	"github.com/sparsebench/sparsebench/harness/results"
	"github.com/sparsebench/sparsebench/harness/trace"
)

// verifyTraceRun replays the trace given with --trace.
func verifyTraceRun(rep *Report, file []results.Row, gen []map[string]any, opts Options) ([]string, error) {
	tr, err := trace.ReadFile(opts.Trace)
	if err != nil {
		return nil, inputErr(err)
	}
	var labels []string
	for _, r := range file {
		if !slices.Contains(labels, r.Scheduler) {
			labels = append(labels, r.Scheduler)
		}
	}
	if err := unusedPlugins(opts.opened, labels); err != nil {
		return nil, err
	}
	name := "trace " + filepath.Base(opts.Trace)
	rep.addProvenance(Finding{Result: Note, Scenario: name, Point: "—", Seed: "—", Scheduler: "—", Field: "trace",
		Note: "trace runs record no hash of their trace: the rows are checked against " + opts.Trace + " as given"})
	set := resolveSchedulers(rep, labels, opts.opened, nil, name)
	cost := tr.PreemptionCost
	if opts.PreemptionCost != 0 {
		cost = opts.PreemptionCost
	}
	rerun := results.Replay(tr, set.jobs, harness.Options{PreemptionCost: cost}, opts.Workers)
	byLabel := map[string]int{}
	for j, r := range rerun {
		byLabel[r.Scheduler] = j
	}
	used := map[string]bool{}
	for i, r := range file {
		c := Finding{Scenario: name, Point: "—", Seed: "—", Scheduler: r.Scheduler}
		j, ok := byLabel[r.Scheduler]
		switch {
		case set.problem[r.Scheduler] != "":
			c.Result, c.Field, c.Want, c.Got, c.Note = Fail, "scheduler", show(r.Scheduler), absent, set.problem[r.Scheduler]
		case !ok || used[r.Scheduler]:
			c.Result, c.Field, c.Want, c.Got, c.Note = Fail, "(row)", "a row", absent, "a second row of this scheduler"
		default:
			used[r.Scheduler] = true
			c = compareRow(c, gen[i], asJSON(rerun[j]))
		}
		rep.addRow(c)
	}
	return []string{fmt.Sprintf("`run --trace` output: %d rows, replayed on %s", len(file), opts.Trace)}, nil
}
