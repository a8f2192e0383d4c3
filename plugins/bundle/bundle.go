// Package bundle reads the manifest of an interpreted plugin — a plugin
// that is not one executable but a script, the interpreter that runs it
// and the files it imports — and computes the checksum that identifies
// what actually runs (SPEC §9.3). The format, sparsebench-bundle/1, is a
// small TOML file:
//
//	format  = "sparsebench-bundle/1"
//	command = ["python3", "llf.py"]               # argv, run in the manifest's folder
//	files   = ["llf.py", "../../sdk/python/sparsebench_plugin/plugin.py"]
//
// command[0] is looked up on PATH unless it names a file (it contains a
// slash), which must then be one of the files. The checksum covers the
// manifest and every listed file, byte for byte; the interpreter and the
// system's libraries are not part of it (a sandbox, issue 15, is what
// keeps a plugin from reading files it did not declare).
//
// A plain executable is a bundle of one file: Open accepts either, so the
// commands take a plugin path without asking which kind it is.
package bundle

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"

	"github.com/BurntSushi/toml"
)

// Format is the manifest's format tag.
const Format = "sparsebench-bundle/1"

// Limits on what a manifest may declare, checked before anything is read.
const (
	MaxManifestBytes = 64 << 10
	MaxFiles         = 1000
	MaxFileBytes     = 64 << 20
	MaxTotalBytes    = 256 << 20
	MaxArgs          = 64
)

// Program is what a plugin path stands for: how to start it and the
// SHA-256 of what runs.
type Program struct {
	Path string   // the plugin path as given
	Exe  string   // the program to start (an executable, or the interpreter)
	Args []string // its arguments
	Dir  string   // its working folder; "" for the host's
	// SHA256 is the hex SHA-256 of the executable, or of the bundle (the
	// manifest and its files) for a manifest.
	SHA256 string
	// Files are the bundle's files as the manifest lists them, in order
	// (empty for an executable).
	Files []string
	// Manifest says whether Path is a bundle manifest.
	Manifest bool
}

// manifest is the TOML document.
type manifest struct {
	Format  string   `toml:"format"`
	Command []string `toml:"command"`
	Files   []string `toml:"files"`
}

// IsManifest reports whether path names a bundle manifest: a file whose
// name ends in .toml.
func IsManifest(path string) bool { return strings.HasSuffix(path, ".toml") }

// Open resolves a plugin path: an executable, or a bundle manifest.
func Open(path string) (*Program, error) {
	if IsManifest(path) {
		return openManifest(path)
	}
	fi, err := os.Stat(path)
	switch {
	case err != nil:
		return nil, fmt.Errorf("plugin %s: %w", path, err)
	case fi.IsDir():
		return nil, fmt.Errorf("plugin %s: is a directory, want an executable (go build it first) or a bundle manifest (.toml)", path)
	case !fi.Mode().IsRegular():
		return nil, fmt.Errorf("plugin %s: is not a regular file", path)
	case runtime.GOOS != "windows" && fi.Mode().Perm()&0o111 == 0:
		return nil, fmt.Errorf("plugin %s: is not executable (chmod +x)", path)
	}
	sum, err := fileSHA256(path, MaxTotalBytes)
	if err != nil {
		return nil, fmt.Errorf("plugin %s: %w", path, err)
	}
	return &Program{Path: path, Exe: path, SHA256: sum}, nil
}

