// Package lineup turns the schedulers a user names into the harness jobs of
// a run, its line-up: built-in
// policies run in process (Builtin) or each in its own process (Isolated),
// and third-party scheduler plugins (Plugin). It is the one place that joins
// the policies, the plugin host and the harness, so that none of the three
// imports another.
package lineup

import (
	"path/filepath"

	"github.com/sparsebench/sparsebench/harness"
	"github.com/sparsebench/sparsebench/plugins/host"
	"github.com/sparsebench/sparsebench/plugins/policies"
	"github.com/sparsebench/sparsebench/plugins/scheduler"
)

// Builtin are the jobs of built-in policy specs, run in process and
// labelled with the spec's text.
func Builtin(specs []policies.Spec) []harness.Job {
	jobs := make([]harness.Job, len(specs))
	for i, s := range specs {
		jobs[i] = harness.Job{Label: s.Text, New: func() (scheduler.Scheduler, error) { return s.New(), nil }}
	}
	return jobs
}

// Isolated are the jobs of built-in policy specs run out of process, one
// process per run, as `exe plugin serve scheduler SPEC`, exe being a
// sparsebench binary. Labels and results are those of the in-process jobs.
func Isolated(specs []policies.Spec, exe string, cfg host.Config) []harness.Job {
	jobs := make([]harness.Job, len(specs))
	for i, s := range specs {
		jobs[i] = harness.Job{Label: s.Text, New: func() (scheduler.Scheduler, error) {
			p, err := host.BuiltinScheduler(s.Text, exe, cfg)
			if err != nil {
				return nil, err
			}
			return p, nil
		}}
	}
	return jobs
}

// Plugin is the job that runs the scheduler plugin at path, one process per
// run. Its label is the file name.
func Plugin(path string, cfg host.Config) harness.Job {
	return harness.Job{
		Label: filepath.Base(path),
		New: func() (scheduler.Scheduler, error) {
			p, err := host.LaunchScheduler(path, nil, cfg)
			if err != nil {
				return nil, err
			}
			return p, nil
		},
	}
}
