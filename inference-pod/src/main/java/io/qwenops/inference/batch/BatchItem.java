package io.qwenops.inference.batch;

import io.qwenops.inference.engine.SamplingParams;

/**
 * One good input line, ready for the engine.
 *
 * @param line 1-based line number in the input file
 * @param id the line's {@code id} or {@code custom_id}, else {@code "line-N"}
 */
record BatchItem(int line, String id, int[] promptTokenIds, SamplingParams sampling) {}
