package io.qwenops.inference.hub;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Tells a full disk apart from other write failures, and says so in words, before and during. */
final class DiskFull {

  private DiskFull() {}

  static boolean is(IOException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      String m = t.getMessage();
      if (m != null && (m.contains("No space left on device") || m.contains("Disk quota"))) {
        return true;
      }
    }
    return false;
  }

  static HubException error(Path where, IOException e) {
    return new HubException(
        "The disk is full while writing "
            + where
            + ": free space there, or point HF_HOME at a larger disk (in Kubernetes: a bigger"
            + " model cache volume)",
        false,
        e);
  }

  /** Fails before the first byte when the cache's file system cannot hold what is missing. */
  static void checkRoom(Path dir, long neededBytes) throws IOException {
    Files.createDirectories(dir);
    long free = Files.getFileStore(dir).getUsableSpace();
    if (neededBytes > free) {
      throw new HubException(
          "Not enough disk space for the download: "
              + Bytes.human(neededBytes)
              + " needed, "
              + Bytes.human(free)
              + " free at "
              + dir
              + ". Free space there, or point HF_HOME at a larger disk (in Kubernetes: a bigger"
              + " model cache volume)");
    }
  }
}
