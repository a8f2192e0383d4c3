// Package policies holds the built-in scheduling policies of sparsebench:
// the eleven of SPEC §5 (the Sparse-DySta paper's baselines and its
// own scheduler) plus earliest-deadline-first as a simple reference. Each is
// a scheduler.Scheduler; New builds one from a name and parameters.
package policies

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/sparsebench/sparsebench/plugins/scheduler"
)

// Params are the tunable constants of the built-in policies. The zero value
// is not useful; start from Defaults.
type Params struct {
	// Beta weighs Dysta's slack and idle terms (paper: 0.01).
	Beta float64
	// Alpha weighs SDRM3's fairness term (paper: 1).
	Alpha float64
	// Levels are PREMA's priority levels, ascending; its token threshold
	// is the largest level not above the largest token (paper: 1, 3, 9).
	Levels []float64
	// Monitor switches the hardware monitor of the monitor-using policies
	// (sjf-sparse, prema-sparse, sdrm3-sparse, dysta). Off, γ is 1 for
	// every task — as if every measured sparsity equalled the variant's
	// average — and the policy does not declare the Monitor capability, so
	// the run does not maintain γ either: the ablation of SPEC §5.4.
	Monitor bool
}

// Defaults are the paper's values.
func Defaults() Params {
	return Params{Beta: 0.01, Alpha: 1, Levels: []float64{1, 3, 9}, Monitor: true}
}

// Entry describes a built-in policy.
type Entry struct {
	Name    string
	Summary string // one line on what it uses
	Params  []string
	new     func(p Params) scheduler.Scheduler
}

var registry = []Entry{
	{"fcfs", "first come, first served: earliest arrival", nil,
		func(Params) scheduler.Scheduler { return &fcfs{} }},
	{"sjf", "shortest job first on the family's average remaining latency", nil,
		func(Params) scheduler.Scheduler { return newSJF(false, false) }},
	{"sjf-sparse", "shortest job first on the variant's remaining latency scaled by the monitor's γ", []string{"monitor"},
		func(p Params) scheduler.Scheduler { return newSJF(true, p.Monitor) }},
	{"prema", "PREMA tokens from priority and idle time; shortest family estimate among candidates", []string{"levels"},
		func(p Params) scheduler.Scheduler { return newPREMA(p, false) }},
	{"prema-sparse", "PREMA with variant estimates scaled by each task's γ", []string{"levels", "monitor"},
		func(p Params) scheduler.Scheduler { return newPREMA(p, true) }},
	{"planaria", "highest priority / slack", nil,
		func(Params) scheduler.Scheduler { return &planaria{} }},
	{"sdrm3", "SDRM3: urgency min(1, E/slack) + α·idle/next-layer estimate, family estimates", []string{"alpha"},
		func(p Params) scheduler.Scheduler { return newSDRM3(p, false) }},
	{"sdrm3-sparse", "SDRM3 with variant estimates scaled by γ", []string{"alpha", "monitor"},
		func(p Params) scheduler.Scheduler { return newSDRM3(p, true) }},
	{"dysta-naive", "Dysta's score on family estimates, no monitor", []string{"beta"},
		func(p Params) scheduler.Scheduler { return newDysta(p, kindNaive) }},
	{"dysta", "Dysta: γ-corrected variant estimate + β·(slack left + idle share)", []string{"beta", "monitor"},
		func(p Params) scheduler.Scheduler { return newDysta(p, kindSparse) }},
	{"dysta-oracle", "Dysta with the real remaining latency (oracle upper bound)", []string{"beta"},
		func(p Params) scheduler.Scheduler { return newDysta(p, kindOracle) }},
	{"edf", "earliest absolute deadline first", nil,
		func(Params) scheduler.Scheduler { return &edf{heap: newMinHeap()} }},
}

// All lists the built-in policies in their canonical order.
func All() []Entry { return append([]Entry(nil), registry...) }

// Names lists the built-in policy names in canonical order.
func Names() []string {
	out := make([]string, len(registry))
	for i, e := range registry {
		out[i] = e.Name
	}
	return out
}

// Lookup finds a policy by name.
func Lookup(name string) (Entry, bool) {
	for _, e := range registry {
		if e.Name == name {
			return e, true
		}
	}
	return Entry{}, false
}

// New builds a fresh policy for one run.
func (e Entry) New(p Params) scheduler.Scheduler { return e.new(p) }

// Spec is a policy name with parameter overrides, written
// NAME[:key=value[:key=value…]], e.g. "dysta:beta=0.02",
// "prema:levels=1/3/9" or "dysta:monitor=off".
type Spec struct {
	Text   string // as written, used as the result's label
	Entry  Entry
	Params Params
}

// ParseSpec parses one policy spec.
func ParseSpec(text string) (Spec, error) {
	parts := strings.Split(text, ":")
	e, ok := Lookup(parts[0])
	if !ok {
		return Spec{}, fmt.Errorf("unknown scheduler %q (known: %s)", parts[0], strings.Join(Names(), ", "))
	}
	p := Defaults()
	for _, kv := range parts[1:] {
		k, val, ok := strings.Cut(kv, "=")
		if !ok {
			return Spec{}, fmt.Errorf("scheduler %q: parameter %q is not key=value", text, kv)
		}
		if !contains(e.Params, k) {
			return Spec{}, fmt.Errorf("scheduler %q: %s has no parameter %q (it has: %s)", text, e.Name, k, strings.Join(e.Params, ", "))
		}
		switch k {
		case "beta", "alpha":
			f, err := strconv.ParseFloat(val, 64)
			if err != nil || !(f >= 0 && f <= scheduler.MaxWeight) {
				return Spec{}, fmt.Errorf("scheduler %q: %s=%q, want a number in [0, %g]", text, k, val, scheduler.MaxWeight)
			}
			if k == "beta" {
				p.Beta = f
			} else {
				p.Alpha = f
			}
		case "levels":
			var lv []float64
			for _, s := range strings.Split(val, "/") {
				f, err := strconv.ParseFloat(s, 64)
				if err != nil || !(f > 0 && f <= scheduler.MaxWeight) {
					return Spec{}, fmt.Errorf("scheduler %q: levels=%q, want numbers in (0, %g] separated by /", text, val, scheduler.MaxWeight)
				}
				lv = append(lv, f)
			}
			if !sort.Float64sAreSorted(lv) {
				return Spec{}, fmt.Errorf("scheduler %q: levels=%q must be ascending", text, val)
			}
			p.Levels = lv
		case "monitor":
			switch val {
			case "on":
				p.Monitor = true
			case "off":
				p.Monitor = false
			default:
				return Spec{}, fmt.Errorf("scheduler %q: monitor=%q, want on or off", text, val)
			}
		}
	}
	return Spec{Text: text, Entry: e, Params: p}, nil
}

// ParseList parses a comma-separated list of specs; "all" stands for every
// built-in policy with default parameters.
func ParseList(text string) ([]Spec, error) {
	var out []Spec
	for _, item := range strings.Split(text, ",") {
		item = strings.TrimSpace(item)
		if item == "all" {
			for _, n := range Names() {
				s, _ := ParseSpec(n)
				out = append(out, s)
			}
			continue
		}
		s, err := ParseSpec(item)
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, nil
}

// New builds the policy of the spec for one run.
func (s Spec) New() scheduler.Scheduler { return s.Entry.New(s.Params) }

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}
