// Package photos supplies real photographs for measuring the activation
// sparsity of pretrained networks, and the preprocessing that turns them into
// model inputs exactly as TensorFlow.js (nsfwjs) does.
//
// The photographs are not in this repository: they are files shipped in
// Debian packages of this machine's release (bookworm), listed with their
// SHA-256 in manifest.csv. apt-packages.txt names the packages, pinned to the
// versions hashed; selection.tsv records every image file reviewed and why it
// was kept or which category excluded it. gen_manifest.go regenerates the
// manifest from the selection. See README.md.
package photos
