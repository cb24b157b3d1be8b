package dev.kiln.inference.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Real chat templates (Llama 3.1, Qwen 3, Mistral, Mixtral, ChatML, Phi-3, TinyLlama/Zephyr and
 * more; see chat-templates/cases.json for their sources) rendered by Jinjava must equal the
 * reference renderer's output (@huggingface/jinja, chat-templates/render-expected.mjs) byte for byte.
 */
class ChatTemplateTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    record Case(String name, String chatTemplate, Map<String, Object> data, String expected) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Case> cases() throws IOException {
        try (InputStream in = ChatTemplateTest.class.getResourceAsStream("/chat-templates/cases.json")) {
            List<Map<String, Object>> raw = JSON.readValue(in, new TypeReference<>() {});
            return raw.stream()
                    .map(c -> new Case(
                            (String) c.get("name"),
                            (String) c.get("chat_template"),
                            (Map<String, Object>) c.get("data"),
                            (String) c.get("expected")));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void rendersAsTheReferenceRenderer(Case c) {
        ChatTemplate t = new ChatTemplate(c.chatTemplate(), (String) c.data().get("bos_token"), (String)
                c.data().get("eos_token"));
        assertThat(t.render(c.data())).isEqualTo(c.expected());
    }

    @Test
    void raiseExceptionFailsWithTheTemplatesMessage() {
        ChatTemplate mistral = new ChatTemplate(
                "{{ bos_token }}{% for message in messages %}{% if (message['role'] == 'user') != (loop.index0 % 2 == 0) %}"
                        + "{{ raise_exception('Conversation roles must alternate user/assistant/user/assistant/...') }}"
                        + "{% endif %}{{ message['content'] }}{% endfor %}",
                "<s>", "</s>");
        assertThatThrownBy(() -> mistral.render(
                        List.of(new ChatMessage("user", "a"), new ChatMessage("user", "b")), true, Map.of()))
                .isInstanceOf(ChatTemplateException.class)
                .hasMessageContaining("Conversation roles must alternate user/assistant/user/assistant/...");
    }

    @Test
    void aSyntaxErrorFailsWithTheEnginesMessage() {
        ChatTemplate broken = new ChatTemplate("{% for m in messages %}{{ m.content }}", "", "");
        assertThatThrownBy(() -> broken.render(List.of(new ChatMessage("user", "a")), true, Map.of()))
                .isInstanceOf(ChatTemplateException.class)
                .hasMessageContaining("the chat template failed to render");
    }

    @Test
    void pythonStringMethodsBehaveAsPythons() {
        ChatTemplate t = new ChatTemplate(
                "{% set c = messages[0].content %}[{{ c.strip() }}][{{ c.split('</think>')[-1].lstrip('\\n') }}]"
                        + "[{{ c.strip().startswith('<think>') }}][{{ 'a,b,,'.split(',')|length }}][{{ c.rstrip(' \\n') }}]",
                "", "");
        String out = t.render(List.of(new ChatMessage("assistant", " <think>x</think>\n\nanswer \n")), false, Map.of());
        assertThat(out).isEqualTo("[<think>x</think>\n\nanswer][answer \n][true][4][ <think>x</think>\n\nanswer]");
    }

    @Test
    void tojsonIsPythonsJsonDumps() {
        ChatTemplate t =
                new ChatTemplate("{{ tools[0] | tojson }}|{{ tools[0] | tojson(indent=2) }}|{{ {} | tojson }}", "", "");
        Map<String, Object> tool = new java.util.LinkedHashMap<>();
        tool.put("name", "get_weather");
        tool.put("args", List.of("city", "ünit"));
        tool.put("strict", true);
        String out = t.render(List.of(new ChatMessage("user", "x")), false, Map.of("tools", List.of(tool)));
        assertThat(out)
                .isEqualTo(
                        "{\"name\": \"get_weather\", \"args\": [\"city\", \"ünit\"], \"strict\": true}|"
                                + "{\n  \"name\": \"get_weather\",\n  \"args\": [\n    \"city\",\n    \"ünit\"\n  ],\n  \"strict\": true\n}|{}");
    }

    @Test
    void strftimeUsesPythonDirectives() {
        var t = java.time.ZonedDateTime.of(2025, 7, 10, 12, 0, 0, 0, java.time.ZoneOffset.UTC);
        assertThat(TemplateFunctions.strftime(t, "%d %b %Y")).isEqualTo("10 Jul 2025");
        assertThat(TemplateFunctions.strftime(t, "%A %d %B %Y, %H:%M")).isEqualTo("Thursday 10 July 2025, 12:00");
    }
}
