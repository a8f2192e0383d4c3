package verify

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
)

// Write prints the report as `sparsebench verify` does: the file and its
// header, a table with one line per finding (only the failures with
// onlyFailures) and a verdict line. Output is assembled in memory first so
// a failure leaves nothing half-written.
func (rep *Report) Write(w io.Writer, onlyFailures bool) error {
	var buf bytes.Buffer
	fmt.Fprintf(&buf, "Verifying %s\n", rep.Path)
	for _, h := range rep.Header {
		fmt.Fprintf(&buf, "  %s\n", h)
	}
	failedN, checksN := rep.Counts()
	tw := tabwriter.NewWriter(&buf, 0, 0, 2, ' ', 0)
	if !onlyFailures || failedN > 0 {
		buf.WriteString("\n")
		fmt.Fprintln(tw, "RESULT\tSCENARIO\tPOINT\tSEED\tSCHEDULER\tFIELD\tWANT (file)\tGOT (re-run)\tNOTE")
	}
	for _, c := range rep.Findings() {
		if onlyFailures && c.Result != Fail {
			continue
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", c.Result, c.Scenario, c.Point, c.Seed, c.Scheduler,
			c.Field, c.Want, c.Got, c.Note)
	}
	tw.Flush()
	// The last columns are often empty: no trailing blanks.
	trimmed := strings.ReplaceAll(buf.String(), " \n", "\n")
	for strings.Contains(trimmed, " \n") {
		trimmed = strings.ReplaceAll(trimmed, " \n", "\n")
	}
	buf.Reset()
	buf.WriteString(trimmed)
	tol := fmt.Sprintf("floats within %g relative or %g absolute; counts, seeds, rates and SLO multipliers exactly", RelTol, AbsTol)
	if failedN == 0 {
		fmt.Fprintf(&buf, "\nPASS: all %d checks reproduce (%s).\n", checksN, tol)
	} else {
		fmt.Fprintf(&buf, "\nFAIL: %d of %d checks do not reproduce (%s).\n", failedN, checksN, tol)
	}
	_, err := w.Write(buf.Bytes())
	return err
}
