package io.qwenops.inference.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.openai.client.OpenAIClient;
import com.openai.core.http.StreamResponse;
import com.openai.errors.BadRequestException;
import com.openai.errors.NotFoundException;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import com.openai.models.completions.Completion;
import com.openai.models.completions.CompletionCreateParams;
import com.openai.models.models.Model;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The official OpenAI Java SDK, unchanged, against the real server on the real engine, with strict
 * response validation: every field the SDK requires is there with the right type.
 */
class OpenAiSdkTest {

  static OpenAIClient client;

  @BeforeAll
  static void connect() {
    client = TinyModel.sdkClient();
  }

  @AfterAll
  static void close() {
    client.close();
  }

  ChatCompletionCreateParams.Builder chat() {
    return ChatCompletionCreateParams.builder()
        .model(TinyModel.NAME)
        .addSystemMessage("You are terse.")
        .addUserMessage("Say hi")
        .maxCompletionTokens(6)
        .temperature(0.0);
  }

  @Test
  void chatCompletion() {
    ChatCompletion completion = client.chat().completions().create(chat().build());
    assertThat(completion.model()).isEqualTo(TinyModel.NAME);
    assertThat(completion.choices()).hasSize(1);
    ChatCompletion.Choice choice = completion.choices().getFirst();
    assertThat(choice.finishReason())
        .isIn(ChatCompletion.Choice.FinishReason.LENGTH, ChatCompletion.Choice.FinishReason.STOP);
    assertThat(choice.message().content()).isPresent();
    var usage = completion.usage().orElseThrow();
    assertThat(usage.promptTokens()).isGreaterThan(10);
    assertThat(usage.completionTokens()).isBetween(1L, 6L);
    assertThat(usage.totalTokens()).isEqualTo(usage.promptTokens() + usage.completionTokens());
  }

  @Test
  void streamingChatMatchesTheNonStreamingText() {
    String whole =
        client
            .chat()
            .completions()
            .create(chat().build())
            .choices()
            .getFirst()
            .message()
            .content()
            .orElse("");
    List<ChatCompletionChunk> chunks = new ArrayList<>();
    try (StreamResponse<ChatCompletionChunk> stream =
        client
            .chat()
            .completions()
            .createStreaming(
                chat()
                    .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build())
                    .build())) {
      stream.stream().forEach(chunks::add);
    }
    StringBuilder text = new StringBuilder();
    for (ChatCompletionChunk c : chunks) {
      c.choices().forEach(ch -> ch.delta().content().ifPresent(text::append));
    }
    assertThat(text.toString()).isEqualTo(whole);
    assertThat(chunks.getFirst().choices().getFirst().delta().role()).isPresent();
    ChatCompletionChunk last = chunks.getLast();
    assertThat(last.choices()).isEmpty();
    assertThat(last.usage().orElseThrow().completionTokens()).isBetween(1L, 6L);
    assertThat(chunks.get(chunks.size() - 2).choices().getFirst().finishReason()).isPresent();
  }

  @Test
  void completion() {
    Completion completion =
        client
            .completions()
            .create(
                CompletionCreateParams.builder()
                    .model(TinyModel.NAME)
                    .prompt("The capital of France is")
                    .maxTokens(4)
                    .build());
    assertThat(completion.choices()).hasSize(1);
    assertThat(completion.usage().orElseThrow().completionTokens()).isBetween(1L, 4L);
  }

  @Test
  void modelsList() {
    List<Model> models = client.models().list().data();
    assertThat(models).extracting(Model::id).containsExactly(TinyModel.NAME);
  }

  @Test
  void errorsSurfaceAsSdkExceptions() {
    assertThatThrownBy(() -> client.chat().completions().create(chat().model("gpt-9").build()))
        .isInstanceOf(NotFoundException.class)
        .hasMessageContaining("gpt-9");
    assertThatThrownBy(
            () -> client.chat().completions().create(chat().maxCompletionTokens(100_000).build()))
        .isInstanceOf(BadRequestException.class)
        .hasMessageContaining("maximum context length is 256");
  }
}
