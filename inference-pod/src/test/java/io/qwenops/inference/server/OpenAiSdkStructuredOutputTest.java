package io.qwenops.inference.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.openai.client.OpenAIClient;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.StructuredChatCompletion;
import com.openai.models.chat.completions.StructuredChatCompletionCreateParams;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The official OpenAI Java SDK's structured outputs ({@code responseFormat(Class)}, the Java
 * counterpart of the npm client's {@code parse()} with a zod schema): the SDK derives a strict JSON
 * schema from the class, sends it as {@code response_format: json_schema}, and parses the reply
 * back into the class. With random weights only guided decoding can make that parse succeed.
 */
class OpenAiSdkStructuredOutputTest {

  /** What the SDK turns into a strict schema: every field required, no other properties. */
  public static class City {
    public String name;
    public long population;
    public boolean capital;
    public List<String> districts;
  }

  static OpenAIClient client;

  @BeforeAll
  static void connect() {
    client = TinyModel.sdkClient();
  }

  @AfterAll
  static void close() {
    client.close();
  }

  @Test
  void aClassSchemaComesBackAsAnInstanceOfTheClass() {
    for (double temperature : new double[] {0.0, 1.0}) {
      StructuredChatCompletionCreateParams<City> params =
          ChatCompletionCreateParams.builder()
              .model(TinyModel.NAME)
              .addUserMessage("Describe a city as JSON.")
              .maxCompletionTokens(200)
              .temperature(temperature)
              .seed(7L)
              .responseFormat(City.class)
              .build();

      StructuredChatCompletion<City> reply = client.chat().completions().create(params);

      City city = reply.choices().getFirst().message().content().orElseThrow();
      assertThat(city.name).as("temperature %s", temperature).isNotNull();
      assertThat(city.districts).as("temperature %s", temperature).isNotNull();
    }
  }
}
