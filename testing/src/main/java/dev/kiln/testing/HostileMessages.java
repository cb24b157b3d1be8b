package dev.kiln.testing;

import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.EnumDescriptor;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.DynamicMessage;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Random protobuf messages of any type, built from its descriptor, with the values that break
 * servers: huge and empty strings, path traversal and separators, control characters, lone
 * surrogates, special-token text, catastrophic regexes, invalid UTF-8 in bytes fields, negative and
 * extreme numbers, NaN, unknown enum numbers, long repeated fields, nested messages, and often
 * nothing at all. A seeded {@link Random} makes every message reproducible.
 *
 * <p>Strings never carry invalid UTF-8: protobuf's own parser would refuse the frame before the
 * service sees it, which tests gRPC, not Kiln.
 */
public final class HostileMessages {

    private static final int MAX_DEPTH = 4;
    /** Characters and bytes one message may carry in strings and bytes: past gRPC's 4 MiB, not far. */
    private static final int BUDGET = 6 << 20;

    private static final List<String> HOSTILE_STRINGS = List.of(
            "",
            " ",
            "a",
            "../../../../etc/passwd",
            "/etc/passwd",
            "..",
            ".",
            "a/b",
            "a\\b",
            "C:\\Windows\\system32",
            "%2e%2e%2f%2e%2e%2f",
            "/dev/zero",
            "/proc/self/environ",
            "\u0000",
            "nul\u0000byte",
            "\u0007\u001b[31mred\u001b[0m",
            "\r\n\r\n",
            "line\nbreak",
            "\uD83C", // a lone surrogate: protobuf writes it as '?'
            "\uFEFF\u200B\u202E",
            "<|endoftext|>",
            "<|im_start|>system",
            "(a+)+$",
            "(?<=a)b",
            "[",
            "${jndi:ldap://127.0.0.1/x}",
            "%s%n%x%d",
            "-rf",
            "--help",
            "null",
            "NaN",
            "-1",
            "99999999999999999999",
            "\uD835\uDD18\uD835\uDD2B\uD835\uDD26\uD835\uDD20\uD835\uDD2C\uD835\uDD21\uD835\uDD22",
            "🎉".repeat(1000),
            "x".repeat(100_000),
            "y".repeat(1 << 20));

    private static final List<byte[]> HOSTILE_BYTES = List.of(
            new byte[0],
            new byte[] {(byte) 0xC3, 0x28},
            new byte[] {(byte) 0xFF, (byte) 0xFE, (byte) 0xFD},
            new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80},
            new byte[] {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80},
            new byte[] {0, 0, 0, 0},
            new byte[] {(byte) 0x80});

    private static final long[] EXTREME_LONGS = {
        0, 1, -1, 2, 3, 7, 64, 1000, -1000, Integer.MAX_VALUE, Integer.MIN_VALUE, Long.MAX_VALUE, Long.MIN_VALUE
    };
    private static final double[] EXTREME_DOUBLES = {
        0, -0.0, 1, -1, 0.5, 2, 1e-30, 1e30, -1e30, Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY
    };

    private final Random random;
    private final List<String> words;
    private int budget;

    /**
     * @param random the source of every choice (seed it to reproduce a failure)
     * @param words  strings the service knows (names of encodings, models, runs …), mixed in so
     *               that requests get past name checks and reach deeper code
     */
    public HostileMessages(Random random, List<String> words) {
        this.random = random;
        this.words = List.copyOf(words);
    }

    /** A random message of the type; about one in eight is empty. */
    public DynamicMessage next(Descriptor type) {
        budget = BUDGET;
        return message(type, 0);
    }

    /** How many messages a client stream sends: none, a few, or rarely many. */
    public int nextCount() {
        int roll = random.nextInt(10);
        return roll == 0 ? 0 : roll == 9 ? 50 : roll;
    }

    private DynamicMessage message(Descriptor type, int depth) {
        DynamicMessage.Builder b = DynamicMessage.newBuilder(type);
        if (random.nextInt(8) == 0 || depth >= MAX_DEPTH) {
            return b.build();
        }
        for (FieldDescriptor field : type.getFields()) {
            if (random.nextInt(3) == 0) {
                continue;
            }
            if (field.isRepeated()) {
                int count = repeatCount(field);
                for (int i = 0; i < count; i++) {
                    b.addRepeatedField(field, value(field, depth));
                }
            } else {
                b.setField(field, value(field, depth));
            }
        }
        return b.build();
    }

    private int repeatCount(FieldDescriptor field) {
        int roll = random.nextInt(20);
        if (roll == 0) {
            // Deeply repeated: many scalars, or fewer (still many) messages.
            return field.getJavaType() == FieldDescriptor.JavaType.MESSAGE ? 200 : 20_000;
        }
        return roll < 6 ? 0 : 1 + random.nextInt(4);
    }

    private Object value(FieldDescriptor field, int depth) {
        return switch (field.getJavaType()) {
            case STRING -> string();
            case BYTE_STRING -> bytes();
            case BOOLEAN -> random.nextBoolean();
            case INT -> (int) integer();
            case LONG -> integer();
            case FLOAT -> (float) decimal();
            case DOUBLE -> decimal();
            case ENUM -> enumValue(field.getEnumType());
            case MESSAGE -> message(field.getMessageType(), depth + 1);
        };
    }

    private String string() {
        String s = anyString();
        if (s.length() > budget) {
            return "a";
        }
        budget -= s.length();
        return s;
    }

    private String anyString() {
        int roll = random.nextInt(10);
        if (roll < 4 && !words.isEmpty()) {
            return words.get(random.nextInt(words.size()));
        }
        if (roll < 8) {
            return HOSTILE_STRINGS.get(random.nextInt(HOSTILE_STRINGS.size()));
        }
        StringBuilder s = new StringBuilder();
        int length = random.nextInt(64);
        while (s.length() < length) {
            int cp = random.nextInt(4) == 0 ? random.nextInt(0x80) : random.nextInt(0x10FFFF);
            if (cp < 0xD800 || cp > 0xDFFF) {
                s.appendCodePoint(cp);
            }
        }
        return s.toString();
    }

    private ByteString bytes() {
        int roll = random.nextInt(10);
        if (roll < 5) {
            return ByteString.copyFrom(HOSTILE_BYTES.get(random.nextInt(HOSTILE_BYTES.size())));
        }
        int length = roll == 9 ? 1 << 20 : random.nextInt(512);
        if (length > budget) {
            length = 0;
        }
        budget -= length;
        byte[] b = new byte[length];
        random.nextBytes(b);
        return ByteString.copyFrom(b);
    }

    private long integer() {
        return random.nextInt(4) == 0 ? random.nextLong() : EXTREME_LONGS[random.nextInt(EXTREME_LONGS.length)];
    }

    private double decimal() {
        return random.nextInt(4) == 0
                ? random.nextGaussian() * 1e3
                : EXTREME_DOUBLES[random.nextInt(EXTREME_DOUBLES.length)];
    }

    private Object enumValue(EnumDescriptor type) {
        if (!type.isClosed() && random.nextInt(4) == 0) {
            return type.findValueByNumberCreatingIfUnknown(1000 + random.nextInt(1000));
        }
        List<EnumValueDescriptor> values = new ArrayList<>(type.getValues());
        return values.get(random.nextInt(values.size()));
    }
}
