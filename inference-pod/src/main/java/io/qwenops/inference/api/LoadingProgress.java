package io.qwenops.inference.api;

/**
 * What a model that is not ready yet is doing, for {@code /health}: {@code downloading} (with the
 * bytes so far and in all; total -1 while unknown) or {@code loading} (weights into memory).
 */
public record LoadingProgress(String phase, long bytesDone, long bytesTotal) {

  public static final String DOWNLOADING = "downloading";
  public static final String LOADING = "loading";

  public static LoadingProgress loading() {
    return new LoadingProgress(LOADING, 0, -1);
  }

  /** 0–100 with one decimal, or null while the total is unknown. */
  public Double percent() {
    if (bytesTotal < 0) {
      return null;
    }
    return bytesTotal == 0 ? 100.0 : Math.floor(1000.0 * bytesDone / bytesTotal) / 10;
  }
}
