// Package hardware holds the reference sparse accelerator models of the
// benchmark (SPEC §7) and everything needed to turn them into the
// per-sample latency tables the harness schedules against (§1):
//
//   - an Accelerator API — name, version, clock, supported layer kinds and a
//     batched latency call — small enough to be served out of process, with
//     the two reference implementations: the Eyeriss-V2-like CNN model
//     ("eyeriss-v2", row-stationary mapping with the full cycle formula) and
//     the Sanger-like attention model ("sanger");
//   - static weight-sparsity patterns (unstructured, N:M block, filter);
//   - a model zoo of layer shapes kept as TOML data (zoo/*.toml);
//   - a dynamic-sparsity generator that plays the role of a data set: per
//     sample, per layer activation sparsity (and attention load balance),
//     correlated across the layers of one input, deterministic from a seed;
//   - BuildCatalogue, which combines the three into a *catalogue.Catalogue;
//   - ImportCSVDir, which reads the latency CSV files of the paper's artifact
//     into the same catalogue form.
//
// README.md in this directory documents the models, the pattern and variant
// naming, the zoo format and the CSV import, with every assumption made.
package hardware
