package dev.kiln.cli;

import io.grpc.ChannelCredentials;
import io.grpc.InsecureChannelCredentials;
import io.grpc.TlsChannelCredentials;
import java.io.IOException;
import java.nio.file.Path;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/**
 * Where each service listens and how to reach it (plaintext, TLS, mTLS). The options are inherited by every subcommand, so
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

    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

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

    @Option(
            names = "--tls",
            scope = ScopeType.INHERIT,
            defaultValue = "${env:KILN_TLS:-false}",
            description = "Talk TLS (env KILN_TLS=true). Implied by --ca and --cert.")
    boolean tls;

    @Option(
            names = "--ca",
            paramLabel = "PEM",
            scope = ScopeType.INHERIT,
            defaultValue = "${env:KILN_CA}",
            description = "CA certificate(s) to trust instead of the system's (env KILN_CA).")
    Path ca;

    @Option(
            names = "--cert",
            paramLabel = "PEM",
            scope = ScopeType.INHERIT,
            defaultValue = "${env:KILN_CERT}",
            description = "Client certificate chain for mTLS, with --key (env KILN_CERT).")
    Path cert;

    @Option(
            names = "--key",
            paramLabel = "PEM",
            scope = ScopeType.INHERIT,
            defaultValue = "${env:KILN_KEY}",
            description = "Private key (PKCS#8 PEM) of --cert (env KILN_KEY).")
    Path key;

    String address(Service service) {
        return switch (service) {
            case TOKENIZER -> tokenizer;
            case CORPUS -> corpus;
            case TRAINER -> trainer;
            case GATEWAY -> gateway;
        };
    }

    ServiceChannel open(Service service) {
        return new ServiceChannel(service, address(service), credentials(), apiKey);
    }

    /** Plaintext unless a TLS option is given; the CA and client certificate are read per command. */
    ChannelCredentials credentials() {
        if ((cert == null) != (key == null)) {
            throw new ParameterException(
                    spec.commandLine(), "--cert and --key go together (env KILN_CERT and KILN_KEY)");
        }
        if (!tls && ca == null && cert == null) {
            return InsecureChannelCredentials.create();
        }
        try {
            TlsChannelCredentials.Builder builder = TlsChannelCredentials.newBuilder();
            if (ca != null) {
                builder.trustManager(ca.toFile());
            }
            if (cert != null) {
                builder.keyManager(cert.toFile(), key.toFile());
            }
            return builder.build();
        } catch (IOException | IllegalArgumentException e) {
            throw new ParameterException(
                    spec.commandLine(), "cannot read the TLS files (--ca, --cert, --key): " + e.getMessage(), e);
        }
    }
}
