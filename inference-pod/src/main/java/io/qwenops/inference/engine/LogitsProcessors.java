package io.qwenops.inference.engine;

import java.util.Arrays;
import java.util.Map;
import java.util.Set;

/**
 * In-place transformations of one row of logits, in vLLM's order: min-tokens masking and logit
 * bias, penalties, temperature, then top-k, top-p and min-p truncation (removed entries become
 * -inf).
 */
final class LogitsProcessors {

  private LogitsProcessors() {}

  /**
   * Masks the stop tokens (EOS and {@code stop_token_ids}) while fewer than {@code min_tokens}
   * tokens were generated, then adds {@code logit_bias}: both touch only the listed ids.
   */
  static void applyMinTokensAndBias(
      float[] logits, int outputLength, ResolvedSampling s, Set<Integer> eosTokenIds) {
    if (outputLength < s.minTokens()) {
      if (!s.ignoreEos()) {
        mask(logits, eosTokenIds);
      }
      mask(logits, s.stopTokenIds());
    }
    for (Map.Entry<Integer, Float> e : s.logitBias().entrySet()) {
      int id = e.getKey();
      if (id >= 0 && id < logits.length) {
        logits[id] += e.getValue();
      }
    }
  }

  private static void mask(float[] logits, Set<Integer> ids) {
    for (int id : ids) {
      if (id >= 0 && id < logits.length) {
        logits[id] = Float.NEGATIVE_INFINITY;
      }
    }
  }

  /**
   * Repetition penalty over prompt and output tokens (divide positive logits, multiply negative
   * ones), then frequency and presence penalties over output tokens only.
   */
  static void applyPenalties(
      float[] logits, int[] prompt, int[] output, int outputLength, ResolvedSampling s) {
    // Sparse: only tokens that occurred are touched, so the cost follows the sequence length,
    // not the 151,936-entry vocabulary.
    if (s.repetitionPenalty() != 1.0) {
      java.util.BitSet seen = new java.util.BitSet();
      markSeen(seen, prompt, prompt.length, logits.length);
      markSeen(seen, output, outputLength, logits.length);
      float p = (float) s.repetitionPenalty();
      for (int id = seen.nextSetBit(0); id >= 0; id = seen.nextSetBit(id + 1)) {
        logits[id] = logits[id] > 0 ? logits[id] / p : logits[id] * p;
      }
    }
    if (s.frequencyPenalty() != 0 || s.presencePenalty() != 0) {
      java.util.Map<Integer, Integer> counts = new java.util.HashMap<>();
      for (int i = 0; i < outputLength; i++) {
        if (output[i] >= 0 && output[i] < logits.length) {
          counts.merge(output[i], 1, Integer::sum);
        }
      }
      for (var e : counts.entrySet()) {
        logits[e.getKey()] -= (float) (s.frequencyPenalty() * e.getValue() + s.presencePenalty());
      }
    }
  }

  private static void markSeen(java.util.BitSet seen, int[] tokens, int length, int vocab) {
    for (int i = 0; i < length; i++) {
      if (tokens[i] >= 0 && tokens[i] < vocab) {
        seen.set(tokens[i]);
      }
    }
  }

  static void applyTemperature(float[] logits, double temperature) {
    if (temperature != 1.0) {
      float inverse = (float) (1.0 / temperature);
      for (int i = 0; i < logits.length; i++) {
        logits[i] *= inverse;
      }
    }
  }

  /** Keeps the k largest logits (ties at the boundary all stay). */
  static void applyTopK(float[] logits, int k) {
    if (k <= 0 || k >= logits.length) {
      return;
    }
    float threshold = kthLargest(logits, k);
    for (int i = 0; i < logits.length; i++) {
      if (logits[i] < threshold) {
        logits[i] = Float.NEGATIVE_INFINITY;
      }
    }
  }

  /**
   * Keeps the smallest set of most likely tokens whose probability reaches {@code p} (the token
   * that crosses p stays).
   */
  static void applyTopP(float[] logits, double p) {
    if (p >= 1.0) {
      return;
    }
    double[] probs = softmax(logits);
    int[] order = candidatesByProbability(probs);
    double cumulative = 0;
    int keep = 0;
    while (keep < order.length) {
      cumulative += probs[order[keep]];
      keep++;
      if (cumulative >= p) {
        break;
      }
    }
    boolean[] kept = new boolean[logits.length];
    for (int i = 0; i < keep; i++) {
      kept[order[i]] = true;
    }
    for (int i = 0; i < logits.length; i++) {
      if (!kept[i]) {
        logits[i] = Float.NEGATIVE_INFINITY;
      }
    }
  }

  /** Drops tokens whose probability is below {@code minP} times the top token's. */
  static void applyMinP(float[] logits, double minP) {
    if (minP <= 0) {
      return;
    }
    float max = max(logits);
    // p_i / p_max = exp(l_i - l_max) < minP  <=>  l_i < l_max + ln(minP)
    float cut = (float) (max + Math.log(minP));
    for (int i = 0; i < logits.length; i++) {
      if (logits[i] < cut) {
        logits[i] = Float.NEGATIVE_INFINITY;
      }
    }
  }

