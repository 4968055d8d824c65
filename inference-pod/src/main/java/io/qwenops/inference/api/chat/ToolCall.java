package io.qwenops.inference.api.chat;

/** One call the model asked for; {@code arguments} is a JSON object as text, as OpenAI sends it. */
public record ToolCall(String id, String name, String arguments) {}
