package main

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/sparsebench/sparsebench/plugins/policies"
	"github.com/sparsebench/sparsebench/plugins/scheduler"
)

const schedulersUsage = `sparsebench schedulers`

func runSchedulers(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("schedulers", schedulersUsage, "sparsebench schedulers", stderr)
	if err := parseFlags(fs, args, false); err != nil {
		return err
	}
	var buf bytes.Buffer
	tw := tabwriter.NewWriter(&buf, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "name\testimate\tmonitor\toracle\tparameters\twhat it does")
	for _, e := range policies.All() {
		info := e.New(policies.Defaults()).Info()
		params := "-"
		if len(e.Params) > 0 {
			params = strings.Join(e.Params, ",")
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", e.Name, info.Estimate, yesNo(info.Monitor), yesNo(info.Oracle), params, e.Summary)
	}
	tw.Flush()
	fmt.Fprintln(&buf, "\nSet parameters as NAME:key=value, e.g. dysta:beta=0.02, sdrm3:alpha=2, prema:levels=1/3/9, dysta:monitor=off.")
	fmt.Fprintf(&buf, "beta and alpha take numbers in [0, %g], levels ascending numbers in (0, %g]; monitor on or off (off: γ = 1).\n", scheduler.MaxWeight, scheduler.MaxWeight)
	_, err := stdout.Write(buf.Bytes())
	return err
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}
