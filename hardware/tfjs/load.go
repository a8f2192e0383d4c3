package tfjs

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
)

// File describes one file a model was loaded from, for provenance.
type File struct {
	Name   string // base name inside the model directory
	SHA256 string // lower-case hex SHA-256 of the file's bytes on disk
	Bytes  int64  // size on disk
}

// modelFile is the decoded model.json (or the object exported by
// model.min.js).
type modelFile struct {
	Format          string          `json:"format"`
	ModelTopology   json.RawMessage `json:"modelTopology"`
	WeightsManifest []manifestGroup `json:"weightsManifest"`
}

type manifestGroup struct {
	Paths   []string     `json:"paths"`
	Weights []weightSpec `json:"weights"`
}

type weightSpec struct {
	Name         string        `json:"name"`
	Shape        []int         `json:"shape"`
	Dtype        string        `json:"dtype"`
	Quantization *quantization `json:"quantization"`
}

type quantization struct {
	Min   *float64 `json:"min"`
	Scale *float64 `json:"scale"`
	Dtype string   `json:"dtype"`
}

// weight is a decoded float32 weight tensor.
type weight struct {
	shape []int
	data  []float32
}

// Load reads a TensorFlow.js layers model from dir. The directory holds
// either the standard files (model.json plus the shard files its
// weightsManifest names) or nsfwjs's browserify-wrapped form (model.min.js
// plus, for every manifest path P, the file P+".min.js" whose single
// "exports=" assignment is the base64 text of the shard). model.json wins
// when both exist.
func Load(dir string) (*Model, error) {
	mf, files, shards, err := readArtifacts(dir)
	if err != nil {
		return nil, err
	}
	weights, err := decodeManifest(mf.WeightsManifest, shards)
	if err != nil {
		return nil, fmt.Errorf("tfjs: %s: %w", dir, err)
	}
	m, err := buildModel(mf.ModelTopology, weights)
	if err != nil {
		return nil, fmt.Errorf("tfjs: %s: %w", dir, err)
	}
	m.files = files
	m.dir = dir
	return m, nil
}

