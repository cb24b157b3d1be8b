package dev.kiln.inference.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.inference.engine.ContinuousBatcher;
import dev.kiln.inference.testing.TestModelsResource;
import dev.kiln.proto.inference.v1.FinishReason;
import dev.kiln.proto.inference.v1.GenerateRequest;
import dev.kiln.proto.inference.v1.GenerateResponse;
import dev.kiln.proto.inference.v1.InferenceServiceGrpc;
import dev.kiln.proto.inference.v1.SamplingParams;
import dev.kiln.testing.KafkaTestResource;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.net.URL;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Slots and the queue with a batch of 2 and a queue of 1, on the "slow" model (a few ms per
 * token, 1000 tokens of budget): cancellation and deadlines free a slot at once, a full queue
 * answers RESOURCE_EXHAUSTED.
 */
@QuarkusTest
@TestProfile(SlotsGrpcTest.SmallBatch.class)
@QuarkusTestResource(TestModelsResource.class)
@QuarkusTestResource(KafkaTestResource.class)
class SlotsGrpcTest {

    public static class SmallBatch implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "kiln.inference.max-batch",
                    "2",
                    "kiln.inference.queue-capacity",
                    "1",
                    "kiln.inference.kafka.enabled",
                    "false");
        }
    }

    @TestHTTPResource("/")
    URL base;

    @Inject
    GatewayWiring wiring;

    ManagedChannel channel;
    final List<Running> started = new ArrayList<>();

    @AfterEach
    void cleanUp() throws Exception {
        started.forEach(r -> r.cancel());
        waitFor(() -> batcher().running() == 0 && batcher().queued() == 0, "everything cancelled");
        if (channel != null) {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    ContinuousBatcher batcher() {
        return wiring.registry().get("slow").batcher();
    }

    InferenceServiceGrpc.InferenceServiceStub stub() {
        if (channel == null) {
            channel = ManagedChannelBuilder.forAddress(base.getHost(), base.getPort())
                    .usePlaintext()
                    .build();
        }
        return InferenceServiceGrpc.newStub(channel);
    }

    /** A long generation that can be cancelled from the client side. */
    final class Running implements ClientResponseObserver<GenerateRequest, GenerateResponse> {
        final CountDownLatch firstToken = new CountDownLatch(1);
        final CompletableFuture<FinishReason> done = new CompletableFuture<>();
        volatile ClientCallStreamObserver<GenerateRequest> call;
        volatile int tokens;

        @Override
        public void beforeStart(ClientCallStreamObserver<GenerateRequest> requestStream) {
            call = requestStream;
        }

        @Override
        public void onNext(GenerateResponse r) {
            tokens += r.getTokenIdsCount();
            if (r.getTokenIdsCount() > 0) {
                firstToken.countDown();
            }
            if (r.getFinishReason() != FinishReason.FINISH_REASON_UNSPECIFIED) {
                done.complete(r.getFinishReason());
            }
        }

        @Override
        public void onError(Throwable t) {
            done.completeExceptionally(t);
        }

        @Override
        public void onCompleted() {
            done.complete(FinishReason.FINISH_REASON_UNSPECIFIED);
        }

        void cancel() {
            if (call != null) {
                call.cancel("test cancels", null);
            }
        }
    }

    static GenerateRequest longRequest() {
        return GenerateRequest.newBuilder()
                .setModel("slow")
                .setPrompt("a long story")
                .setMaxNewTokens(1000)
                .setSampling(SamplingParams.newBuilder().setTemperature(0f))
                .setIgnoreEos(true)
                .build();
    }

    Running start(InferenceServiceGrpc.InferenceServiceStub s) {
        Running r = new Running();
        started.add(r);
        s.generate(longRequest(), r);
        return r;
    }

    static void waitFor(BooleanSupplier c, String what) throws InterruptedException {
        long end = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!c.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("timed out waiting for: " + what);
            }
            Thread.sleep(5);
        }
    }

    @Test
    void aFullQueueAnswersResourceExhaustedAndCancellationFreesTheSlot() throws Exception {
        // One at a time: with a queue of one, b sent before the scheduler took a would be refused.
        Running a = start(stub());
        assertThat(a.firstToken.await(20, TimeUnit.SECONDS)).isTrue();
        Running b = start(stub());
        assertThat(b.firstToken.await(20, TimeUnit.SECONDS)).isTrue();
        waitFor(() -> batcher().running() == 2, "a and b run");
        Running c = start(stub());
        waitFor(() -> batcher().queued() == 1, "the third request waits in the queue");
        assertThat(c.tokens).isZero();

        Running d = start(stub());
        assertThatThrownBy(() -> d.done.get(20, TimeUnit.SECONDS))
                .hasCauseInstanceOf(StatusRuntimeException.class)
                .cause()
                .satisfies(e -> {
                    Status st = ((StatusRuntimeException) e).getStatus();
                    assertThat(st.getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
                    assertThat(st.getDescription()).contains("queue of model slow is full");
                });

        // cancelling a running request lets the queued one in at once, long before a or b could finish
        a.cancel();
        assertThat(c.firstToken.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(b.done).isNotDone();
        waitFor(() -> batcher().running() == 2, "b and c run");
        assertThat(batcher().queued()).isZero();

        // cancelling a queued request frees its queue place
        Running e = start(stub());
        waitFor(() -> batcher().queued() == 1, "e queued");
        e.cancel();
        waitFor(() -> batcher().queued() == 0, "e left the queue");
        assertThat(e.tokens).isZero();
    }

    @Test
    void aDeadlineStopsGenerationAndFreesTheSlot() throws Exception {
        Running warm = new Running();
        stub().generate(longRequest().toBuilder().setMaxNewTokens(3).build(), warm);
        warm.done.get(20, TimeUnit.SECONDS);
        Running r = new Running();
        started.add(r);
        stub().withDeadlineAfter(1500, TimeUnit.MILLISECONDS).generate(longRequest(), r);
        assertThatThrownBy(() -> r.done.get(20, TimeUnit.SECONDS))
                .cause()
                .isInstanceOfSatisfying(
                        StatusRuntimeException.class,
                        e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.DEADLINE_EXCEEDED));
        assertThat(r.tokens).isGreaterThan(0).isLessThan(1000);
        waitFor(() -> batcher().running() == 0, "the slot is free after the deadline");
    }
}
