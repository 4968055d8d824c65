package io.qwenops.exporter.visibility;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GpuAllowListTest {

  static final String A = "GPU-aaaaaaaa-0000-0000-0000-000000000001";
  static final String B = "GPU-bbbbbbbb-0000-0000-0000-000000000002";
  static final String C = "GPU-cccccccc-0000-0000-0000-000000000003";
  static final List<String> NODE = List.of(A, B, C);

  @TempDir Path dir;

  @Test
  void parsesLinesCommasCommentsAndCase() {
    assertThat(
            GpuUuidList.parse(
                "GPU-AAAA, gpu-bbbb\n# written by the inference container\nGPU-cccc\n\n"))
        .containsExactly("GPU-aaaa", "GPU-bbbb", "GPU-cccc");
    assertThat(GpuUuidList.parse("")).isEmpty();
  }

  @Test
  void showsOnlyTheInferenceContainersGpus() throws Exception {
    Path file = dir.resolve("gpu-uuids");
    Files.writeString(file, C + "\n" + A.toUpperCase() + "\n");
    GpuSelection selection = new GpuAllowList(GpuFilterMode.auto, "", file, true).select(NODE);
    assertThat(selection.filtering()).isTrue();
    assertThat(selection.visibleUuids()).containsExactly(A, C);
    assertThat(selection.source()).isEqualTo("file " + file);
    assertThat(selection.reason()).isNull();
  }

  @Test
  void inAPodWithoutUuidsItShowsNothingAndSaysWhy() {
    Path file = dir.resolve("gpu-uuids");
    GpuSelection selection = new GpuAllowList(GpuFilterMode.auto, "", file, true).select(NODE);
    assertThat(selection.visibleUuids()).isEmpty();
    assertThat(selection.reason())
        .contains("waiting for the inference container to write " + file)
        .contains("QWENOPS_GPU_UUIDS");
  }

  @Test
  void outsideAPodWithNothingConfiguredItShowsEveryGpu() {
    GpuSelection selection =
        new GpuAllowList(GpuFilterMode.auto, "", dir.resolve("absent"), false).select(NODE);
    assertThat(selection.filtering()).isFalse();
    assertThat(selection.visibleUuids()).isEqualTo(NODE);
  }

  @Test
  void uuidsNvmlDoesNotSeeAreExplained() {
    GpuAllowList list = new GpuAllowList(GpuFilterMode.on, "GPU-dead", null, false);
    GpuSelection none = list.select(NODE);
    assertThat(none.visibleUuids()).isEmpty();
    assertThat(none.reason())
        .contains("none of the inference container's GPUs [GPU-dead]")
        .contains("NVIDIA_VISIBLE_DEVICES=all")
        .contains("runtimeClassName: nvidia");
    GpuSelection noGpuAtAll = list.select(List.of());
    assertThat(noGpuAtAll.reason()).contains("NVML sees no GPU");
    GpuSelection partial =
        new GpuAllowList(GpuFilterMode.on, B + ",GPU-dead", null, false).select(NODE);
    assertThat(partial.visibleUuids()).containsExactly(B);
    assertThat(partial.missingUuids()).containsExactly("GPU-dead");
    assertThat(partial.reason()).contains("[GPU-dead]").contains("not visible");
  }

  @Test
  void envAndFileAddUp() throws Exception {
    Path file = dir.resolve("gpu-uuids");
    Files.writeString(file, B);
    GpuSelection selection = new GpuAllowList(GpuFilterMode.auto, A, file, false).select(NODE);
    assertThat(selection.visibleUuids()).containsExactly(A, B);
    assertThat(selection.source()).isEqualTo("env QWENOPS_GPU_UUIDS + file " + file);
  }

  @Test
  void reloadsTheFileWhenItChanges() throws Exception {
    Path file = dir.resolve("gpu-uuids");
    GpuAllowList list = new GpuAllowList(GpuFilterMode.auto, "", file, true);
    assertThat(list.refresh()).isFalse();
    Files.writeString(file, A);
    assertThat(list.refresh()).isTrue();
    assertThat(list.select(NODE).visibleUuids()).containsExactly(A);
    assertThat(list.refresh()).isFalse();
    Files.writeString(file, A + "," + C);
    Files.setLastModifiedTime(file, FileTime.fromMillis(System.currentTimeMillis() + 5000));
    assertThat(list.refresh()).isTrue();
    assertThat(list.select(NODE).visibleUuids()).containsExactly(A, C);
    Files.delete(file);
    assertThat(list.refresh()).isTrue();
    assertThat(list.select(NODE).visibleUuids()).isEmpty();
  }

  @Test
  void filterOffShowsEverything() {
    GpuSelection selection = new GpuAllowList(GpuFilterMode.off, A, null, true).select(NODE);
    assertThat(selection.visibleUuids()).isEqualTo(NODE);
    assertThat(selection.reason()).isNull();
  }
}
