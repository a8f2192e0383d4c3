package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/sparsebench/sparsebench/harness/trace"
)

// errHelp is returned after a command printed its help on request.
var errHelp = flag.ErrHelp

// usageError marks bad input — flags, files, names — which exits with
// status 2; every other error exits with 1.
type usageError struct{ err error }

func (e *usageError) Error() string { return e.err.Error() }
func (e *usageError) Unwrap() error { return e.err }

func usageErr(err error) error {
	if err == nil {
		return nil
	}
	var u *usageError
	if errors.As(err, &u) {
		return err
	}
	return &usageError{err}
}

// exitError carries an explicit exit status (for commands whose output is
// complete but whose verdict is a failure).
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }

func isExit(err error) bool {
	var e *exitError
	return errors.As(err, &e)
}

func exitCode(err error) int {
	var e *exitError
	var u *usageError
	var t *trace.Error
	switch {
	case err == nil, errors.Is(err, errHelp):
		return 0
	case errors.As(err, &e):
		return e.code
	case errors.As(err, &u), errors.As(err, &t):
		return 2
	}
	return 1
}

// newFlagSet builds a command's flag set: its -help prints the usage line,
// the flags and an example; a parse error is one line with a suggestion
// (parseFlags), not the whole usage. Flags take placeholders from the
// back-quoted word of their usage text (see flag.PrintDefaults).
func newFlagSet(name, usage, example string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintf(stderr, "Usage: %s\n\n", usage)
		fs.PrintDefaults()
		if example != "" {
			fmt.Fprintf(stderr, "\nExample:\n  %s\n", strings.ReplaceAll(example, "\n", "\n  "))
		}
	}
	return fs
}

// parseFlags parses and rejects stray positional arguments.
func parseFlags(fs *flag.FlagSet, args []string, positional bool) error {
	if err := parseQuietly(fs, args); err != nil {
		return err
	}
	if !positional && fs.NArg() > 0 {
		return usageErr(fmt.Errorf("%s: unexpected argument %q", fs.Name(), fs.Arg(0)))
	}
	return nil
}

// parseQuietly parses args: -help prints the usage and returns errHelp;
// any other problem returns one usage error naming the flag, the nearest
// defined flag when the name looks like a typo, and where help is.
func parseQuietly(fs *flag.FlagSet, args []string) error {
	usage, out := fs.Usage, fs.Output()
	fs.Usage = func() {}
	fs.SetOutput(io.Discard)
	err := fs.Parse(args)
	fs.Usage = usage
	fs.SetOutput(out)
	switch {
	case err == nil:
		return nil
	case errors.Is(err, flag.ErrHelp):
		usage()
		return errHelp
	}
	hint := ""
	if name, ok := strings.CutPrefix(err.Error(), "flag provided but not defined: -"); ok {
		var names []string
		fs.VisitAll(func(f *flag.Flag) { names = append(names, f.Name) })
		hint = didYouMean(strings.TrimLeft(name, "-"), names, "--")
	}
	return usageErr(fmt.Errorf("%s: %v%s; run 'sparsebench %s --help' for its flags", fs.Name(), err, hint, fs.Name()))
}

// wantsHelp reports whether a command line asks for help anywhere
// (-h, -help or --help), for subcommands that take no flags of their own.
func wantsHelp(args []string) bool {
	for _, a := range args {
		switch a {
		case "-h", "-help", "--help":
			return true
		}
	}
	return false
}
