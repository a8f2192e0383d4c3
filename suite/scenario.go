// Package suite loads, validates and resolves the versioned benchmark
// scenarios, and turns a scenario, an operating point and a seed into the
// inputs of a run (catalogue and requests). It is the only path from a
// scenario to the harness, so a result labelled name@vN means the same on
// every machine.
package suite

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"path"
	"regexp"
	"sort"
	"strings"

	"github.com/BurntSushi/toml"

	"github.com/sparsebench/sparsebench/hardware"
	"github.com/sparsebench/sparsebench/harness/textpos"
	"github.com/sparsebench/sparsebench/harness/trace"
	"github.com/sparsebench/sparsebench/harness/workload"
	"github.com/sparsebench/sparsebench/plugins/accelerator"
	"github.com/sparsebench/sparsebench/plugins/scheduler"
)

// SchemaVersion is the scenario format this code reads.
const SchemaVersion = 1

// Scenario is one versioned benchmark scenario. SCENARIOS.md in the
// scenarios folder documents every field.
type Scenario struct {
	SchemaVersion int    `toml:"schema_version" json:"schema_version"`
	Name          string `toml:"name" json:"name"`
	Version       int    `toml:"version" json:"version"`
	Description   string `toml:"description" json:"description"`
	Deployment    string `toml:"deployment" json:"deployment"`

	Accelerator Accelerator `toml:"accelerator" json:"accelerator"`
	Dataset     Dataset     `toml:"dataset" json:"dataset"`
	Variants    []Variant   `toml:"variants" json:"variants"`
	// Sparsity holds the dynamic-sparsity generator's parameters per family.
	Sparsity map[string]hardware.SparsityParams `toml:"sparsity" json:"sparsity"`

	Arrivals       Arrivals  `toml:"arrivals" json:"arrivals"`
	Requests       int       `toml:"requests" json:"requests"`
	SLOMult        float64   `toml:"slo_mult" json:"slo_mult"`
	Priorities     []int     `toml:"priorities" json:"priorities"`
	PreemptionCost float64   `toml:"preemption_cost_s" json:"preemption_cost_s"`
	Seeds          []uint64  `toml:"seeds" json:"seeds"`
	Points         []Point   `toml:"operating_points" json:"operating_points"`
	Sweeps         []Sweep   `toml:"sweeps" json:"sweeps"`
	source         string    // file name, for messages
	raw            []byte    // file text, for locating keys
	replay         []float64 // arrival times of a replayed trace
	// catalogue is built on first use and shared by every run of the
	// scenario; it goes with the Scenario, so nothing outlives it.
	catalogue *catalogueOnce
}

// Accelerator names the accelerator model and its parameters.
type Accelerator struct {
	Name string `toml:"name" json:"name"`
	// SeqLen is the sequence length of attention layers (sanger only).
	SeqLen int `toml:"seq_len" json:"seq_len,omitempty"`
}

// Dataset says how many inputs each variant has and the seed they are
// generated from. The samples depend on this seed only, never on run seeds.
type Dataset struct {
	Samples int    `toml:"samples" json:"samples"`
	Seed    uint64 `toml:"seed" json:"seed"`
}

// Variant is a model family pruned with one static pattern and rate, and
// its share of the traffic.
type Variant struct {
	Family         string  `toml:"family" json:"family"`
	Pattern        string  `toml:"pattern" json:"pattern"`
	WeightSparsity float64 `toml:"weight_sparsity" json:"weight_sparsity"`
	// Share of the traffic; omitted on every variant, variants are drawn
	// uniformly (SPEC §1).
	Share float64 `toml:"share" json:"share,omitempty"`
	// LayerWeightSparsity gives every layer its own pruning rate
	// (hardware.Variant); WeightSparsity then only names the variant.
	LayerWeightSparsity []float64 `toml:"layer_weight_sparsity" json:"layer_weight_sparsity,omitempty"`
}

