package io.qwenops.exporter.sampling;

/** Called on the sampler thread: implementations must return at once (hand off, never block). */
public interface SampleListener {

  void onSample(Sample sample);

  /** The visible GPU set or NVML's state changed. */
  default void onTopology(Topology topology) {}
}
