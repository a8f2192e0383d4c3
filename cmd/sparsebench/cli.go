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

// newFlagSet builds a command's flag set whose -help prints the usage line,
// the flags and an example.
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
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return errHelp
		}
		return usageErr(err)
	}
	if !positional && fs.NArg() > 0 {
		return usageErr(fmt.Errorf("%s: unexpected argument %q", fs.Name(), fs.Arg(0)))
	}
	return nil
}
