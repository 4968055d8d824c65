package io.qwenops.inference.guided;

/**
 * A JSON schema that guided decoding cannot enforce (or that is not a schema): the API answers 400
 * naming {@link #keyword()}, so a client never believes a constraint held that did not.
 */
public final class UnsupportedSchemaException extends RuntimeException {

  private final String keyword;

  UnsupportedSchemaException(String keyword, String message) {
    super(message);
    this.keyword = keyword;
  }

  /** The schema keyword at fault ({@code pattern}, {@code $ref}, ...). */
  public String keyword() {
    return keyword;
  }
}