// Arrivals is the arrival process.
type Arrivals struct {
	// Process is poisson, gamma or trace.
	Process string `toml:"process" json:"process"`
	// Rate is the default arrival rate, requests per second.
	Rate float64 `toml:"rate" json:"rate"`
	// Burstiness is the coefficient of variation of gamma gaps (1 = Poisson).
	Burstiness float64 `toml:"burstiness" json:"burstiness,omitempty"`
	// Trace is a sparsebench-trace/1 file, relative to the scenario file,
	// whose arrival times are replayed (process = "trace").
	Trace string `toml:"trace" json:"trace,omitempty"`
	// TraceSHA256 is the hash of the replayed trace file, filled on
	// loading so the scenario's hash covers the trace's content.
	TraceSHA256 string `toml:"-" json:"trace_sha256,omitempty"`
}

// Point is an operating point: an arrival rate and an SLO multiplier, named.
// A scenario declares its operating points ([[points]]); a sweep's grid is
// made of points too, named after the sweep and their coordinates. Zero
// Rate or SLOMult take the scenario's defaults.
//
// A point may give its load as a utilisation instead of a rate (SPEC
// §8.4): the offered load as a fraction of the accelerator's capacity for
// the scenario's mix, rate × mean isolated latency. The suite computes the
// rate from it (Scenario.Resolve), and fills Utilisation for every resolved
// point, however it was declared.
type Point struct {
	Name        string  `toml:"name" json:"name"`
	Rate        float64 `toml:"rate" json:"rate"`
	Utilisation float64 `toml:"utilisation" json:"utilisation,omitempty"`
	SLOMult     float64 `toml:"slo_mult" json:"slo_mult"`
	// Sweep is the name of the sweep whose grid the point belongs to, ""
	// for a declared operating point. Not part of the scenario file (nor of
	// its hash).
	Sweep string `toml:"-" json:"-"`
}

// Sweep is a named list of arrival rates and SLO multipliers; a sweep runs
// their cross product (an empty list means the scenario's default).
type Sweep struct {
	Name  string    `toml:"name" json:"name"`
	Rates []float64 `toml:"rates" json:"rates,omitempty"`
	// Utilisations are loads as fractions of capacity (Point.Utilisation),
	// swept after the rates.
	Utilisations []float64 `toml:"utilisations" json:"utilisations,omitempty"`
	SLOMults     []float64 `toml:"slo_mults" json:"slo_mults,omitempty"`
}

// ID is name@vN.
func (s *Scenario) ID() string { return fmt.Sprintf("%s@v%d", s.Name, s.Version) }

// Source is the file the scenario was read from.
func (s *Scenario) Source() string { return s.source }

