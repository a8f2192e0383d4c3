// Writes resize_golden.json: outputs of TensorFlow.js's CPU backend for
// tf.image.resizeBilinear and for nsfwjs's preprocessing (x / 255, then
// resizeBilinear with alignCorners), which resize_test.go compares with
// ResizeBilinear and NSFWJSInput bit for bit. Regenerate with
//   NODE_PATH=$HOME/.cache/sparsebench/npm/node_modules node resize_golden.cjs
// (needs @tensorflow/tfjs-core and @tensorflow/tfjs-backend-cpu 4.22.0).
const tf = require('@tensorflow/tfjs-core');
require('@tensorflow/tfjs-backend-cpu');
const crypto = require('crypto');
const fs = require('fs');

// Deterministic inputs: float values with fractions, or integer pixels.
function floats(n) {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = ((i * 0.7311) % 13) - 6.5;
  return a;
}
function pixels(n) {
  const a = new Int32Array(n);
  for (let i = 0; i < n; i++) a[i] = (i * 37 + 11 + ((i * i) % 7)) % 256;
  return a;
}
function bitsHex(f32) {
  return Array.from(new Uint32Array(f32.buffer, f32.byteOffset, f32.length), (u) => u.toString(16).padStart(8, '0'));
}
function sha(f32) {
  return crypto.createHash('sha256').update(Buffer.from(f32.buffer, f32.byteOffset, f32.byteLength)).digest('hex');
}

async function main() {
  await tf.setBackend('cpu');
  const out = { tfjs_core: tf.version_core, backend: tf.getBackend(), resize: [], nsfwjs: [] };
  const shapes = [
    [2, 2, 3, 3], [3, 4, 7, 9], [11, 13, 4, 5], [5, 9, 8, 3], [1, 6, 1, 4], [6, 6, 1, 1], [7, 5, 7, 5], [4, 7, 10, 10],
  ];
  for (const [h, w, oh, ow] of shapes) {
    for (const [ac, hp] of [[false, false], [true, false], [false, true]]) {
      const input = floats(h * w * 3);
      const y = tf.image.resizeBilinear(tf.tensor3d(input, [h, w, 3]), [oh, ow], ac, hp);
      const data = await y.data();
      out.resize.push({ h, w, out_h: oh, out_w: ow, align_corners: ac, half_pixel_centers: hp, output_bits: bitsHex(data) });
    }
  }
  for (const [h, w, size] of [[45, 31, 224], [61, 47, 299], [500, 333, 224], [224, 224, 224]]) {
    const img = tf.tensor3d(pixels(h * w * 3), [h, w, 3], 'int32');
    // nsfwjs 4.4.0 core.js infer(): img.toFloat().div(scalar(255)) (toFloat is
    // cast(x, 'float32') in tfjs-core 4.22.0), then
    // resizeBilinear(normalized, [size, size], alignCorners=true) unless already size x size.
    let x = tf.div(tf.cast(img, 'float32'), tf.scalar(255));
    if (h !== size || w !== size) x = tf.image.resizeBilinear(x, [size, size], true);
    const data = await x.data();
    out.nsfwjs.push({ h, w, size, output_sha256: sha(data), first_bits: bitsHex(data.slice(0, 12)) });
  }
  fs.writeFileSync(__dirname + '/resize_golden.json', JSON.stringify(out, null, 1) + '\n');
}
main();
