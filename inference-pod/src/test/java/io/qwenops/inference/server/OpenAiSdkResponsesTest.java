package io.qwenops.inference.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.openai.client.OpenAIClient;
import com.openai.core.JsonValue;
import com.openai.core.http.StreamResponse;
import com.openai.errors.BadRequestException;
import com.openai.models.responses.FunctionTool;
import com.openai.models.responses.Response;
import com.openai.models.responses.ResponseCreateParams;
import com.openai.models.responses.ResponseFunctionToolCall;
import com.openai.models.responses.ResponseOutputItem;
import com.openai.models.responses.ResponseStreamEvent;
import com.openai.models.responses.ToolChoiceOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The official OpenAI Java SDK's {@code responses()} against the real server, with strict response
 * validation: responses, stream events and function calls parse as the SDK types them.
 */
class OpenAiSdkResponsesTest {

  static OpenAIClient client;

  @BeforeAll
  static void connect() {
    client = TinyModel.sdkClient();
  }

  @AfterAll
  static void close() {
    client.close();
  }

  static ResponseCreateParams.Builder text() {
    return ResponseCreateParams.builder()
        .model(TinyModel.NAME)
        .instructions("You are terse.")
        .input("Say hi")
        .maxOutputTokens(6)
        .temperature(0.0);
  }

  @Test
  void aTextResponseAndItsStreamAgree() {
    Response whole = client.responses().create(text().build());
    assertThat(whole.output()).singleElement().matches(ResponseOutputItem::isMessage);
    String text = whole.output().getFirst().asMessage().content().getFirst().asOutputText().text();
    assertThat(whole.usage().orElseThrow().outputTokens()).isBetween(1L, 6L);

    List<ResponseStreamEvent> events = new ArrayList<>();
    try (StreamResponse<ResponseStreamEvent> stream =
        client.responses().createStreaming(text().build())) {
      stream.stream().forEach(events::add);
    }
    StringBuilder streamed = new StringBuilder();
    events.stream()
        .filter(ResponseStreamEvent::isOutputTextDelta)
        .forEach(e -> streamed.append(e.asOutputTextDelta().delta()));
    assertThat(streamed.toString()).isEqualTo(text);
    assertThat(events.getFirst().isCreated()).isTrue();
    assertThat(events.getLast().isCompleted()).isTrue();
    Response done = events.getLast().asCompleted().response();
    assertThat(done.output().getFirst().asMessage().content().getFirst().asOutputText().text())
        .isEqualTo(text);
  }

  @Test
  void aRequiredFunctionToolComesBackAsAFunctionCall() {
    FunctionTool weather =
        FunctionTool.builder()
            .name("get_weather")
            .parameters(
                FunctionTool.Parameters.builder()
                    .putAdditionalProperty("type", JsonValue.from("object"))
                    .putAdditionalProperty(
                        "properties", JsonValue.from(Map.of("city", Map.of("type", "string"))))
                    .build())
            .strict(false)
            .build();
    ResponseCreateParams params =
        ResponseCreateParams.builder()
            .model(TinyModel.NAME)
            .input("Weather in Paris?")
            .addTool(weather)
            .toolChoice(ToolChoiceOptions.REQUIRED)
            .maxOutputTokens(30)
            .build();
    Response r = client.responses().create(params);
    ResponseFunctionToolCall call =
        r.output().stream()
            .filter(ResponseOutputItem::isFunctionCall)
            .findFirst()
            .orElseThrow()
            .asFunctionCall();
    assertThat(call.name()).isEqualTo("get_weather");
    assertThat(call.callId()).startsWith("call_");

    List<ResponseStreamEvent> events = new ArrayList<>();
    try (StreamResponse<ResponseStreamEvent> stream = client.responses().createStreaming(params)) {
      stream.stream().forEach(events::add);
    }
    StringBuilder arguments = new StringBuilder();
    events.stream()
        .filter(ResponseStreamEvent::isFunctionCallArgumentsDelta)
        .forEach(e -> arguments.append(e.asFunctionCallArgumentsDelta().delta()));
    ResponseFunctionToolCall streamed =
        events.getLast().asCompleted().response().output().stream()
            .filter(ResponseOutputItem::isFunctionCall)
            .findFirst()
            .orElseThrow()
            .asFunctionCall();
    assertThat(streamed.arguments()).isEqualTo(arguments.toString());
    assertThat(streamed.name()).isEqualTo("get_weather");
  }

  @Test
  void aStoredConversationIsABadRequest() {
    assertThatThrownBy(
            () -> client.responses().create(text().previousResponseId("resp_123").build()))
        .isInstanceOf(BadRequestException.class)
        .hasMessageContaining("previous_response_id");
  }
}
