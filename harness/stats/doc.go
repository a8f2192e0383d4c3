// Package stats is the statistics layer of the sparsebench leaderboard. It
// turns one metric measured over several seeds (an SLO violation rate, an
// ANTT, …) into a center with a confidence interval, compares a scheduler
// with a baseline seed by seed, and renders the result as a table cell such
// as "3.1% ± 0.4".
//
// The package is shaped like golang.org/x/perf's benchmath: results are
// plain structs, and a sample too weak for a statistic (no seeds, a single
// seed, a constant difference, NaN values) yields a result with Warnings
// rather than an error, so the leaderboard can show the warning next to the
// number. Errors are kept for programming mistakes (paired samples of
// different lengths); a confidence level outside (0, 1) panics.
//
// Three statistics are offered:
//
//   - [Mean]: the sample mean with a Student t interval across seeds, the
//     leaderboard's default.
//   - [Bootstrap]: the sample mean with a percentile-bootstrap interval,
//     deterministic for a given seed.
//   - [Paired]: the per-seed differences other − baseline (common random
//     numbers make seed i of both schedulers replay the same trace), their
//     mean with a t interval and the two-sided p-value of the paired t-test.
//
// [Format] and [FormatP] render results for tables.
//
// Means, standard deviations and percentiles come from
// github.com/montanaflynn/stats; Student t quantiles come from
// gonum.org/v1/gonum/stat/distuv and t tail probabilities from the
// regularized incomplete beta function of gonum.org/v1/gonum/mathext.
package stats
