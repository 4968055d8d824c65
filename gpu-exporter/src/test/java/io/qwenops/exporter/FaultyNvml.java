package io.qwenops.exporter;

import io.qwenops.exporter.nvml.Nvml;
import io.qwenops.exporter.nvml.NvmlDevice;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The real binding of the fake libnvidia-ml.so with one Java-side fault on top: the method named
 * {@code method} (of {@link Nvml}, {@link NvmlDevice} or {@link Nvml.XidEvents}) throws {@code
 * fault} on its calls {@code after + 1} to {@code after + times}, counted over every GPU. This is
 * what the C fake cannot do: throw something other than an NVML error (a JNA {@code Error}, a bug
 * of ours) inside a helper thread.
 */
public final class FaultyNvml {

  private FaultyNvml() {}

  /** Wraps {@code nvml}; every device and event set it hands out carries the fault too. */
  public static Nvml wrap(Nvml nvml, String method, long after, long times, Throwable fault) {
    AtomicLong calls = new AtomicLong();
    Map<Object, Object> real = new ConcurrentHashMap<>(); // proxy -> wrapped device
    return (Nvml) proxy(Nvml.class, nvml, method, after, times, fault, calls, real);
  }

  private static Object proxy(
      Class<?> type,
      Object target,
      String method,
      long after,
      long times,
      Throwable fault,
      AtomicLong calls,
      Map<Object, Object> real) {
    InvocationHandler handler =
        (self, m, args) -> {
          if (m.getName().equals(method)) {
            long call = calls.incrementAndGet();
            if (call > after && call <= after + times) {
              throw fault;
            }
          }
          if (m.getName().equals("xidEvents")) {
            // JnaNvml needs its own device objects back.
            List<Object> devices = new ArrayList<>();
            for (Object d : (List<?>) args[0]) {
              devices.add(real.getOrDefault(d, d));
            }
            args = new Object[] {devices};
          }
          Object result;
          try {
            result = m.invoke(target, args);
          } catch (InvocationTargetException e) {
            throw e.getCause();
          }
          if (result instanceof NvmlDevice device) {
            Object wrapped =
                proxy(NvmlDevice.class, device, method, after, times, fault, calls, real);
            real.put(wrapped, device);
            return wrapped;
          }
          if (result instanceof Nvml.XidEvents events) {
            return proxy(Nvml.XidEvents.class, events, method, after, times, fault, calls, real);
          }
          return result;
        };
    return Proxy.newProxyInstance(
        FaultyNvml.class.getClassLoader(), new Class<?>[] {type}, handler);
  }
}
