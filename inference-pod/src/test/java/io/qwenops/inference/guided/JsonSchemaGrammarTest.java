package io.qwenops.inference.guided;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.qwenops.inference.api.PromptTokenizer;
import io.qwenops.inference.server.TestTokenizers;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The schema grammar over the real Qwen vocabulary, driven by a "model" that picks uniformly among
 * the tokens the grammar's mask leaves: whatever it picks, the text validates against the schema
 * (checked by a real JSON Schema validator) and fits max_tokens.
 */
class JsonSchemaGrammarTest {

  private static final PromptTokenizer QWEN = TestTokenizers.QWEN;
  private static final int VOCAB = 151936;
  private static final Set<Integer> EOS = Set.of(151643, 151645);
  private static final ObjectMapper JSON = new ObjectMapper();

  record Run(String text, boolean complete, boolean closedEarly, int tokens) {}

  static Run generate(String schema, int budget, SplittableRandom random) throws Exception {
    TokenTable table = TokenTable.of(QWEN, VOCAB);
    JsonSchemaGrammar g =
        new JsonSchemaGrammar(table, QWEN, SchemaCompiler.compile(JSON.readTree(schema)), budget);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (int step = 0; step < budget; step++) {
      int id = g.forcedToken();
      if (id < 0) {
        float[] logits = new float[VOCAB];
        for (int i = 0; i < VOCAB; i++) {
          logits[i] = (float) random.nextDouble();
        }
        float[] masked = logits.clone();
        g.mask(masked);
        for (int e : EOS) {
          masked[e] = g.mayEnd() ? logits[e] : Float.NEGATIVE_INFINITY;
        }
        id = argmax(masked);
        assertThat(masked[id]).as("some token is allowed at step %d", step).isFinite();
      }
      if (EOS.contains(id)) {
        return new Run(out.toString(StandardCharsets.UTF_8), true, false, step);
      }
      out.writeBytes(table.bytes(id));
      if (g.accept(id)) {
        return new Run(out.toString(StandardCharsets.UTF_8), true, g.closedEarly(), step + 1);
      }
    }
    return new Run(out.toString(StandardCharsets.UTF_8), false, false, budget);
  }

  private static int argmax(float[] v) {
    int best = 0;
    for (int i = 1; i < v.length; i++) {
      if (v[i] > v[best]) {
        best = i;
      }
    }
    return best;
  }

  @Test
  void randomChoicesAlwaysGiveAValidValueWithinTheBudget() throws Exception {
    SplittableRandom random = new SplittableRandom(11);
    for (String schema : SchemaValidation.FEATURES) {
      for (int trial = 0; trial < 3; trial++) {
        int budget = 24 + random.nextInt(40);
        Run run = generate(schema, budget, random);
        assertThat(run.complete()).as("%s completes within %d tokens", schema, budget).isTrue();
        assertThat(SchemaValidation.errors(schema, run.text()))
            .as("%s: %s", schema, run.text())
            .isEmpty();
      }
    }
  }

  @Test
  void theTrieMaskAllowsExactlyWhatTheTokenByTokenCheckAllows() throws Exception {
    TokenTable table = TokenTable.of(QWEN, VOCAB);
    String shapes = SchemaValidation.FEATURES.get(3);
    String twoObjects =
        "{\"anyOf\":[{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"string\"}}},"
            + "{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"string\"},"
            + "\"b\":{\"type\":\"integer\"}}}]}";
    String[][] states = {
      {shapes, ""},
      {shapes, "{\"id\": "},
      {shapes, "{\"id\": \"ab"},
      {shapes, "{\"id\": 12"},
      {shapes, "{\"id\":1,\"note\":null,\"shape\":{"},
      {twoObjects, "{\"a\": \"x"},
    };
    for (String[] st : states) {
      JsonSchemaGrammar g =
          new JsonSchemaGrammar(table, QWEN, SchemaCompiler.compile(JSON.readTree(st[0])), 4096);
      for (byte b : st[1].getBytes(StandardCharsets.UTF_8)) {
        g.accept(table.encode(new byte[] {b}, QWEN)[0]);
      }
      float[] logits = new float[VOCAB];
      g.mask(logits);
      int allowed = 0;
      for (int id = 0; id < VOCAB; id++) {
        assertThat(logits[id] == 0).as("%s: token %d", st[1], id).isEqualTo(g.allows(id));
        allowed += logits[id] == 0 ? 1 : 0;
      }
      assertThat(allowed).as(st[1]).isPositive();
    }
  }

