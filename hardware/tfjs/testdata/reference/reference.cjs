// Computes TensorFlow.js (CPU backend) reference outputs of nsfwjs's
// layers models on deterministic inputs, for hardware/tfjs's agreement
// test. Usage:
//
//   node reference.cjs NPM_PREFIX MODEL OUT.json
//
// NPM_PREFIX is a folder whose node_modules holds the packages pinned in
// package.json (npm install --prefix NPM_PREFIX ...); MODEL is
// mobilenet_v2 or inception_v3. The output is deterministic: same
// packages, same bytes.
"use strict";
const path = require("path");
const fs = require("fs");
const crypto = require("crypto");
const { createRequire } = require("module");

// ONLY, when given, names the one input to run (the Go test's re-run uses
// one input to keep `go test ./...` quick; the committed fixtures have all).
const [prefix, modelName, outPath, only] = process.argv.slice(2);
if (!prefix || !modelName || !outPath) {
  console.error("usage: node reference.cjs NPM_PREFIX MODEL OUT.json [INPUT]");
  process.exit(2);
}
const req = createRequire(path.join(path.resolve(prefix), "node_modules", "noop.js"));
const tf = req("@tensorflow/tfjs-core");
req("@tensorflow/tfjs-backend-cpu");
const tfl = req("@tensorflow/tfjs-layers");

// Layers whose outputs are summarised (early, middle, late), per model.
const CAPTURE = {
  mobilenet_v2: ["Conv1_relu", "block_3_project_BN", "block_6_expand_relu", "out_relu", "dense_2", "dense_3"],
  inception_v3: ["activation_1", "mixed2", "mixed7", "mixed10", "dense_2", "dense_3"],
};

// The deterministic inputs; hardware/tfjs computes the same formulas.
// Values are k/255 for an integer k in [0, 255], rounded to float32.
const INPUTS = {
  pattern: (y, x, c) => ((3 * x + 5 * y + 71 * c) % 256) / 255,
  checker: (y, x, c) => ((((x >> 3) + (y >> 3)) % 2) * 200 + ((x * y + 37 * c) % 56)) / 255,
};

function makeInput(fn, h, w, ch) {
  const a = new Float32Array(h * w * ch);
  let i = 0;
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++)
      for (let c = 0; c < ch; c++) a[i++] = fn(y, x, c);
  return a;
}

function summary(vals, shape) {
  let sum = 0, sumsq = 0, zeros = 0;
  for (let i = 0; i < vals.length; i++) {
    const v = vals[i];
    sum += v;
    sumsq += v * v;
    if (v === 0) zeros++;
  }
  const stride = Math.max(1, Math.floor(vals.length / 256));
  const sample = [];
  for (let i = 0; i < vals.length && sample.length < 256; i += stride) sample.push(vals[i]);
  const bytes = Buffer.from(vals.buffer, vals.byteOffset, vals.byteLength);
  return {
    shape,
    count: vals.length,
    zeros,
    sum,
    sumsq,
    first: Array.from(vals.slice(0, 64)),
    sampleStride: stride,
    sample,
    sha256: crypto.createHash("sha256").update(bytes).digest("hex"),
  };
}

async function main() {
  await tf.setBackend("cpu");
  await tf.ready();
  const nsfwDir = path.join(path.resolve(prefix), "node_modules", "nsfwjs");
  const modelDir = path.join(nsfwDir, "dist", "models", modelName);
  // The same steps as nsfwjs's JSONHandler: the object model.min.js
  // exports, and the base64 text each group1-shardNofM.min.js exports.
  const modelJson = require(path.join(modelDir, "model.min.js"));
  const weightSpecs = [];
  const parts = [];
  for (const group of modelJson.weightsManifest) {
    for (const p of group.paths) {
      parts.push(Buffer.from(require(path.join(modelDir, p + ".min.js")), "base64"));
    }
    weightSpecs.push(...group.weights);
  }
  const all = Buffer.concat(parts);
  const weightData = all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength);
  const model = await tfl.loadLayersModel(
    tf.io.fromMemory({ modelTopology: modelJson.modelTopology, weightSpecs, weightData }));

  const [, h, w, ch] = model.inputs[0].shape;
  // Every compute layer's input is the output of its single inbound layer.
  const computeClasses = new Set(["Conv2D", "DepthwiseConv2D", "SeparableConv2D", "Dense"]);
  const compute = model.layers.filter((l) => computeClasses.has(l.getClassName()));
  const feeders = compute.map((l) => l.inboundNodes[0].inboundLayers[0].name);
  const capture = CAPTURE[modelName];
  const outNames = [...new Set([...capture, ...feeders])];
  const probe = tfl.model({ inputs: model.inputs, outputs: outNames.map((n) => model.getLayer(n).output) });

  const result = {
    generator: "hardware/tfjs/testdata/reference/reference.cjs",
    versions: {
      "@tensorflow/tfjs-core": tf.version_core,
      "@tensorflow/tfjs-layers": tfl.version_layers,
      nsfwjs: JSON.parse(fs.readFileSync(path.join(path.resolve(prefix), "node_modules", "nsfwjs", "package.json"), "utf8")).version,
    },
    backend: tf.getBackend(),
    model: modelName,
    inputShape: [h, w, ch],
    inputs: {},
  };
  for (const inName of Object.keys(INPUTS).filter((n) => !only || n === only)) {
    const x = tf.tensor4d(makeInput(INPUTS[inName], h, w, ch), [1, h, w, ch]);
    const outs = probe.predict(x);
    const byName = {};
    for (let i = 0; i < outNames.length; i++) byName[outNames[i]] = { vals: outs[i].dataSync(), shape: outs[i].shape.slice(1) };
    const layers = {};
    for (const n of capture) layers[n] = summary(byName[n].vals, byName[n].shape);
    const zeros = compute.map((l, i) => {
      const v = byName[feeders[i]].vals;
      let z = 0;
      for (let j = 0; j < v.length; j++) if (v[j] === 0) z++;
      return { layer: l.name, zeros: z, total: v.length };
    });
    const final = model.predict(x).dataSync();
    result.inputs[inName] = { output: Array.from(final), layers, computeInputZeros: zeros };
    tf.dispose([x, ...outs]);
  }
  fs.writeFileSync(outPath, JSON.stringify(result, null, 1) + "\n");
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
