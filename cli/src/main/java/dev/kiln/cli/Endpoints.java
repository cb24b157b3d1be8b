package dev.kiln.cli;

import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * Where each service listens. The options are inherited by every subcommand, so
 * {@code kiln tokenize --tokenizer host:1234 ...} works as well as {@code kiln --tokenizer ... tokenize}.
 */
public final class Endpoints {

    /** A Kiln service, named as users know it in messages. */
    public enum Service {
        TOKENIZER("tokenizer"),
        CORPUS("corpus"),
        TRAINER("trainer"),
        GATEWAY("inference gateway");

        final String label;

        Service(String label) {
            this.label = label;
        }
    }

    @Option(
            names = "--tokenizer",
            paramLabel = "HOST:PORT",
            scope = ScopeType.INHERIT,
            defaultValue = "${env:KILN_TOKENIZER:-localhost:9101}",
            description = "Tokenizer service (env KILN_TOKENIZER). Default: ${DEFAULT-VALUE}.")
    String tokenizer;

    @Option(
            names = "--corpus",
            paramLabel = "HOST:PORT",
            scope = ScopeType.INHERIT,
            defaultValue = "${env:KILN_CORPUS:-localhost:9102}",
            description = "Corpus service (env KILN_CORPUS). Default: ${DEFAULT-VALUE}.")
    String corpus;

    @Option(
            names = "--trainer",
            paramLabel = "HOST:PORT",
            scope = ScopeType.INHERIT,
            defaultValue = "${env:KILN_TRAINER:-localhost:9103}",
            description = "Trainer service (env KILN_TRAINER). Default: ${DEFAULT-VALUE}.")
    String trainer;

    @Option(
            names = "--gateway",
            paramLabel = "HOST:PORT",
            scope = ScopeType.INHERIT,
            defaultValue = "${env:KILN_GATEWAY:-localhost:9104}",
            description = "Inference gateway (env KILN_GATEWAY). Default: ${DEFAULT-VALUE}.")
    String gateway;

    @Option(
            names = "--api-key",
            paramLabel = "KEY",
            scope = ScopeType.INHERIT,
            defaultValue = "${env:KILN_API_KEY}",
            description = "API key sent as 'authorization: Bearer <key>' (env KILN_API_KEY); needed when the "
                    + "service runs with kiln.auth.enabled=true.")
    String apiKey;

    String address(Service service) {
        return switch (service) {
            case TOKENIZER -> tokenizer;
            case CORPUS -> corpus;
            case TRAINER -> trainer;
            case GATEWAY -> gateway;
        };
    }

    ServiceChannel open(Service service) {
        return new ServiceChannel(service, address(service), apiKey);
    }
}