// Hash is the SHA-256 of the scenario's canonical encoding: its decoded
// fields as JSON, object keys sorted, floats in shortest form. Comments and
// formatting do not change it; any value does.
func (s *Scenario) Hash() string {
	b, err := json.Marshal(s)
	if err != nil {
		panic(err) // only plain data
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// Problem is one thing wrong with a scenario file.
type Problem struct {
	File string
	Line int // 0 when unknown
	Col  int
	Key  string
	Msg  string
}

func (p Problem) String() string {
	loc := p.File
	if p.Line > 0 {
		loc = fmt.Sprintf("%s:%d:%d", p.File, p.Line, p.Col)
	}
	if p.Key != "" {
		return fmt.Sprintf("%s: %s: %s", loc, p.Key, p.Msg)
	}
	return fmt.Sprintf("%s: %s", loc, p.Msg)
}

// Problems is every problem found in one or more files; it is an error.
type Problems []Problem

func (ps Problems) Error() string {
	lines := make([]string, len(ps))
	for i, p := range ps {
		lines[i] = p.String()
	}
	if len(ps) == 1 {
		return lines[0]
	}
	return fmt.Sprintf("%d problems:\n  %s", len(ps), strings.Join(lines, "\n  "))
}

var nameRE = regexp.MustCompile(`^[a-z0-9][a-z0-9-]*$`)

// Parse decodes and validates one scenario file. All problems of the file
// are reported at once, each with file:line:col where it can be located.
func Parse(file string, data []byte) (*Scenario, error) {
	s := &Scenario{source: file, raw: data}
	md, err := toml.NewDecoder(bytes.NewReader(data)).Decode(s)
	if err != nil {
		var pe toml.ParseError
		if errors.As(err, &pe) {
			line, col := pe.Position.Line, pe.Position.Col
			if line < 1 { // the decoder gives line 0 for some errors at the end of the input
				line, col = textpos.At(data, pe.Position.Start)
			}
			return nil, Problems{{File: file, Line: line, Col: col, Msg: pe.Message}}
		}
		return nil, Problems{decodeProblem(file, data, err)}
	}
	v := &validator{s: s, md: md}
	// An unknown key inside an array of tables has no index in its toml.Key;
	// its nth occurrence is the nth element that has it.
	seenKey := map[string]int{}
	occurrences := map[string][]leaf{}
	var tree map[string]any
	for i, k := range md.Undecoded() {
		if i == 0 {
			tree = decodeTree(data)
		}
		p := keyPath(k)
		n := seenKey[p]
		seenKey[p]++
		paths, ok := occurrences[p]
		if !ok {
			paths = indexedPaths(tree, k)
			occurrences[p] = paths
		}
		if n < len(paths) {
			p = paths[n].path
		}
		v.addKey(p, "unknown key")
	}
	v.check()
	if len(v.problems) > 0 {
		sort.SliceStable(v.problems, func(i, j int) bool { return v.problems[i].Line < v.problems[j].Line })
		return nil, v.problems
	}
	s.catalogue = &catalogueOnce{}
	return s, nil
}

// decodeErrRE matches the decoder's errors that are not ParseErrors (wrong
// types, out-of-range numbers): "toml: line N (last key "K"): message".
var decodeErrRE = regexp.MustCompile(`^toml: (?:line (\d+) )?\(last key "((?:[^"\\]|\\.)*)"\): (.*)$`)

// tomlTypeRE finds the TOML type of the offending value in a decoder error.
var tomlTypeRE = regexp.MustCompile(`TOML value has type (\S+);`)

// decodeProblem turns a decoder error that is not a ParseError into a
// located problem. The decoder's line is that of the key's last definition,
// which for a key of an array of tables ([[variants]]) is the last element's;
// the element that failed is the first whose value has the offending type
// (elements are decoded in order), so it is found in the file instead.
func decodeProblem(file string, data []byte, err error) Problem {
	m := decodeErrRE.FindStringSubmatch(err.Error())
	if m == nil {
		return Problem{File: file, Msg: err.Error()}
	}
	p := Problem{File: file, Key: m[2], Msg: m[3]}
	if m[1] != "" {
		fmt.Sscan(m[1], &p.Line)
	}
	key := toml.Key(strings.Split(m[2], "."))
	paths := indexedPaths(decodeTree(data), key)
	var found *leaf
	if len(paths) == 1 {
		found = &paths[0]
	} else if t := tomlTypeRE.FindStringSubmatch(m[3]); t != nil {
		for i := range paths {
			if paths[i].hasType(t[1]) {
				found = &paths[i]
				break
			}
		}
	}
	if found != nil {
		p.Key = found.path
		if line, col := locate(data, found.path); line > 0 {
			p.Line, p.Col = line, col
		}
	}
	if p.Line > 0 && p.Col == 0 {
		p.Col = 1
	}
	return p
}

// leaf is a key of the file with its array indices, e.g.
// variants[2].weight_sparsity, and its decoded value.
type leaf struct {
	path  string
	value any
}

// hasType says whether the value, or an element of it when it is an array,
// has the decoder's type name t (as in its error messages).
func (l leaf) hasType(t string) bool {
	if tomlType(l.value) == t {
		return true
	}
	if xs, ok := l.value.([]any); ok {
		for _, x := range xs {
			if tomlType(x) == t {
				return true
			}
		}
	}
	return false
}

func tomlType(x any) string { return strings.ReplaceAll(fmt.Sprintf("%T", x), "interface {}", "any") }

// decodeTree decodes the file without a schema; nil when it does not decode.
func decodeTree(data []byte) map[string]any {
	var tree map[string]any
	if _, err := toml.NewDecoder(bytes.NewReader(data)).Decode(&tree); err != nil {
		return nil
	}
	return tree
}

// indexedPaths lists, in file order, every occurrence of a key in the
// file's decoded tree, with the index of each array element on the way.
func indexedPaths(tree map[string]any, key toml.Key) []leaf {
	if tree == nil || len(key) == 0 {
		return nil
	}
	var out []leaf
	var walk func(m map[string]any, i int, prefix string)
	walk = func(m map[string]any, i int, prefix string) {
		v, ok := m[key[i]]
		if !ok {
			return
		}
		p := key[i]
		if prefix != "" {
			p = prefix + "." + key[i]
		}
		if i == len(key)-1 {
			out = append(out, leaf{p, v})
			return
		}
		switch v := v.(type) {
		case map[string]any:
			walk(v, i+1, p)
		case []map[string]any:
			for j, e := range v {
				walk(e, i+1, fmt.Sprintf("%s[%d]", p, j))
			}
		case []any:
			for j, e := range v {
				if em, ok := e.(map[string]any); ok {
					walk(em, i+1, fmt.Sprintf("%s[%d]", p, j))
				}
			}
		}
	}
	walk(tree, 0, "")
	return out
}

// keyPath renders a TOML key as the path validator messages use, e.g.
// variants.weight_sparsity.
func keyPath(k toml.Key) string { return strings.Join(k, ".") }

type validator struct {
	s        *Scenario
	md       toml.MetaData
	problems Problems
}

// add records a problem at a key given as a path such as
// "variants[2].weight_sparsity"; the line is found in the file text.
func (v *validator) addKey(path, format string, args ...any) {
	line, col := locate(v.s.raw, path)
	v.problems = append(v.problems, Problem{File: v.s.source, Line: line, Col: col, Key: path, Msg: fmt.Sprintf(format, args...)})
}

func (v *validator) positive(path string, x float64) {
	if !(x > 0) || math.IsInf(x, 0) {
		v.addKey(path, "%g; want a finite number > 0", x)
	}
}

func (v *validator) check() {
	s := v.s
	if s.SchemaVersion != SchemaVersion {
		v.addKey("schema_version", "%d; this sparsebench reads schema_version = %d", s.SchemaVersion, SchemaVersion)
	}
	if !nameRE.MatchString(s.Name) {
		v.addKey("name", "%q; want lower-case letters, digits and dashes", s.Name)
	}
	if s.Version < 1 {
		v.addKey("version", "%d; want an integer ≥ 1", s.Version)
	}
	if strings.TrimSpace(s.Description) == "" {
		v.addKey("description", "missing; say what the scenario models")
	}
	switch s.Deployment {
	case "mobile", "ar-vr", "datacenter":
	default:
		v.addKey("deployment", "%q; want mobile, ar-vr or datacenter", s.Deployment)
	}
	acc, err := hardware.Lookup(s.Accelerator.Name)
	if err != nil {
		v.addKey("accelerator.name", "unknown accelerator %q; want one of %s", s.Accelerator.Name, strings.Join(hardware.Names(), ", "))
	}
	if s.Accelerator.SeqLen < 0 {
		v.addKey("accelerator.seq_len", "%d; want > 0", s.Accelerator.SeqLen)
	}
	zoo, err := hardware.BuiltinZoo()
	if err != nil {
		v.addKey("variants", "%v", err)
		return
	}
	// TOML integers are int64 and the decoder converts negative ones to
	// uint64 without a check: a seed above MaxInt64 was written negative.
	if s.Dataset.Seed > math.MaxInt64 {
		v.addKey("dataset.seed", "%d; want an integer ≥ 0", int64(s.Dataset.Seed))
	}
	if s.Dataset.Samples < 1 {
		v.addKey("dataset.samples", "%d; want ≥ 1 samples per variant", s.Dataset.Samples)
	}
	if len(s.Variants) == 0 {
		v.addKey("variants", "missing; want at least one [[variants]] table")
	}
	var shares float64
	explicitShares := false
	for _, vr := range s.Variants {
		explicitShares = explicitShares || vr.Share != 0
	}
	seen := map[string]int{}
	measuredSeen := map[string]bool{}
	for i, vr := range s.Variants {
		p := fmt.Sprintf("variants[%d]", i)
		fam, ferr := zoo.Family(vr.Family)
		if ferr != nil {
			v.addKey(p+".family", "unknown family %q; want one of %s", vr.Family, strings.Join(zoo.Names(), ", "))
		} else if acc != nil {
			for _, l := range fam.Layers {
				if !accelerator.Supports(acc, l.Kind) {
					v.addKey(p+".family", "family %s has %s layers, which accelerator %s cannot run", vr.Family, l.Kind, acc.Name())
					break
				}
			}
		}
		pat, perr := accelerator.ParsePattern(vr.Pattern)
		if perr != nil {
			v.addKey(p+".pattern", "%v", perr)
		}
		if !(vr.WeightSparsity >= 0 && vr.WeightSparsity < 1) {
			v.addKey(p+".weight_sparsity", "%g; want a fraction in [0, 1)", vr.WeightSparsity)
		} else if perr == nil {
			if err := pat.CheckDensity(1 - vr.WeightSparsity); err != nil {
				v.addKey(p+".weight_sparsity", "%v", err)
			}
		}
		if vr.LayerWeightSparsity != nil && ferr == nil {
			if len(vr.LayerWeightSparsity) != len(fam.Layers) {
				v.addKey(p+".layer_weight_sparsity", "%d entries; family %s has %d layers, want one rate per layer", len(vr.LayerWeightSparsity), vr.Family, len(fam.Layers))
			}
			for j, ws := range vr.LayerWeightSparsity {
				lp := fmt.Sprintf("%s.layer_weight_sparsity[%d]", p, j)
				if !(ws >= 0 && ws < 1) {
					v.addKey(lp, "%g; want a fraction in [0, 1)", ws)
				} else if perr == nil {
					if err := pat.CheckDensity(1 - ws); err != nil {
						v.addKey(lp, "%v", err)
					}
				}
			}
		}
		if explicitShares && !(vr.Share > 0 && vr.Share <= 1) {
			v.addKey(p+".share", "%g; want a fraction in (0, 1] (set share on every variant or on none)", vr.Share)
		}
		shares += vr.Share
		if ferr == nil && perr == nil {
			// A variant whose name cannot be formed (bad sparsity) is
			// reported above, not as a repeat.
			name, nerr := hardware.Variant{Family: vr.Family, Pattern: pat.String(), WeightSparsity: vr.WeightSparsity}.CanonicalName()
			if j, dup := seen[name]; dup && nerr == nil {
				v.addKey(p, "variant %s repeats variants[%d]", name, j)
			}
			if nerr == nil {
				seen[name] = i
			}
		}
		if ferr == nil && fam.Measured != nil {
			// A measured family's samples are its measured inputs (SPEC
			// §1.10); its problems are reported once, at its first variant.
			if measuredSeen[vr.Family] {
				continue
			}
			measuredSeen[vr.Family] = true
			if _, ok := s.Sparsity[vr.Family]; ok {
				v.addKey("sparsity."+vr.Family, "family %s is measured: its samples are its measured inputs, so it takes no generator parameters", vr.Family)
			}
			if n := len(fam.Measured.Inputs); s.Dataset.Samples > n {
				v.addKey("dataset.samples", "%d; family %s has %d measured inputs, so at most %d samples per variant", s.Dataset.Samples, vr.Family, n, n)
			}
		} else if _, ok := s.Sparsity[vr.Family]; !ok && ferr == nil {
			v.addKey(p+".family", "no [sparsity.%s] table: every family needs its generator parameters", vr.Family)
		}
	}
	if explicitShares && math.Abs(shares-1) > workload.ShareTolerance {
		v.addKey("variants", "shares sum to %g; want 1", shares)
	}
	fams := make([]string, 0, len(s.Sparsity))
	for f := range s.Sparsity {
		fams = append(fams, f)
	}
	sort.Strings(fams)
	for _, f := range fams {
		used := false
		for _, vr := range s.Variants {
			used = used || vr.Family == f
		}
		if !used {
			v.addKey("sparsity."+f, "no variant uses family %q", f)
		}
		params := s.Sparsity[f]
		if err := params.Validate(); err != nil {
			v.addKey("sparsity."+f, "%v", err)
		}
	}
	v.checkArrivals()
	if s.Requests < 1 {
		v.addKey("requests", "%d; want ≥ 1", s.Requests)
	}
	v.positive("slo_mult", s.SLOMult)
	if len(s.Priorities) == 0 {
		v.addKey("priorities", "missing; want a list of positive levels such as [1, 3, 9]")
	}
	for i, p := range s.Priorities {
		if p <= 0 {
			v.addKey(fmt.Sprintf("priorities[%d]", i), "%d; want > 0", p)
		}
	}
	if !(s.PreemptionCost >= 0 && s.PreemptionCost <= scheduler.MaxLatency) {
		v.addKey("preemption_cost_s", "%g; want seconds in [0, %g]", s.PreemptionCost, scheduler.MaxLatency)
	}
	if len(s.Seeds) == 0 {
		v.addKey("seeds", "missing; want a list of run seeds")
	}
	seenSeed := map[uint64]bool{}
	for i, sd := range s.Seeds {
		if sd > math.MaxInt64 {
			v.addKey(fmt.Sprintf("seeds[%d]", i), "%d; want an integer ≥ 0", int64(sd))
		}
		if seenSeed[sd] {
			v.addKey(fmt.Sprintf("seeds[%d]", i), "seed %d repeats", sd)
		}
		seenSeed[sd] = true
	}
	names := map[string]bool{}
	for i, pt := range s.Points {
		p := fmt.Sprintf("operating_points[%d]", i)
		if !nameRE.MatchString(pt.Name) || names[pt.Name] {
			v.addKey(p+".name", "%q; want a unique name of lower-case letters, digits and dashes", pt.Name)
		}
		names[pt.Name] = true
		switch {
		case pt.Rate != 0 && pt.Utilisation != 0:
			v.addKey(p+".utilisation", "%g with rate = %g; give the load as a rate or as a utilisation, not both", pt.Utilisation, pt.Rate)
		case pt.Utilisation != 0:
			v.utilisation(p+".utilisation", pt.Utilisation)
		default:
			v.positive(p+".rate", pt.Rate)
		}
		v.positive(p+".slo_mult", pt.SLOMult)
	}
	if len(s.Points) == 0 {
		v.addKey("operating_points", "missing; want at least one [[operating_points]] table")
	}
	for i, sw := range s.Sweeps {
		p := fmt.Sprintf("sweeps[%d]", i)
		if !nameRE.MatchString(sw.Name) || names[sw.Name] {
			v.addKey(p+".name", "%q; want a unique name of lower-case letters, digits and dashes", sw.Name)
		}
		names[sw.Name] = true
		if len(sw.Rates) == 0 && len(sw.Utilisations) == 0 && len(sw.SLOMults) == 0 {
			v.addKey(p, "empty; give rates, utilisations, slo_mults or a combination")
		}
		for j, r := range sw.Rates {
			v.positive(fmt.Sprintf("%s.rates[%d]", p, j), r)
		}
		for j, u := range sw.Utilisations {
			v.utilisation(fmt.Sprintf("%s.utilisations[%d]", p, j), u)
		}
		for j, m := range sw.SLOMults {
			v.positive(fmt.Sprintf("%s.slo_mults[%d]", p, j), m)
		}
	}
}

// MaxUtilisation bounds a declared utilisation: ten times the capacity is
// far past saturation already (every queue grows), so larger loads tell
// nothing more and only lengthen runs.
const MaxUtilisation = 10

func (v *validator) utilisation(path string, u float64) {
	if !(u > 0 && u <= MaxUtilisation) {
		v.addKey(path, "%g; want a fraction of capacity in (0, %d] (1 = the accelerator's capacity for the mix)", u, MaxUtilisation)
	}
}

func (v *validator) checkArrivals() {
	a := v.s.Arrivals
	v.positive("arrivals.rate", a.Rate)
	switch a.Process {
	case "poisson":
		if a.Burstiness != 0 && a.Burstiness != 1 {
			v.addKey("arrivals.burstiness", "%g with process = \"poisson\"; use process = \"gamma\" for other values", a.Burstiness)
		}
	case "gamma":
		v.positive("arrivals.burstiness", a.Burstiness)
	case "trace":
		if a.Trace == "" {
			v.addKey("arrivals.trace", "missing; process = \"trace\" needs a sparsebench-trace/1 file")
		}
		if a.Burstiness != 0 {
			v.addKey("arrivals.burstiness", "%g with process = \"trace\"; the replayed trace fixes the gaps (burstiness is for process = \"gamma\")", a.Burstiness)
		}
	default:
		v.addKey("arrivals.process", "%q; want poisson, gamma or trace", a.Process)
	}
	if a.Trace != "" && a.Process != "trace" {
		v.addKey("arrivals.trace", "set, but process is %q", a.Process)
	}
}

// locate finds the line and column of a key path like
// "variants[2].weight_sparsity" or "arrivals.rate" in TOML text: it follows
// table headers ([a], [[a]] counted per array) and plain key assignments.
// It returns 0, 0 when the key is not written in the file.
func locate(data []byte, path string) (int, int) {
	type seg struct {
		name  string
		index int // -1: not an array element
	}
	var segs []seg
	for _, part := range strings.Split(path, ".") {
		name, idx := part, -1
		if i := strings.IndexByte(part, '['); i >= 0 {
			fmt.Sscanf(part[i:], "[%d]", &idx)
			name = part[:i]
		}
		segs = append(segs, seg{name, idx})
	}
	// Table path of the key and the key itself.
	table := segs[:len(segs)-1]
	last := segs[len(segs)-1]
	lines := strings.Split(string(data), "\n")
	arrayCount := map[string]int{}
	var current string
	headerLine := map[string]int{}
	want := func(ss []seg) string {
		var b strings.Builder
		for i, s := range ss {
			if i > 0 {
				b.WriteByte('.')
			}
			b.WriteString(s.name)
			if s.index >= 0 {
				fmt.Fprintf(&b, "[%d]", s.index)
			}
		}
		return b.String()
	}
	target := want(table)
	full := want(segs)
	for n, raw := range lines {
		line := strings.TrimSpace(raw)
		switch {
		case strings.HasPrefix(line, "[["):
			name := strings.TrimSpace(strings.Trim(strings.SplitN(line, "#", 2)[0], "[] \t"))
			idx := arrayCount[name]
			arrayCount[name]++
			current = fmt.Sprintf("%s[%d]", name, idx)
			headerLine[current] = n + 1
			if idx == 0 {
				// The array as a whole (e.g. "variants") is at its first table.
				headerLine[name] = n + 1
			}
		case strings.HasPrefix(line, "["):
			current = strings.TrimSpace(strings.Trim(strings.SplitN(line, "#", 2)[0], "[] \t"))
			headerLine[current] = n + 1
		default:
			key, _, ok := strings.Cut(line, "=")
			if !ok {
				continue
			}
			key = strings.TrimSpace(key)
			if current == target && key == last.name {
				return n + 1, strings.Index(raw, key) + 1
			}
			// Dotted key inside a table, e.g. accelerator.name at top level.
			k := key
			if current != "" {
				k = current + "." + key
			}
			if k == full || (last.index >= 0 && k == strings.TrimSuffix(full, fmt.Sprintf("[%d]", last.index))) {
				return n + 1, strings.Index(raw, key) + 1
			}
		}
	}
	if l, ok := headerLine[full]; ok {
		return l, 1
	}
	if l, ok := headerLine[target]; ok {
		return l, 1
	}
	return 0, 0
}

// parseInto parses a scenario and loads what it refers to: the replayed
// trace's arrival times, read from fsys relative to dir.
func parseInto(file string, data []byte, fsys fs.FS, dir string) (*Scenario, error) {
	s, err := Parse(file, data)
	if err != nil {
		return nil, err
	}
	if s.Arrivals.Process != "trace" {
		return s, nil
	}
	p := path.Join(dir, s.Arrivals.Trace)
	raw, err := fs.ReadFile(fsys, p)
	if err != nil {
		line, col := locate(data, "arrivals.trace")
		return nil, Problems{{File: file, Line: line, Col: col, Key: "arrivals.trace", Msg: fmt.Sprintf("cannot read trace %s: %v", s.Arrivals.Trace, err)}}
	}
	tr, err := trace.Parse(s.Arrivals.Trace, raw)
	if err != nil {
		line, col := locate(data, "arrivals.trace")
		return nil, Problems{{File: file, Line: line, Col: col, Key: "arrivals.trace", Msg: err.Error()}}
	}
	for _, r := range tr.Requests {
		s.replay = append(s.replay, r.Arrival)
	}
	if len(s.replay) < s.Requests {
		line, col := locate(data, "requests")
		return nil, Problems{{File: file, Line: line, Col: col, Key: "requests",
			Msg: fmt.Sprintf("%d, but the replayed trace %s has only %d arrivals", s.Requests, s.Arrivals.Trace, len(s.replay))}}
	}
	sum := sha256.Sum256(raw)
	s.Arrivals.TraceSHA256 = hex.EncodeToString(sum[:])
	return s, nil
}
