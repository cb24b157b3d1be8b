package dev.kiln.inference.core.text;

import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.file.Path;

import dev.kiln.inference.core.model.InvalidBundleException;
import dev.kiln.tokenizer.Encoding;

/**
 * Reads a Hugging Face tokenizer.json through tokenizer-core's loader. The loader is being
 * written at the same time as this gateway, so it is looked up by name: until it exists, a
 * bundle with only tokenizer.json is rejected with a clear message.
 */
final class HfTokenizerSupport {
    private static final String[] CANDIDATES = {"dev.kiln.tokenizer.HuggingFaceTokenizerJson",
            "dev.kiln.tokenizer.HfTokenizerJson", "dev.kiln.tokenizer.TokenizerJson"};

    private HfTokenizerSupport() {
    }

    static Encoding load(Path file) throws IOException {
        for (String cn : CANDIDATES) {
            try {
                Class<?> c = Class.forName(cn);
                for (Method m : c.getMethods()) {
                    if (java.lang.reflect.Modifier.isStatic(m.getModifiers()) && m.getReturnType() == Encoding.class
                            && m.getParameterCount() == 1 && m.getParameterTypes()[0] == Path.class) {
                        return (Encoding) m.invoke(null, file);
                    }
                }
            } catch (ClassNotFoundException ignored) {
                // try the next name
            } catch (ReflectiveOperationException e) {
                Throwable cause = e.getCause() == null ? e : e.getCause();
                throw new InvalidBundleException("cannot read " + file + ": " + cause.getMessage(), cause);
            }
        }
        throw new InvalidBundleException("tokenizer.json is not readable by this build's tokenizer-core; "
                + "ship <name>.tiktoken + tokenizer_config.json in the bundle instead");
    }
}
