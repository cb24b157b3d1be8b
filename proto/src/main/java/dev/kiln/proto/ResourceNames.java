package dev.kiln.proto;

import java.util.regex.Pattern;

/**
 * The one naming rule for what clients name and Kiln stores: encodings, runs and models. A name
 * becomes a file or directory name on the server, so it is 1–64 characters of ASCII letters,
 * digits, '_', '.' and '-', starting with a letter or digit (no separators, no "..", nothing a
 * shell or a CLI would read as an option). The rule is stated for clients in the .proto files.
 */
public final class ResourceNames {

    public static final int MAX_LENGTH = 64;

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0," + (MAX_LENGTH - 1) + "}");

    private ResourceNames() {}

    public static boolean isValid(String name) {
        return name != null && NAME.matcher(name).matches();
    }

    /**
     * {@code name} if it follows the rule, else an {@link IllegalArgumentException} (INVALID_ARGUMENT
     * in every service) naming the field and the rule.
     */
    public static String require(String field, String name) {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException(field + " is required");
        }
        if (!isValid(name)) {
            String shown = name.length() > 80 ? name.substring(0, 80) + "…" : name;
            throw new IllegalArgumentException(field + " '" + shown + "' is not a valid name: use 1-" + MAX_LENGTH
                    + " characters of letters, digits, '_', '.' and '-', starting with a letter or digit");
        }
        return name;
    }
}
