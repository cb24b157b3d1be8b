package dev.kiln.testing;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * A Quarkus test profile with API keys on: a real key file in a temp directory holding
 * {@link #GENERATE} (scope generate), {@link #ADMIN} (scope admin) and {@link #BOTH}.
 */
public class ApiKeysProfile implements QuarkusTestProfile {
    public static final String GENERATE = "test-generate-key-0123456789";
    public static final String ADMIN = "test-admin-key-0123456789";
    public static final String BOTH = "test-both-key-0123456789";

    @Override
    public Map<String, String> getConfigOverrides() {
        try {
            Path file = Files.createTempFile("kiln-api-keys", ".txt");
            Files.writeString(
                    file, "# test keys\n" + GENERATE + " generate\n" + ADMIN + " admin\n" + BOTH + " admin,generate\n");
            return Map.of("kiln.auth.enabled", "true", "kiln.auth.api-keys-file", file.toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
