package stats

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// Unit says how Format renders a Summary's numbers.
type Unit int

const (
	// Plain renders numbers as they are: "2.41 ± 0.12".
	Plain Unit = iota
	// Percent renders a rate or fraction (0.031 is 3.1%) in percent, the
	// half-width in percentage points: "3.1% ± 0.4".
	Percent
)

// Format renders s as a table cell, "center ± h" with h = s.HalfWidth().
// The rules:
//
//   - Percent multiplies the center and h by 100 and puts "%" after the
//     center only.
//   - h is rounded to two significant digits when its leading digit is 1 or
//     2 and to one significant digit otherwise (0.123 → 0.12, 0.37 → 0.4,
//     37 → 40, 0.96 → 1.0); the center is rounded to the same decimal place
//     (2.4137 ± 0.123 → "2.41 ± 0.12", 1234.5 ± 37 → "1230 ± 40").
//   - A zero-width interval with N ≥ 2 reads "± 0" and its center keeps three
//     significant digits ("10.0 ± 0", "0% ± 0").
//   - With N < 2 there is no interval: the cell is the center alone, with
//     three significant digits ("7.00"); the Summary's warning says why.
//   - A NaN or infinite center reads "n/a".
//   - A value that rounds to zero is printed without a minus sign.
//
// Format does not print warnings; the caller shows s.Warnings.
func Format(s Summary, u Unit) string {
	c, h := s.Center, s.HalfWidth()
	if math.IsNaN(c) || math.IsInf(c, 0) {
		return "n/a"
	}
	if u == Percent {
		c, h = 100*c, 100*h
	}
	sign := ""
	if u == Percent {
		sign = "%"
	}
	if s.N < 2 || !(h >= 0) || math.IsInf(h, 0) {
		return fixed(c, sigDecimals(c)) + sign
	}
	if h == 0 {
		return fixed(c, sigDecimals(c)) + sign + " ± 0"
	}
	d := errDecimals(h)
	return fixed(c, d) + sign + " ± " + fixed(h, d)
}

// FormatDiff renders a difference like Format, with a "+" before a
// positive center that does not round to zero: "+1.2% ± 0.3", "-0.05 ±
// 0.02", "0% ± 0".
func FormatDiff(s Summary, u Unit) string {
	out := Format(s, u)
	num, _, _ := strings.Cut(out, "%")
	num, _, _ = strings.Cut(num, " ")
	if s.Center > 0 && strings.Trim(num, "0.") != "" && out != "n/a" {
		out = "+" + out
	}
	return out
}

// FormatP renders a p-value as "p=0.016", "p<0.001" below 0.001, or "p=n/a"
// for NaN.
func FormatP(p float64) string {
	switch {
	case math.IsNaN(p):
		return "p=n/a"
	case p < 0.001:
		return "p<0.001"
	}
	return fmt.Sprintf("p=%.3f", p)
}

// errDecimals returns the decimal place (digits after the point; negative
// for tens, hundreds, …) to which the positive half-width h is rounded: two
// significant digits when they start with 1 or 2, one otherwise.
func errDecimals(h float64) int {
	m, e := mantExp(h, 2)
	if m < 3 {
		return 1 - e
	}
	return -e
}

// sigDecimals returns the decimal place that keeps three significant digits
// of x, but never rounds its integer part (and 0 for x = 0).
func sigDecimals(x float64) int {
	if x == 0 {
		return 0
	}
	_, e := mantExp(x, 3)
	return max(0, 2-e)
}

// mantExp returns |x| rounded to sig significant digits as m·10^e with
// 1 ≤ m < 10. Going through strconv keeps e exact where log10 would not.
func mantExp(x float64, sig int) (m float64, e int) {
	str := strconv.FormatFloat(math.Abs(x), 'e', sig-1, 64)
	mant, exp, _ := strings.Cut(str, "e")
	m, _ = strconv.ParseFloat(mant, 64)
	e, _ = strconv.Atoi(exp)
	return m, e
}

// fixed renders x rounded to d decimals (to 10^-d when d < 0), without a
// minus sign when the result is zero.
func fixed(x float64, d int) string {
	var str string
	if d >= 0 {
		str = strconv.FormatFloat(x, 'f', d, 64)
	} else {
		p := math.Pow10(-d)
		str = strconv.FormatFloat(math.Round(x/p)*p, 'f', 0, 64)
	}
	if strings.HasPrefix(str, "-") && strings.Trim(str, "-0.") == "" {
		str = str[1:]
	}
	return str
}
