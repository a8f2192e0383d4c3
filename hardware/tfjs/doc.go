// Package tfjs loads TensorFlow.js layers models and runs them in pure Go,
// reporting the exact-zero fraction of every compute layer's input
// activation: real per-layer activation sparsity of pretrained networks.
//
// # Format
//
// Load reads a directory holding either the standard TensorFlow.js files,
// model.json plus the binary shards its weightsManifest names, or the
// browserify-wrapped form nsfwjs ships (model.min.js, whose single
// "X.exports={...}" assignment is the model.json object as a JavaScript
// object literal, and for every manifest path P a file P+".min.js" whose
// "X.exports="..."" assignment is the shard as base64). The object literal
// is converted by a small strict parser that accepts only data (objects
// with identifier or string keys, arrays, strings, decimal numbers, true,
// false, null, !0, !1); errors name the file, line, column and byte offset.
// Every group's shard bytes must be consumed exactly by its weights.
// Weights are float32, optionally quantized as uint8 or uint16 (value =
// q*scale + min, evaluated in float64 and rounded to float32 as
// TensorFlow.js's io.decodeWeights does) or float16. Model.Files lists the
// files read with their SHA-256 for provenance. NSFWJSModelDir finds
// nsfwjs's models under $SPARSEBENCH_NPM (a folder whose node_modules holds
// nsfwjs) or else $HOME/.cache/sparsebench/npm.
//
// # Layers
//
// The topology must be a Keras functional Model with one input and one
// output, each layer applied once, channels_last, batch 1. Supported
// classes: InputLayer, ZeroPadding2D, Conv2D and DepthwiseConv2D (valid
// or same padding, any stride, dilation 1, optional bias, activation
// linear/relu/relu6/sigmoid/tanh/softmax), BatchNormalization (channel
// axis, epsilon from the config, with or without gamma/beta), ReLU
// (max_value; a non-zero negative_slope or threshold is rejected because
// TensorFlow.js ignores them), Activation, Add, Concatenate (channel
// axis), MaxPooling2D, AveragePooling2D ('same' divides by the number of
// in-bounds elements, as TensorFlow does), GlobalAveragePooling2D, Dense,
// Dropout (identity), Flatten and Reshape. Any other class is an error
// naming the layer and the class. Layers execute in the order of the
// model's layer list, which Keras writes topologically; a list that is not
// topological is rejected.
//
// # Arithmetic and determinism
//
// The kernels reproduce tfjs-backend-cpu 4.22.0 operation for operation:
// a convolution accumulates each output in float32 over (kernel row,
// kernel column, input channel), adding the float64 product of two
// float32 values and rounding to float32 after every tap, exactly like
// the JavaScript "y[i] += x * w" on a Float32Array; batch normalization
// is offset + (x - mean) * scale / sqrt(variance + epsilon) in float64
// rounded once; Dense sums blocks of 48 products in float64; pooling sums
// in float64. Because the product of two float32 numbers is exact in
// float64, a fused multiply-add (which the Go compiler may emit on arm64)
// cannot change any result, so outputs are the same on every
// architecture. Work is split only over independent output elements
// (tiles of output positions, output rows), never inside a sum, so the
// result is bit-identical for every GOMAXPROCS. Against TensorFlow.js
// itself the agreement test finds the intermediate activations of both
// nsfwjs models bit-identical, and the final softmax too on the tested
// inputs.
//
// # Zero counts
//
// Run calls its observer once per Conv2D, DepthwiseConv2D and Dense layer,
// in execution order, with a LayerStat: the layer's shape and the number
// of elements of its input tensor equal to zero (+0 or -0). The input
// tensor is the one the layer receives: for a convolution after an
// explicit ZeroPadding2D layer it is the padded tensor, explicit zeros
// included; the implicit padding of padding="same" is not part of it and
// is reported as PadTop and PadLeft. ComputeLayers gives the same
// descriptions without running.
//
// # Preprocessing
//
// nsfwjs 4.4.0 (dist/cjs/core.js, NSFWJS.infer) feeds the model
// tf.browser.fromPixels(img) (RGB, HWC, 0..255) converted to float and
// divided by 255, then, only when the image is not already size x size,
// tf.image.resizeBilinear(normalized, [size, size], alignCorners = true)
// (halfPixelCenters false), reshaped to [1, size, size, 3]. size is 224
// for MobileNetV2 and 299 for InceptionV3 (Model.InputShape). The output
// is the softmax over nsfwjs's five classes, in order Drawing, Hentai,
// Neutral, Porn, Sexy.
package tfjs
