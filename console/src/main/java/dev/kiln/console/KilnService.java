package dev.kiln.console;

/** The four services the console talks to, by the name of their gRPC client in the configuration. */
public enum KilnService {
    TOKENIZER("tokenizer", "tokenizer"),
    CORPUS("corpus", "corpus"),
    TRAINER("trainer", "trainer"),
    GATEWAY("gateway", "inference gateway");

    /** {@code quarkus.grpc.clients.<client>.*} configures the channel (host, port, TLS). */
    final String client;
    /** As users know it in messages. */
    final String label;

    KilnService(String client, String label) {
        this.client = client;
        this.label = label;
    }
}
