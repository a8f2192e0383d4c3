package tfjs

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// Agreement tolerances against TensorFlow.js 4.22.0's CPU backend.
//
// The Go kernels reproduce tfjs-backend-cpu's arithmetic (same summation
// order, same float32 rounding points, see gemm.go), so the expected
// difference is zero; the tolerances only leave room for the ulp-level
// differences between Go's math.Exp and V8's Math.exp inside the final
// softmax and for libm-level changes in other Node versions.
const (
	// agreeRel bounds |go - tfjs| / max(|tfjs|, agreeAbsFloor) for every
	// compared value (outputs, the first 64 values, the strided sample).
	agreeRel = 1e-4
	// agreeAbsFloor keeps values near zero from demanding a relative
	// match.
	agreeAbsFloor = 1e-3
	// agreeZeroSlack is the allowed difference in exact-zero counts, as a
	// fraction of the tensor's size; zero. Every zero comes from a ReLU
	// clamp or a ZeroPadding2D border, and with bit-identical arithmetic
	// the counts are identical.
	agreeZeroSlack = 0.0
)

// agreeBitExact requires every captured layer other than the model's
// softmax output to be bit-identical to TensorFlow.js (its SHA-256 over
// the little-endian float32 values): every operation before the softmax
// is IEEE-exact (+, -, *, /, sqrt) in a fixed order, so any difference is
// a bug, not rounding noise.
const agreeBitExact = true

// referenceInputs are the deterministic inputs reference.cjs uses; both
// compute k/255 for an integer k and round the float64 quotient to
// float32.
var referenceInputs = map[string]func(y, x, c int) float32{
	"pattern": func(y, x, c int) float32 { return float32(float64((3*x+5*y+71*c)%256) / 255) },
	"checker": func(y, x, c int) float32 {
		return float32(float64((((x>>3)+(y>>3))%2)*200+((x*y+37*c)%56)) / 255)
	},
}

var referenceInputOrder = []string{"pattern", "checker"}

func makeInput(f func(y, x, c int) float32, h, w, c int) []float32 {
	out := make([]float32, 0, h*w*c)
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			for ch := 0; ch < c; ch++ {
				out = append(out, f(y, x, ch))
			}
		}
	}
	return out
}

type refSummary struct {
	Shape        []int     `json:"shape"`
	Count        int       `json:"count"`
	Zeros        int64     `json:"zeros"`
	Sum          float64   `json:"sum"`
	Sumsq        float64   `json:"sumsq"`
	First        []float64 `json:"first"`
	SampleStride int       `json:"sampleStride"`
	Sample       []float64 `json:"sample"`
	SHA256       string    `json:"sha256"`
}

type refFile struct {
	Versions   map[string]string `json:"versions"`
	Backend    string            `json:"backend"`
	Model      string            `json:"model"`
	InputShape []int             `json:"inputShape"`
	Inputs     map[string]struct {
		Output            []float64             `json:"output"`
		Layers            map[string]refSummary `json:"layers"`
		ComputeInputZeros []struct {
			Layer string `json:"layer"`
			Zeros int64  `json:"zeros"`
			Total int64  `json:"total"`
		} `json:"computeInputZeros"`
	} `json:"inputs"`
}

// modelDirOrSkip finds an nsfwjs model, skipping (or failing under CI)
// when it is not installed.
func modelDirOrSkip(t testing.TB, name string) string {
	t.Helper()
	dir, err := NSFWJSModelDir(name)
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("CI is set but the nsfwjs models are missing: %v", err)
		}
		t.Skipf("nsfwjs models not installed (%v); install with: %s", err, InstallHint)
	}
	return dir
}

var loaded = map[string]*Model{}

func loadModel(t testing.TB, name string) *Model {
	t.Helper()
	if m := loaded[name]; m != nil {
		return m
	}
	m, err := Load(modelDirOrSkip(t, name))
	if err != nil {
		t.Fatal(err)
	}
	loaded[name] = m
	return m
}

func readRef(t *testing.T, path string) *refFile {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var r refFile
	if err := json.Unmarshal(b, &r); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return &r
}

// agreeStats accumulates the worst differences for the log.
type agreeStats struct {
	maxAbs, maxRel float64
	compared       int
	exact          int // layers whose SHA-256 matched
	layers         int
}

