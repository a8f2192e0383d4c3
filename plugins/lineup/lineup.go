// Package lineup turns the schedulers a user names into the harness jobs of
// a run, its line-up: built-in policies run in process (Builtin) or each in
// a plugin process of its own (Plugins.Isolated), and third-party scheduler
// plugins (Plugins.Plugin). It is the one place that joins the policies,
// the plugin host and the harness, so that none of the three imports
// another.
package lineup

import (
	"fmt"
	"sync"

	"github.com/sparsebench/sparsebench/harness"
	"github.com/sparsebench/sparsebench/harness/parallel"
	"github.com/sparsebench/sparsebench/plugins/bundle"
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

// Plugins are the scheduler plugin programs of a command, each started once
// and shared by all its runs (host.Pool). Close stops them; the zero value
// is ready to use.
type Plugins struct {
	mu    sync.Mutex
	pools []*host.Pool
}

// Close stops every plugin process, once the runs have ended.
func (ps *Plugins) Close() {
	ps.mu.Lock()
	pools := ps.pools
	ps.pools = nil
	ps.mu.Unlock()
	for _, p := range pools {
		p.Close()
	}
}

func (ps *Plugins) add(p *host.Pool) {
	ps.mu.Lock()
	ps.pools = append(ps.pools, p)
	ps.mu.Unlock()
}

// Job is the harness job of the runs of pool, labelled label.
func Job(pool *host.Pool, label string) harness.Job {
	return harness.Job{Label: label, Lockstep: pool.Width(), New: func() (scheduler.Scheduler, error) {
		s, err := pool.NewRun()
		if err != nil {
			return nil, err
		}
		return s, nil
	}}
}

// Isolated are the jobs of built-in policy specs run out of process, as
// `exe plugin serve scheduler SPEC`, exe being a sparsebench binary: one
// process per spec, started here (in parallel), serving all its runs.
// Labels and results are those of the in-process jobs.
func (ps *Plugins) Isolated(specs []policies.Spec, exe string, cfg host.Config) ([]harness.Job, error) {
	pools := make([]*host.Pool, len(specs))
	errs := make([]error, len(specs))
	parallel.ForEach(len(specs), 0, func(i int) {
		pools[i], errs[i] = host.OpenBuiltin(specs[i].Text, exe, cfg)
	})
	jobs := make([]harness.Job, len(specs))
	var first error
	for i, p := range pools {
		if errs[i] != nil {
			if first == nil {
				first = errs[i]
			}
			continue
		}
		ps.add(p)
		jobs[i] = Job(p, specs[i].Text)
	}
	if first != nil {
		ps.Close()
		return nil, first
	}
	return jobs, nil
}

// Identity is how a plugin's rows are labelled: its declared name and
// version, "name@version" (SPEC §9.3), or the name alone when it declares
// no version. Renaming or moving the program does not change it.
func Identity(info scheduler.Info) string {
	if info.Version == "" {
		return info.Name
	}
	return info.Name + "@" + info.Version
}

// Plugin starts the third-party scheduler plugin prog (an executable or a
// bundle) and returns the job of its runs, labelled with its Identity.
// cfg.SHA256, when set, must be prog's checksum: go-plugin checks an
// executable again as it starts it; a bundle is checked here.
func (ps *Plugins) Plugin(prog *bundle.Program, cfg host.Config) (harness.Job, *host.Pool, error) {
	if prog.Manifest {
		if cfg.SHA256 != "" && cfg.SHA256 != prog.SHA256 {
			return harness.Job{}, nil, fmt.Errorf("plugin %s: refused to start: its bundle's SHA-256 is %s, not %s", prog.Path, prog.SHA256, cfg.SHA256)
		}
		cfg.SHA256 = ""
		cfg.Dir = prog.Dir
	}
	cfg.Label = "plugin " + prog.Path
	pool, err := host.OpenScheduler(prog.Exe, prog.Args, cfg)
	if err != nil {
		return harness.Job{}, nil, err
	}
	ps.add(pool)
	return Job(pool, Identity(pool.Info())), pool, nil
}
