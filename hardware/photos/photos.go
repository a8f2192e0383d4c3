package photos

import (
	"bytes"
	"crypto/sha256"
	_ "embed"
	"encoding/csv"
	"encoding/hex"
	"errors"
	"fmt"
	"image"
	_ "image/jpeg" // decoders for the formats manifest.csv holds
	_ "image/png"
	"io/fs"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

//go:embed manifest.csv
var manifestCSV []byte

//go:embed packages.csv
var packagesCSV []byte

//go:embed apt-packages.txt
var aptPackagesTxt string

// InstallCommand installs every Debian package that ships a photo of the
// manifest, pinned to the version whose files manifest.csv hashes. It is the
// same list as apt-packages.txt (a test keeps the two equal); .ci/run can use
// either.
const InstallCommand = "apt-get install -y --no-install-recommends" +
	" digikam-data=4:7.9.0-1" +
	" gimp-help-en=2.10.34-2" +
	" lomiri-wallpapers-16.04=20.04.0-2" +
	" lomiri-wallpapers-20.04=20.04.0-2" +
	" lxqt-themes=1.2.0-1" +
	" mate-backgrounds=1.26.0-1" +
	" opencv-doc=4.6.0+dfsg-12" +
	" plasma-workspace-wallpapers=4:5.27.5-2" +
	" scribus-template=1.2.4.1-6" +
	" w3m=0.5.3+git20230121-2"

// HelperPackages are installed with the photo packages though they ship no
// photo: gimp-help-en depends on the virtual package www-browser, and on a
// machine without a browser apt would pick any provider (possibly Firefox);
// w3m satisfies it for about 1 MB.
var HelperPackages = []string{"w3m=0.5.3+git20230121-2"}

// Photo is one photograph of the manifest: a file that a Debian package
// installs.
type Photo struct {
	ID      string // "<package>/<name>", unique, the manifest's sort key
	Package string // Debian package that installs Path
	Version string // package version whose file SHA256 is
	Path    string // absolute installed path
	SHA256  string // lower-case hex digest of the file
	Width   int    // pixels
	Height  int    // pixels
	Note    string // one-word scene note
}

// Package is one Debian package the manifest draws photos from.
type Package struct {
	Name         string
	Version      string
	DebBytes     int64  // size of the .deb (apt-cache "Size")
	InstalledKiB int64  // apt-cache "Installed-Size"
	Photos       int    // photos the manifest takes from it
	Licence      string // as stated in /usr/share/doc/<Name>/copyright
}

var (
	// ErrMissing is wrapped by Load's error when the photo's file is absent.
	ErrMissing = errors.New("photo file missing")
	// ErrChanged is wrapped by Load's error when the file's SHA-256 differs
	// from the manifest's.
	ErrChanged = errors.New("photo file changed")
)

var (
	idRE   = regexp.MustCompile(`^[a-z0-9][a-z0-9.+-]*/[a-z0-9]+(-[a-z0-9]+)*$`)
	hashRE = regexp.MustCompile(`^[0-9a-f]{64}$`)
)

var manifestHeader = []string{"id", "package", "version", "path", "sha256", "width", "height", "note"}

// Builtin returns the embedded manifest's photos, sorted by ID. It checks
// every row: the header, unique well-formed IDs in strict order whose prefix
// is the row's package, unique SHA-256 digests, absolute paths, positive
// sizes.
func Builtin() ([]Photo, error) {
	return parseManifest(manifestCSV)
}

func parseManifest(data []byte) ([]Photo, error) {
	recs, err := csv.NewReader(bytes.NewReader(data)).ReadAll()
	if err != nil {
		return nil, fmt.Errorf("photos manifest: %w", err)
	}
	if len(recs) == 0 || strings.Join(recs[0], ",") != strings.Join(manifestHeader, ",") {
		return nil, fmt.Errorf("photos manifest: header must be %s", strings.Join(manifestHeader, ","))
	}
	hashes := map[string]string{}
	out := make([]Photo, 0, len(recs)-1)
	for i, r := range recs[1:] {
		line := i + 2
		p := Photo{ID: r[0], Package: r[1], Version: r[2], Path: r[3], SHA256: r[4], Note: r[7]}
		var errW, errH error
		p.Width, errW = strconv.Atoi(r[5])
		p.Height, errH = strconv.Atoi(r[6])
		switch {
		case !idRE.MatchString(p.ID):
			return nil, fmt.Errorf("photos manifest line %d: malformed id %q", line, p.ID)
		case !strings.HasPrefix(p.ID, p.Package+"/"):
			return nil, fmt.Errorf("photos manifest line %d: id %q does not start with its package %q", line, p.ID, p.Package)
		case len(out) > 0 && p.ID <= out[len(out)-1].ID:
			return nil, fmt.Errorf("photos manifest line %d: id %q is not after %q (ids must be unique and sorted)", line, p.ID, out[len(out)-1].ID)
		case p.Version == "":
			return nil, fmt.Errorf("photos manifest line %d: %s has no package version", line, p.ID)
		case !strings.HasPrefix(p.Path, "/"):
			return nil, fmt.Errorf("photos manifest line %d: %s path %q is not absolute", line, p.ID, p.Path)
		case !hashRE.MatchString(p.SHA256):
			return nil, fmt.Errorf("photos manifest line %d: %s sha256 %q is not 64 lower-case hex digits", line, p.ID, p.SHA256)
		case errW != nil || errH != nil || p.Width <= 0 || p.Height <= 0:
			return nil, fmt.Errorf("photos manifest line %d: %s has bad size %sx%s", line, p.ID, r[5], r[6])
		}
		if other, dup := hashes[p.SHA256]; dup {
			return nil, fmt.Errorf("photos manifest line %d: %s has the same SHA-256 as %s", line, p.ID, other)
		}
		hashes[p.SHA256] = p.ID
		out = append(out, p)
	}
	return out, nil
}

// Packages returns the embedded list of the Debian packages the manifest
// draws from, sorted by name.
func Packages() ([]Package, error) {
	recs, err := csv.NewReader(bytes.NewReader(packagesCSV)).ReadAll()
	if err != nil {
		return nil, fmt.Errorf("photos packages.csv: %w", err)
	}
	if len(recs) == 0 || strings.Join(recs[0], ",") != "package,version,deb_bytes,installed_kib,photos,licence" {
		return nil, errors.New("photos packages.csv: bad header")
	}
	var out []Package
	for i, r := range recs[1:] {
		p := Package{Name: r[0], Version: r[1], Licence: r[5]}
		var e1, e2, e3 error
		p.DebBytes, e1 = strconv.ParseInt(r[2], 10, 64)
		p.InstalledKiB, e2 = strconv.ParseInt(r[3], 10, 64)
		p.Photos, e3 = strconv.Atoi(r[4])
		if err := errors.Join(e1, e2, e3); err != nil {
			return nil, fmt.Errorf("photos packages.csv line %d: %w", i+2, err)
		}
		out = append(out, p)
	}
	return out, nil
}

// AptPackages returns apt-packages.txt's "package=version" lines: the photo
// packages of packages.csv, then HelperPackages.
func AptPackages() []string {
	var out []string
	for _, l := range strings.Split(aptPackagesTxt, "\n") {
		if l = strings.TrimSpace(l); l != "" && !strings.HasPrefix(l, "#") {
			out = append(out, l)
		}
	}
	return out
}

// installHint is the command that installs p's file.
func (p Photo) installHint() string {
	return fmt.Sprintf("apt-get install -y --no-install-recommends %s=%s", p.Package, p.Version)
}

// Read returns the photo's file contents after checking them against the
// manifest's SHA-256. A missing file gives an error wrapping ErrMissing, a
// file with other contents one wrapping ErrChanged; both name the photo, the
// path and the package to install.
func (p Photo) Read() ([]byte, error) {
	data, err := os.ReadFile(p.Path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("photo %s: %s does not exist; it is installed by Debian package %s %s (%s): %w",
			p.ID, p.Path, p.Package, p.Version, p.installHint(), ErrMissing)
	}
	if err != nil {
		return nil, fmt.Errorf("photo %s: %w", p.ID, err)
	}
	sum := sha256.Sum256(data)
	if got := hex.EncodeToString(sum[:]); got != p.SHA256 {
		return nil, fmt.Errorf("photo %s: %s has SHA-256 %s, the manifest expects %s (the file of Debian package %s %s; reinstall it with %s --reinstall): %w",
			p.ID, p.Path, got, p.SHA256, p.Package, p.Version, p.installHint(), ErrChanged)
	}
	return data, nil
}

// Load reads the photo's installed file, verifies its SHA-256 and decodes it
// (JPEG or PNG, Go's standard decoders). It also checks the decoded size
// against the manifest.
func (p Photo) Load() (image.Image, error) {
	data, err := p.Read()
	if err != nil {
		return nil, err
	}
	img, _, err := image.Decode(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("photo %s: decoding %s: %w", p.ID, p.Path, err)
	}
	if b := img.Bounds(); b.Dx() != p.Width || b.Dy() != p.Height {
		return nil, fmt.Errorf("photo %s: %s decodes to %dx%d, the manifest says %dx%d", p.ID, p.Path, b.Dx(), b.Dy(), p.Width, p.Height)
	}
	return img, nil
}

// Available splits photos into those whose file exists on this machine and
// those whose file does not (it checks presence only; Load checks contents).
func Available(photos []Photo) (present, missing []Photo) {
	for _, p := range photos {
		if st, err := os.Stat(p.Path); err == nil && st.Mode().IsRegular() {
			present = append(present, p)
		} else {
			missing = append(missing, p)
		}
	}
	return present, missing
}

// MissingPackages returns, sorted and without repeats, the "package=version"
// of every photo in missing.
func MissingPackages(missing []Photo) []string {
	seen := map[string]bool{}
	var out []string
	for _, p := range missing {
		k := p.Package + "=" + p.Version
		if !seen[k] {
			seen[k] = true
			out = append(out, k)
		}
	}
	slices.Sort(out)
	return out
}
