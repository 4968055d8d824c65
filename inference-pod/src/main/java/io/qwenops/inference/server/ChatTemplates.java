package io.qwenops.inference.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.qwenops.inference.api.chat.ChatTemplate;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Finds a checkpoint's own chat template: {@code chat_template.jinja} beside the weights (newer
 * transformers), else {@code chat_template} in {@code tokenizer_config.json} (a string, or a list
 * of named templates where "default" wins), else ChatML.
 */
public final class ChatTemplates {

  private ChatTemplates() {}

  public static ChatTemplate forModel(Path modelDir) throws IOException {
    Path jinja = modelDir.resolve("chat_template.jinja");
    if (Files.isRegularFile(jinja)) {
      return new ChatTemplate(Files.readString(jinja));
    }
    Path config = modelDir.resolve("tokenizer_config.json");
    if (Files.isRegularFile(config)) {
      JsonNode template = new ObjectMapper().readTree(config.toFile()).get("chat_template");
      if (template != null && template.isTextual()) {
        return new ChatTemplate(template.asText());
      }
      if (template != null && template.isArray()) {
        for (JsonNode named : template) {
          if ("default".equals(named.path("name").asText())) {
            return new ChatTemplate(named.path("template").asText());
          }
        }
      }
    }
    return ChatTemplate.chatMl();
  }
}
