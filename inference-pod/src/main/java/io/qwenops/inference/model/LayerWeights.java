package io.qwenops.inference.model;

import ai.djl.ndarray.NDArray;

/**
 * One decoder layer, laid out for few ops per step: q/k/v fused into one [q+2kv, hidden] weight
 * (and bias), gate/up fused into one [2*intermediate, hidden] weight. Weights are in the {@code
 * torch.nn.functional.linear} layout [out, in]; norm weights are F32.
 */
public record LayerWeights(
    NDArray inputNorm,
    NDArray qkvWeight,
    NDArray qkvBias,
    NDArray oWeight,
    NDArray postAttentionNorm,
    NDArray gateUpWeight,
    NDArray downWeight) {}