// readArtifacts returns the parsed model file, the provenance list and the
// raw shard bytes, one slice per manifest group (paths concatenated).
func readArtifacts(dir string) (*modelFile, []File, [][]byte, error) {
	var (
		mf      modelFile
		files   []File
		wrapped bool
	)
	jsonPath := filepath.Join(dir, "model.json")
	src, err := os.ReadFile(jsonPath)
	if err == nil {
		files = append(files, fileInfo("model.json", src))
		if err := json.Unmarshal(src, &mf); err != nil {
			return nil, nil, nil, fmt.Errorf("tfjs: %s: %w", jsonPath, jsonErr(jsonPath, src, err))
		}
	} else if errors.Is(err, os.ErrNotExist) {
		jsPath := filepath.Join(dir, "model.min.js")
		src, err = os.ReadFile(jsPath)
		if err != nil {
			if errors.Is(err, os.ErrNotExist) {
				return nil, nil, nil, fmt.Errorf("tfjs: %s holds neither model.json nor model.min.js", dir)
			}
			return nil, nil, nil, fmt.Errorf("tfjs: %w", err)
		}
		files = append(files, fileInfo("model.min.js", src))
		wrapped = true
		at, err := unwrapExports(jsPath, src)
		if err != nil {
			return nil, nil, nil, fmt.Errorf("tfjs: %w", err)
		}
		if src[at] != '{' {
			return nil, nil, nil, fmt.Errorf("tfjs: %w", newSyntaxError(jsPath, src, at, "model.min.js exports a string, want an object"))
		}
		js, end, err := jsToJSON(jsPath, src, at)
		if err != nil {
			return nil, nil, nil, fmt.Errorf("tfjs: %w", err)
		}
		if err := checkLiteralEnd(jsPath, src, end); err != nil {
			return nil, nil, nil, fmt.Errorf("tfjs: %w", err)
		}
		if err := json.Unmarshal(js, &mf); err != nil {
			return nil, nil, nil, fmt.Errorf("tfjs: %s: decoding the exported object: %w", jsPath, err)
		}
	} else {
		return nil, nil, nil, fmt.Errorf("tfjs: %w", err)
	}
	if mf.Format != "" && mf.Format != "layers-model" {
		return nil, nil, nil, fmt.Errorf("tfjs: %s: format %q is not a layers model", dir, mf.Format)
	}
	if len(mf.ModelTopology) == 0 {
		return nil, nil, nil, fmt.Errorf("tfjs: %s: no modelTopology", dir)
	}
	var shards [][]byte
	for gi, g := range mf.WeightsManifest {
		if len(g.Paths) == 0 {
			return nil, nil, nil, fmt.Errorf("tfjs: %s: weightsManifest[%d] has no paths", dir, gi)
		}
		var buf []byte
		for _, p := range g.Paths {
			if p == "" || strings.Contains(p, "..") || filepath.IsAbs(p) || strings.ContainsAny(p, `/\`) {
				return nil, nil, nil, fmt.Errorf("tfjs: %s: weightsManifest path %q is not a plain file name", dir, p)
			}
			name := p
			if wrapped {
				name = p + ".min.js"
			}
			raw, err := os.ReadFile(filepath.Join(dir, name))
			if err != nil {
				return nil, nil, nil, fmt.Errorf("tfjs: weight shard: %w", err)
			}
			files = append(files, fileInfo(name, raw))
			if wrapped {
				raw, err = unwrapShard(filepath.Join(dir, name), raw)
				if err != nil {
					return nil, nil, nil, fmt.Errorf("tfjs: %w", err)
				}
			}
			buf = append(buf, raw...)
		}
		shards = append(shards, buf)
	}
	return &mf, files, shards, nil
}

func fileInfo(name string, b []byte) File {
	s := sha256.Sum256(b)
	return File{Name: name, SHA256: hex.EncodeToString(s[:]), Bytes: int64(len(b))}
}

// jsonErr adds a line:column to encoding/json's syntax errors.
func jsonErr(file string, src []byte, err error) error {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return newSyntaxError(file, src, int(se.Offset), "%v", se)
	}
	return err
}

// unwrapShard extracts and decodes the base64 string a wrapped shard
// exports.
func unwrapShard(file string, src []byte) ([]byte, error) {
	at, err := unwrapExports(file, src)
	if err != nil {
		return nil, err
	}
	if src[at] != '"' && src[at] != '\'' {
		return nil, newSyntaxError(file, src, at, "shard exports an object, want a base64 string")
	}
	s, end, err := jsString(file, src, at)
	if err != nil {
		return nil, err
	}
	if err := checkLiteralEnd(file, src, end); err != nil {
		return nil, err
	}
	out, err := base64.StdEncoding.Strict().DecodeString(s)
	if err != nil {
		var ce base64.CorruptInputError
		if errors.As(err, &ce) {
			return nil, newSyntaxError(file, src, at+1+int(ce), "invalid base64 data")
		}
		return nil, newSyntaxError(file, src, at, "invalid base64 data: %v", err)
	}
	return out, nil
}

// decodeManifest decodes every weight. Each group's bytes must be consumed
// exactly by its weights in order.
func decodeManifest(groups []manifestGroup, shards [][]byte) (map[string]*weight, error) {
	out := make(map[string]*weight)
	for gi, g := range groups {
		buf := shards[gi]
		off := 0
		for _, s := range g.Weights {
			n, err := specBytes(s)
			if err != nil {
				return nil, err
			}
			if off+n > len(buf) {
				return nil, fmt.Errorf("weight %q needs bytes [%d,%d) but group %d's shards hold %d bytes", s.Name, off, off+n, gi, len(buf))
			}
			vals, err := decodeWeight(s, buf[off:off+n])
			if err != nil {
				return nil, err
			}
			off += n
			if _, dup := out[s.Name]; dup {
				return nil, fmt.Errorf("weight %q appears twice in the manifest", s.Name)
			}
			out[s.Name] = &weight{shape: append([]int(nil), s.Shape...), data: vals}
		}
		if off != len(buf) {
			return nil, fmt.Errorf("group %d's shards hold %d bytes but its weights use %d", gi, len(buf), off)
		}
	}
	return out, nil
}

func numElems(shape []int) (int, error) {
	n := 1
	for _, d := range shape {
		if d < 0 {
			return 0, fmt.Errorf("negative dimension in shape %v", shape)
		}
		if d != 0 && n > math.MaxInt32/d {
			return 0, fmt.Errorf("shape %v is too large", shape)
		}
		n *= d
	}
	return n, nil
}

// specBytes is the stored size of a weight.
func specBytes(s weightSpec) (int, error) {
	n, err := numElems(s.Shape)
	if err != nil {
		return 0, fmt.Errorf("weight %q: %w", s.Name, err)
	}
	if s.Dtype != "float32" {
		return 0, fmt.Errorf("weight %q: dtype %q is not supported (only float32)", s.Name, s.Dtype)
	}
	if s.Quantization == nil {
		return 4 * n, nil
	}
	switch s.Quantization.Dtype {
	case "uint8":
		return n, nil
	case "uint16", "float16":
		return 2 * n, nil
	}
	return 0, fmt.Errorf("weight %q: unknown quantization dtype %q", s.Name, s.Quantization.Dtype)
}

// decodeWeight turns stored bytes into float32 values exactly as
// TensorFlow.js 4.x's io.decodeWeights does: affine-quantized values are
// computed in float64 as q*scale + min and then rounded to float32
// (JavaScript evaluates v*scale+min in doubles and stores the result in a
// Float32Array); float16 values are widened exactly; float32 is
// little-endian IEEE 754.
func decodeWeight(s weightSpec, b []byte) ([]float32, error) {
	n, err := numElems(s.Shape)
	if err != nil {
		return nil, err
	}
	out := make([]float32, n)
	q := s.Quantization
	switch {
	case q == nil:
		for i := range out {
			out[i] = math.Float32frombits(binary.LittleEndian.Uint32(b[4*i:]))
		}
	case q.Dtype == "uint8" || q.Dtype == "uint16":
		if q.Min == nil || q.Scale == nil {
			return nil, fmt.Errorf("weight %q with quantization %s lacks min or scale", s.Name, q.Dtype)
		}
		scale, min := *q.Scale, *q.Min
		for i := range out {
			var v float64
			if q.Dtype == "uint8" {
				v = float64(b[i])
			} else {
				v = float64(binary.LittleEndian.Uint16(b[2*i:]))
			}
			// The explicit conversion keeps the product rounded to
			// float64 before the addition, as in JavaScript (no FMA).
			out[i] = float32(float64(v*scale) + min)
		}
	case q.Dtype == "float16":
		for i := range out {
			out[i] = float16ToFloat32(binary.LittleEndian.Uint16(b[2*i:]))
		}
	default:
		return nil, fmt.Errorf("weight %q: unknown quantization dtype %q", s.Name, q.Dtype)
	}
	return out, nil
}

// float16ToFloat32 widens an IEEE 754 binary16 value exactly.
func float16ToFloat32(h uint16) float32 {
	sign := uint32(h>>15) << 31
	exp := uint32(h>>10) & 0x1f
	mant := uint32(h) & 0x3ff
	switch {
	case exp == 0 && mant == 0:
		return math.Float32frombits(sign)
	case exp == 0: // subnormal: mant * 2^-24
		v := float32(mant) * (1.0 / (1 << 24))
		if sign != 0 {
			v = -v
		}
		return v
	case exp == 0x1f:
		return math.Float32frombits(sign | 0x7f800000 | mant<<13)
	}
	return math.Float32frombits(sign | (exp+112)<<23 | mant<<13)
}

// Files lists the files the model was read from, the model file first and
// then the shards in manifest order, with their SHA-256.
func (m *Model) Files() []File { return append([]File(nil), m.files...) }

// Dir is the directory the model was loaded from.
func (m *Model) Dir() string { return m.dir }
