package io.qwenops.inference.engine;

/** The phases of one engine step, in order; {@link StepHook} is called as each begins. */
enum StepPhase {
  /** Admission and scheduling: which sequences run this step, and their KV blocks. */
  SCHEDULE,
  /** The batch's forward pass (and prompt scoring). */
  FORWARD,
  /** Sampling the next token of every sequence that needs one. */
  SAMPLE,
  /** One sequence's stop checks and detokenization of its new token ({@link StopCheck}). */
  STOP_CHECK,
  /** Retiring one finished sequence: freeing its blocks, publishing stats, telling its client. */
  FINISH
}