  static double[] softmax(float[] logits) {
    float max = max(logits);
    double[] probs = new double[logits.length];
    double sum = 0;
    for (int i = 0; i < logits.length; i++) {
      double e = logits[i] == Float.NEGATIVE_INFINITY ? 0 : Math.exp(logits[i] - (double) max);
      probs[i] = e;
      sum += e;
    }
    for (int i = 0; i < probs.length; i++) {
      probs[i] /= sum;
    }
    return probs;
  }

  /** log_softmax, in double. */
  static double[] logSoftmax(float[] logits) {
    float max = max(logits);
    double sum = 0;
    for (float l : logits) {
      if (l != Float.NEGATIVE_INFINITY) {
        sum += Math.exp(l - (double) max);
      }
    }
    double logSum = max + Math.log(sum);
    double[] out = new double[logits.length];
    for (int i = 0; i < logits.length; i++) {
      out[i] = logits[i] - logSum;
    }
    return out;
  }

  static int argmax(float[] logits) {
    int best = 0;
    for (int i = 1; i < logits.length; i++) {
      if (logits[i] > logits[best]) {
        best = i;
      }
    }
    return best;
  }

  static float max(float[] logits) {
    float max = Float.NEGATIVE_INFINITY;
    for (float l : logits) {
      max = Math.max(max, l);
    }
    return max;
  }

  /** Ids with non-zero probability, most likely first (ties by lower id). */
  private static int[] candidatesByProbability(double[] probs) {
    int n = 0;
    for (double p : probs) {
      if (p > 0) {
        n++;
      }
    }
    long[] keyed = new long[n];
    int j = 0;
    for (int i = 0; i < probs.length; i++) {
      if (probs[i] > 0) {
        // Positive floats order like their bits; invert for descending, keep id in the low bits.
        long bits = Float.floatToIntBits((float) probs[i]);
        keyed[j++] = ((0x7FFFFFFFL - bits) << 32) | i;
      }
    }
    Arrays.sort(keyed);
    int[] order = new int[n];
    for (int i = 0; i < n; i++) {
      order[i] = (int) keyed[i];
    }
    return order;
  }

  /** Up to this k a k-entry heap beats a selection over a copy of the row. */
  private static final int HEAP_MAX_K = 64;

  /**
   * The k-th largest value (1 <= k <= length), in O(length) whatever k. Small k (top-k sampling, k
   * ~ 20 over 151,936 logits): one pass with a k-entry min-heap, where almost every value is
   * rejected by one comparison with the root. Larger k: quickselect on a copy.
   */
  static float kthLargest(float[] values, int k) {
    if (k > HEAP_MAX_K) {
      return select(values.clone(), values.length - k);
    }
    float[] heap = new float[k];
    int size = 0;
    for (float v : values) {
      if (size < k) {
        int i = size++;
        while (i > 0 && heap[(i - 1) / 2] > v) {
          heap[i] = heap[(i - 1) / 2];
          i = (i - 1) / 2;
        }
        heap[i] = v;
      } else if (v > heap[0]) {
        int i = 0;
        while (true) {
          int child = 2 * i + 1;
          if (child >= k) {
            break;
          }
          if (child + 1 < k && heap[child + 1] < heap[child]) {
            child++;
          }
          if (heap[child] >= v) {
            break;
          }
          heap[i] = heap[child];
          i = child;
        }
        heap[i] = v;
      }
    }
    return heap[0];
  }

  /**
   * The value at ascending rank {@code rank} of {@code a} (reordered in place): quickselect with a
   * three-way partition (the many equal -inf of a masked row fall in one step) and a
   * median-of-three pivot; after 2·log2(n) rounds without converging it sorts what is left, so even
   * a hostile order costs O(n log n) at worst.
   */
  static float select(float[] a, int rank) {
    int lo = 0;
    int hi = a.length - 1;
    int roundsLeft = 2 * (32 - Integer.numberOfLeadingZeros(a.length));
    while (lo < hi) {
      if (roundsLeft-- == 0) {
        Arrays.sort(a, lo, hi + 1);
        return a[rank];
      }
      float pivot = median(a[lo], a[(lo + hi) >>> 1], a[hi]);
      int lt = lo;
      int i = lo;
      int gt = hi;
      while (i <= gt) {
        float v = a[i];
        if (v < pivot) {
          a[i++] = a[lt];
          a[lt++] = v;
        } else if (v > pivot) {
          a[i] = a[gt];
          a[gt--] = v;
        } else {
          i++;
        }
      }
      if (rank < lt) {
        hi = lt - 1;
      } else if (rank > gt) {
        lo = gt + 1;
      } else {
        return pivot;
      }
    }
    return a[rank];
  }

  private static float median(float a, float b, float c) {
    return Math.max(Math.min(a, b), Math.min(Math.max(a, b), c));
  }
}
