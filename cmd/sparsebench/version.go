package main

import (
	"fmt"
	"io"
	"runtime"
	"runtime/debug"
)

const versionUsage = `sparsebench version   (or sparsebench --version)`

// runVersion prints the module version, the VCS revision the binary was
// built from and the Go version, and says how to get them stamped when the
// build did not record them (go run, or a tree without .git).
func runVersion(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("version", versionUsage, "sparsebench version", stderr)
	if err := parseFlags(fs, args, false); err != nil {
		return err
	}
	fmt.Fprint(stdout, versionText())
	return nil
}

func versionText() string {
	version, revision := buildVersion()
	path := "github.com/sparsebench/sparsebench"
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Path != "" {
		path = bi.Main.Path
	}
	s := fmt.Sprintf("sparsebench %s (%s), %s %s/%s\n", version, path, runtime.Version(), runtime.GOOS, runtime.GOARCH)
	if revision != "" {
		return s + fmt.Sprintf("revision %s\n", revision)
	}
	return s + "revision unknown: this binary was built without version control information\n" +
		"(go run, a source tree without .git, or GOFLAGS=-buildvcs=false); build it inside a git\n" +
		"checkout with 'go build -buildvcs=true ./cmd/sparsebench' to record the revision\n"
}