func (s *agreeStats) value(t *testing.T, what string, got float32, want float64) {
	t.Helper()
	d := math.Abs(float64(got) - want)
	rel := d / math.Max(math.Abs(want), agreeAbsFloor)
	s.maxAbs = math.Max(s.maxAbs, d)
	s.maxRel = math.Max(s.maxRel, rel)
	s.compared++
	if !(rel <= agreeRel) {
		t.Errorf("%s: go %v, tfjs %v (relative difference %.3g > %g)", what, got, want, rel, agreeRel)
	}
}

func compareRef(t *testing.T, m *Model, ref *refFile, label string, inputs []string) agreeStats {
	var st agreeStats
	h, w, c := m.InputShape()
	if len(ref.InputShape) != 3 || ref.InputShape[0] != h || ref.InputShape[1] != w || ref.InputShape[2] != c {
		t.Fatalf("%s: reference input shape %v, model %dx%dx%d", label, ref.InputShape, h, w, c)
	}
	for _, inName := range inputs {
		ri, ok := ref.Inputs[inName]
		if !ok {
			t.Fatalf("%s: reference lacks input %q", label, inName)
		}
		in := makeInput(referenceInputs[inName], h, w, c)
		var names []string
		for n := range ri.Layers {
			names = append(names, n)
		}
		names = sortStrings(names)
		var stats []LayerStat
		caps, out, err := m.RunCaptureObserve(in, names, func(s LayerStat) { stats = append(stats, s) })
		if err != nil {
			t.Fatal(err)
		}
		if len(out) != len(ri.Output) {
			t.Fatalf("%s/%s: output has %d values, reference %d", label, inName, len(out), len(ri.Output))
		}
		for i := range out {
			st.value(t, fmt.Sprintf("%s/%s output[%d]", label, inName, i), out[i], ri.Output[i])
		}
		for _, n := range names {
			rs := ri.Layers[n]
			v := caps[n]
			st.layers++
			if len(v) != rs.Count {
				t.Errorf("%s/%s %s: %d values, reference %d", label, inName, n, len(v), rs.Count)
				continue
			}
			if sha := float32SHA256(v); sha == rs.SHA256 {
				st.exact++
			} else if agreeBitExact && n != m.nodes[m.output].name {
				t.Errorf("%s/%s %s: not bit-identical to TensorFlow.js (SHA-256 %s, reference %s)", label, inName, n, sha, rs.SHA256)
			}
			for i, want := range rs.First {
				st.value(t, fmt.Sprintf("%s/%s %s[%d]", label, inName, n, i), v[i], want)
			}
			for i, want := range rs.Sample {
				j := i * rs.SampleStride
				st.value(t, fmt.Sprintf("%s/%s %s[%d]", label, inName, n, j), v[j], want)
			}
			var sum, sumsq float64
			for _, x := range v {
				sum += float64(x)
				sumsq += float64(x) * float64(x)
			}
			scale := math.Sqrt(rs.Sumsq * float64(rs.Count)) // bound on |sum| by Cauchy-Schwarz
			if d := math.Abs(sum - rs.Sum); d > agreeRel*math.Max(scale, agreeAbsFloor) {
				t.Errorf("%s/%s %s: sum %v, reference %v", label, inName, n, sum, rs.Sum)
			}
			if d := math.Abs(sumsq - rs.Sumsq); d > agreeRel*math.Max(rs.Sumsq, agreeAbsFloor) {
				t.Errorf("%s/%s %s: sum of squares %v, reference %v", label, inName, n, sumsq, rs.Sumsq)
			}
			checkZeros(t, fmt.Sprintf("%s/%s %s", label, inName, n), countZeros(v), rs.Zeros, int64(rs.Count))
		}
		if len(stats) != len(ri.ComputeInputZeros) {
			t.Fatalf("%s/%s: %d compute layers, reference %d", label, inName, len(stats), len(ri.ComputeInputZeros))
		}
		for i, rz := range ri.ComputeInputZeros {
			s := stats[i]
			if s.Name != rz.Layer || s.Total != rz.Total {
				t.Errorf("%s/%s compute layer %d: %s with %d inputs, reference %s with %d", label, inName, i, s.Name, s.Total, rz.Layer, rz.Total)
				continue
			}
			checkZeros(t, fmt.Sprintf("%s/%s input of %s", label, inName, s.Name), s.Zeros, rz.Zeros, rz.Total)
		}
	}
	t.Logf("%s: %d values compared, max abs diff %.3g, max rel diff %.3g; %d of %d captured layers bit-identical (SHA-256)",
		label, st.compared, st.maxAbs, st.maxRel, st.exact, st.layers)
	return st
}

