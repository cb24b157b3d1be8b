package dev.kiln.inference.chat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiln.inference.model.InvalidBundleException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The chat fields of a bundle as transformers saves them: the template from
 * {@code chat_template.jinja} (transformers ≥ 4.43) or tokenizer_config.json's
 * {@code chat_template} (a string, or a list of {@code {"name", "template"}} of which
 * {@code default} is used), and {@code bos_token} / {@code eos_token} (a string or an added-token
 * object with {@code content}).
 *
 * @param template null when the bundle has none (a base model)
 */
public record ChatConfig(String template, String bosToken, String eosToken) {
    public static final String TEMPLATE_FILE = "chat_template.jinja";
    public static final String TOKENIZER_CONFIG = "tokenizer_config.json";

    private static final ObjectMapper JSON = new ObjectMapper();

    public static ChatConfig none() {
        return new ChatConfig(null, "", "");
    }

    /** @throws InvalidBundleException a file is malformed, or several templates and none is "default" */
    public static ChatConfig read(Path dir) {
        Path configFile = dir.resolve(TOKENIZER_CONFIG);
        Path templateFile = dir.resolve(TEMPLATE_FILE);
        try {
            JsonNode c = Files.isRegularFile(configFile) ? JSON.readTree(configFile.toFile()) : JSON.createObjectNode();
            String template = Files.isRegularFile(templateFile)
                    ? Files.readString(templateFile)
                    : template(c.get("chat_template"), configFile);
            return new ChatConfig(template, token(c.get("bos_token")), token(c.get("eos_token")));
        } catch (IOException e) {
            throw new InvalidBundleException("cannot read the chat fields of " + dir + ": " + e.getMessage(), e);
        }
    }

    private static String template(JsonNode t, Path file) {
        if (t == null || t.isNull()) {
            return null;
        }
        if (t.isTextual()) {
            return t.asText();
        }
        if (t.isArray()) {
            List<String> names = new ArrayList<>();
            for (JsonNode named : t) {
                if ("default".equals(named.path("name").asText())) {
                    return named.path("template").asText();
                }
                names.add(named.path("name").asText());
            }
            throw new InvalidBundleException(
                    file + ": chat_template lists " + names + " but none is named \"default\", the one chat uses");
        }
        throw new InvalidBundleException(file + ": chat_template must be a string or a list of {name, template}");
    }

    private static String token(JsonNode t) {
        if (t == null || t.isNull()) {
            return "";
        }
        return t.isObject() ? t.path("content").asText("") : t.asText();
    }
}
