package io.qwenops.inference.engine;

/** A KV block's 256-bit content hash (a SHA-256 digest as four longs, cheap to compare). */
record BlockHash(long a, long b, long c, long d) {}
