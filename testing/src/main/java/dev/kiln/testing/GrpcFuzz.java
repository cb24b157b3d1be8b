package dev.kiln.testing;

import com.google.protobuf.Descriptors.MethodDescriptor;
import com.google.protobuf.Descriptors.ServiceDescriptor;
import com.google.protobuf.DynamicMessage;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.protobuf.ProtoUtils;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.StreamObserver;
import java.net.URL;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.Assertions;

/**
 * Sends random and hostile requests ({@link HostileMessages}) to every method of a gRPC service
 * over a real channel, through its descriptor (no generated stub), and records the status of each
 * answer. A server's deliberate answers are OK or a status it chose; UNKNOWN and INTERNAL mean an
 * exception nobody mapped, and {@link #run()} returns those. Streaming calls send a few messages
 * and read what comes back until the server ends the call or the deadline does.
 *
 * <p>A service's fuzz test is {@link #onServer} around one or more {@link #assertDeliberate} calls;
 * the seed and the number of tries come from {@code -Dkiln.fuzz.seed} and {@code -Dkiln.fuzz.tries}
 * so a failure seen in CI replays, and other seeds can be explored, without editing a test.
 */
public final class GrpcFuzz {

    /** A request that came back with an undeliberate status. */
    public record Failure(String method, Status.Code code, String description, String request) {
        @Override
        public String toString() {
            return method + " → " + code + " (" + description + ") for " + request;
        }
    }

    private static final Set<Status.Code> UNDELIBERATE = Set.of(Status.Code.UNKNOWN, Status.Code.INTERNAL);
    private static final long DEFAULT_SEED = 20_261_204L;

    /** What a fuzz test does with its channel; may throw, like the test around it. */
    @FunctionalInterface
    public interface ChannelWork {
        void run(Channel channel) throws Exception;
    }

    private final Channel channel;
    private final ServiceDescriptor service;
    private final long seed;
    private final int tries;
    private final Duration deadline;
    private final List<String> words;
    private final Predicate<MethodDescriptor> methods;
    private final Map<Status.Code, Integer> codes = new EnumMap<>(Status.Code.class);

    /**
     * @param words   strings the service knows (names it serves), mixed into the requests
     * @param methods which methods to call (all but those whose success would start unbounded work)
     */
    public GrpcFuzz(
            Channel channel,
            ServiceDescriptor service,
            long seed,
            int tries,
            Duration deadline,
            List<String> words,
            Predicate<MethodDescriptor> methods) {
        this.channel = channel;
        this.service = service;
        this.seed = seed;
        this.tries = tries;
        this.deadline = deadline;
        this.words = words;
        this.methods = methods;
    }

    /** The seed of this run: {@code -Dkiln.fuzz.seed}, else a fixed one so CI is reproducible. */
    public static long configuredSeed() {
        return Long.getLong("kiln.fuzz.seed", DEFAULT_SEED);
    }

    /** {@code -Dkiln.fuzz.tries}, else the test's own default (sized to keep the suite fast). */
    public static int configuredTries(int fallback) {
        return Integer.getInteger("kiln.fuzz.tries", fallback);
    }

