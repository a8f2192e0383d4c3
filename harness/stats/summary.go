package stats

import (
	"fmt"
	"math"
	"math/rand/v2"

	mstats "github.com/montanaflynn/stats"
	"gonum.org/v1/gonum/mathext"
	"gonum.org/v1/gonum/stat/distuv"
)

// Method names the way a Summary's interval was computed.
type Method string

const (
	// MethodStudentT is the Student t interval of Mean and Paired.
	MethodStudentT Method = "student-t"
	// MethodBootstrap is the percentile-bootstrap interval of Bootstrap.
	MethodBootstrap Method = "bootstrap-percentile"
)

// DefaultResamples is the number of bootstrap resamples Bootstrap uses when
// it is asked for zero or fewer.
const DefaultResamples = 10000

// minResamples is the number of resamples below which Bootstrap warns that
// the interval's endpoints are noisy.
const minResamples = 1000

// minBootstrapN is the number of seeds below which Bootstrap warns that the
// percentile bootstrap undercovers: it resamples the empirical distribution,
// whose spread is smaller than the population's by sqrt((n−1)/n), and it
// has no t correction for the estimated spread, so with a handful of seeds
// a nominal 95% interval covers the true mean noticeably less often.
const minBootstrapN = 10

// bootstrapStream is the PCG stream (second seed word) Bootstrap uses, so
// the seed argument alone determines the resamples.
const bootstrapStream = 0x7370617273656265 // "sparsebe"

// Summary is a metric across seeds: a center and an interval that holds the
// true mean with probability Confidence, under the assumptions of Method.
//
// When N is 0, or a value is NaN or infinite, Center, Lo and Hi are NaN.
// When N is 1 there is no interval: Lo = Hi = Center. Both cases carry a
// warning. A sample whose values are all equal has a zero-width interval
// (Lo = Hi = Center) and no warning. encoding/json cannot encode NaN, so a
// caller writing JSON must map the NaNs of an undefined Summary (say, to
// null) itself.
type Summary struct {
	Center     float64  `json:"center"`     // sample mean
	Lo         float64  `json:"lo"`         // lower end of the interval
	Hi         float64  `json:"hi"`         // upper end of the interval
	Confidence float64  `json:"confidence"` // e.g. 0.95
	N          int      `json:"n"`          // number of values (seeds)
	Method     Method   `json:"method"`
	Warnings   []string `json:"warnings,omitempty"`
}

// HalfWidth is the larger distance from Center to an end of the interval:
// the "± h" of a table cell. It equals (Hi−Lo)/2 for the symmetric t
// interval and is conservative for an asymmetric bootstrap interval.
func (s Summary) HalfWidth() float64 {
	return math.Max(s.Center-s.Lo, s.Hi-s.Center)
}

// Mean returns the sample mean of xs with its Student t confidence interval
// at the given confidence level (0.95 for a 95% interval):
//
//	mean ± t(1−(1−confidence)/2, n−1) · s/√n
//
// where s is the sample standard deviation (n−1 divisor). See Summary for
// samples too small for an interval. Mean panics if confidence is not in
// (0, 1).
func Mean(xs []float64, confidence float64) Summary {
	checkConfidence(confidence)
	s := Summary{Confidence: confidence, N: len(xs), Method: MethodStudentT}
	if !describable(&s, xs) {
		return s
	}
	m, sd := meanSD(xs)
	s.Center = m
	if s.N < 2 {
		s.Lo, s.Hi = m, m
		s.Warnings = []string{needTwo(s.N)}
		return s
	}
	h := tQuantile(1-(1-confidence)/2, float64(s.N-1)) * sd / math.Sqrt(float64(s.N))
	s.Lo, s.Hi = m-h, m+h
	return s
}

