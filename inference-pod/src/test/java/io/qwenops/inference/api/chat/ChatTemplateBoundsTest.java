package io.qwenops.inference.api.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.qwenops.inference.api.Json;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A template that loops or writes without end fails its render at once, with a message that says
 * which bound it hit, instead of holding the request thread or filling the heap. The timeouts only
 * guard against a hang; on today's Jinjava settings these renders run for minutes.
 */
class ChatTemplateBoundsTest {

  private static final List<Map<String, Object>> HI =
      ChatMessages.forTemplate(
          Json.MAPPER
              .createArrayNode()
              .add(Json.MAPPER.createObjectNode().put("role", "user").put("content", "Hi")));

  @Test
  @Timeout(value = 30, unit = TimeUnit.SECONDS)
  void nestedLoopsWithNothingInsideRunOutOfIterations() {
    ChatTemplate spinning =
        new ChatTemplate(
            "{% for a in range(1000) %}{% for b in range(1000) %}{% for c in range(1000) %}"
                + "{% endfor %}{% endfor %}{% endfor %}done");
    assertThatThrownBy(() -> spinning.render(HI, null, true))
        .isInstanceOfSatisfying(
            ChatTemplateException.class,
            e -> assertThat(e.kind()).isEqualTo(ChatTemplateException.Kind.TOO_LARGE))
        .hasMessageContaining("loop iterations");
  }

  @Test
  @Timeout(value = 30, unit = TimeUnit.SECONDS)
  void aTemplateThatWritesTooMuchFailsNamingTheLimit() {
    ChatTemplate bomb =
        new ChatTemplate(
            "{% for a in range(1000) %}{% for b in range(1000) %}{{ messages[0].content }} and some more text to fill the heap"
                + "{% endfor %}{% endfor %}",
            new ChatTemplate.Limits(1 << 20, 10_000_000));
    assertThatThrownBy(() -> bomb.render(HI, null, true))
        .isInstanceOfSatisfying(
            ChatTemplateException.class,
            e ->
                assertThat(e.kind())
                    .as(e.getMessage())
                    .isEqualTo(ChatTemplateException.Kind.TOO_LARGE))
        .hasMessageContaining(String.valueOf(1 << 20));
  }

  @Test
  void aLoopWithinTheBudgetRendersInFull() {
    ChatTemplate counting =
        new ChatTemplate(
            "{% for m in messages %}{% for i in range(3) %}{{ m.content }}{% endfor %}{% endfor %}",
            new ChatTemplate.Limits(1000, 20));
    assertThat(counting.render(HI, null, true)).isEqualTo("HiHiHi");
    ChatTemplate over =
        new ChatTemplate(
            "{% for m in messages %}{% for i in range(30) %}{{ m.content }}{% endfor %}{% endfor %}",
            new ChatTemplate.Limits(1000, 20));
    assertThatThrownBy(() -> over.render(HI, null, true))
        .isInstanceOf(ChatTemplateException.class)
        .hasMessageContaining("loop iterations");
  }

  @Test
  void aBrokenTemplateIsTheServersFault() {
    ChatTemplate broken = new ChatTemplate("{% for m in messages %}{{ m.content }}{% endif %}");
    assertThatThrownBy(() -> broken.render(HI, null, true))
        .isInstanceOfSatisfying(
            ChatTemplateException.class,
            e -> assertThat(e.kind()).isEqualTo(ChatTemplateException.Kind.BROKEN));
  }

  @Test
  void raiseExceptionIsTheConversationsFault() {
    ChatTemplate strict = new ChatTemplate("{{ raise_exception('no users here') }}");
    assertThatThrownBy(() -> strict.render(HI, null, true))
        .isInstanceOfSatisfying(
            ChatTemplateException.class,
            e -> assertThat(e.kind()).isEqualTo(ChatTemplateException.Kind.REJECTED))
        .hasMessage("no users here");
  }
}
