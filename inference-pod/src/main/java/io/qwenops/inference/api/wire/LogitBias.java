package io.qwenops.inference.api.wire;

import com.fasterxml.jackson.databind.JsonNode;
import io.qwenops.inference.api.ApiException;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * Reads OpenAI's {@code logit_bias}: an object from token id (a decimal string) to a bias in [-100,
 * 100] that is added to that token's logit before sampling. At most {@value
 * RequestLimits#MAX_LOGIT_BIAS} entries, so the per-token work stays small.
 */
final class LogitBias {

  private LogitBias() {}

  /**
   * @return the biases by token id, empty when the field is absent or null
   * @throws ApiException 400 ({@code param: "logit_bias"}) for a non-object, a key that is not a
   *     token id of this vocabulary, a value that is not a number in range, or too many entries
   */
  static Map<Integer, Float> read(JsonNode body, int vocabSize) {
    JsonNode v = Fields.field(body, "logit_bias");
    if (v == null) {
      return Map.of();
    }
    if (!v.isObject()) {
      throw invalid("'logit_bias' must be an object mapping token ids to biases, got " + v);
    }
    if (v.size() > RequestLimits.MAX_LOGIT_BIAS) {
      throw invalid(
          "'logit_bias' has "
              + v.size()
              + " entries; at most "
              + RequestLimits.MAX_LOGIT_BIAS
              + " are allowed");
    }
    Map<Integer, Float> biases = new HashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = v.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      int id = tokenId(e.getKey(), vocabSize);
      JsonNode bias = e.getValue();
      if (!bias.isNumber() || !(bias.asDouble() >= -100 && bias.asDouble() <= 100)) {
        throw invalid(
            "'logit_bias' values must be numbers from -100 to 100, got " + bias + " for " + id);
      }
      biases.put(id, (float) bias.asDouble());
    }
    return Map.copyOf(biases);
  }

  private static int tokenId(String key, int vocabSize) {
    int id;
    try {
      id = Integer.parseInt(key.trim());
    } catch (NumberFormatException e) {
      throw invalid("'logit_bias' keys must be token ids, got '" + key + "'");
    }
    if (id < 0 || id >= vocabSize) {
      throw invalid(
          "'logit_bias' token id " + id + " is outside the vocabulary [0, " + vocabSize + ")");
    }
    return id;
  }

  private static ApiException invalid(String message) {
    return ApiException.invalid(message, "logit_bias");
  }
}
