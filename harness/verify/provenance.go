package verify

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/sparsebench/sparsebench/scenarios"
	"github.com/sparsebench/sparsebench/suite"
)

// The provenance checks: is the file's scenario a released one, are its
// seeds and request count those of a command that can be re-run.

// builtinSuite is the built-in suite with the released hashes, to name
// the scenario version a hash belongs to.
type builtinSuite struct {
	*suite.Suite
	byHash map[string]string // hash → id, built-in files and lock file
}

func loadBuiltinSuite() (*builtinSuite, error) {
	s, err := suite.Builtin()
	if err != nil {
		return nil, err
	}
	lock, err := suite.ParseLock(scenarios.Lock)
	if err != nil {
		return nil, err
	}
	b := &builtinSuite{Suite: s, byHash: map[string]string{}}
	for id, h := range lock {
		b.byHash[h] = id
	}
	for _, sc := range s.All() {
		b.byHash[sc.Hash()] = sc.ID()
	}
	return b, nil
}

// resolve finds a scenario by its exact NAME@vN.
func (b *builtinSuite) resolve(id string) (*suite.Scenario, error) {
	sc, err := b.Resolve(id)
	if err != nil {
		return nil, err
	}
	if sc.ID() != id {
		return nil, fmt.Errorf("%q names no version: results must name one (NAME@vN)", id)
	}
	return sc, nil
}

// hashCheck compares a recorded scenario hash with the built-in one.
func (b *builtinSuite) hashCheck(sc *suite.Scenario, recorded string) Finding {
	c := Finding{Scenario: sc.ID(), Point: "—", Seed: "—", Scheduler: "—", Field: "scenario_hash"}
	if recorded == sc.Hash() {
		c.Result, c.Note = Pass, "the built-in scenario's hash, as released in "+scenarios.LockPath
		return c
	}
	c.Result, c.Want, c.Got = Fail, show(recorded), show(sc.Hash())
	switch id, ok := b.byHash[recorded]; {
	case recorded == "":
		c.Want, c.Note = absent, "no scenario hash recorded"
	case ok:
		c.Note = fmt.Sprintf("the file's hash is %s's, not %s's", id, sc.ID())
	default:
		c.Note = "unknown scenario hash: no released scenario version has it"
	}
	return c
}

// seedsCheck says whether seeds are the ones a run with `--seeds
// len(seeds)` uses: the scenario's, in order, continued with the integers
// after the largest.
func seedsCheck(sc *suite.Scenario, seeds []uint64, pointLabel string) Finding {
	c := Finding{Scenario: sc.ID(), Point: pointLabel, Seed: joinSeeds(seeds), Scheduler: "—", Field: "seeds"}
	want := sc.SeedList(len(seeds))
	if slices.Equal(seeds, want) {
		c.Result, c.Note = Pass, seedsFlag(sc, len(seeds))
		return c
	}
	var foreign []string
	for _, s := range seeds {
		if !slices.Contains(want, s) {
			foreign = append(foreign, strconv.FormatUint(s, 10))
		}
	}
	c.Result, c.Want, c.Got = Fail, joinSeeds(seeds), joinSeeds(want)
	c.Note = fmt.Sprintf("%s: a run of %d seeds uses seeds %s", seedsFlag(sc, len(seeds)), len(seeds), joinSeeds(want))
	if len(foreign) > 0 {
		c.Note = fmt.Sprintf("seed %s is not a seed of this run (%s)", strings.Join(foreign, ", "), c.Note)
	}
	return c
}

func seedsFlag(sc *suite.Scenario, n int) string {
	if n == len(sc.Seeds) {
		return "the scenario's seeds"
	}
	return fmt.Sprintf("--seeds %d", n)
}

func joinSeeds(seeds []uint64) string {
	s := make([]string, len(seeds))
	for i, x := range seeds {
		s[i] = strconv.FormatUint(x, 10)
	}
	return strings.Join(s, ",")
}

func requestsNote(sc *suite.Scenario, n int) string {
	if n == sc.Requests {
		return fmt.Sprintf("%d per run (the scenario's)", n)
	}
	return fmt.Sprintf("%d per run (--requests %d)", n, n)
}

// settleRequests records rc, the finding about the request count a
// re-run will use, and says whether the count can be re-run at all: a
// count below one fails rc and, through failAll, every row of the
// scenario, since no run can have made them.
func settleRequests(rep *Report, rc Finding, requests int, failAll func(field, want, got, note string)) bool {
	if requests <= 0 {
		rc.Result, rc.Want, rc.Note = Fail, strconv.Itoa(requests), "a run has at least one request"
		rep.addProvenance(rc)
		failAll("requests", strconv.Itoa(requests), "", "no run has this request count")
		return false
	}
	rep.addProvenance(rc)
	return true
}

// mode is the most frequent value, the first seen on ties.
func mode[T comparable](xs []T) T {
	count := map[T]int{}
	var best T
	for _, x := range xs {
		count[x]++
		if count[x] > count[best] {
			best = x
		}
	}
	return best
}

func occurrences[T comparable](xs []T, x T) int {
	n := 0
	for _, y := range xs {
		if y == x {
			n++
		}
	}
	return n
}
