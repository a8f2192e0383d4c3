package tfjs

import (
	"fmt"
	"os"
	"path/filepath"
)

// NSFWJSVersion is the nsfwjs release whose models this package is tested
// against.
const NSFWJSVersion = "4.4.0"

// NPMPrefix is the folder whose node_modules holds nsfwjs (and, for the
// agreement test, the TensorFlow.js packages): $SPARSEBENCH_NPM when set,
// else $HOME/.cache/sparsebench/npm.
func NPMPrefix() (string, error) {
	if p := os.Getenv("SPARSEBENCH_NPM"); p != "" {
		return p, nil
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", fmt.Errorf("tfjs: $SPARSEBENCH_NPM is unset and the home directory is unknown: %w", err)
	}
	return filepath.Join(home, ".cache", "sparsebench", "npm"), nil
}

// InstallHint is the command that installs what NSFWJSModelDir looks for.
const InstallHint = `npm install --prefix "${SPARSEBENCH_NPM:-$HOME/.cache/sparsebench/npm}" nsfwjs@4.4.0 @tensorflow/tfjs-core@4.22.0 @tensorflow/tfjs-layers@4.22.0 @tensorflow/tfjs-backend-cpu@4.22.0`

// NSFWJSModelDir returns the directory of one of nsfwjs's bundled models
// ("mobilenet_v2", "mobilenet_v2_mid", "inception_v3"; only the layers
// models mobilenet_v2 and inception_v3 load here) under
// NPMPrefix()/node_modules/nsfwjs/dist/models, checking that it exists.
func NSFWJSModelDir(name string) (string, error) {
	prefix, err := NPMPrefix()
	if err != nil {
		return "", err
	}
	dir := filepath.Join(prefix, "node_modules", "nsfwjs", "dist", "models", name)
	if _, err := os.Stat(filepath.Join(dir, "model.min.js")); err != nil {
		return "", fmt.Errorf("tfjs: nsfwjs model %q not found at %s (install with: %s): %w", name, dir, InstallHint, err)
	}
	return dir, nil
}