    /**
     * Runs {@code work} over a plaintext channel to the server at {@code base} (its HTTP root, where
     * gRPC is served too), closes the channel, and then requires the server to still answer
     * SERVING: a fuzz that crashed or wedged the service fails here even if every answer was fine.
     */
    public static void onServer(URL base, ChannelWork work) throws Exception {
        ManagedChannel channel = ManagedChannelBuilder.forAddress(base.getHost(), base.getPort())
                .usePlaintext()
                .maxInboundMessageSize(64 << 20)
                .build();
        try {
            work.run(channel);
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
        ManagedChannel health = ManagedChannelBuilder.forAddress(base.getHost(), base.getPort())
                .usePlaintext()
                .build();
        try {
            Assertions.assertEquals(
                    HealthCheckResponse.ServingStatus.SERVING,
                    HealthGrpc.newBlockingStub(health)
                            .withDeadlineAfter(10, TimeUnit.SECONDS)
                            .check(HealthCheckRequest.getDefaultInstance())
                            .getStatus(),
                    "health after the fuzz");
        } finally {
            health.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    /**
     * Runs every try and fails, naming the seed, the codes seen and each undeliberate answer, when
     * any answer was UNKNOWN or INTERNAL, or when one of {@code mustSee} never came back — the
     * proof that the random requests got past validation into the service's real work.
     */
    public void assertDeliberate(Status.Code... mustSee) {
        List<Failure> failures = run();
        Assertions.assertEquals(
                List.of(),
                failures,
                () -> "seed " + seed + "; status codes seen " + codes() + "; undeliberate answers");
        List<Status.Code> missing =
                Arrays.stream(mustSee).filter(code -> !codes.containsKey(code)).toList();
        Assertions.assertEquals(
                List.of(), missing, () -> "seed " + seed + "; status codes seen " + codes() + "; never answered");
    }

    /** Runs every try, methods in turn; returns the undeliberate answers (empty when all is well). */
    public List<Failure> run() {
        HostileMessages messages = new HostileMessages(new Random(seed), words);
        List<MethodDescriptor> targets =
                service.getMethods().stream().filter(methods).toList();
        if (targets.isEmpty()) {
            throw new IllegalArgumentException("no method of " + service.getFullName() + " to call");
        }
        List<Failure> failures = new ArrayList<>();
        for (int i = 0; i < tries; i++) {
            MethodDescriptor method = targets.get(i % targets.size());
            List<DynamicMessage> requests = new ArrayList<>();
            int count = method.isClientStreaming() ? messages.nextCount() : 1;
            for (int m = 0; m < count; m++) {
                requests.add(messages.next(method.getInputType()));
            }
            Status status = call(method, requests);
            codes.merge(status.getCode(), 1, Integer::sum);
            if (UNDELIBERATE.contains(status.getCode())) {
                failures.add(
                        new Failure(method.getName(), status.getCode(), status.getDescription(), shorten(requests)));
            }
        }
        return failures;
    }

    /** How many answers had each status code: shows the fuzz reached past validation. */
    public Map<Status.Code, Integer> codes() {
        return Map.copyOf(codes);
    }

    public long seed() {
        return seed;
    }

    private Status call(MethodDescriptor method, List<DynamicMessage> requests) {
        io.grpc.MethodDescriptor<DynamicMessage, DynamicMessage> md = grpcMethod(method);
        CallOptions options = CallOptions.DEFAULT.withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS);
        try {
            if (!method.isClientStreaming()) {
                if (!method.isServerStreaming()) {
                    ClientCalls.blockingUnaryCall(channel, md, options, requests.get(0));
                } else {
                    Iterator<DynamicMessage> answers =
                            ClientCalls.blockingServerStreamingCall(channel, md, options, requests.get(0));
                    while (answers.hasNext()) {
                        answers.next();
                    }
                }
                return Status.OK;
            }
            CompletableFuture<Status> done = new CompletableFuture<>();
            StreamObserver<DynamicMessage> answers = new StreamObserver<>() {
                @Override
                public void onNext(DynamicMessage value) {}

                @Override
                public void onError(Throwable t) {
                    done.complete(Status.fromThrowable(t));
                }

                @Override
                public void onCompleted() {
                    done.complete(Status.OK);
                }
            };
            StreamObserver<DynamicMessage> out = method.isServerStreaming()
                    ? ClientCalls.asyncBidiStreamingCall(channel.newCall(md, options), answers)
                    : ClientCalls.asyncClientStreamingCall(channel.newCall(md, options), answers);
            for (DynamicMessage request : requests) {
                out.onNext(request);
            }
            out.onCompleted();
            return done.get(deadline.toMillis() + 5_000, TimeUnit.MILLISECONDS);
        } catch (StatusRuntimeException e) {
            return e.getStatus();
        } catch (Exception e) {
            return Status.UNKNOWN.withDescription("client side: " + e).withCause(e);
        }
    }

    private io.grpc.MethodDescriptor<DynamicMessage, DynamicMessage> grpcMethod(MethodDescriptor method) {
        io.grpc.MethodDescriptor.MethodType type;
        if (method.isClientStreaming()) {
            type = method.isServerStreaming()
                    ? io.grpc.MethodDescriptor.MethodType.BIDI_STREAMING
                    : io.grpc.MethodDescriptor.MethodType.CLIENT_STREAMING;
        } else {
            type = method.isServerStreaming()
                    ? io.grpc.MethodDescriptor.MethodType.SERVER_STREAMING
                    : io.grpc.MethodDescriptor.MethodType.UNARY;
        }
        return io.grpc.MethodDescriptor.<DynamicMessage, DynamicMessage>newBuilder()
                .setType(type)
                .setFullMethodName(
                        io.grpc.MethodDescriptor.generateFullMethodName(service.getFullName(), method.getName()))
                .setRequestMarshaller(ProtoUtils.marshaller(DynamicMessage.getDefaultInstance(method.getInputType())))
                .setResponseMarshaller(ProtoUtils.marshaller(DynamicMessage.getDefaultInstance(method.getOutputType())))
                .build();
    }

    private static String shorten(List<DynamicMessage> requests) {
        String text = requests.toString();
        return text.length() > 600 ? text.substring(0, 600) + "… (" + text.length() + " chars)" : text;
    }
}
