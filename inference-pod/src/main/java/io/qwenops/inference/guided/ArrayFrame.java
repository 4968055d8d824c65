package io.qwenops.inference.guided;

import java.io.ByteArrayOutputStream;

/** Inside a JSON array: elements of the item schema, between minItems and maxItems of them. */
final class ArrayFrame extends JsonValueFrame.Container {

  static final int FIRST = 0; // after '[': a value or ']'
  static final int VALUE = 1; // waiting for an element
  static final int AFTER = 2; // after an element: ',' or ']'

  final JsonSchema schema;
  final int count;
  final int phase;
  final int whitespace;
  final JsonValueFrame.Container up;

  ArrayFrame(JsonSchema schema, int count, int phase, int whitespace, JsonValueFrame.Container up) {
    this.schema = schema;
    this.count = count;
    this.phase = phase;
    this.whitespace = whitespace;
    this.up = up;
  }

  @Override
  int depth() {
    return up.depth() + 1;
  }

  @Override
  JsonValueFrame afterValue() {
    return new ArrayFrame(schema, count + 1, AFTER, 0, up);
  }

  private JsonValueFrame element() {
    return JsonValueFrame.start(schema.itemSchema(), new ArrayFrame(schema, count, VALUE, 0, up));
  }

  @Override
  JsonValueFrame feed(int c) {
    if (whitespace(c)) {
      return whitespace < MAX_WHITESPACE_RUN
          ? new ArrayFrame(schema, count, phase, whitespace + 1, up)
          : null;
    }
    if (c == ']') {
      return count >= schema.minItems() ? up.afterValue() : null;
    }
    if (phase == FIRST) {
      return schema.maxItems() > 0 ? element().feed(c) : null;
    }
    return c == ',' && count < schema.maxItems() ? element() : null;
  }

  @Override
  void closing(ByteArrayOutputStream out) {
    boolean comma = phase == AFTER;
    for (int i = count; i < schema.minItems(); i++) {
      if (comma) {
        out.write(',');
      }
      comma = true;
      out.writeBytes(schema.itemSchema().minimal());
    }
    out.write(']');
    up.afterValue().closing(out);
  }
}
