package io.qwenops.exporter.nvml;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Structure;
import io.qwenops.exporter.FakeNvml;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every NVML structure's size and field offsets in JNA against the C compiler's view of the nvml.h
 * definitions (the fake library exports sizeof/offsetof probes), and against the sizes nvml.h
 * implies on x86-64.
 */
class NvmlStructLayoutTest {

  interface LayoutProbe extends Library {
    long fakeNvmlSizeOf(String type);

    long fakeNvmlOffsetOf(String type, String field);
  }

  @TempDir static Path dir;
  static LayoutProbe probe;

  @BeforeAll
  static void load() {
    probe = Native.load(FakeNvml.install(dir).toString(), LayoutProbe.class);
  }

  /** Exposes JNA's protected offset calculation. */
  static int offset(Structure s, String field) {
    try {
      var method = Structure.class.getDeclaredMethod("fieldOffset", String.class);
      method.setAccessible(true);
      return (int) method.invoke(s, field);
    } catch (ReflectiveOperationException e) {
      throw new AssertionError(e);
    }
  }

  static void assertLayout(String cType, Structure s, long expectedSize) {
    assertThat(s.size()).as("sizeof(%s)", cType).isEqualTo(probe.fakeNvmlSizeOf(cType));
    assertThat((long) s.size()).as("sizeof(%s) in nvml.h", cType).isEqualTo(expectedSize);
    List<String> fields = List.of(s.getClass().getAnnotation(Structure.FieldOrder.class).value());
    for (String field : fields) {
      assertThat((long) offset(s, field))
          .as("offsetof(%s, %s)", cType, field)
          .isEqualTo(probe.fakeNvmlOffsetOf(cType, field));
    }
  }

  @Test
  void pciInfo() {
    assertLayout("nvmlPciInfo_t", new NvmlLibrary.PciInfo(), 68);
  }

  @Test
  void memoryV1() {
    assertLayout("nvmlMemory_t", new NvmlLibrary.MemoryV1(), 24);
  }

  @Test
  void memoryV2AndItsVersionWord() {
    NvmlLibrary.MemoryV2 memory = new NvmlLibrary.MemoryV2();
    assertLayout("nvmlMemory_v2_t", memory, 40);
    assertThat(NvmlLibrary.MemoryV2.VERSION_2).isEqualTo(memory.size() | (2 << 24));
  }

  @Test
  void utilization() {
    assertLayout("nvmlUtilization_t", new NvmlLibrary.Utilization(), 8);
  }

  @Test
  void processInfo() {
    assertLayout("nvmlProcessInfo_t", new NvmlLibrary.ProcessInfo(), 24);
  }

  @Test
  void eventData() {
    assertLayout("nvmlEventData_t", new NvmlLibrary.EventData(), 32);
  }
}
