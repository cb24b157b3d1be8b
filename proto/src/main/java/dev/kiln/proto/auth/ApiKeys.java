package dev.kiln.proto.auth;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The API keys a service accepts, read from {@code kiln.auth.api-keys-file}: one key per line,
 * {@code key scope[,scope]} (scopes {@code generate}, {@code admin}), blank lines and lines
 * starting with {@code #} ignored. Any other line fails start-up, named by file:line (never with
 * the key in the message).
 *
 * <p>Only SHA-256 digests of the keys are kept. A presented key is digested and compared with
 * every known digest through {@link MessageDigest#isEqual} (constant time, and digests have one
 * length, so neither the content nor the length of a key leaks through timing). The key id shown
 * in logs and metrics is the first 8 hex digits of the digest.
 */
public final class ApiKeys {

    /** Shorter keys are guessable; 16 characters is the floor, generated keys should be longer. */
    public static final int MIN_KEY_LENGTH = 16;

    private static final String BEARER = "bearer ";

    private record Entry(byte[] digest, ApiKey key) {}

    private final List<Entry> entries;

    private ApiKeys(List<Entry> entries) {
        this.entries = List.copyOf(entries);
    }

    /** Reads {@code file}; an unreadable file or a malformed line is an {@link ApiKeyFileException}. */
    public static ApiKeys load(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ApiKeyFileException(
                    "cannot read the API key file " + file + " (kiln.auth.api-keys-file): " + e, e);
        }
        return parse(file.toString(), lines);
    }

    /** Parses key-file lines; {@code source} names them in messages. */
    public static ApiKeys parse(String source, List<String> lines) {
        List<Entry> entries = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String where = source + ":" + (i + 1);
            String[] parts = line.split("\\s+");
            if (parts.length != 2) {
                throw new ApiKeyFileException(where + ": expected 'key scope[,scope]' (scopes: generate, admin)");
            }
            if (parts[0].length() < MIN_KEY_LENGTH) {
                throw new ApiKeyFileException(where + ": the key is shorter than " + MIN_KEY_LENGTH + " characters");
            }
            Set<Scope> scopes = EnumSet.noneOf(Scope.class);
            for (String label : parts[1].split(",")) {
                try {
                    scopes.add(Scope.of(label.strip()));
                } catch (IllegalArgumentException e) {
                    throw new ApiKeyFileException(where + ": " + e.getMessage());
                }
            }
            byte[] digest = sha256(parts[0]);
            for (Entry e : entries) {
                if (MessageDigest.isEqual(e.digest(), digest)) {
                    throw new ApiKeyFileException(where + ": the same key is listed twice");
                }
            }
            entries.add(new Entry(digest, new ApiKey(idOf(digest), scopes)));
        }
        if (entries.isEmpty()) {
            throw new ApiKeyFileException(source + ": no keys (lines 'key scope[,scope]')");
        }
        return new ApiKeys(entries);
    }

    /** The key id for logs and metrics: 8 hex digits of the key's SHA-256. */
    public static String idOf(String key) {
        return idOf(sha256(key));
    }

    public int size() {
        return entries.size();
    }

    /**
     * The verdict for an {@code Authorization} value ({@code Bearer <key>}, as gRPC metadata or
     * an HTTP header; null when absent) on something that needs {@code required}.
     */
    public Access check(String authorization, Scope required) {
        if (authorization == null || authorization.isBlank()) {
            return Access.unauthenticated("an API key is required: send the header 'authorization: Bearer <key>'");
        }
        if (!authorization.toLowerCase(Locale.ROOT).startsWith(BEARER)) {
            return Access.unauthenticated("the authorization header must be 'Bearer <key>'");
        }
        ApiKey key = find(authorization.substring(BEARER.length()).strip());
        if (key == null) {
            return Access.unauthenticated("the API key is not valid: send a key from kiln.auth.api-keys-file as "
                    + "'authorization: Bearer <key>'");
        }
        if (!key.allows(required)) {
            return Access.denied(
                    key, "API key " + key.id() + " lacks the '" + required.label() + "' scope this call needs");
        }
        return Access.granted(key);
    }

    /** The key matching {@code presented}, or null; every known key is compared, in constant time. */
    ApiKey find(String presented) {
        byte[] digest = sha256(presented);
        ApiKey found = null;
        for (Entry e : entries) {
            if (MessageDigest.isEqual(e.digest(), digest)) {
                found = e.key();
            }
        }
        return found;
    }

    private static String idOf(byte[] digest) {
        return HexFormat.of().formatHex(digest, 0, 4);
    }

    private static byte[] sha256(String key) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
