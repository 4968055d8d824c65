package io.qwenops.operator.console.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerResponse;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** The gateway's one JSON mapper: camelCase records, nulls written (null means "not known"). */
public final class Json {

  public static final ObjectMapper MAPPER = new ObjectMapper();

  private Json() {}

  public static String write(Object value) {
    try {
      return MAPPER.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A JSON string literal, quotes included. */
  public static String quote(String value) {
    return write(value);
  }

  public static JsonNode read(String text) throws JsonProcessingException {
    return MAPPER.readTree(text);
  }

  public static void send(ServerResponse res, Status status, Object body) {
    res.status(status);
    res.header(HeaderNames.CONTENT_TYPE, "application/json");
    res.send(write(body).getBytes(StandardCharsets.UTF_8));
  }

  public static void send(ServerResponse res, Object body) {
    send(res, Status.OK_200, body);
  }
}
