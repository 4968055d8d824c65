package io.qwenops.inference.api.chat;

import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Reads one {@code <tool_call>} block's JSON body ({@code {"name": ..., "arguments": ...}}) as it
 * is generated, character by character: the name once its string is complete, and the arguments as
 * they come. An object or array argument is passed on verbatim less the whitespace outside its
 * strings, so a stream of fragments and the whole body's {@link #arguments()} are the same text; a
 * string argument (a JSON object written as a string) is its decoded content, given at its closing
 * quote. It checks nothing beyond that: whether the body is valid JSON is {@link ToolCallParser}'s
 * question once the block has ended.
 */
final class ToolCallBody {

  private static final ObjectMapper JSON = new ObjectMapper();

  private enum Expect {
    OPEN,
    KEY,
    COLON,
    VALUE,
    AFTER_VALUE
  }

  private Expect expect = Expect.OPEN;
  private boolean inString;
  private boolean escaped;

  /** Nesting inside the top-level object: 0 between its members. */
  private int depth;

  private final StringBuilder key = new StringBuilder();
  private String currentKey;
  private final StringBuilder value = new StringBuilder();
  private boolean inValue;
  private boolean valueIsContainer;

  private String name;
  private final StringBuilder arguments = new StringBuilder();
  private int argumentsTaken;
  private boolean argumentsSeen;
  private boolean argumentsDone;

  /** Feeds generated body text. */
  void feed(CharSequence text) {
    for (int i = 0; i < text.length(); i++) {
      feed(text.charAt(i));
    }
  }

  /** The function's name once its string has closed, else null. */
  String name() {
    return name;
  }

  /** The arguments read since the last call (empty when none). */
  String takeArguments() {
    String out = arguments.substring(argumentsTaken);
    argumentsTaken = arguments.length();
    return out;
  }

  /** What {@link #takeArguments} has handed out. */
  String argumentsTaken() {
    return arguments.substring(0, argumentsTaken);
  }

  /** Every argument character read so far; {@code {}} for a body that ended without any. */
  String arguments() {
    return argumentsSeen ? arguments.toString() : "{}";
  }

  /** Whether the arguments value has ended (or the body closed without one). */
  boolean argumentsDone() {
    return argumentsDone;
  }

  private void feed(char c) {
    if (inValue) {
      valueChar(c);
      return;
    }
    if (inString) {
      stringChar(c, key);
      if (!inString) {
        currentKey = decode("\"" + key + "\"");
        key.setLength(0);
        expect = Expect.COLON;
      }
      return;
    }
    if (Character.isWhitespace(c)) {
      return;
    }
    switch (expect) {
      case OPEN -> expect = c == '{' ? Expect.KEY : Expect.OPEN;
      case KEY -> {
        if (c == '"') {
          inString = true;
        } else if (c == '}') {
          argumentsDone = true;
        }
      }
      case COLON -> expect = c == ':' ? Expect.VALUE : Expect.COLON;
      case VALUE -> startValue(c);
      case AFTER_VALUE -> {
        if (c == ',') {
          expect = Expect.KEY;
        } else if (c == '}') {
          argumentsDone = true;
        }
      }
    }
  }

  private void startValue(char c) {
    inValue = true;
    value.setLength(0);
    valueIsContainer = c == '{' || c == '[';
    if ("arguments".equals(currentKey)) {
      argumentsSeen = true;
    }
    valueChar(c);
  }

  /** One character of a member's value; it ends at its closing bracket, quote or delimiter. */
  private void valueChar(char c) {
    boolean isArguments = "arguments".equals(currentKey);
    if (inString) {
      stringChar(c, value);
      if (!inString && depth == 0) {
        endValue(isArguments, true);
      } else if (isArguments && valueIsContainer) {
        arguments.append(c);
      }
      return;
    }
    if (!valueIsContainer && depth == 0 && (c == ',' || c == '}' || Character.isWhitespace(c))) {
      if (value.length() > 0) {
        endValue(isArguments, false);
        feed(c);
      }
      return;
    }
    if (Character.isWhitespace(c)) {
      return;
    }
    value.append(c);
    if (c == '"') {
      inString = true;
    } else if (c == '{' || c == '[') {
      depth++;
    } else if (c == '}' || c == ']') {
      depth--;
    }
    if (isArguments && valueIsContainer) {
      arguments.append(c);
    }
    if (valueIsContainer && depth == 0) {
      endValue(isArguments, false);
    }
  }

  private void endValue(boolean isArguments, boolean quoted) {
    inValue = false;
    expect = Expect.AFTER_VALUE;
    if ("name".equals(currentKey) && quoted) {
      name = decode(value.toString());
    }
    if (isArguments) {
      if (!quoted && "null".equals(value.toString())) {
        argumentsSeen = false; // as if absent: {}
      } else if (!valueIsContainer) {
        String decoded = quoted ? decode(value.toString()) : value.toString();
        arguments.append(decoded == null ? "" : decoded);
      }
      argumentsDone = true;
    }
  }

  /** A string character (the opening quote already read); appends it raw to {@code into}. */
  private void stringChar(char c, StringBuilder into) {
    if (into == value) {
      into.append(c);
    } else if (!(c == '"' && !escaped)) {
      into.append(c);
    }
    if (escaped) {
      escaped = false;
    } else if (c == '\\') {
      escaped = true;
    } else if (c == '"') {
      inString = false;
    }
  }

  private static String decode(String quoted) {
    try {
      return JSON.readValue(quoted, String.class);
    } catch (Exception e) {
      return null;
    }
  }
}
