package io.qwenops.operator.desired;

import io.fabric8.kubernetes.api.model.Quantity;
import io.qwenops.operator.crd.ModelCacheSpec;
import io.qwenops.operator.crd.ModelCacheType;
import io.qwenops.operator.model.ModelSource;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How much node disk a pod's emptyDir model cache ({@code modelCache.type: None}) may use: {@code
 * modelCache.size} when set, else an estimate from the parameter count in a Hugging Face repo's
 * name ({@code Qwen2.5-7B-Instruct}: 7 × 10⁹ × 2 bytes of BF16, plus a quarter for tokenizer,
 * shards in flight and rounding). Unknown otherwise: no limit, as before.
 */
public final class ModelCacheSize {

  private static final Pattern BILLIONS =
      Pattern.compile("(?i)(?<![0-9.])(\\d+(?:\\.\\d+)?)b(?![a-z])");

  /** Writable space besides the cache: /tmp and the container's logs. */
  static final long SCRATCH_GIB = 1;

  private ModelCacheSize() {}

  public static Optional<Quantity> emptyDirSize(ModelCacheSpec cache, ModelSource source) {
    if (cache.getType() != ModelCacheType.None) {
      return Optional.empty();
    }
    if (cache.getSize() != null) {
      return Optional.of(cache.getSize());
    }
    if (source instanceof ModelSource.HuggingFace hf) {
      return estimateGib(hf.repo()).map(gib -> new Quantity(gib + "Gi"));
    }
    return Optional.empty();
  }

  /**
   * The cache plus scratch space: the inference container's ephemeral-storage request and limit.
   */
  public static Optional<Quantity> ephemeralStorage(ModelCacheSpec cache, ModelSource source) {
    return emptyDirSize(cache, source)
        .map(
            size -> {
              long bytes = Quantity.getAmountInBytes(size).longValue() + (SCRATCH_GIB << 30);
              return new Quantity(Math.ceilDiv(bytes, 1L << 20) + "Mi");
            });
  }

  static Optional<Long> estimateGib(String repo) {
    Matcher m = BILLIONS.matcher(repo.substring(repo.indexOf('/') + 1));
    if (!m.find()) {
      return Optional.empty();
    }
    double bytes = Double.parseDouble(m.group(1)) * 1e9 * 2 * 1.25;
    return Optional.of(Math.max(1, (long) Math.ceil(bytes / (1L << 30))));
  }
}
