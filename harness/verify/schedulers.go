package verify

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/sparsebench/sparsebench/harness"
	"github.com/sparsebench/sparsebench/plugins/bundle"
	"github.com/sparsebench/sparsebench/plugins/host"
	"github.com/sparsebench/sparsebench/plugins/lineup"
	"github.com/sparsebench/sparsebench/plugins/policies"
)

// schedulerSet resolves the scheduler labels of a file into jobs:
// built-in specs run in process, plugins from the --plugin paths.
type schedulerSet struct {
	jobs []harness.Job
	// problem says why a label cannot be re-run.
	problem map[string]string
	// sums are the SHA-256 of the plugins re-run, by label.
	sums map[string]string
}

// openedPlugin is a --plugin path, started once for the whole
// verification (host.Pool), with the identity that labels its rows.
type openedPlugin struct {
	path  string
	prog  *bundle.Program
	pool  *host.Pool
	label string // lineup.Identity of what it declared
}

// pluginSet are the --plugin paths of a verification.
type pluginSet struct {
	list  []*openedPlugin
	procs lineup.Plugins
}

// openPlugins starts every --plugin path; a path that is no plugin, or
// whose plugin does not start, is the caller's mistake.
func openPlugins(paths []string) (*pluginSet, error) {
	ps := &pluginSet{}
	for _, p := range paths {
		prog, err := bundle.Open(p)
		if err != nil {
			ps.close()
			return nil, inputErr(fmt.Errorf("--plugin: %w", err))
		}
		job, pool, err := ps.procs.Plugin(prog, host.Config{})
		if err != nil {
			ps.close()
			return nil, inputErr(fmt.Errorf("--plugin: %w", err))
		}
		ps.list = append(ps.list, &openedPlugin{path: p, prog: prog, pool: pool, label: job.Label})
	}
	return ps, nil
}

func (ps *pluginSet) close() {
	if ps != nil {
		ps.procs.Close()
	}
}

// match finds the --plugin a row label stands for: rows are labelled with
// the plugin's declared name@version; files written before that labelled
// them with the executable's file name, or its path when two shared one.
func (ps *pluginSet) match(label string) *openedPlugin {
	if ps == nil {
		return nil
	}
	for _, p := range ps.list {
		if label == p.label {
			return p
		}
	}
	for _, p := range ps.list {
		if label == p.path {
			return p
		}
	}
	for _, p := range ps.list {
		if label == filepath.Base(p.path) {
			return p
		}
	}
	return nil
}

// resolveSchedulers makes the jobs for labels. recorded maps a plugin
// name to the SHA-256 the file recorded for it (nil when the file format
// records none); plugin checksum findings go to rep.
func resolveSchedulers(rep *Report, labels []string, plugins *pluginSet, recorded map[string]string, scenarioID string) schedulerSet {
	set := schedulerSet{problem: map[string]string{}, sums: map[string]string{}}
	for _, label := range labels {
		p := plugins.match(label)
		sum, hasSum := lookupPlugin(label, recorded)
		if p == nil {
			if spec, err := policies.ParseSpec(label); err == nil && !hasSum {
				set.jobs = append(set.jobs, lineup.Builtin([]policies.Spec{spec})...)
				continue
			}
			if hasSum {
				set.problem[label] = fmt.Sprintf("a plugin (sha256 %s…): give --plugin PATH to re-run it", cut(sum, 13))
			} else {
				set.problem[label] = "not a built-in scheduler; if it is a plugin, give --plugin PATH to re-run it"
			}
			continue
		}
		actual := p.prog.SHA256
		set.sums[label] = actual
		c := Finding{Scenario: scenarioID, Point: "—", Seed: "—", Scheduler: label, Field: "plugin sha256"}
		what := "binary"
		if p.prog.Manifest {
			what = "bundle"
		}
		switch {
		case !hasSum:
			c.Result, c.Got = Note, show(actual)
			c.Note = fmt.Sprintf("%s: `run` output records no plugin checksum; not checked", p.path)
		case sum == actual:
			c.Result, c.Note = Pass, fmt.Sprintf("%s is the %s the results were computed with", p.path, what)
		default:
			c.Result, c.Want, c.Got = Fail, show(sum), show(actual)
			c.Note = fmt.Sprintf("plugin checksum mismatch: %s is not the %s the results were computed with; its rows are re-run with it anyway", p.path, what)
		}
		rep.addProvenance(c)
		set.jobs = append(set.jobs, lineup.Job(p.pool, label))
	}
	return set
}

func lookupPlugin(label string, recorded map[string]string) (string, bool) {
	if s, ok := recorded[label]; ok {
		return s, true
	}
	for name, s := range recorded {
		if filepath.Base(name) == label {
			return s, true
		}
	}
	return "", false
}

// unusedPlugins reports --plugin paths that match no row.
func unusedPlugins(plugins *pluginSet, labels []string) error {
	if plugins == nil {
		return nil
	}
	for _, p := range plugins.list {
		used := false
		for _, l := range labels {
			if plugins.match(l) == p {
				used = true
			}
		}
		if !used {
			return inputErr(fmt.Errorf("--plugin %s: no row of the file is labelled %q, the identity the plugin declares (schedulers: %s)",
				p.path, p.label, strings.Join(labels, ", ")))
		}
	}
	return nil
}
