package io.qwenops.inference.api.chat;

/** The template refused the conversation; the API turns this into a 400. */
public class ChatTemplateException extends RuntimeException {
  public ChatTemplateException(String message) {
    super(message);
  }
}
