package dev.kiln.proto.kafka;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * The standard Kafka client settings an operator gives a service as {@code kafka.<client key>}
 * (e.g. {@code kafka.security.protocol=SSL}, {@code kafka.ssl.truststore.location},
 * {@code kafka.sasl.jaas.config}) or as environment variables ({@code KAFKA_SECURITY_PROTOCOL}), passed
 * through to every producer and consumer a service builds. Kafka's own keys contain only dots, so the
 * environment form maps back exactly.
 */
public final class KafkaClientProperties {

    private static final String PREFIX = "kafka.";
    private static final String ENV_PREFIX = "KAFKA_";

    private KafkaClientProperties() {}

    /**
     * Every {@code kafka.*} setting among {@code names} with the prefix removed, its value read through
     * {@code value} (the configuration, which resolves the environment form too).
     */
    public static Map<String, String> from(Iterable<String> names, Function<String, Optional<String>> value) {
        Map<String, String> properties = new TreeMap<>();
        for (String name : names) {
            String key = clientKey(name);
            if (key != null) {
                value.apply(PREFIX + key).ifPresent(v -> properties.put(key, v));
            }
        }
        return properties;
    }

    private static String clientKey(String name) {
        if (name.startsWith(PREFIX) && name.length() > PREFIX.length()) {
            return name.substring(PREFIX.length());
        }
        if (name.startsWith(ENV_PREFIX) && name.length() > ENV_PREFIX.length()) {
            return name.substring(ENV_PREFIX.length()).toLowerCase(Locale.ROOT).replace('_', '.');
        }
        return null;
    }
}
