package io.qwenops.inference.guided;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The JSON grammar with the schema of any object (json_object, non-strict tool arguments). */
class JsonPrefixTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  static final List<String> VALID =
      List.of(
          "{}",
          "{\"city\": \"Paris\"}",
          "{\"a\":1,\"b\":-0.5e+3,\"c\":[true,false,null],\"d\":{\"e\":[]}}",
          "{\"q\": \"caf\u00e9 \u6771\u4eac \ud83d\ude00 \\\"quoted\\\" \\u00e9\\n\"}",
          "{ \"x\" : [ 1 , 2 ] }",
          "{\"n\": 0, \"m\": 10.25, \"k\": 3E7}");

  @Test
  void acceptsValidObjectsByteByByteAndEndsExactlyAtTheirClose() {
    for (String doc : VALID) {
      JsonPrefix p = JsonPrefix.of(SchemaCompiler.anyObject());
      byte[] bytes = doc.getBytes(StandardCharsets.UTF_8);
      for (int i = 0; i < bytes.length; i++) {
        assertThat(p.done()).as("%s closed early at %d", doc, i).isFalse();
        assertThat(p.feed(bytes[i])).as("%s byte %d", doc, i).isTrue();
      }
      assertThat(p.done()).as(doc).isTrue();
      assertThat(p.copy().feed((byte) ' ')).as("nothing after the close").isFalse();
    }
  }

  @Test
  void everyPrefixPlusItsCompletionIsAValidObject() throws Exception {
    for (String doc : VALID) {
      byte[] bytes = doc.getBytes(StandardCharsets.UTF_8);
      JsonPrefix p = JsonPrefix.of(SchemaCompiler.anyObject());
      for (int i = 0; i <= bytes.length; i++) {
        byte[] completion = p.completion();
        byte[] whole = new byte[i + completion.length];
        System.arraycopy(bytes, 0, whole, 0, i);
        System.arraycopy(completion, 0, whole, i, completion.length);
        JsonNode parsed = JSON.readTree(whole);
        assertThat(parsed.isObject()).as("%s", new String(whole, StandardCharsets.UTF_8)).isTrue();
        if (i < bytes.length) {
          p.feed(bytes[i]);
        }
      }
    }
  }

  @Test
  void refusesWhatCannotContinueAnObject() {
    for (String bad :
        List.of(
            "[",
            " {",
            "{,",
            "{\"a\" 1",
            "{\"a\":01",
            "{\"a\":-}",
            "{\"a\":1.}",
            "{\"a\":tru}",
            "{\"a\":\"\\x\"",
            "{\"a\":\"\u0001",
            "{\"a\":1]",
            "{\"a\":[1}",
            "{'a'",
            "{\"a\":1}}")) {
      assertThat(accepts(bad)).as(bad).isFalse();
    }
    assertThat(accepts("{\"a\":   1")).as("a run of three spaces").isFalse();
    assertThat(accepts("{\"a\":  1")).isTrue();
    assertThat(accepts("{\"a\":" + "[".repeat(JsonValueFrame.MAX_FREE_DEPTH - 1))).isTrue();
    assertThat(accepts("{\"a\":" + "[".repeat(JsonValueFrame.MAX_FREE_DEPTH)))
        .as("too deep")
        .isFalse();
    // Broken UTF-8 inside a string: a stray continuation byte, an overlong lead, a surrogate.
    assertThat(accepts(new byte[] {'{', '"', (byte) 0x80})).isFalse();
    assertThat(accepts(new byte[] {'{', '"', (byte) 0xC0})).isFalse();
    assertThat(accepts(new byte[] {'{', '"', (byte) 0xED, (byte) 0xA0})).isFalse();
    assertThat(accepts(new byte[] {'{', '"', (byte) 0xE6, (byte) 0x9D})).isTrue();
  }

  private static boolean accepts(String s) {
    return accepts(s.getBytes(StandardCharsets.UTF_8));
  }

  private static boolean accepts(byte[] bytes) {
    JsonPrefix p = JsonPrefix.of(SchemaCompiler.anyObject());
    for (byte b : bytes) {
      if (!p.feed(b)) {
        return false;
      }
    }
    return true;
  }
}
