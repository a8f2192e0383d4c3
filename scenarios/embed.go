// Package scenarios holds the built-in benchmark scenarios as TOML files,
// one folder per scenario and one file per released version
// (NAME/vN.toml), and the lock file that pins each released version's
// content hash. SCENARIOS.md documents the format; package suite loads them.
package scenarios

import "embed"

// Files are the scenario files, NAME/vN.toml.
//
//go:embed */*.toml
var Files embed.FS

// Lock is the lock file: one line per released version, "NAME@vN SHA256".
//
//go:embed scenarios.lock
var Lock []byte

// LockPath is the lock file's path from the repository root.
const LockPath = "scenarios/scenarios.lock"
