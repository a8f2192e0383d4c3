package verify

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/sparsebench/sparsebench/harness"
	"github.com/sparsebench/sparsebench/harness/results"
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
	// sums are the SHA-256 of the plugin executables re-run, by label.
	sums map[string]string
}

// resolveSchedulers makes the jobs for labels. recorded maps a plugin
// name to the SHA-256 the file recorded for it (nil when the file format
// records none); plugin checksum findings go to rep.
func resolveSchedulers(rep *Report, labels []string, plugins []string, recorded map[string]string, scenarioID string) schedulerSet {
	set := schedulerSet{problem: map[string]string{}, sums: map[string]string{}}
	for _, label := range labels {
		path := matchPlugin(label, plugins)
		sum, hasSum := lookupPlugin(label, recorded)
		if path == "" {
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
		actual, err := results.PluginSHA256(path)
		if err != nil {
			set.problem[label] = err.Error()
			continue
		}
		set.sums[label] = actual
		c := Finding{Scenario: scenarioID, Point: "—", Seed: "—", Scheduler: label, Field: "plugin sha256"}
		cfg := host.Config{}
		switch {
		case !hasSum:
			c.Result, c.Got = Note, show(actual)
			c.Note = fmt.Sprintf("%s: `run` output records no plugin checksum; not checked", path)
		case sum == actual:
			c.Result, c.Note = Pass, path+" is the binary the results were computed with"
			cfg.SHA256 = sum // and go-plugin checks it again when it starts it
		default:
			c.Result, c.Want, c.Got = Fail, show(sum), show(actual)
			c.Note = fmt.Sprintf("plugin checksum mismatch: %s is not the binary the results were computed with; its rows are re-run with it anyway", path)
		}
		rep.addProvenance(c)
		job := lineup.Plugin(path, cfg)
		job.Label = label
		set.jobs = append(set.jobs, job)
	}
	return set
}

// matchPlugin finds the --plugin path a row label stands for: run labels
// a plugin's rows with its file name, or its path when two share a name.
func matchPlugin(label string, plugins []string) string {
	for _, p := range plugins {
		if label == p {
			return p
		}
	}
	for _, p := range plugins {
		if label == filepath.Base(p) {
			return p
		}
	}
	return ""
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
func unusedPlugins(plugins, labels []string) error {
	for _, p := range plugins {
		used := false
		for _, l := range labels {
			if matchPlugin(l, []string{p}) != "" {
				used = true
			}
		}
		if !used {
			return inputErr(fmt.Errorf("--plugin %s: no row of the file is labelled %q (schedulers: %s)",
				p, filepath.Base(p), strings.Join(labels, ", ")))
		}
	}
	return nil
}
