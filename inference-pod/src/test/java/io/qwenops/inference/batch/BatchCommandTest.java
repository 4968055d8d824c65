package io.qwenops.inference.batch;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.qwenops.inference.model.TestCheckpoints;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The batch command on the real engine with a tiny random checkpoint (real Qwen2.5 tokenizer and
 * chat template): chats and prompts with per-line sampling, bad lines skipped with their numbers,
 * and an interrupted run resumed.
 */
class BatchCommandTest {

  static final ObjectMapper JSON = new ObjectMapper();
  @TempDir Path dir;
  final ByteArrayOutputStream log = new ByteArrayOutputStream();

  int batch(Path input, Path output) {
    return BatchCommand.run(
        new String[] {
          "--model", TestCheckpoints.tiny().toString(),
          "--input", input.toString(),
          "--output", output.toString(),
          "--device", "cpu",
          "--dtype", "float32",
          "--kv-cache-memory", "8MiB",
          "--max-model-len", "256",
          "--max-num-seqs", "4"
        },
        Map.of(),
        new PrintStream(log, true, StandardCharsets.UTF_8));
  }

  static Map<Integer, JsonNode> results(Path output) throws IOException {
    Map<Integer, JsonNode> byLine = new TreeMap<>();
    for (String line : Files.readAllLines(output)) {
      JsonNode result = JSON.readTree(line);
      assertThat(byLine.put(result.get("line").asInt(), result)).as("one result per line").isNull();
    }
    return byLine;
  }

  @Test
  void runsChatsAndPromptsWithTheirOwnSamplingAndSkipsBadLinesByNumber() throws IOException {
    Path input = dir.resolve("in.jsonl");
    Files.write(
        input,
        List.of(
            "{\"id\":\"greet\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}],"
                + "\"max_tokens\":5,\"temperature\":0}",
            "{\"prompt\":\"The capital of France is\",\"max_tokens\":3,\"temperature\":0}",
            "{not json",
            "",
            "{\"prompt\":\"x\",\"temperature\":-1}",
            "{\"custom_id\":\"again\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}],"
                + "\"max_completion_tokens\":5,\"temperature\":0}",
            "{\"messages\":[{\"role\":\"robot\",\"content\":\"Hi\"}]}",
            "{\"prompt\":\"x\",\"prompt_logprobs\":1}"));
    Path output = dir.resolve("out.jsonl");

    assertThat(batch(input, output)).isZero();

    Map<Integer, JsonNode> results = results(output);
    assertThat(results).containsOnlyKeys(1, 2, 6);
    JsonNode greet = results.get(1);
    assertThat(greet.get("id").asText()).isEqualTo("greet");
    assertThat(greet.get("completion_tokens").asInt()).isEqualTo(5);
    assertThat(greet.get("finish_reason").asText()).isIn("length", "stop");
    assertThat(greet.get("prompt_tokens").asInt()).isGreaterThan(5);
    assertThat(greet.get("ttft_s").asDouble())
        .isPositive()
        .isLessThanOrEqualTo(greet.get("total_s").asDouble());
    assertThat(results.get(2).get("id").asText()).isEqualTo("line-2");
    assertThat(results.get(2).get("completion_tokens").asInt()).isEqualTo(3);
    assertThat(results.get(6).get("id").asText()).isEqualTo("again");
    assertThat(results.get(6).get("text").asText())
        .as("the same chat, greedy: the same text")
        .isEqualTo(greet.get("text").asText());

    String printed = log.toString(StandardCharsets.UTF_8);
    assertThat(printed).contains("line 3: not JSON");
    assertThat(printed).contains("line 5: ").contains("temperature");
    assertThat(printed).contains("line 7: ").contains("role");
    assertThat(printed).contains("line 8: 'prompt_logprobs' is not supported in a batch");
    assertThat(printed).contains("3 requests").contains("4 bad lines skipped").contains("tokens/s");
  }

  @Test
  void anInterruptedRunResumesWithTheLinesItLacks() throws IOException {
    Path input = dir.resolve("in.jsonl");
    StringBuilder lines = new StringBuilder();
    for (int i = 0; i < 4; i++) {
      lines
          .append("{\"prompt\":\"Count ")
          .append(i)
          .append("\",\"max_tokens\":4,\"temperature\":0}\n");
    }
    Files.writeString(input, lines);
    Path full = dir.resolve("full.jsonl");
    assertThat(batch(input, full)).isZero();
    Map<Integer, JsonNode> expected = results(full);

    // An interrupted run: two results kept, the third written halfway when the process died.
    List<String> written = Files.readAllLines(full);
    Path output = dir.resolve("out.jsonl");
    Files.writeString(
        output, written.get(0) + "\n" + written.get(1) + "\n" + written.get(2).substring(0, 20));

    log.reset();
    assertThat(batch(input, output)).isZero();

    Map<Integer, JsonNode> resumed = results(output);
    assertThat(resumed).containsOnlyKeys(1, 2, 3, 4);
    for (int line = 1; line <= 4; line++) {
      assertThat(resumed.get(line).get("text").asText())
          .isEqualTo(expected.get(line).get("text").asText());
    }
    assertThat(log.toString(StandardCharsets.UTF_8))
        .contains("2 requests")
        .contains("2 already done");
  }
}
