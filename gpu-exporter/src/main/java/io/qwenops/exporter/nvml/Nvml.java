package io.qwenops.exporter.nvml;

import java.util.List;
import java.util.Optional;

/**
 * The NVML operations the sampler needs, behind an interface so the sampling code never touches
 * JNA. Every method throws {@link NvmlException} when NVML answers anything but success.
 */
public interface Nvml extends AutoCloseable {

  String driverVersion();

  String nvmlVersion();

  int deviceCount();

  NvmlDevice device(int index);

  /** Subscribes to XID critical errors on the given devices. */
  XidEvents xidEvents(List<NvmlDevice> devices);

  /** nvmlShutdown. */
  @Override
  void close();

  /** A blocking source of XID events; one thread waits on it. */
  interface XidEvents extends AutoCloseable {

    /** The devices that could be registered (the others cannot report XID events). */
    List<Integer> deviceIndexes();

    /** Waits up to {@code timeoutMs}; empty when nothing happened. */
    Optional<XidEvent> await(int timeoutMs);

    @Override
    void close();
  }

  /** An XID error reported by the driver for one GPU. */
  record XidEvent(int deviceIndex, long code) {}
}