  @Test
  void everyPrefixOfAValidValuePlusItsClosingValidates() {
    String schema = SchemaValidation.FEATURES.get(3);
    String doc =
        "{\"id\": \"a\\u00e9\\ud83d\\ude00\", \"note\": null, \"shape\": {\"w\": 1.5, \"h\": -2e3}}";
    JsonPrefix p = JsonPrefix.of(SchemaCompiler.compile(read(schema)));
    byte[] bytes = doc.getBytes(StandardCharsets.UTF_8);
    for (int i = 0; i <= bytes.length; i++) {
      String whole =
          new String(bytes, 0, i, StandardCharsets.UTF_8)
              + new String(p.completion(), StandardCharsets.UTF_8);
      assertThat(SchemaValidation.errors(schema, whole)).as(whole).isEmpty();
      if (i < bytes.length) {
        assertThat(p.feed(bytes[i])).as("%s at %d", doc, i).isTrue();
      }
    }
    assertThat(p.done()).isTrue();
  }

  @Test
  void refusesWhatTheSchemaForbids() {
    String schema = SchemaValidation.FEATURES.get(0);
    for (String bad :
        List.of(
            "{\"s\":1",
            "{\"x\"",
            "{\"s\":\"a\",\"s\"",
            "{\"s\":\"a\"}",
            "{\"i\":1.5",
            "{\"i\":1e",
            "{\"z\":0",
            "{\"b\":nul",
            "{\"s\":\"\\ud800\"",
            "{\"s\":\"\\udc00")) {
      assertThat(accepts(schema, bad)).as(bad).isFalse();
    }
    assertThat(accepts(schema, "{\"s\":\"\\ud83d\\ude00\",\"i\":-0,\"n\":0.5E+2")).isTrue();
    String enums = SchemaValidation.FEATURES.get(2);
    assertThat(accepts(enums, "{\"unit\":\"kelvin")).isFalse();
    assertThat(accepts(enums, "{\"v\":3")).isFalse();
    assertThat(accepts(enums, "{\"level\":12,")).isTrue();
    assertThat(accepts(enums, "{\"level\":1,")).isTrue();
    assertThat(accepts(enums, "{\"level\":123")).isFalse();
    String arrays = SchemaValidation.FEATURES.get(1);
    assertThat(accepts(arrays, "{\"tags\":[]")).as("minItems 1").isFalse();
    assertThat(accepts(arrays, "{\"tags\":[\"a\",\"b\",\"c\",")).as("maxItems 3").isFalse();
  }

  @Test
  void unsupportedKeywordsAreRefusedByName() {
    String[][] cases = {
      {"{\"type\":\"string\",\"pattern\":\"a+\"}", "pattern"},
      {"{\"type\":\"string\",\"format\":\"date-time\"}", "format"},
      {"{\"type\":\"string\",\"minLength\":2}", "minLength"},
      {"{\"type\":\"integer\",\"minimum\":0}", "minimum"},
      {"{\"oneOf\":[{\"type\":\"string\"}]}", "oneOf"},
      {"{\"type\":\"array\",\"items\":[{\"type\":\"string\"}]}", "items"},
      {
        "{\"$defs\":{\"n\":{\"type\":\"object\",\"properties\":{\"next\":{\"$ref\":\"#/$defs/n\"}}}},"
            + "\"$ref\":\"#/$defs/n\"}",
        "$ref"
      },
      {"{\"type\":\"object\",\"required\":[\"a\"]}", "required"},
      {"{\"type\":\"strin\"}", "type"}
    };
    for (String[] c : cases) {
      assertThatThrownBy(() -> SchemaCompiler.compile(read(c[0])))
          .as(c[0])
          .isInstanceOfSatisfying(
              UnsupportedSchemaException.class, e -> assertThat(e.keyword()).isEqualTo(c[1]));
    }
  }

  private static boolean accepts(String schema, String text) {
    JsonPrefix p = JsonPrefix.of(SchemaCompiler.compile(read(schema)));
    for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
      if (!p.feed(b)) {
        return false;
      }
    }
    return true;
  }

  private static com.fasterxml.jackson.databind.JsonNode read(String s) {
    try {
      return JSON.readTree(s);
    } catch (Exception e) {
      throw new IllegalArgumentException(e);
    }
  }
}
