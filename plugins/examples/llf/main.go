// Command llf is an example third-party scheduler plugin for sparsebench:
// a least-laxity-first policy, written only against sparsebench's public
// API and served out of process by its plugin SDK. See README.md.
package main

import (
	"fmt"
	"os"

	"github.com/sparsebench/sparsebench/plugins/scheduler"
	"github.com/sparsebench/sparsebench/plugins/sdk"
)

func main() {
	if !sdk.LaunchedByHost() {
		fmt.Fprintln(os.Stderr, "llf is a sparsebench scheduler plugin: run it with\n"+
			"  sparsebench run --scenario mobile-visual-perception --scheduler-plugin ./llf\n"+
			"or check it with\n"+
			"  sparsebench plugin check ./llf")
		os.Exit(2)
	}
	// One fresh policy per simulated run.
	sdk.ServeScheduler(func() scheduler.Scheduler { return &LLF{} })
}