func checkZeros(t *testing.T, what string, got, want, total int64) {
	t.Helper()
	d := got - want
	if d < 0 {
		d = -d
	}
	if float64(d) > agreeZeroSlack*float64(total) {
		t.Errorf("%s: %d exact zeros, tfjs %d (of %d)", what, got, want, total)
	}
}

func sortStrings(s []string) []string {
	for i := 1; i < len(s); i++ {
		for j := i; j > 0 && s[j] < s[j-1]; j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
	return s
}

func testAgreement(t *testing.T, name string) {
	t.Parallel()
	m := loadModel(t, name)
	fixture := filepath.Join("testdata", name+".ref.json")
	// TensorFlow.js re-runs (when Node and the pinned packages are
	// present) while Go compares against the committed fixture.
	rerun := startReference(t, name)
	compareRef(t, m, readRef(t, fixture), fixture, referenceInputOrder)
	if rerun == nil {
		return
	}
	if err := rerun.cmd.Wait(); err != nil {
		t.Fatalf("reference.cjs: %v\n%s", err, rerun.output.String())
	}
	compareRef(t, m, readRef(t, rerun.out), "fresh TensorFlow.js run", []string{rerunInput})
}

// rerunInput is the one input of the two that the re-run computes: it
// checks that TensorFlow.js still computes what the fixture holds (the
// fixture covers both), at half the time.
const rerunInput = "pattern"

type reference struct {
	cmd    *exec.Cmd
	output bytes.Buffer
	out    string
}

// startReference starts reference.cjs on the model, or returns nil (having
// said why) when it cannot run here; with CI set, missing packages fail.
func startReference(t *testing.T, name string) *reference {
	t.Helper()
	prefix, err := NPMPrefix()
	if err != nil {
		t.Log(err)
		return nil
	}
	node, err := exec.LookPath("node")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("CI is set but node is not on PATH")
		}
		t.Logf("node not found; compared against the committed fixture only")
		return nil
	}
	for _, p := range []string{"@tensorflow/tfjs-core", "@tensorflow/tfjs-layers", "@tensorflow/tfjs-backend-cpu", "nsfwjs"} {
		if _, err := os.Stat(filepath.Join(prefix, "node_modules", p, "package.json")); err != nil {
			if os.Getenv("CI") != "" {
				t.Fatalf("CI is set but %s is not installed under %s: install with: %s", p, prefix, InstallHint)
			}
			t.Logf("%s not installed under %s; compared against the committed fixture only (install with: %s)", p, prefix, InstallHint)
			return nil
		}
	}
	if testing.Short() {
		t.Log("-short: not re-running TensorFlow.js")
		return nil
	}
	if name == "inception_v3" && os.Getenv("CI") == "" {
		// 20 s of single-threaded JavaScript; CI (which sets CI) runs it,
		// so `go test ./...` stays within its minute elsewhere.
		t.Log("not re-running TensorFlow.js on InceptionV3 outside CI (set CI=1 to)")
		return nil
	}
	r := &reference{out: filepath.Join(t.TempDir(), name+".json")}
	r.cmd = exec.Command(node, filepath.Join("testdata", "reference", "reference.cjs"), prefix, name, r.out, rerunInput)
	r.cmd.Stdout, r.cmd.Stderr = &r.output, &r.output
	if err := r.cmd.Start(); err != nil {
		t.Fatalf("reference.cjs: %v", err)
	}
	t.Cleanup(func() {
		if r.cmd.ProcessState == nil { // a failed test left it running
			r.cmd.Process.Kill()
			r.cmd.Wait()
		}
	})
	return r
}

func TestAgreementMobileNetV2(t *testing.T) { testAgreement(t, "mobilenet_v2") }
func TestAgreementInceptionV3(t *testing.T) { testAgreement(t, "inception_v3") }
