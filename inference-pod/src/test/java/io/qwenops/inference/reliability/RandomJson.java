package io.qwenops.inference.reliability;

import java.util.List;
import java.util.SplittableRandom;

/**
 * Random, syntactically valid JSON whose keys are often the API's own field names, so that some
 * values reach the field checks rather than stopping at the first unknown key.
 */
final class RandomJson {

  private static final List<String> KEYS =
      List.of(
          "model",
          "messages",
          "prompt",
          "tokens",
          "role",
          "content",
          "max_tokens",
          "n",
          "stop",
          "stream",
          "tools",
          "tool_choice",
          "temperature",
          "logprobs",
          "echo",
          "seed",
          "top_k",
          "function",
          "name",
          "type",
          "text",
          "x");

  private static final List<String> STRINGS =
      List.of("", "user", "assistant", "qwen-tiny", "Hi", "{{x}}", "\\u0000", "\\n", "required");

  private RandomJson() {}

  static String value(SplittableRandom random, int depth) {
    int kind = random.nextInt(depth <= 0 ? 4 : 6);
    return switch (kind) {
      case 0 -> "null";
      case 1 -> random.nextBoolean() ? "true" : "false";
      case 2 ->
          random.nextBoolean()
              ? String.valueOf(random.nextInt(-3, 300))
              : String.valueOf(random.nextDouble() * Math.pow(10, random.nextInt(-5, 30)));
      case 3 -> "\"" + STRINGS.get(random.nextInt(STRINGS.size())) + "\"";
      case 4 -> {
        StringBuilder s = new StringBuilder("[");
        int n = random.nextInt(4);
        for (int i = 0; i < n; i++) {
          s.append(i == 0 ? "" : ",").append(value(random, depth - 1));
        }
        yield s.append(']').toString();
      }
      default -> {
        StringBuilder s = new StringBuilder("{");
        int n = random.nextInt(5);
        for (int i = 0; i < n; i++) {
          s.append(i == 0 ? "" : ",")
              .append('"')
              .append(KEYS.get(random.nextInt(KEYS.size())))
              .append("\":")
              .append(value(random, depth - 1));
        }
        yield s.append('}').toString();
      }
    };
  }
}