// Bootstrap returns the sample mean of xs with a percentile-bootstrap
// confidence interval: it draws resamples samples of len(xs) values from xs
// with replacement, takes the mean of each, and reports the (1−c)/2 and
// (1+c)/2 percentiles of those means (linear interpolation between closest
// ranks, Hyndman & Fan type 7). The Center is the mean of xs itself.
//
// The resamples come from a math/rand/v2 PCG generator seeded with seed and
// a fixed stream, so equal arguments give equal results; no global random
// state is used and Bootstrap is safe for concurrent use. resamples ≤ 0
// means DefaultResamples. Besides the warnings of Mean, Bootstrap warns when
// resamples < 1000 or when there are fewer than 10 seeds, where the
// percentile bootstrap is too narrow and Mean should be preferred. It panics
// if confidence is not in (0, 1).
func Bootstrap(xs []float64, confidence float64, resamples int, seed uint64) Summary {
	checkConfidence(confidence)
	if resamples <= 0 {
		resamples = DefaultResamples
	}
	s := Summary{Confidence: confidence, N: len(xs), Method: MethodBootstrap}
	if !describable(&s, xs) {
		return s
	}
	m, sd := meanSD(xs)
	s.Center = m
	if s.N < 2 {
		s.Lo, s.Hi = m, m
		s.Warnings = []string{needTwo(s.N)}
		return s
	}
	if s.N < minBootstrapN {
		s.Warnings = append(s.Warnings, fmt.Sprintf(
			"percentile bootstrap intervals are too narrow with fewer than %d seeds (have %d); prefer the Student t interval",
			minBootstrapN, s.N))
	}
	if resamples < minResamples {
		s.Warnings = append(s.Warnings, fmt.Sprintf(
			"only %d bootstrap resamples: the interval's ends are noisy (use at least %d)",
			resamples, minResamples))
	}
	if sd == 0 {
		// Every resample is the same sample; skip the arithmetic, which
		// could round the resample means away from the center.
		s.Lo, s.Hi = m, m
		return s
	}

	rng := rand.New(rand.NewPCG(seed, bootstrapStream))
	means := make([]float64, resamples)
	n := len(xs)
	for b := range means {
		var sum float64
		for range n {
			sum += xs[rng.IntN(n)]
		}
		means[b] = sum / float64(n)
	}
	alpha := 1 - confidence
	// Percentile cannot fail here: means is non-empty, finite, and both
	// percents are in (0, 100).
	s.Lo, _ = mstats.Percentile(means, 100*alpha/2)
	s.Hi, _ = mstats.Percentile(means, 100*(1-alpha/2))
	return s
}

// describable fills s with NaNs and a warning and reports false when xs has
// no mean: it is empty or holds a NaN or an infinity.
func describable(s *Summary, xs []float64) bool {
	bad := 0
	for _, x := range xs {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			bad++
		}
	}
	switch {
	case len(xs) == 0:
		s.Warnings = []string{"no seeds: the mean and its interval are undefined"}
	case bad > 0:
		s.Warnings = []string{fmt.Sprintf(
			"%d of %d values are NaN or infinite: the mean and its interval are undefined", bad, len(xs))}
	default:
		return true
	}
	s.Center, s.Lo, s.Hi = math.NaN(), math.NaN(), math.NaN()
	return false
}

func needTwo(n int) string {
	return fmt.Sprintf("need ≥2 seeds for an interval (have %d)", n)
}

// meanSD returns the mean and the sample standard deviation (n−1 divisor)
// of the non-empty, finite xs. The standard deviation is 0 for one value,
// and exactly 0, with the mean exactly xs[0], when all values are equal
// (summing and dividing could otherwise leave rounding residue).
func meanSD(xs []float64) (mean, sd float64) {
	if allEqual(xs) {
		return xs[0], 0
	}
	mean, _ = mstats.Mean(xs)
	sd, _ = mstats.StandardDeviationSample(xs)
	return mean, sd
}

func allEqual(xs []float64) bool {
	for _, x := range xs {
		if x != xs[0] {
			return false
		}
	}
	return true
}

func checkConfidence(c float64) {
	if !(c > 0 && c < 1) {
		panic(fmt.Sprintf("stats: confidence must be in (0, 1), got %v", c))
	}
}

// tQuantile returns the p-quantile of Student's t distribution with df
// degrees of freedom; df = +Inf gives the standard normal quantile.
func tQuantile(p, df float64) float64 {
	if math.IsInf(df, 1) {
		return distuv.UnitNormal.Quantile(p)
	}
	return distuv.StudentsT{Mu: 0, Sigma: 1, Nu: df}.Quantile(p)
}

// tTwoSided returns P(|T| ≥ |t|) for Student's t with df degrees of
// freedom, computed as the regularized incomplete beta I_{df/(df+t²)}(df/2,
// 1/2), which keeps its precision for tiny p-values.
func tTwoSided(t, df float64) float64 {
	if math.IsInf(t, 0) {
		return 0
	}
	return mathext.RegIncBeta(df/2, 0.5, df/(df+t*t))
}
