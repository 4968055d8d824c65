package io.qwenops.inference.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.qwenops.inference.api.chat.ChatMessages;
import io.qwenops.inference.api.chat.ChatTemplateException;
import java.lang.System.Logger;

/**
 * Renders a conversation with the served model's chat template for every route that needs one (chat
 * completions, {@code /tokenize}), and turns a failed render into the API's answer: 400 when the
 * conversation is at fault (the template refused it, or it renders too big), 500 with a generic
 * message when the server's own template is broken (the detail goes to the log).
 */
public final class ChatPrompts {

  private static final Logger LOG = System.getLogger(ChatPrompts.class.getName());

  private ChatPrompts() {}

  public static String render(
      ServingModel model,
      JsonNode messages,
      JsonNode tools,
      boolean addGenerationPrompt,
      String requestId) {
    try {
      return model
          .chatTemplate()
          .render(
              ChatMessages.forTemplate(messages), ChatMessages.tools(tools), addGenerationPrompt);
    } catch (ChatTemplateException e) {
      if (e.kind() != ChatTemplateException.Kind.BROKEN) {
        throw ApiException.invalid(e.getMessage(), "messages");
      }
      LOG.log(Logger.Level.ERROR, "Chat template failed for request " + requestId, e);
      throw new ApiException(
          500,
          "internal_error",
          "The server's chat template could not render this conversation (request "
              + requestId
              + ").",
          null,
          "chat_template_error");
    }
  }
}