func openManifest(path string) (*Program, error) {
	fail := func(format string, a ...any) error {
		return fmt.Errorf("plugin bundle %s: %s", path, fmt.Sprintf(format, a...))
	}
	data, err := readBounded(path, MaxManifestBytes)
	if err != nil {
		return nil, fail("%v", err)
	}
	var m manifest
	md, err := toml.Decode(string(data), &m)
	if err != nil {
		return nil, fail("%v", err)
	}
	if und := md.Undecoded(); len(und) > 0 {
		return nil, fail("unknown key %q (want format, command, files)", und[0].String())
	}
	switch {
	case m.Format != Format:
		return nil, fail("format = %q, want %q", m.Format, Format)
	case len(m.Command) == 0 || m.Command[0] == "":
		return nil, fail(`command: want the program and its arguments, e.g. ["python3", "plugin.py"]`)
	case len(m.Command) > MaxArgs:
		return nil, fail("command: %d arguments, at most %d", len(m.Command), MaxArgs)
	case len(m.Files) == 0:
		return nil, fail("files: want the files the plugin runs (its scripts and the modules they import)")
	case len(m.Files) > MaxFiles:
		return nil, fail("files: %d files, at most %d", len(m.Files), MaxFiles)
	}
	dir := filepath.Dir(path)
	seen := map[string]bool{}
	for i, f := range m.Files {
		if f == "" || filepath.IsAbs(f) || strings.ContainsRune(f, '\\') || filepath.ToSlash(filepath.Clean(f)) != f {
			return nil, fail("files[%d] = %q: want a clean relative path with forward slashes", i, f)
		}
		if seen[f] {
			return nil, fail("files[%d] = %q is listed twice", i, f)
		}
		seen[f] = true
	}
	exe := m.Command[0]
	if strings.ContainsRune(exe, '/') {
		if !seen[filepath.ToSlash(filepath.Clean(exe))] {
			return nil, fail("command[0] = %q is a file of the bundle but is not in files", exe)
		}
		exe = filepath.Join(dir, exe)
	} else if exe, err = lookPath(exe); err != nil {
		return nil, fail("command[0] = %q: %v", m.Command[0], err)
	}
	sum, err := bundleSHA256(dir, data, m.Files)
	if err != nil {
		return nil, fail("%v", err)
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fail("%v", err)
	}
	return &Program{Path: path, Exe: exe, Args: m.Command[1:], Dir: abs, SHA256: sum, Files: m.Files, Manifest: true}, nil
}

// lookPath finds an interpreter on PATH.
var lookPath = exec.LookPath

// bundleSHA256 is the checksum of a bundle: the SHA-256 of a text that
// lists the SHA-256 of the manifest and of every file, sorted by path, in
// sha256sum's layout —
//
//	sparsebench-bundle/1
//	<hex>  <manifest>
//	<hex>  <file>          (one line per file, sorted)
//
// so that a reviewer can reproduce it with sha256sum.
func bundleSHA256(dir string, manifestData []byte, files []string) (string, error) {
	var b bytes.Buffer
	ms := sha256.Sum256(manifestData)
	fmt.Fprintf(&b, "%s\n%s  <manifest>\n", Format, hex.EncodeToString(ms[:]))
	sorted := slices.Clone(files)
	slices.Sort(sorted)
	total := int64(0)
	for _, f := range sorted {
		p := filepath.Join(dir, filepath.FromSlash(f))
		fi, err := os.Stat(p)
		switch {
		case err != nil:
			return "", fmt.Errorf("files: %w", err)
		case !fi.Mode().IsRegular():
			return "", fmt.Errorf("files: %s is not a regular file", f)
		case fi.Size() > MaxFileBytes:
			return "", fmt.Errorf("files: %s has %d bytes, at most %d", f, fi.Size(), MaxFileBytes)
		}
		total += fi.Size()
		if total > MaxTotalBytes {
			return "", fmt.Errorf("files: more than %d bytes in all", MaxTotalBytes)
		}
		sum, err := fileSHA256(p, MaxFileBytes)
		if err != nil {
			return "", fmt.Errorf("files: %w", err)
		}
		fmt.Fprintf(&b, "%s  %s\n", sum, f)
	}
	s := sha256.Sum256(b.Bytes())
	return hex.EncodeToString(s[:]), nil
}

// fileSHA256 hashes a regular file of at most limit bytes.
func fileSHA256(path string, limit int64) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.Copy(h, io.LimitReader(f, limit+1))
	if err != nil {
		return "", err
	}
	if n > limit {
		return "", fmt.Errorf("%s: more than %d bytes", path, limit)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// readBounded reads a regular file of at most limit bytes.
func readBounded(path string, limit int64) ([]byte, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if !fi.Mode().IsRegular() {
		return nil, errors.New("not a regular file")
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > limit {
		return nil, fmt.Errorf("more than %d bytes", limit)
	}
	return data, nil
}
