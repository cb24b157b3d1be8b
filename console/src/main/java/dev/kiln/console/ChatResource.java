package dev.kiln.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.grpc.Status;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.annotation.PostConstruct;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.Optional;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.resteasy.reactive.RestHeader;

/**
 * The playground's chat tab, over the gateway's OpenAI-compatible {@code /v1/chat/completions}
 * (its chat template and stop rules live there, not here). The request is passed on with
 * {@code stream: true} and the key as {@code Authorization: Bearer}; each chunk the gateway sends
 * becomes a {@code message} event, an HTTP error an {@code error} event with the gateway's message.
 */
@Path("/api/chat")
public class ChatResource {

    @Inject
    ServiceChannels channels;

    @Inject
    ObjectMapper json;

    /** The gateway's HTTP address: its gRPC port serves HTTP too. */
    @ConfigProperty(name = "kiln.console.gateway-http-url")
    URI gatewayUrl;

    /** CA (PEM) to trust for an https gateway URL; unset: the JVM's trust store. */
    @ConfigProperty(name = "kiln.console.gateway-http-ca")
    Optional<java.nio.file.Path> gatewayCa;

    private HttpClient http;

    @PostConstruct
    void connect() {
        HttpClient.Builder builder = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5));
        gatewayCa.ifPresent(ca -> builder.sslContext(trusting(ca)));
        http = builder.build();
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.SERVER_SENT_EVENTS)
    public Multi<OutboundSseEvent> chat(
            @RestHeader(ServiceChannels.API_KEY_HEADER) String key, String body, @Context Sse sse) throws IOException {
        JsonNode request = json.readTree(body == null || body.isBlank() ? "{}" : body);
        if (!(request instanceof ObjectNode object) || !request.path("messages").isArray()) {
            throw new IllegalArgumentException("messages: a chat request needs a list of {role, content} messages");
        }
        object.put("stream", true);
        HttpRequest.Builder call = HttpRequest.newBuilder(gatewayUrl.resolve("/v1/chat/completions"))
                .header("Content-Type", MediaType.APPLICATION_JSON)
                .POST(HttpRequest.BodyPublishers.ofString(json.writeValueAsString(object)));
        String bearer = channels.key(key);
        if (bearer != null) {
            call.header("Authorization", "Bearer " + bearer);
        }
        Multi<String> chunks = Multi.createFrom()
                .completionStage(() -> http.sendAsync(call.build(), HttpResponse.BodyHandlers.ofLines()))
                .onItem()
                .transformToMultiAndConcatenate(this::chunks)
                .runSubscriptionOn(Infrastructure.getDefaultWorkerPool())
                .onFailure(IOException.class)
                .transform(e -> Status.UNAVAILABLE
                        .withDescription("cannot reach the inference gateway at " + gatewayUrl + " (" + e
                                + "); set kiln.console.gateway-http-url")
                        .asRuntimeException());
        return EventStreams.sse(sse, chunks);
    }

    /** The {@code data:} payloads of the gateway's stream, up to {@code [DONE]}; an HTTP error fails the stream. */
    private Multi<String> chunks(HttpResponse<Stream<String>> response) {
        if (response.statusCode() != 200) {
            String body = String.join("\n", response.body().toList());
            return Multi.createFrom()
                    .failure(codeOf(response.statusCode())
                            .withDescription(
                                    "the gateway answered HTTP " + response.statusCode() + ": " + message(body))
                            .asRuntimeException());
        }
        Stream<String> lines = response.body();
        return Multi.createFrom()
                .items(() -> lines.filter(l -> l.startsWith("data:"))
                        .map(l -> l.substring(5).strip())
                        .takeWhile(d -> !d.equals("[DONE]")))
                .onTermination()
                .invoke(lines::close);
    }

    /** The gateway answers OpenAI's HTTP statuses, which it derives from the gRPC codes. */
    private static Status codeOf(int httpStatus) {
        return switch (httpStatus) {
            case 400 -> Status.INVALID_ARGUMENT;
            case 401 -> Status.UNAUTHENTICATED;
            case 403 -> Status.PERMISSION_DENIED;
            case 404 -> Status.NOT_FOUND;
            case 409 -> Status.ALREADY_EXISTS;
            case 429 -> Status.RESOURCE_EXHAUSTED;
            case 503 -> Status.UNAVAILABLE;
            case 504 -> Status.DEADLINE_EXCEEDED;
            default -> Status.UNKNOWN;
        };
    }

    /** OpenAI's error body: {"error": {"message": ...}}. */
    private String message(String body) {
        try {
            JsonNode message = json.readTree(body).path("error").path("message");
            return message.isTextual() ? message.asText() : body;
        } catch (IOException e) {
            return body;
        }
    }

    private static SSLContext trusting(java.nio.file.Path caPem) {
        try (InputStream in = Files.newInputStream(caPem)) {
            KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
            trust.load(null, null);
            int i = 0;
            for (Certificate ca : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                trust.setCertificateEntry("ca-" + i++, ca);
            }
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(trust);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, factory.getTrustManagers(), null);
            return context;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException(
                    "kiln.console.gateway-http-ca: cannot read " + caPem + ": " + e.getMessage(), e);
        }
    }
}
