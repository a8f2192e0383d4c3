package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/sparsebench/sparsebench/suite"
)

const scenariosUsage = `sparsebench scenarios list | show ID | validate FILE…`

const scenariosExample = `sparsebench scenarios list
sparsebench scenarios show mobile-visual-perception@v1
sparsebench scenarios validate my-scenario/v1.toml`

// scenariosSubUsage is each subcommand's usage line, what it does and an
// example.
var scenariosSubUsage = map[string][3]string{
	"list": {"sparsebench scenarios list", "Lists every built-in scenario version: id, hash, deployment, accelerator, description.\n",
		"sparsebench scenarios list"},
	"show": {"sparsebench scenarios show ID", "Prints a scenario (NAME for its latest version, or NAME@vN) as JSON, with its hash.\n",
		"sparsebench scenarios show mobile-visual-perception@v1"},
	"validate": {"sparsebench scenarios validate FILE…", "Checks scenario files and reports every problem with its file, line and column;\nexit status 2 when any file has one.\n",
		"sparsebench scenarios validate my-scenario/v1.toml"},
}

func runScenariosCmd(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("scenarios", scenariosUsage, scenariosExample, stderr)
	if err := parseFlags(fs, args, true); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		fs.Usage()
		return usageErr(fmt.Errorf("scenarios: want list, show ID or validate FILE…"))
	}
	rest := fs.Args()[1:]
	if wantsHelp(rest) {
		if u, ok := scenariosSubUsage[fs.Arg(0)]; ok {
			fmt.Fprintf(stderr, "Usage: %s\n\n%s\nExample:\n  %s\n", u[0], u[1], u[2])
			return errHelp
		}
	}
	switch fs.Arg(0) {
	case "list":
		if len(rest) > 0 {
			return usageErr(fmt.Errorf("scenarios list takes no arguments"))
		}
		s, err := suite.Builtin()
		if err != nil {
			return err
		}
		var buf bytes.Buffer
		tw := tabwriter.NewWriter(&buf, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "id\thash\tdeployment\taccelerator\tdescription")
		for _, sc := range s.All() {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", sc.ID(), sc.Hash()[:12], sc.Deployment, sc.Accelerator.Name, firstSentence(sc.Description))
		}
		tw.Flush()
		_, err = stdout.Write(buf.Bytes())
		return err
	case "show":
		if len(rest) != 1 {
			return usageErr(fmt.Errorf("scenarios show: want exactly one ID"))
		}
		s, err := suite.Builtin()
		if err != nil {
			return err
		}
		sc, err := s.Resolve(rest[0])
		if err != nil {
			return usageErr(err)
		}
		b, err := json.MarshalIndent(struct {
			ID     string `json:"id"`
			Hash   string `json:"hash"`
			Source string `json:"source"`
			*suite.Scenario
		}{sc.ID(), sc.Hash(), sc.Source(), sc}, "", "  ")
		if err != nil {
			return err
		}
		_, err = stdout.Write(append(b, '\n'))
		return err
	case "validate":
		if len(rest) == 0 {
			return usageErr(fmt.Errorf("scenarios validate: want one or more FILEs"))
		}
		s, err := suite.LoadFiles(rest)
		if err != nil {
			return usageErr(err)
		}
		var buf bytes.Buffer
		for _, sc := range s.All() {
			fmt.Fprintf(&buf, "%s: ok (%s, hash %s)\n", sc.Source(), sc.ID(), sc.Hash()[:12])
		}
		_, err = stdout.Write(buf.Bytes())
		return err
	}
	return usageErr(fmt.Errorf("scenarios: unknown subcommand %q; want list, show or validate", fs.Arg(0)))
}

func firstSentence(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if i := strings.Index(s, ". "); i >= 0 {
		s = s[:i+1]
	}
	if len(s) > 90 {
		s = s[:87] + "..."
	}
	return s
}
