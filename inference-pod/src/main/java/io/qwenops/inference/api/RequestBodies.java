package io.qwenops.inference.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.helidon.common.buffers.DataReader;
import io.helidon.webserver.http.ServerRequest;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** Reads a JSON body with a size limit: too big is a 413, not JSON is a 400. */
public final class RequestBodies {

  private RequestBodies() {}

  public static JsonNode json(ServerRequest req, long maxBytes) {
    long declared = req.headers().contentLength().orElse(-1L);
    if (declared > maxBytes) {
      throw ApiException.tooLarge(maxBytes);
    }
    if (!req.content().hasEntity()) {
      throw ApiException.invalid("The request has no body; a JSON object is expected", null);
    }
    byte[] bytes;
    try (InputStream in = req.content().inputStream()) {
      bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBytes + 1));
      if (bytes.length > maxBytes) {
        throw ApiException.tooLarge(maxBytes);
      }
    } catch (IOException | UncheckedIOException | DataReader.InsufficientDataAvailableException e) {
      // The client sent less than it announced and hung up: its fault, not ours.
      throw ApiException.invalid("Could not read the request body: " + e.getMessage(), null);
    }
    try {
      JsonNode node = Json.MAPPER.readTree(bytes);
      if (node == null || node.isMissingNode()) {
        throw ApiException.invalid("The request body is empty; a JSON object is expected", null);
      }
      return node;
    } catch (JsonProcessingException e) {
      throw ApiException.invalid(
          "The request body is not valid JSON: " + e.getOriginalMessage(), null);
    } catch (IOException e) {
      throw ApiException.invalid("Could not read the request body: " + e.getMessage(), null);
    }
  }
}
