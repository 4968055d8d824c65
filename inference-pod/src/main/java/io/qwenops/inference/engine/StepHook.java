package io.qwenops.inference.engine;

/**
 * Called on the step thread as each {@link StepPhase} begins. Production runs {@link #NONE}; tests
 * pass one that throws, to prove how the engine survives (or stops on) a failure in any phase.
 */
@FunctionalInterface
interface StepHook {

  StepHook NONE = phase -> {};

  void before(StepPhase phase);
}
